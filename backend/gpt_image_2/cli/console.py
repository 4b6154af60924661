"""``doctor``, ``auth inspect``, ``models list`` and ``history list|show|delete``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from ..errors import AppError
from .client import ApiClient

__all__ = ["add_console_commands", "run_auth", "run_doctor", "run_history", "run_models"]

Event = Callable[[dict[str, Any]], None]


def add_console_commands(sub: Any) -> None:
    sub.add_parser("doctor", help="provider selection, credentials and reachability")
    auth = sub.add_parser("auth", help="credential status")
    auth.add_subparsers(dest="subcommand", required=True).add_parser(
        "inspect", help="every provider's credential status (never the secret)")
    models = sub.add_parser("models", help="model catalogue")
    models.add_subparsers(dest="subcommand", required=True).add_parser("list")
    history = sub.add_parser("history", help="the shared job history")
    hsub = history.add_subparsers(dest="subcommand", required=True)
    listing = hsub.add_parser("list", help="jobs, newest first")
    listing.add_argument("--limit", type=int, default=100, help="1..200 (default 100)")
    listing.add_argument("--cursor", help="next_cursor of the previous page")
    listing.add_argument("--status",
                         help="active | running | completed | failed | queued | cancelled | all")
    listing.add_argument("--query", help="substring of id, command, provider or metadata")
    for name in ("show", "delete"):
        hsub.add_parser(name, help=f"{name} one job").add_argument("job_id")


def _q(value: str) -> str:
    return quote(value, safe="")


async def run_doctor(args: argparse.Namespace, client: ApiClient, _on: Event) -> dict[str, Any]:
    payload: dict[str, Any] = await client.request(
        "GET", "/api/doctor", params={"provider": args.provider or "auto"})
    return payload


async def run_auth(args: argparse.Namespace, client: ApiClient, _on: Event) -> dict[str, Any]:
    payload: dict[str, Any] = await client.request(
        "GET", "/api/auth", params={"provider": args.provider or "auto"})
    return payload


async def run_models(_args: argparse.Namespace, client: ApiClient, _on: Event) -> dict[str, Any]:
    payload: dict[str, Any] = await client.request("GET", "/api/models")
    return payload


async def run_history(args: argparse.Namespace, client: ApiClient, _on: Event) -> dict[str, Any]:
    if args.subcommand == "list":
        if not 1 <= args.limit <= 200:
            raise AppError("invalid_argument", "--limit must be in 1..200.", {"field": "limit"})
        params = {k: v for k, v in (("limit", args.limit), ("cursor", args.cursor),
                                    ("status", args.status), ("q", args.query)) if v}
        page = await client.request("GET", "/api/jobs", params=params)
        return {"ok": True, "command": "history list", **page}
    if args.subcommand == "show":
        try:
            detail = await client.request("GET", f"/api/jobs/{_q(args.job_id)}")
        except AppError as exc:
            if exc.code == "history_not_found":
                exc.detail = {"job_id": args.job_id, "error": "Query returned no rows"}
            raise
        return {"ok": True, "command": "history show", "job": detail["job"], "opened": False}
    payload: dict[str, Any] = await client.request("DELETE", f"/api/jobs/{_q(args.job_id)}")
    return payload
