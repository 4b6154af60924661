"""Entry point of ``gpt-image-2`` (alias ``gpt-image-2-skill``).

Agent protocol: with ``--json`` (the default when stdout is not a terminal, and
always for the ``gpt-image-2-skill`` alias) stdout carries exactly one JSON
envelope and, with ``--json-events``, stderr carries JSONL events. Exit 0 on
success, 1 on a runtime error, 2 on a usage error (code ``invalid_command``).
Every command is an HTTP call to the app: in-process by default, or a running
server with ``--server URL``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, NoReturn

from .. import __version__
from ..errors import AppError
from .output import EventSink, HumanProgress, emit_envelope, error_envelope

if TYPE_CHECKING:  # imported lazily: the in-process transparent fast path needs neither
    from ..settings import Settings
    from .client import ApiClient

__all__ = ["build_parser", "main"]

Handler = Callable[[argparse.Namespace, "ApiClient", Callable[[dict[str, Any]], None]],
                   Awaitable[dict[str, Any]]]

# Commands whose payload carries ``events: {count}`` (they run a provider call).
_EVENT_COMMANDS = frozenset({"images", "request"})
# Global flags that configure the embedded service; a remote server has its own.
_LOCAL_ONLY = (("config", "--config"), ("auth_file", "--auth-file"), ("endpoint", "--endpoint"))


class UsageError(Exception):
    pass


class HelpRequested(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.format_usage()}{self.prog}: error: {message}\n")

    def print_help(self, file: Any = None) -> None:
        raise HelpRequested(self.format_help())


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"invalid number: {text!r}") from exc
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} must not be negative")
    return value


def build_parser() -> argparse.ArgumentParser:
    from .configcmd import add_config_commands
    from .console import add_console_commands
    from .images import add_image_commands, ranged
    from .request import add_request_commands
    from .serve import add_serve_command
    from .transparent_args import add_transparent_commands

    parser = _Parser(prog="gpt-image-2", description="Image generation with gpt-image-2.")
    parser.add_argument("--json", action="store_true", help="print one JSON envelope on stdout")
    parser.add_argument("--human", action="store_true", help="force human-readable output")
    parser.add_argument("--json-events", action="store_true", help="JSONL events on stderr")
    parser.add_argument("--server", default=os.environ.get("GPT_IMAGE_2_SERVER") or None,
                        help="URL of a running server (default: run the service in-process)")
    parser.add_argument("--token", default=None,
                        help="access token for --server (default: $GPT_IMAGE_2_WEB_TOKEN)")
    parser.add_argument("--provider", default="auto",
                        help="auto, openai, codex or a configured provider name")
    parser.add_argument("--api-key", help="OpenAI-kind key for this run (beats config and env)")
    parser.add_argument("--config", help="alternative config.json (embedded only)")
    parser.add_argument("--auth-file", help="Codex auth.json (embedded only)")
    parser.add_argument("--endpoint", help="Codex responses endpoint (embedded only)")
    parser.add_argument("--openai-api-base", help="OpenAI API base URL")
    parser.add_argument("--retries", type=ranged(0, 10), help="retries per provider call (3)")
    parser.add_argument("--retry-delay-seconds", type=_positive_float,
                        help="base delay before retry r: base * 2^(r-1) (1)")
    parser.add_argument("--request-timeout-seconds", type=_positive_float,
                        help="timeout of one provider request (300)")
    parser.add_argument("-V", "--version", action="store_true")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    add_serve_command(sub)
    add_image_commands(sub)
    add_request_commands(sub)
    add_console_commands(sub)
    add_config_commands(sub)
    add_transparent_commands(sub)
    help_cmd = sub.add_parser("help", help="show help for a command")
    help_cmd.add_argument("topic", nargs="*")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    from pathlib import Path  # not at module level: the transparent fast path needs none

    from ..settings import load_settings

    overrides: dict[str, Any] = {"embedded": True}
    if args.openai_api_base:
        overrides["openai_api_base"] = args.openai_api_base
    if args.endpoint:
        overrides["codex_endpoint"] = args.endpoint
    if args.auth_file:
        overrides["auth_file"] = Path(args.auth_file).expanduser()
    if args.config:
        overrides["config_file"] = Path(args.config).expanduser()
    if args.retries is not None:
        overrides["retries"] = args.retries
    if args.retry_delay_seconds is not None:
        overrides["retry_delay_seconds"] = args.retry_delay_seconds
    if args.request_timeout_seconds:
        overrides["request_timeout_seconds"] = args.request_timeout_seconds
    return load_settings(**overrides)


def _headers(args: argparse.Namespace, remote: bool) -> dict[str, str]:
    """Per-request overrides sent to the app (documented in docs/cli.md)."""
    headers: dict[str, str] = {}
    if args.api_key:
        headers["X-GPT-Image-2-Api-Key"] = args.api_key
    if remote:
        if args.openai_api_base:
            headers["X-GPT-Image-2-OpenAI-Api-Base"] = args.openai_api_base
        if args.retries is not None:
            headers["X-GPT-Image-2-Retries"] = str(args.retries)
        if args.retry_delay_seconds is not None:
            headers["X-GPT-Image-2-Retry-Delay-Seconds"] = repr(args.retry_delay_seconds)
        if args.request_timeout_seconds:
            headers["X-GPT-Image-2-Request-Timeout-Seconds"] = repr(args.request_timeout_seconds)
    return headers


def _client(args: argparse.Namespace) -> ApiClient:
    from .client import ApiClient

    if args.server:
        for attr, flag in _LOCAL_ONLY:
            if getattr(args, attr):
                raise AppError(
                    "invalid_argument",
                    f"{flag} configures the embedded service and cannot be used with --server; "
                    "set it on the server instead.", {"flag": flag})
        token = args.token or os.environ.get("GPT_IMAGE_2_WEB_TOKEN") or None
        return ApiClient.remote(args.server, token=token, headers=_headers(args, True))
    return ApiClient(settings=_settings(args), headers=_headers(args, False))


def _handler(args: argparse.Namespace) -> Handler:
    from .configcmd import run_config, run_secret
    from .console import run_auth, run_doctor, run_history, run_models
    from .images import run_edit, run_generate
    from .request import run_request
    from .transparent import run_tp_extract, run_tp_generate, run_tp_verify

    table: dict[str, Handler] = {
        "images generate": run_generate, "images edit": run_edit,
        "request create": run_request, "doctor": run_doctor, "auth": run_auth,
        "models list": run_models, "history": run_history, "config": run_config,
        "secret": run_secret,
        "transparent extract": run_tp_extract, "transparent verify": run_tp_verify,
        "transparent generate": run_tp_generate,
    }
    sub = getattr(args, "subcommand", None)
    for key in (f"{args.command} {sub}", args.command):
        if key in table:
            return table[key]
    raise UsageError(f"unknown command: {args.command} {sub or ''}\n")


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
    if args.command in _EVENT_COMMANDS:
        payload["events"] = {"count": sink.count}
    return payload


def _human_success(payload: dict[str, Any]) -> None:
    output = payload.get("output") or payload.get("image_output") or {}
    files = output.get("files") or [] if isinstance(output, dict) else []
    for item in files:
        size = item.get("bytes") or 0
        print(f"Saved {item['path']} ({size / 1024:.1f} KB)")
    job = (payload.get("history") or {}).get("job_id")
    if job:
        print(f"Job {job} · provider {payload.get('provider')}")
    if not files and not job:
        rest = {k: v for k, v in payload.items() if k not in ("ok", "command")}
        print(json.dumps(rest, indent=2, sort_keys=True, ensure_ascii=False))


def _help_topic(parser: argparse.ArgumentParser, topic: list[str]) -> str:
    try:
        parser.parse_args([*topic, "--help"])
    except HelpRequested as exc:
        return str(exc)
    except UsageError:
        pass
    return parser.format_help()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    prog = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "gpt-image-2"
    from .transparent_local import run_local

    local = run_local(argv, prog)  # transparent verify|extract, in process; None otherwise
    if local is not None:
        return local
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except HelpRequested as exc:
        emit_envelope({"ok": True, "command": "help", "text": str(exc)})
        return 0
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
    if args.command == "help":
        emit_envelope({"ok": True, "command": "help", "text": _help_topic(parser, args.topic)})
        return 0
    if args.command == "serve":
        from .serve import run_serve

        return run_serve(args)
    json_mode = (
        args.json or prog.startswith("gpt-image-2-skill") or not sys.stdout.isatty()
    ) and not args.human
    import asyncio  # not at module level: the transparent fast path never needs it

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
    elif args.command == "transparent":
        from .transparent_local import print_human

        print_human(payload)
    else:
        _human_success(payload)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
