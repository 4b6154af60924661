"""Async engines with the pragmas the shared history file needs.

SQLite: WAL, ``synchronous=NORMAL``, 5 s busy timeout and foreign keys on for
every connection (the reference's SQLite has them on by default).

Writes go through one connection that opens every transaction with
``BEGIN IMMEDIATE``: in-process writers queue on the pool instead of racing,
and a transaction never has to upgrade a read snapshot to a write lock (the
upgrade fails at once with "database is locked" when another writer got in
first). Reads use a separate pool and never wait for writers (WAL). Other
processes (a CLI next to a server) are absorbed by the busy timeout.

The URL is a setting, so PostgreSQL (asyncpg) can replace SQLite without
touching callers; the SQLite-only parts (pragmas, BEGIN IMMEDIATE, the search
index) are skipped for other dialects.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from .search import create_index
from .tables import metadata

__all__ = ["Database", "open_database"]

BUSY_TIMEOUT_MS = 5000


@dataclass
class Database:
    writer: AsyncEngine
    reader: AsyncEngine
    search: bool

    @property
    def is_sqlite(self) -> bool:
        return self.writer.dialect.name == "sqlite"

    async def dispose(self) -> None:
        await self.writer.dispose()
        await self.reader.dispose()


def _sqlite_engine(url: str, *, writer: bool) -> AsyncEngine:
    kwargs: dict[str, Any] = {"connect_args": {"timeout": BUSY_TIMEOUT_MS / 1000}}
    if writer:
        kwargs.update(pool_size=1, max_overflow=0, pool_timeout=60)
    engine = create_async_engine(url, **kwargs)

    @event.listens_for(engine.sync_engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")

    return engine


def _migrate(sync_conn: Any) -> bool:
    metadata.create_all(sync_conn, checkfirst=True)
    columns = {c["name"] for c in inspect(sync_conn).get_columns("jobs")}
    if "deleted_at" not in columns:
        sync_conn.execute(text("ALTER TABLE jobs ADD COLUMN deleted_at TEXT"))
    if sync_conn.dialect.name == "sqlite":
        return create_index(sync_conn)
    return False


async def open_database(history_file: Path, database_url: str | None = None) -> Database:
    """Create the engines and run the idempotent migrations."""
    url = database_url or f"sqlite+aiosqlite:///{history_file}"
    if url.startswith("sqlite"):
        if database_url is None:
            history_file.parent.mkdir(parents=True, exist_ok=True)
        writer = _sqlite_engine(url, writer=True)
        reader = _sqlite_engine(url, writer=False)
    else:
        writer = reader = create_async_engine(url)
    async with writer.begin() as conn:
        search = await conn.run_sync(_migrate)
    return Database(writer=writer, reader=reader, search=bool(search))
