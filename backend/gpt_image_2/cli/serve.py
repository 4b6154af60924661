"""``gpt-image-2 serve``: the web service with the UI on http://127.0.0.1:8787."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..errors import AppError
from ..settings import load_settings

__all__ = ["add_serve_command", "run_serve"]


def add_serve_command(sub: Any) -> None:
    serve = sub.add_parser("serve", help="run the web service and UI")
    serve.add_argument("--host", default=None, help="bind address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default 8787)")
    serve.add_argument("--static-dir", default=None, help="built UI directory")
    serve.add_argument("--no-build", action="store_true", help="never build the UI")


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
    if args.port:
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
    app = create_app(settings)
    print(f"gpt-image-2 listening on http://{settings.web_host}:{settings.web_port}",
          file=sys.stderr, flush=True)
    uvicorn.run(app, host=settings.web_host, port=settings.web_port,
                log_level=settings.log_level,
                proxy_headers=True, forwarded_allow_ips=settings.web_forwarded_allow_ips)
    return 0
