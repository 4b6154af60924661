"""The database runner: a lock held by another process is waited for without blocking
the event loop, in order, and given up after the busy timeout."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError

from gpt_image_2.db import HistoryRepository, engine, open_database


def _other_process_lock(db_file: Path) -> sqlite3.Connection:
    """A connection holding the write lock, as another program (a CLI) would."""
    con = sqlite3.connect(db_file, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    con.execute("INSERT INTO jobs (id, command, provider, status, created_at, metadata) "
                "VALUES ('job-other', 'images generate', 'openai', 'completed', '1', '{}')")
    return con


async def test_writes_wait_for_another_writer_without_blocking_the_loop(tmp_path: Path) -> None:
    db_file = tmp_path / "history.sqlite"
    db = await open_database(db_file)
    repo = HistoryRepository(db)
    other = _other_process_lock(db_file)
    order: list[str] = []

    async def write(name: str) -> None:
        await repo.upsert_job(job_id=name, command="images generate", provider="openai",
                              status="queued", output_path=None, created_at="2",
                              metadata={"prompt": name})
        order.append(name)

    first = asyncio.create_task(write("job-1"))
    second = asyncio.create_task(write("job-2"))
    await asyncio.sleep(0.05)
    assert order == []  # both wait for the lock...
    # ...and the loop keeps running: this coroutine gets to release it (a blocking
    # wait would have held the loop until the busy timeout and then failed)
    other.execute("COMMIT")
    other.close()
    await asyncio.gather(first, second)
    assert order == ["job-1", "job-2"]  # in the order they were asked for
    assert (await repo.get_job("job-other")) is not None
    assert [j.id for j in (await repo.list_jobs()).jobs] == ["job-2", "job-1", "job-other"]
    await db.dispose()


async def test_a_lock_held_too_long_fails_the_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 100)
    db_file = tmp_path / "history.sqlite"
    db = await open_database(db_file)
    other = _other_process_lock(db_file)

    def insert(conn: Connection) -> None:
        conn.execute(text("INSERT INTO jobs (id, command, provider, status, created_at, "
                          "metadata) VALUES ('job-x', 'c', 'p', 's', '1', '{}')"))

    with pytest.raises(OperationalError, match="locked"):
        await db.write(insert)
    other.execute("ROLLBACK")
    other.close()
    await db.write(insert)  # the lock is free again
    assert await db.read(lambda c: c.execute(text("SELECT count(*) FROM jobs")).scalar()) == 1
    await db.dispose()


async def test_reads_see_committed_writes_while_another_process_writes(tmp_path: Path) -> None:
    db_file = tmp_path / "history.sqlite"
    db = await open_database(db_file)
    repo = HistoryRepository(db)
    await repo.upsert_job(job_id="job-1", command="images generate", provider="openai",
                          status="completed", output_path=None, created_at="1",
                          metadata={"prompt": "harbour"})
    other = _other_process_lock(db_file)  # WAL: readers never wait for a writer
    assert (await repo.get_job("job-1")) is not None
    assert (await repo.get_job("job-other")) is None  # not committed yet
    assert (await repo.list_jobs(query="harbour")).total == 1
    other.execute("COMMIT")
    other.close()
    assert (await repo.get_job("job-other")) is not None
    await db.dispose()


async def test_offloaded_calls_run_on_aiosqlite_and_wait_off_the_loop(tmp_path: Path) -> None:
    """``offload=True`` goes through aiosqlite: a lock held by another process is waited
    for in the connection's thread while the loop goes on (a wait on the loop would
    have blocked this coroutine until the busy timeout failed the write); a loop write
    asked for meanwhile queues behind it, in order."""
    db_file = tmp_path / "history.sqlite"
    db = await open_database(db_file)
    other = _other_process_lock(db_file)
    order: list[str] = []
    drivers: list[str] = []

    def insert(name: str) -> Callable[[Connection], None]:
        def run(conn: Connection) -> None:
            drivers.append(type(conn.connection.driver_connection).__module__.split(".")[0])
            conn.execute(text("INSERT INTO jobs (id, command, provider, status, created_at, "
                              f"metadata) VALUES ('{name}', 'c', 'p', 's', '3', '{{}}')"))
        return run

    async def write(name: str, offload: bool) -> None:
        await db.write(insert(name), offload=offload)
        order.append(name)

    offloaded = asyncio.create_task(write("job-offloaded", True))
    await asyncio.sleep(0.05)
    on_loop = asyncio.create_task(write("job-on-loop", False))
    ticks = 0
    for _ in range(10):  # the loop is free while both wait
        await asyncio.sleep(0.01)
        ticks += 1
    assert ticks == 10 and order == []
    other.execute("COMMIT")
    other.close()
    await asyncio.gather(offloaded, on_loop)
    assert order == ["job-offloaded", "job-on-loop"]
    assert drivers == ["aiosqlite", "sqlite3"]  # offloaded; the short write on the loop
    count = await db.read(lambda c: c.execute(text("SELECT count(*) FROM jobs")).scalar(),
                          offload=True)
    assert count == 3
    await db.dispose()


async def test_periodic_checkpoint_runs_through_aiosqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "CHECKPOINT_EVERY", 4)
    db_file = tmp_path / "history.sqlite"
    db = await open_database(db_file)
    wal = db_file.with_name(db_file.name + "-wal")
    for i in range(4):
        await db.write(lambda c, i=i: c.execute(text(
            "INSERT INTO jobs (id, command, provider, status, created_at, metadata) "
            f"VALUES ('job-{i}', 'c', 'p', 's', '1', '{{}}')")))
    assert db._checkpoint is not None
    await db._checkpoint
    # the passive checkpoint copied the frames back: the main file alone, without its
    # WAL, holds every row
    alone = tmp_path / "copy" / "history.sqlite"
    alone.parent.mkdir()
    shutil.copyfile(db_file, alone)
    con = sqlite3.connect(alone)
    assert con.execute("SELECT count(*) FROM jobs").fetchone() == (4,)
    con.close()
    assert wal.exists()  # the WAL stays (reused), only its frames were copied
    await db.dispose()
