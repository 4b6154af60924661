"""History rows of transparent jobs, shared by the server and the CLI's fast path.

``transparent extract`` is recorded like the reference records it (command
``transparent extract``, provider ``local``, metadata ``{method, profile,
material, output, extraction, verification}``). The server writes the row
through the history repository; the CLI's in-process fast path, which must not
load SQLAlchemy, writes the same row with the standard library's ``sqlite3``
into the same ``history.sqlite``, exactly as the reference CLI does (the
server's search index catches up on rows written by other programs).
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "env_value",
    "extract_metadata",
    "history_file_from_env",
    "local_job_id",
    "record_local_job",
]

_SHARED_DIR = "gpt-image-2-skill"
_BUSY_TIMEOUT_S = 5.0
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, command TEXT NOT NULL, "
    "provider TEXT NOT NULL, status TEXT NOT NULL, output_path TEXT, "
    "created_at TEXT NOT NULL, metadata TEXT NOT NULL, deleted_at TEXT)",
    "CREATE INDEX IF NOT EXISTS idx_jobs_created_at_id ON jobs (created_at DESC, id DESC)",
)


def extract_metadata(
    *, method: str, profile: str, material: str | None, output: dict[str, Any],
    extraction: dict[str, Any], verification: dict[str, Any], **extra: Any,
) -> dict[str, Any]:
    """The metadata of a ``transparent extract`` history row (reference keys first)."""
    return {"method": method, "profile": profile, "material": material, "output": output,
            "extraction": extraction, "verification": verification,
            "updated_at": str(int(time.time())), **extra}


def env_value(environ: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive lookup, as pydantic-settings reads the environment."""
    wanted = name.lower()
    for key, value in environ.items():
        if key.lower() == wanted and value.strip():
            return value.strip()
    return None


def history_file_from_env(environ: Mapping[str, str] | None = None) -> Path:
    """``history.sqlite`` as :class:`gpt_image_2.paths.DataPaths` resolves it, without
    pydantic (``GPT_IMAGE_2_HISTORY_FILE``, else ``$CODEX_HOME/gpt-image-2-skill/``)."""
    env = os.environ if environ is None else environ
    explicit = env_value(env, "GPT_IMAGE_2_HISTORY_FILE")
    if explicit:
        return Path(explicit).expanduser()
    home = env_value(env, "CODEX_HOME")
    root = Path(home).expanduser() if home else Path.home() / ".codex"
    return root.absolute() / _SHARED_DIR / "history.sqlite"


def local_job_id() -> str:
    """``job-<unix ns>-<pid>``, the reference's id format."""
    return f"job-{time.time_ns()}-{os.getpid()}"


def record_local_job(
    history_file: Path, *, command: str, provider: str, status: str,
    output_path: str | None, metadata: dict[str, Any], job_id: str | None = None,
) -> str | None:
    """Insert one finished job; its id, or ``None`` when the history cannot be written
    (the reference ignores history failures too)."""
    job_id = job_id or local_job_id()
    created = str(int(time.time()))
    text = json.dumps(metadata, ensure_ascii=False, separators=(",", ":"))
    try:
        fresh = not history_file.exists()
        history_file.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(history_file, timeout=_BUSY_TIMEOUT_S, isolation_level=None)
        try:
            if fresh:
                conn.execute("PRAGMA journal_mode=WAL")
            for statement in _SCHEMA:
                conn.execute(statement)
            conn.execute(
                "INSERT INTO jobs (id, command, provider, status, output_path, created_at, "
                "metadata) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (job_id, command, provider, status, output_path, created, text),
            )
        finally:
            conn.close()
    except (OSError, sqlite3.Error):
        return None
    return job_id
