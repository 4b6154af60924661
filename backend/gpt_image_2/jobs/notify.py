"""Dispatch job notifications in the background after a job's terminal event."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from ..config import ConfigStore
from ..notifications import ServerNotifier
from .bus import EventBus

__all__ = ["NotificationDispatcher"]

log = logging.getLogger(__name__)


class NotificationDispatcher:
    """Sends email and webhooks for finished jobs without delaying them; records
    ``job.notifications``."""

    def __init__(self, notifier: ServerNotifier, config: ConfigStore, bus: EventBus) -> None:
        self.notifier = notifier
        self.config = config
        self.bus = bus
        self._tasks: set[asyncio.Task[None]] = set()

    def __call__(self, job_id: str, job: dict[str, Any] | None) -> None:
        if job is None:
            return
        task = asyncio.create_task(self._run(job_id, job), name=f"notify:{job_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, job_id: str, job: dict[str, Any]) -> None:
        try:
            settings = self.config.load().get("notifications") or {}
            deliveries = await self.notifier.notify(settings, job)
            if deliveries:
                await self.bus.emit(job_id, "local", "job.notifications",
                                    {"deliveries": [d.to_dict() for d in deliveries]})
        except Exception:  # a notification must never break a job
            log.exception("notification dispatch failed for %s", job_id)

    async def drain(self, timeout: float = 5.0) -> None:
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)
