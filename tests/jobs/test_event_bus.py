"""The event bus writes behind: events are published at once and stored in batches, yet
a terminal event is only published once everything before it is stored, and a replay
after any seq has no gap."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from gpt_image_2.db import HistoryRepository, open_database
from gpt_image_2.jobs.bus import EventBus


@pytest.fixture
async def repo(tmp_path: Path) -> HistoryRepository:
    db = await open_database(tmp_path / "history.sqlite")
    repo = HistoryRepository(db)
    for job_id in ("job-a", "job-b"):
        await repo.upsert_job(job_id=job_id, command="images generate", provider="openai",
                              status="running", output_path=None, created_at="1",
                              metadata={"prompt": job_id})
    return repo


async def stored(repo: HistoryRepository, job_id: str) -> list[int]:
    return [e.seq for e in await repo.events_after(job_id)]


async def test_events_are_published_first_and_stored_in_one_batch(
    repo: HistoryRepository,
) -> None:
    bus = EventBus(repo)
    sub = bus.subscribe("job-a")
    first = await bus.emit("job-a", "local", "job.queued", {})
    assert first.seq == 1
    for i in range(5):
        await bus.emit("job-a", "progress", "step", {"i": i})
    assert [sub.queue.get_nowait().seq for _ in range(6)] == [1, 2, 3, 4, 5, 6]
    assert await stored(repo, "job-a") == []  # still buffered...
    assert [e.seq for e in await bus.replay("job-a")] == [1, 2, 3, 4, 5, 6]  # ...yet replayed
    assert [e.seq for e in await bus.replay("job-a", 4)] == [5, 6]
    await bus.flush()
    assert await stored(repo, "job-a") == [1, 2, 3, 4, 5, 6]
    await repo.db.dispose()


async def test_terminal_event_is_published_only_when_everything_is_stored(
    repo: HistoryRepository,
) -> None:
    bus = EventBus(repo)
    await bus.emit("job-a", "local", "job.running", {})
    await bus.emit("job-b", "local", "job.running", {})
    sub = bus.subscribe("job-a")
    seen: list[tuple[str, list[int], list[int]]] = []

    async def watch() -> None:
        while True:
            event = await sub.queue.get()
            # what the database holds at the moment the event is delivered
            seen.append((event.type, await stored(repo, "job-a"), await stored(repo, "job-b")))
            if event.type == "job.completed":
                return

    watcher = asyncio.create_task(watch())
    for i in range(3):
        await bus.emit("job-a", "progress", "step", {"i": i})
        await bus.emit("job-b", "progress", "step", {"i": i})
    await bus.emit("job-a", "local", "job.completed", {"status": "completed"})
    await watcher
    kind, a_stored, b_stored = seen[-1]
    assert kind == "job.completed"
    assert a_stored == [1, 2, 3, 4, 5]  # every event of the job, the terminal one included
    assert b_stored == [1, 2, 3, 4]  # and of every other job emitted before it
    assert next(s for k, s, _ in seen if k == "step") == []  # steps were delivered unstored
    await repo.db.dispose()


async def test_numbering_continues_after_the_job_is_forgotten(repo: HistoryRepository) -> None:
    bus = EventBus(repo)
    await bus.emit("job-a", "local", "job.running", {})
    await bus.emit("job-a", "progress", "step", {})
    await bus.emit("job-a", "local", "job.failed", {"status": "failed"})
    bus.forget("job-a")
    late = await bus.emit("job-a", "local", "job.notifications", {})  # after the terminal one
    assert late.seq == 4
    await bus.close()
    other = EventBus(repo)  # e.g. the next process
    assert (await other.emit("job-a", "local", "job.notifications", {})).seq == 5
    await other.flush()
    assert await stored(repo, "job-a") == [1, 2, 3, 4, 5]
    await repo.db.dispose()


async def test_events_of_a_deleted_job_are_dropped_and_others_kept(
    repo: HistoryRepository,
) -> None:
    bus = EventBus(repo)
    for job_id in ("job-a", "job-b"):
        await bus.emit(job_id, "local", "job.running", {})
        await bus.emit(job_id, "progress", "step", {})
    assert await repo.delete_job("job-a") == 1
    await bus.flush()
    assert await stored(repo, "job-a") == []
    assert await stored(repo, "job-b") == [1, 2]
    await repo.db.dispose()


async def test_close_stores_what_is_buffered(repo: HistoryRepository) -> None:
    bus = EventBus(repo)
    await bus.emit("job-a", "local", "job.running", {})
    await bus.emit("job-a", "progress", "step", {})
    await bus.close()
    assert await stored(repo, "job-a") == [1, 2]
    assert (await bus.emit("job-a", "progress", "late", {})).seq == 3  # written at once
    assert await stored(repo, "job-a") == [1, 2, 3]
    await repo.db.dispose()
