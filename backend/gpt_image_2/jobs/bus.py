"""The job event bus: persist every event, then fan it out to live subscribers.

Each event gets a per-job monotonic ``seq`` assigned by the database insert,
so replay (``Last-Event-ID``) and live delivery share one numbering. Appends
for one job are serialised so publish order equals ``seq`` order.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from ..db import EventRow, HistoryRepository
from ..redact import redact
from .models import JobEvent

__all__ = ["EventBus", "Subscription"]

log = logging.getLogger(__name__)


class Subscription:
    def __init__(self, bus: EventBus, job_id: str) -> None:
        self.bus = bus
        self.job_id = job_id
        self.queue: asyncio.Queue[JobEvent] = asyncio.Queue()

    def close(self) -> None:
        self.bus._subscribers[self.job_id].discard(self)
        if not self.bus._subscribers[self.job_id]:
            del self.bus._subscribers[self.job_id]


class EventBus:
    def __init__(self, repo: HistoryRepository, secrets: Iterable[str] = ()) -> None:
        self.repo = repo
        self.secrets = secrets
        self._subscribers: defaultdict[str, set[Subscription]] = defaultdict(set)
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    def subscribe(self, job_id: str) -> Subscription:
        sub = Subscription(self, job_id)
        self._subscribers[job_id].add(sub)
        return sub

    async def emit(self, job_id: str, kind: str, event_type: str, data: dict[str, Any]) -> JobEvent:
        clean = redact(data, list(self.secrets))
        async with self._locks[job_id]:
            row = await self.repo.append_event(job_id, kind, event_type, clean)
            event = to_event(row)
            for sub in list(self._subscribers.get(job_id, ())):
                sub.queue.put_nowait(event)
        return event

    def forget(self, job_id: str) -> None:
        """Drop the per-job lock once a job is finished."""
        lock = self._locks.get(job_id)
        if lock is not None and not lock.locked():
            del self._locks[job_id]


def to_event(row: EventRow) -> JobEvent:
    return JobEvent(seq=row.seq, kind=row.kind, type=row.type, data=row.data)
