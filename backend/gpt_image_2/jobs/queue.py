"""An asyncio FIFO job queue with a concurrency limit.

The queue holds job ids only; the job's parameters live in its history row, so
queued work survives a restart. ``run`` is awaited in its own task per job;
the runner claims the job in the database (compare-and-set ``queued`` →
``running``) so no job ever runs twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable

from .models import QueueSnapshot

__all__ = ["JobQueue"]

log = logging.getLogger(__name__)


class JobQueue:
    def __init__(self, run: Callable[[str], Awaitable[None]], max_parallel: int = 2) -> None:
        self._run = run
        self.max_parallel = max(1, max_parallel)
        self._pending: deque[str] = deque()
        self._running: dict[str, asyncio.Task[None]] = {}
        self._closed = False

    # -- inspection ---------------------------------------------------------
    def snapshot(self) -> QueueSnapshot:
        return QueueSnapshot(
            max_parallel=self.max_parallel,
            running=len(self._running),
            queued=len(self._pending),
            queued_job_ids=list(self._pending),
        )

    def is_queued(self, job_id: str) -> bool:
        return job_id in self._pending

    def is_running(self, job_id: str) -> bool:
        return job_id in self._running

    # -- control --------------------------------------------------------------
    def submit(self, job_id: str) -> int:
        """Append a job; returns its 1-based position among waiting jobs."""
        if job_id not in self._pending and job_id not in self._running:
            self._pending.append(job_id)
        position = len(self._pending)
        self._pump()
        return position

    def set_max_parallel(self, value: int) -> None:
        self.max_parallel = max(1, value)
        self._pump()

    def remove_queued(self, job_id: str) -> bool:
        try:
            self._pending.remove(job_id)
        except ValueError:
            return False
        return True

    def cancel_running(self, job_id: str) -> bool:
        task = self._running.get(job_id)
        if task is None:
            return False
        task.cancel()
        return True

    async def wait_idle(self) -> None:
        while self._running or self._pending:
            await asyncio.gather(*self._running.values(), return_exceptions=True)
            await asyncio.sleep(0)

    async def close(self, grace_seconds: float = 5.0) -> None:
        """Stop taking work; let running jobs finish for a moment, then cancel them."""
        self._closed = True
        self._pending.clear()
        tasks = list(self._running.values())
        if tasks:
            _done, pending = await asyncio.wait(tasks, timeout=grace_seconds)
            for task in pending:
                task.cancel()
            for task in pending:
                with contextlib.suppress(BaseException):
                    await task

    # -- internals ----------------------------------------------------------------
    def _pump(self) -> None:
        while not self._closed and self._pending and len(self._running) < self.max_parallel:
            job_id = self._pending.popleft()
            self._running[job_id] = asyncio.create_task(self._guard(job_id), name=f"job:{job_id}")

    async def _guard(self, job_id: str) -> None:
        try:
            await self._run(job_id)
        except asyncio.CancelledError:
            raise
        except Exception:  # the runner records failures itself; this is a last resort
            log.exception("job runner crashed", extra={"job_id": job_id})
        finally:
            self._running.pop(job_id, None)
            self._pump()
