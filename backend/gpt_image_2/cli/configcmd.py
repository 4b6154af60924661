"""``config …`` and ``secret …``: thin clients of the config and secret routes."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from ..config.mutations import EDIT_REGION_MODES, validate_provider_name
from ..errors import AppError
from .client import ApiClient

__all__ = ["add_config_commands", "run_config", "run_secret"]

Event = Callable[[dict[str, Any]], None]


def add_config_commands(sub: Any) -> None:
    config = sub.add_parser("config", help="config.json and providers")
    csub = config.add_subparsers(dest="subcommand", required=True)
    csub.add_parser("path", help="config, history and jobs paths")
    csub.add_parser("inspect", help="the whole config, credentials redacted")
    csub.add_parser("list-providers", help="configured providers, redacted")
    add = csub.add_parser("add-provider", help="add or replace a provider")
    add.add_argument("--name", required=True)
    add.add_argument("--type", default="openai-compatible",
                     help="openai | openai-compatible | codex")
    add.add_argument("--api-base")
    add.add_argument("--endpoint", dest="provider_endpoint",
                     help="Codex responses endpoint (type codex)")
    add.add_argument("--model")
    add.add_argument("--api-key", dest="provider_api_key", help="stored as a file credential")
    add.add_argument("--api-key-env", help="read the key from this environment variable")
    add.add_argument("--account-id")
    add.add_argument("--access-token")
    add.add_argument("--refresh-token")
    add.add_argument("--supports-n", action="store_true", default=None)
    add.add_argument("--no-supports-n", action="store_true", default=None)
    add.add_argument("--edit-region-mode", choices=list(EDIT_REGION_MODES))
    add.add_argument("--set-default", action="store_true")
    for name, text in (("remove-provider", "remove a provider"),
                       ("set-default", "set default_provider (auto, openai, codex or a name)"),
                       ("test-provider", "probe a configured provider")):
        csub.add_parser(name, help=text).add_argument("name")

    secret = sub.add_parser("secret", help="provider credentials")
    ssub = secret.add_subparsers(dest="subcommand", required=True)
    sset = ssub.add_parser("set", help="store a credential (value from --value or stdin)")
    sget = ssub.add_parser("get", help="print a credential (plaintext unless --status)")
    sdel = ssub.add_parser("delete", help="remove a credential")
    for parser in (sset, sget, sdel):
        parser.add_argument("secret_provider", metavar="provider")
        parser.add_argument("secret_name", metavar="name")
    sset.add_argument("--source", default="file", help="file | env | keychain")
    sset.add_argument("--value")
    sset.add_argument("--env", dest="secret_env")
    sset.add_argument("--account")
    sget.add_argument("--status", action="store_true", help="status only, never the value")


def _q(value: str) -> str:
    return quote(value, safe="")


def _provider_body(args: argparse.Namespace) -> dict[str, Any]:
    if args.supports_n and args.no_supports_n:
        raise AppError("invalid_provider_config",
                       "Use either --supports-n or --no-supports-n, not both.")
    credentials: dict[str, Any] = {}
    if args.api_key_env:
        credentials["api_key"] = {"source": "env", "env": args.api_key_env}
    elif args.provider_api_key:
        credentials["api_key"] = {"source": "file", "value": args.provider_api_key}
    for key in ("account_id", "access_token", "refresh_token"):
        value = getattr(args, key)
        if value:
            credentials[key] = {"source": "file", "value": value}
    body: dict[str, Any] = {
        "type": args.type, "api_base": args.api_base, "endpoint": args.provider_endpoint,
        "model": args.model, "credentials": credentials, "set_default": args.set_default,
        "allow_overwrite": True,
    }
    if args.supports_n or args.no_supports_n:
        body["supports_n"] = bool(args.supports_n)
    if args.edit_region_mode:
        body["edit_region_mode"] = args.edit_region_mode
    return body


async def run_config(args: argparse.Namespace, client: ApiClient, _on: Event) -> dict[str, Any]:
    cmd = args.subcommand
    if cmd == "path":
        path: dict[str, Any] = await client.request("GET", "/api/config/path")
        return path
    if cmd == "inspect":
        inspect: dict[str, Any] = await client.request("GET", "/api/config/inspect")
        return inspect
    if cmd == "list-providers":
        listing: dict[str, Any] = await client.request("GET", "/api/providers")
        return listing
    if cmd == "add-provider":
        name = validate_provider_name(args.name)
        await client.request("PUT", f"/api/providers/{_q(name)}", json=_provider_body(args))
        doc = await client.request("GET", "/api/config/inspect")
        return {"ok": True, "command": "config add-provider", "provider": name,
                "config_file": doc["config_file"], "config": doc["config"]}
    if cmd == "remove-provider":
        removed = await client.request("DELETE", f"/api/providers/{_q(args.name)}")
        return {"ok": True, "command": "config remove-provider", "provider": args.name,
                "removed": removed["removed"]}
    if cmd == "set-default":
        config = await client.request("POST", "/api/providers/default",
                                      json={"name": args.name})
        return {"ok": True, "command": "config set-default",
                "default_provider": config["default_provider"],
                "config_file": config["config_file"]}
    result = await client.request("POST", f"/api/providers/{_q(args.name)}/test")
    detail: dict[str, Any] = result["detail"]
    return detail


def _stdin_value() -> str:
    try:
        return sys.stdin.read().rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise AppError("secret_read_failed", "Unable to read secret from stdin.") from exc


async def run_secret(args: argparse.Namespace, client: ApiClient, _on: Event) -> dict[str, Any]:
    path = f"/api/secrets/{_q(args.secret_provider)}/{_q(args.secret_name)}"
    if args.subcommand == "set":
        body: dict[str, Any] = {"source": args.source, "env": args.secret_env,
                                "account": args.account, "value": args.value}
        if args.source in ("file", "keychain") and args.value is None:
            body["value"] = _stdin_value()
        payload: dict[str, Any] = await client.request("PUT", path, json=body)
        return payload
    if args.subcommand == "delete":
        deleted: dict[str, Any] = await client.request("DELETE", path)
        return deleted
    if args.status:
        status: dict[str, Any] = await client.request("GET", path)
        return status
    revealed = await client.request(
        "GET", f"/api/providers/{_q(args.secret_provider)}/credentials/{_q(args.secret_name)}")
    return {"ok": True, "command": "secret get", "provider": args.secret_provider,
            "name": args.secret_name, "source": revealed["source"], "value": revealed["value"]}
