"""The job event bus: number every event, fan it out to live subscribers, persist it.

Each event gets a per-job monotonic ``seq``, so replay (``Last-Event-ID``) and
live delivery share one numbering; publish order equals ``seq`` order.

Persistence is write-behind. For a job's first event in this process the bus
reads where the job's numbering stands (``max(seq)``); from then on events are
numbered here, published at once and stored by a background writer, one
transaction per batch (whatever accumulated over :data:`BATCH_DELAY`, or until
someone waits for it). Two rules keep this exact:

* A terminal event (``job.completed`` …) is published only after it and every
  earlier event of every job are stored, so a job is never reported finished
  with events still in memory. :meth:`EventBus.flush` waits the same way and
  :meth:`EventBus.close` flushes before the database goes away.
* :meth:`EventBus.replay` returns the stored events merged with the published
  ones not yet stored, so a reader that subscribes first and then replays
  after ``Last-Event-ID`` never sees a gap.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from ..db import EventRow, HistoryRepository
from ..fsutil import epoch_seconds
from ..logfile import log_event
from ..redact import redact
from .models import TERMINAL_EVENT_TYPES, JobEvent

__all__ = ["BATCH_DELAY", "EventBus", "Subscription", "to_event"]

log = logging.getLogger(__name__)

BATCH_DELAY = 0.05
"""Seconds non-terminal events may wait in memory, so a job's burst is one transaction."""

class Subscription:
    def __init__(self, bus: EventBus, job_id: str) -> None:
        self.bus = bus
        self.job_id = job_id
        self.queue: asyncio.Queue[JobEvent] = asyncio.Queue()

    def close(self) -> None:
        subs = self.bus._subscribers.get(self.job_id)
        if subs is None:
            return
        subs.discard(self)
        if not subs:
            del self.bus._subscribers[self.job_id]


class _Batch:
    """Events stored together, and a future resolved once they are committed."""

    def __init__(self) -> None:
        self.rows: list[EventRow] = []
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()


class EventBus:
    def __init__(self, repo: HistoryRepository, secrets: Iterable[str] = ()) -> None:
        self.repo = repo
        self.secrets = secrets
        self._subscribers: defaultdict[str, set[Subscription]] = defaultdict(set)
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._seq: dict[str, int] = {}
        """Last seq handed out per job (only for jobs whose numbering this bus owns)."""
        self._pending: _Batch | None = None
        self._writing: _Batch | None = None
        self._writer: asyncio.Task[None] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._closed = False

    def subscribe(self, job_id: str) -> Subscription:
        sub = Subscription(self, job_id)
        self._subscribers[job_id].add(sub)
        return sub

    async def emit(self, job_id: str, kind: str, event_type: str, data: dict[str, Any]) -> JobEvent:
        clean = redact(data, list(self.secrets))
        terminal = event_type in TERMINAL_EVENT_TYPES
        async with self._locks[job_id]:
            last = self._seq.get(job_id)
            if last is None and not self._closed:
                # Numbering unknown here: continue from the database's, once nothing
                # of this job is still waiting to be written.
                await self._wait(self._unwritten(job_id))
                last = await self.repo.last_event_seq(job_id)
            if last is None or self._closed:  # shutting down: store now, one by one
                await self._wait(self._unwritten(job_id))
                row = await self.repo.append_event(job_id, kind, event_type, clean)
            else:
                row = EventRow(job_id, last + 1, kind, event_type, clean, epoch_seconds())
                batch = self._enqueue(row)
                if terminal:
                    await self._wait([batch])  # written now, with whatever is buffered
            event = to_event(row)
            if terminal or self._closed:
                self._seq.pop(job_id, None)  # the next event (rare) is numbered by the database
            else:
                self._seq[job_id] = row.seq
            for sub in list(self._subscribers.get(job_id, ())):
                sub.queue.put_nowait(event)
        _log_job_event(job_id, kind, event_type, clean)
        return event

    async def replay(self, job_id: str, after_seq: int = 0) -> list[JobEvent]:
        """Events after ``after_seq``: stored ones and published ones still being stored.

        Subscribe before replaying: an event is then either in the subscription's
        queue, or published before it, and so stored or in the write-behind buffer
        when this looks (the buffer is read before the database)."""
        unwritten = {
            row.seq: to_event(row)
            for batch in (self._writing, self._pending) if batch is not None
            for row in batch.rows
            if row.job_id == job_id and row.seq > after_seq
            and row.type not in TERMINAL_EVENT_TYPES  # published only once stored
        }
        stored = {row.seq: to_event(row) for row in await self.repo.events_after(job_id, after_seq)}
        return [event for _, event in sorted({**unwritten, **stored}.items())]

    async def flush(self) -> None:
        """Wait until every event emitted so far is stored."""
        await self._wait([b for b in (self._writing, self._pending) if b is not None])

    async def close(self) -> None:
        """Store what is buffered; later events are written one by one."""
        self._closed = True
        await self.flush()

    def numbering_starts(self, job_id: str) -> None:
        """``job_id`` is a new job with no events anywhere: its first event is ``seq`` 1,
        without asking the database."""
        self._seq.setdefault(job_id, 0)

    def forget(self, job_id: str) -> None:
        """Drop the per-job state once a job is finished."""
        lock = self._locks.get(job_id)
        if lock is not None and not lock.locked():
            del self._locks[job_id]
            self._seq.pop(job_id, None)

    # -- write-behind ------------------------------------------------------------
    def _enqueue(self, row: EventRow) -> _Batch:
        """Buffer an event; the buffer is written :data:`BATCH_DELAY` seconds after its
        first event, or at once when someone waits for it."""
        if self._pending is None:
            self._pending = _Batch()
        self._pending.rows.append(row)
        if self._timer is None and self._writer is None:
            self._timer = asyncio.get_running_loop().call_later(BATCH_DELAY, self._kick)
        return self._pending

    def _kick(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._writer is None and self._pending is not None:
            self._writer = asyncio.create_task(self._write_loop(), name="event-writer")

    def _unwritten(self, job_id: str) -> list[_Batch]:
        return [b for b in (self._writing, self._pending)
                if b is not None and any(r.job_id == job_id for r in b.rows)]

    async def _write_loop(self) -> None:
        try:
            while self._pending is not None:
                batch, self._pending = self._pending, None
                self._writing = batch
                try:
                    await self.repo.append_events(batch.rows)
                except Exception as exc:
                    log.exception("storing %d job events failed", len(batch.rows))
                    batch.done.set_exception(exc)
                    batch.done.exception()  # raised in waiters; no "never retrieved" noise
                else:
                    batch.done.set_result(None)
                finally:
                    self._writing = None
        finally:
            self._writer = None

    async def _wait(self, batches: list[_Batch]) -> None:
        if any(batch is self._pending for batch in batches):
            self._kick()
        for batch in batches:
            await asyncio.shield(batch.done)


def to_event(row: EventRow) -> JobEvent:
    return JobEvent(seq=row.seq, kind=row.kind, type=row.type, data=row.data)


_INFO_EVENTS = frozenset({"job.queued", "job.running", "job.completed", "job.cancelled",
                          "job.canceled", "auth_refresh_completed", "source_saved",
                          "extraction_completed", "verification_completed"})
_WARN_EVENTS = frozenset({"job.failed", "job.partial_failed", "retry_scheduled",
                          "request_failed"})


def _log_job_event(job_id: str, kind: str, event_type: str, data: dict[str, Any]) -> None:
    """Mirror a job event into the server log: the lifecycle at info, trouble at warn,
    the rest (progress, raw provider SSE) at debug. ``data`` is already redacted."""
    if event_type in _WARN_EVENTS:
        level = logging.WARNING
    elif event_type in _INFO_EVENTS:
        level = logging.INFO
    elif event_type == "job.notifications":
        failed = any(not d.get("ok", True) for d in data.get("deliveries", ())
                     if isinstance(d, dict))
        level = logging.WARNING if failed else logging.INFO
    else:
        level = logging.DEBUG
    if log.isEnabledFor(level):
        log_event(log, "job", event_type, {**data, "job_id": job_id, "event_kind": kind}, level)
