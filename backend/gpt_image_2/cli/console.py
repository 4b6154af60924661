"""Console commands: ``doctor``, ``auth inspect|refresh``, ``models list`` and
``history list|show|open-output|delete``."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..errors import AppError
from .client import ApiClient

__all__ = ["add_console_commands", "run_auth", "run_doctor", "run_history", "run_models"]

Event = Callable[[dict[str, Any]], None]


def add_console_commands(sub: Any) -> None:
    sub.add_parser("doctor", help="provider selection, credentials and reachability")
    auth = sub.add_parser("auth", help="credential status")
    auth_sub = auth.add_subparsers(dest="subcommand", required=True)
    auth_sub.add_parser("inspect", help="every provider's credential status (never the secret)")
    auth_sub.add_parser("refresh", help="refresh a Codex provider's tokens now "
                        "(--provider, default codex)")
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
    opener = hsub.add_parser("open-output", help="open a job's output with the system viewer")
    opener.add_argument("job_id")
    opener.add_argument("--index", type=int, default=0, help="which output (default 0)")


def _q(value: str) -> str:
    return quote(value, safe="")


async def _local_output(client: ApiClient, job: dict[str, Any], index: int) -> Path:
    """The output as a local file: its own path when this machine has it, else a download."""
    outputs = job.get("outputs") or []
    match = next((o for o in outputs if o.get("index") == index), None)
    if match is None:
        raise AppError("output_not_found", f"Job {job.get('id')} has no output {index}.",
                       {"job_id": job.get("id"), "index": index})
    if client.mode == "embedded" and match.get("path") and Path(match["path"]).is_file():
        return Path(match["path"])
    data = await client.download(f"/api/jobs/{_q(str(job['id']))}/outputs/{index}")
    name = Path(str(match.get("path") or f"output-{index + 1}.png")).name
    folder = Path(tempfile.mkdtemp(prefix="gpt-image-2-"))
    target = folder / f"{job['id']}-{name}"
    target.write_bytes(data)
    return target


def open_with_system_viewer(path: Path) -> bool:
    """Open ``path`` with the desktop's default application; True when the opener succeeded."""
    if sys.platform == "win32":
        try:
            os.startfile(path)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    opener = "open" if sys.platform == "darwin" else "xdg-open"
    if shutil.which(opener) is None:
        return False
    try:
        result = subprocess.run([opener, str(path)], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


async def run_doctor(args: argparse.Namespace, client: ApiClient, _on: Event) -> dict[str, Any]:
    payload: dict[str, Any] = await client.request(
        "GET", "/api/doctor", params={"provider": args.provider or "auto"})
    return payload


async def run_auth(args: argparse.Namespace, client: ApiClient, _on: Event) -> dict[str, Any]:
    if args.subcommand == "refresh":
        params = {"provider": args.provider} if args.provider else {}
        refreshed: dict[str, Any] = await client.request("POST", "/api/auth/refresh",
                                                         params=params)
        return refreshed
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
    if args.subcommand in ("show", "open-output"):
        try:
            detail = await client.request("GET", f"/api/jobs/{_q(args.job_id)}")
        except AppError as exc:
            if exc.code == "history_not_found":
                exc.detail = {"job_id": args.job_id, "error": "Query returned no rows"}
            raise
        if args.subcommand == "show":
            return {"ok": True, "command": "history show", "job": detail["job"], "opened": False}
        path = await _local_output(client, detail["job"], args.index)
        return {"ok": True, "command": "history open-output", "job": detail["job"],
                "path": str(path), "opened": open_with_system_viewer(path)}
    payload: dict[str, Any] = await client.request("DELETE", f"/api/jobs/{_q(args.job_id)}")
    return payload
