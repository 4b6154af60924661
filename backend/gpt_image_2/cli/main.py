"""Entry point of ``gpt-image-2`` (alias ``gpt-image-2-skill``).

Agent protocol: with ``--json`` (the default when stdout is not a terminal, and
always for the ``gpt-image-2-skill`` alias) stdout carries exactly one JSON
envelope and, with ``--json-events``, stderr carries JSONL events. Exit 0 on
success, 1 on a runtime error, 2 on a usage error (code ``invalid_command``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, NoReturn

from .. import __version__
from ..errors import AppError
from ..settings import Settings
from .client import ApiClient
from .output import EventSink, HumanProgress, emit_envelope, error_envelope

__all__ = ["main", "build_parser"]

Handler = Callable[[argparse.Namespace, ApiClient, Callable[[dict[str, Any]], None]],
                   Awaitable[dict[str, Any]]]


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.format_usage()}{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    from .images import add_image_commands
    from .serve import add_serve_command

    parser = _Parser(prog="gpt-image-2", description="Image generation with gpt-image-2.")
    parser.add_argument("--json", action="store_true", help="print one JSON envelope on stdout")
    parser.add_argument("--human", action="store_true", help="force human-readable output")
    parser.add_argument("--json-events", action="store_true", help="JSONL events on stderr")
    parser.add_argument("--server", default=os.environ.get("GPT_IMAGE_2_SERVER") or None,
                        help="URL of a running server (default: run the service in-process)")
    parser.add_argument("--token", default=None,
                        help="access token for --server (default: $GPT_IMAGE_2_WEB_TOKEN)")
    parser.add_argument("--provider", default="auto")
    parser.add_argument("--api-key")
    parser.add_argument("--config")
    parser.add_argument("--auth-file")
    parser.add_argument("--endpoint", help="Codex responses endpoint")
    parser.add_argument("--openai-api-base")
    parser.add_argument("-V", "--version", action="store_true")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    add_serve_command(sub)
    add_image_commands(sub)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {"embedded": True}
    if args.api_key:
        overrides["openai_api_key"] = args.api_key
    if args.openai_api_base:
        overrides["openai_api_base"] = args.openai_api_base
    if args.endpoint:
        overrides["codex_endpoint"] = args.endpoint
    if args.auth_file:
        overrides["auth_file"] = Path(args.auth_file).expanduser()
    if args.config:
        overrides["config_file"] = Path(args.config).expanduser()
    return Settings(**overrides)


def _client(args: argparse.Namespace) -> ApiClient:
    if args.server:
        headers = {}
        if args.api_key:
            headers["X-GPT-Image-2-Api-Key"] = args.api_key
        if args.openai_api_base:
            headers["X-GPT-Image-2-OpenAI-Api-Base"] = args.openai_api_base
        token = args.token or os.environ.get("GPT_IMAGE_2_WEB_TOKEN") or None
        return ApiClient.remote(args.server, token=token, headers=headers)
    return ApiClient.embedded(_settings(args))


def _handler(args: argparse.Namespace) -> Handler:
    from .images import run_generate

    table: dict[tuple[str, str | None], Handler] = {("images", "generate"): run_generate}
    key = (args.command, getattr(args, "subcommand", None))
    if key not in table:
        raise UsageError(f"unknown command: {' '.join(k for k in key if k)}\n")
    return table[key]


async def _run(args: argparse.Namespace, json_mode: bool) -> dict[str, Any]:
    handler = _handler(args)
    sink = EventSink(args.json_events)
    human = None if json_mode else HumanProgress()

    def on_event(event: dict[str, Any]) -> None:
        sink(event)
        if human is not None:
            human(event)

    try:
        async with _client(args) as client:
            payload = await handler(args, client, on_event)
    finally:
        if human is not None:
            human.finish()
    payload["events"] = {"count": sink.count}
    return payload


def _human_success(payload: dict[str, Any]) -> None:
    output = payload.get("output") or {}
    files = output.get("files") or []
    for item in files:
        size = item.get("bytes") or 0
        print(f"Saved {item['path']} ({size / 1024:.1f} KB)")
    job = (payload.get("history") or {}).get("job_id")
    if job:
        print(f"Job {job} · provider {payload.get('provider')}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    prog = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "gpt-image-2"
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        emit_envelope({"ok": False, "error": {"code": "invalid_command", "message": str(exc)}})
        return 2
    if args.version:
        emit_envelope({"ok": True, "command": "version", "version": __version__})
        return 0
    if not args.command:
        emit_envelope({"ok": False, "error": {"code": "invalid_command",
                                              "message": parser.format_help()}})
        return 2
    if args.command == "serve":
        from .serve import run_serve

        return run_serve(args)
    json_mode = (
        args.json or prog.startswith("gpt-image-2-skill") or not sys.stdout.isatty()
    ) and not args.human
    try:
        payload = asyncio.run(_run(args, json_mode))
    except UsageError as exc:
        emit_envelope({"ok": False, "error": {"code": "invalid_command", "message": str(exc)}})
        return 2
    except AppError as exc:
        secrets = [s for s in (args.api_key,) if s]
        if json_mode:
            emit_envelope(error_envelope(exc, secrets))
        else:
            err = error_envelope(exc, secrets)["error"]
            print(f"error [{err['code']}]: {err['message']}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    if json_mode:
        emit_envelope(payload)
    else:
        _human_success(payload)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
