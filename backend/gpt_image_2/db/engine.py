"""Engines with the pragmas the shared history file needs, and the way to use them.

SQLite: WAL, ``synchronous=NORMAL``, foreign keys on for every connection (the
reference's SQLite has them on by default).

Repository code is written as plain synchronous functions of a SQLAlchemy
``Connection`` handed to :meth:`Database.write` or :meth:`Database.read`, one
transaction per call. For SQLite (see docs/decisions/0007-history-database.md):

* A call runs on the event loop itself, with the stdlib driver: a job's writes
  are a few short statements on a WAL file (no fsync), cheaper than the thread
  round trip that would carry them elsewhere. ``offload=True`` sends a call
  that can take long (a search over 100,000 rows, a re-index, the migration,
  a WAL checkpoint) through SQLAlchemy's asyncio engine over ``aiosqlite``,
  whose connections run in their own threads and may wait for locks there.
* Nothing on the loop ever waits for a lock. Writes open their transaction
  with ``BEGIN IMMEDIATE`` on the one writer connection, whose busy timeout is
  zero: when another process (a CLI next to the server) holds the write lock,
  the call gets "busy" at once, sleeps asynchronously and tries again, for up
  to :data:`BUSY_TIMEOUT_MS`; later writes queue behind it in order. Reads
  never wait for writers (WAL).
* The writer does not checkpoint on commit; a passive checkpoint runs in a
  thread every :data:`CHECKPOINT_EVERY` commits instead, so a commit never
  copies the WAL into the database while the loop waits.

The URL is a setting, so PostgreSQL (asyncpg) can replace SQLite without
touching callers: other dialects run the same functions through an
``AsyncEngine`` with ``run_sync``. The SQLite-only parts (pragmas, BEGIN
IMMEDIATE, the search index) are skipped for other dialects.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import QueuePool

from .search import create_index
from .tables import jobs, metadata

__all__ = ["BUSY_TIMEOUT_MS", "CHECKPOINT_EVERY", "Database", "open_database"]

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
"""How long a statement waits for another process's lock (async retries on the loop)."""
CHECKPOINT_EVERY = 256
"""Write commits between two passive WAL checkpoints."""
OFFLOAD_CONNECTIONS = 2
"""aiosqlite connections (each with its own thread) for offloaded calls."""

T = TypeVar("T")


def _is_busy(exc: BaseException) -> bool:
    orig = getattr(exc, "orig", exc)
    if not isinstance(orig, sqlite3.OperationalError):
        return False
    code = getattr(orig, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(orig) or "busy" in str(orig)


@dataclass
class Database:
    """The history database. ``writer``/``reader`` are the underlying engines: sync
    ``Engine`` objects for SQLite, one shared ``AsyncEngine`` otherwise; ``offloaded``
    is the SQLite file's ``aiosqlite`` engine for calls made with ``offload=True``."""

    writer: Engine | AsyncEngine
    reader: Engine | AsyncEngine
    search: bool
    offloaded: AsyncEngine | None = field(default=None, repr=False)
    _write_lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)
    _commits: int = 0
    _checkpoint: asyncio.Future[Any] | None = field(default=None, repr=False)
    _held: dict[str, Connection] = field(default_factory=dict, repr=False)
    """Connections kept open between calls: "write" (the writer's one connection) and
    "read" (the loop's own read connection); threads check readers out of the pool."""

    @property
    def is_sqlite(self) -> bool:
        return self.writer.dialect.name == "sqlite"

    async def write(self, fn: Callable[[Connection], T], *, offload: bool = False) -> T:
        """Run ``fn(conn)`` in one write transaction; commit when it returns.

        ``fn`` may run more than once (a busy database is retried from the start),
        so it must not have effects outside the transaction."""
        if isinstance(self.writer, AsyncEngine):
            async with self.writer.begin() as conn:
                return await conn.run_sync(fn)
        engine = self.writer

        def run() -> T:
            return self._transaction("write", engine, fn)

        if offload:
            async with self._write_lock:  # in order behind earlier waiting writes
                return self._committed(await self._offloaded(fn, write=True))
        if not self._write_lock.locked():
            try:
                return self._committed(run())
            except OperationalError as exc:
                if not _is_busy(exc):
                    raise
        async with self._write_lock:
            return self._committed(await self._retry(run))

    async def read(self, fn: Callable[[Connection], T], *, offload: bool = False) -> T:
        """Run ``fn(conn)`` on a read connection (one snapshot for the whole call)."""
        if isinstance(self.reader, AsyncEngine):
            async with self.reader.connect() as conn:
                return await conn.run_sync(fn)
        if offload:
            return await self._offloaded(fn, write=False)
        engine = self.reader
        try:
            return self._transaction("read", engine, fn)
        except OperationalError as exc:
            if not _is_busy(exc):
                raise
        return await self._retry(lambda: self._transaction("read", engine, fn))

    async def _offloaded(self, fn: Callable[[Connection], T], *, write: bool) -> T:
        """``fn`` in one transaction on an aiosqlite connection: the statements run in
        that connection's thread, which may wait for another process's lock (its busy
        timeout is :data:`BUSY_TIMEOUT_MS`) while the loop goes on."""
        assert self.offloaded is not None
        async with self.offloaded.connect() as conn:
            if write:
                conn = await conn.execution_options(immediate=True)
                async with conn.begin():
                    return await conn.run_sync(fn)
            return await conn.run_sync(fn)  # rolled back (the read ends) on close

    def _transaction(self, name: str, engine: Engine, fn: Callable[[Connection], T]) -> T:
        """``fn`` in a transaction on a held connection (no pool round trip per call);
        after any error the connection is closed and the next call opens a new one."""
        conn = self._held.get(name)
        if conn is None:
            conn = self._held[name] = engine.connect()
        try:
            with conn.begin():
                return fn(conn)
        except BaseException:
            self._held.pop(name, None)
            with contextlib.suppress(Exception):
                conn.close()
            raise

    async def _retry(self, run: Callable[[], T]) -> T:
        """``run`` on the loop again and again while SQLite answers "busy", sleeping
        asynchronously in between, for up to :data:`BUSY_TIMEOUT_MS`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + BUSY_TIMEOUT_MS / 1000
        delay = 0.001
        while True:
            try:
                return run()
            except OperationalError as exc:
                if not _is_busy(exc) or loop.time() + delay > deadline:
                    raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.05)

    def _committed(self, value: T) -> T:
        self._commits += 1
        if self._commits % CHECKPOINT_EVERY == 0 and self._checkpoint is None \
                and self.offloaded is not None:
            self._checkpoint = asyncio.ensure_future(self._run_checkpoint())
            self._checkpoint.add_done_callback(self._checkpoint_done)
        return value

    async def _run_checkpoint(self) -> None:
        assert self.offloaded is not None
        async with self.offloaded.connect() as conn:
            # straight to the driver: a checkpoint must not run inside a transaction
            raw = await conn.get_raw_connection()
            driver = raw.driver_connection
            assert driver is not None
            cursor = await driver.execute("PRAGMA wal_checkpoint(PASSIVE)")
            await cursor.close()

    def _checkpoint_done(self, future: asyncio.Future[Any]) -> None:
        self._checkpoint = None
        if not future.cancelled() and future.exception() is not None:
            log.warning("WAL checkpoint failed: %s", future.exception())

    async def dispose(self) -> None:
        if isinstance(self.writer, AsyncEngine):
            await self.writer.dispose()
            return
        if self._checkpoint is not None:
            with contextlib.suppress(Exception):
                await self._checkpoint
        if self.offloaded is not None:
            await self.offloaded.dispose()
        for conn in self._held.values():
            conn.close()
        self._held.clear()
        self.writer.dispose()
        if not isinstance(self.reader, AsyncEngine):
            self.reader.dispose()


def _set_pragmas(dbapi_conn: Any, *, busy_timeout_ms: int, checkpoints: bool) -> None:
    """Every connection's settings. ``checkpoints=False`` for connections that commit
    our writes: :meth:`Database._run_checkpoint` checkpoints for them."""
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
    cursor = dbapi_conn.cursor()
    cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    if not checkpoints:
        cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.close()


def _sqlite_engine(url: str, *, writer: bool) -> Engine:
    engine = create_engine(
        url,
        poolclass=QueuePool,
        # the loop's connections: the writer's one and the reader's one
        pool_size=1,
        max_overflow=0 if writer else 1,
        pool_timeout=BUSY_TIMEOUT_MS / 1000,
        connect_args={"timeout": 0, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        # busy 0: waits on the loop are async retries (Database._retry)
        _set_pragmas(dbapi_conn, busy_timeout_ms=0, checkpoints=not writer)

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")

    return engine


def _offload_engine(url: str) -> AsyncEngine:
    """SQLAlchemy's asyncio engine over ``aiosqlite`` for offloaded calls, with the
    same pragmas; here a lock held by another process is waited for in the
    connection's own thread, so its busy timeout is the full :data:`BUSY_TIMEOUT_MS`."""
    engine = create_async_engine(
        url, pool_size=OFFLOAD_CONNECTIONS, max_overflow=0,
        pool_timeout=BUSY_TIMEOUT_MS / 1000)

    @event.listens_for(engine.sync_engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        _set_pragmas(dbapi_conn, busy_timeout_ms=BUSY_TIMEOUT_MS, checkpoints=False)

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _migrate(sync_conn: Any) -> bool:
    metadata.create_all(sync_conn, checkfirst=True)
    columns = {c["name"] for c in inspect(sync_conn).get_columns("jobs")}
    if "deleted_at" not in columns:
        sync_conn.execute(text("ALTER TABLE jobs ADD COLUMN deleted_at TEXT"))
    for index in jobs.indexes:  # create_all skips indexes added to an existing table
        index.create(sync_conn, checkfirst=True)
    if sync_conn.dialect.name == "sqlite":
        return create_index(sync_conn)
    return False


def _sqlite_urls(url: str) -> tuple[str, str]:
    """A SQLite URL in either form → (stdlib driver URL, aiosqlite URL)."""
    _scheme, sep, rest = url.partition("://")
    return f"sqlite+pysqlite{sep}{rest}", f"sqlite+aiosqlite{sep}{rest}"


async def open_database(history_file: Path, database_url: str | None = None) -> Database:
    """Create the engines and run the idempotent migrations."""
    url = database_url or f"sqlite:///{history_file}"
    if url.startswith("sqlite"):
        if database_url is None:
            history_file.parent.mkdir(parents=True, exist_ok=True)
        on_loop, offloaded = _sqlite_urls(url)
        db = Database(
            writer=_sqlite_engine(on_loop, writer=True),
            reader=_sqlite_engine(on_loop, writer=False),
            search=False,
            offloaded=_offload_engine(offloaded),
        )
    else:
        engine = create_async_engine(url)
        db = Database(writer=engine, reader=engine, search=False)
    db.search = bool(await db.write(_migrate, offload=True))
    return db
