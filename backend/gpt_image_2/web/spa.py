"""Serving the built SPA with an ``index.html`` fallback, and building it when needed."""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse, HTMLResponse
from filelock import FileLock

__all__ = ["default_dist", "ensure_spa_built", "install_spa", "repo_frontend_dir"]

log = logging.getLogger(__name__)


def repo_frontend_dir() -> Path:
    """``frontend/`` of a source checkout (``backend/gpt_image_2/web`` → repo root)."""
    return Path(__file__).resolve().parents[3] / "frontend"


def default_dist() -> Path:
    return repo_frontend_dir() / "dist"


def _newest_source_mtime(frontend: Path) -> float:
    newest = 0.0
    for sub in ("src", "public", "index.html", "package.json", "package-lock.json",
                "vite.config.ts"):
        target = frontend / sub
        paths = [target] if target.is_file() else list(target.rglob("*")) if target.exists() else []
        for p in paths:
            if p.is_file():
                newest = max(newest, p.stat().st_mtime)
    return newest


def ensure_spa_built(frontend: Path | None = None, *, force: bool = False) -> Path:
    """Build ``frontend/dist`` when it is missing or older than its sources.

    Runs ``npm ci`` when ``node_modules`` is missing, then ``npm run build``.
    Returns the dist directory; raises RuntimeError with npm's output on failure.
    """
    frontend = frontend or repo_frontend_dir()
    dist = frontend / "dist"
    index = dist / "index.html"
    if not (frontend / "package.json").is_file():
        return dist
    if not force and _fresh(frontend, index):
        return dist
    # Two processes starting at once (two `serve`s, parallel test sessions) would
    # both run vite, and one would empty dist/ under the other: build under a lock
    # and look again once it is held.
    with FileLock(str(frontend / ".build.lock")):
        if not force and _fresh(frontend, index):
            return dist
        _build(frontend)
    return dist


def _fresh(frontend: Path, index: Path) -> bool:
    return index.is_file() and index.stat().st_mtime >= _newest_source_mtime(frontend)


def _build(frontend: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is needed to build the web UI (install Node.js 20+).")
    steps = ([] if (frontend / "node_modules").is_dir() else [[npm, "ci", "--no-audit",
                                                               "--no-fund"]])
    steps.append([npm, "run", "build"])
    for cmd in steps:
        log.info("building web UI: %s", " ".join(cmd[1:]))
        proc = subprocess.run(cmd, cwd=frontend, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"`npm {' '.join(cmd[1:])}` failed:\n{proc.stdout}\n{proc.stderr}")


_MISSING_UI = """<!doctype html><html><head><meta charset="utf-8"><title>gpt-image-2</title></head>
<body style="font-family:system-ui;margin:3rem"><h1>gpt-image-2</h1>
<p>The API is running at <a href="/api/openapi.json">/api</a>, but the web UI is not built.
Run <code>uv run gpt-image-2 serve</code> from a source checkout (it builds the UI), or set
<code>GPT_IMAGE_2_WEB_DIST</code> to a built UI directory.</p></body></html>"""


def install_spa(app: FastAPI, dist: Path) -> None:
    """Every non-``/api`` GET serves a real file from ``dist`` or falls back to index.html."""
    root = dist.resolve()

    @app.get("/{path:path}", include_in_schema=False, response_model=None)
    async def spa(path: str) -> FileResponse | HTMLResponse:
        if path == "api" or path.startswith("api/"):
            raise HTTPException(404, "Not found.")
        index = root / "index.html"
        if path:
            candidate = (root / path).resolve()
            if candidate.is_file() and candidate.is_relative_to(root):
                headers = (
                    {"Cache-Control": "public, max-age=31536000, immutable"}
                    if path.startswith("assets/")
                    else None
                )
                return FileResponse(candidate, headers=headers)
        if index.is_file():
            return FileResponse(index, headers={"Cache-Control": "no-cache"})
        return HTMLResponse(_MISSING_UI)
