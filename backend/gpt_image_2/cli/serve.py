"""``gpt-image-2 serve``: the web service with the UI on http://127.0.0.1:8787."""

from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path
from typing import Any

from ..errors import AppError
from ..settings import load_settings

__all__ = ["add_serve_command", "run_serve"]


def add_serve_command(sub: Any) -> None:
    serve = sub.add_parser("serve", help="run the web service and UI")
    serve.add_argument("--host", default=None, help="bind address (default 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=None,
                       help="port (default 8787; 0 picks a free port and prints it)")
    serve.add_argument("--static-dir", default=None, help="built UI directory")
    serve.add_argument("--no-build", action="store_true", help="never build the UI")


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid port: {value!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be 0-65535, not {port}")
    return port


def _listen(host: str, port: int) -> socket.socket:
    """Bind and listen here, so port 0 resolves before the banner is printed."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)  # connections made after the banner wait in the backlog
    except BaseException:
        sock.close()
        raise
    return sock


def run_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ..web.app import create_app
    from ..web.security import check_bind_policy
    from ..web.spa import ensure_spa_built

    try:
        base = load_settings()
    except AppError as exc:
        print(f"error [{exc.code}]: {exc.message}", file=sys.stderr)
        return 2
    updates: dict[str, Any] = {}
    if args.host:
        updates["web_host"] = args.host
    if args.port is not None:
        updates["web_port"] = args.port
    if args.static_dir:
        updates["web_dist"] = Path(args.static_dir)
    if args.api_key:
        updates["openai_api_key"] = args.api_key
    if args.openai_api_base:
        updates["openai_api_base"] = args.openai_api_base
    if args.config:
        updates["config_file"] = Path(args.config).expanduser()
    if args.auth_file:
        updates["auth_file"] = Path(args.auth_file).expanduser()
    settings = base.model_copy(update=updates)
    try:
        warning = check_bind_policy(settings, settings.web_host)
    except AppError as exc:
        print(f"error [{exc.code}]: {exc.message}", file=sys.stderr)
        return 2
    if warning:
        print(warning, file=sys.stderr)
    if settings.web_dist is None and not args.no_build:
        try:
            ensure_spa_built()
        except RuntimeError as exc:
            print(f"warning: web UI not built: {exc}", file=sys.stderr)
    print(
        "access token required" if settings.web_token
        else "no access token set; only loopback Host headers are served",
        file=sys.stderr,
    )
    from ..memory import keep_freed_memory

    keep_freed_memory()  # image jobs reuse their freed 8-33 MB arrays (see memory.py)
    try:
        sock = _listen(settings.web_host, settings.web_port)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        print(f"error: cannot listen on {settings.web_host}:{settings.web_port}: {reason}",
              file=sys.stderr)
        return 2
    port = sock.getsockname()[1]
    app = create_app(settings.model_copy(update={"web_port": port}))
    host = f"[{settings.web_host}]" if ":" in settings.web_host else settings.web_host
    print(f"gpt-image-2 listening on http://{host}:{port}", file=sys.stderr, flush=True)
    config = uvicorn.Config(app, host=settings.web_host, port=port,
                            log_level=settings.log_level, proxy_headers=True,
                            forwarded_allow_ips=settings.web_forwarded_allow_ips)
    uvicorn.Server(config).run(sockets=[sock])
    return 0
