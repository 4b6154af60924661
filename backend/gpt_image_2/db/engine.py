"""Async engine with the pragmas the shared history file needs.

SQLite: WAL, ``synchronous=NORMAL``, 5 s busy timeout and foreign keys on for
every connection (the reference's SQLite has them on by default). The URL is a
setting, so PostgreSQL (asyncpg) can replace SQLite without touching callers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from .tables import metadata

__all__ = ["create_engine_for", "open_database"]

BUSY_TIMEOUT_MS = 5000


def create_engine_for(history_file: Path, database_url: str | None = None) -> AsyncEngine:
    url = database_url or f"sqlite+aiosqlite:///{history_file}"
    is_sqlite = url.startswith("sqlite")
    kwargs: dict[str, Any] = {}
    if is_sqlite:
        kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000}
    engine = create_async_engine(url, **kwargs)
    if is_sqlite:

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    return engine


def _migrate(sync_conn: Any) -> None:
    metadata.create_all(sync_conn, checkfirst=True)
    columns = {c["name"] for c in inspect(sync_conn).get_columns("jobs")}
    if "deleted_at" not in columns:
        sync_conn.execute(text("ALTER TABLE jobs ADD COLUMN deleted_at TEXT"))


async def open_database(history_file: Path, database_url: str | None = None) -> AsyncEngine:
    """Create the engine and run the idempotent migrations."""
    if database_url is None:
        history_file.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine_for(history_file, database_url)
    async with engine.begin() as conn:
        await conn.run_sync(_migrate)
    return engine
