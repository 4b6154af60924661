"""Evidence a job leaves in its folder for recovery (spec/web.md §11.1).

``recovery_state.json`` records how far each provider call got: an attempt is
appended (stage ``submitted``) before a request is sent, and completed (stage
``response_received``) once the whole body has been spooled to
``raw_response.json`` (``raw_response-<slot>.json`` for fan-out slots). After a
crash this tells "never sent" from "sent, maybe billed" from "answered and
saved". The runner writes it through a :class:`RecoveryRecorder`; the recovery
module reads it back with :func:`load_state`.

Shape::

    {"stage": "submitted" | "response_received" | "completed",
     "updated_at": "<epoch s>",
     "attempts": [{"attempt_id", "slot", "request_started_at",
                   "response_body_completed_at"?, "raw_response_path"?}],   # last 5
     "attempts_truncated_count": int,
     "generation_slots": {"<slot>": {"stage", "raw_response_bytes"?}}}
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio

from ..errors import AppError
from ..fsutil import Sync, atomic_write_bytes, epoch_seconds

__all__ = [
    "MAX_ATTEMPTS",
    "STATE_FILE",
    "RecoveryRecorder",
    "load_state",
    "raw_response_name",
]

STATE_FILE = "recovery_state.json"
MAX_ATTEMPTS = 5


def raw_response_name(slot: int | None) -> str:
    """The spool file of the whole job (``slot`` None) or of one fan-out slot (1-based)."""
    return "raw_response.json" if slot is None else f"raw_response-{slot}.json"


def load_state(job_dir: Path) -> dict[str, Any]:
    """The recorded state, or ``{}`` when missing or unreadable (blocking)."""
    try:
        value = json.loads((job_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _now() -> str:
    return f"{time.time():.3f}"


class RecoveryRecorder:
    """Serialised, atomic updates of one job's ``recovery_state.json``.

    Fan-out slots share one recorder, so concurrent updates never lose each
    other; each write replaces the file atomically off the event loop.
    """

    def __init__(self, job_dir: Path) -> None:
        self.job_dir = job_dir
        self._state: dict[str, Any] | None = None
        self._lock = asyncio.Lock()

    async def request_started(self, slot: int | None) -> None:
        def change(state: dict[str, Any]) -> None:
            count = int(state.get("attempt_count") or len(state.get("attempts") or [])) + 1
            state["attempt_count"] = count
            attempts = list(state.get("attempts") or [])
            attempts.append({"attempt_id": f"attempt-{count}", "slot": slot,
                             "request_started_at": _now()})
            dropped = max(0, len(attempts) - MAX_ATTEMPTS)
            state["attempts"] = attempts[dropped:]
            state["attempts_truncated_count"] = int(
                state.get("attempts_truncated_count") or 0) + dropped
            state["stage"] = "submitted"
            if slot is not None:
                state.setdefault("generation_slots", {})[str(slot)] = {"stage": "submitted"}

        await self._update(change)

    async def response_received(self, slot: int | None, size: int,
                                spool: Callable[[], None] | None = None) -> None:
        """Record that the body of ``slot``'s response is on disk; ``spool`` (run first,
        in the same worker thread) is what puts it there."""
        name = raw_response_name(slot)

        def change(state: dict[str, Any]) -> None:
            for attempt in reversed(state.get("attempts") or []):
                if attempt.get("slot") == slot and "response_body_completed_at" not in attempt:
                    attempt["response_body_completed_at"] = _now()
                    attempt["raw_response_path"] = name
                    break
            state["stage"] = "response_received"
            if slot is not None:
                state.setdefault("generation_slots", {})[str(slot)] = {
                    "stage": "response_received", "raw_response_bytes": size}

        # The spool is written durably first; this mark only repeats what its presence
        # says (jobs/recovery.py reads it either way), so it needs no fsync of its own.
        await self._update(change, spool, sync="none")

    async def mark(self, stage: str) -> None:
        def change(state: dict[str, Any]) -> None:
            state["stage"] = stage

        await self._update(change)

    async def _update(self, change: Callable[[dict[str, Any]], None],
                      before: Callable[[], None] | None = None, sync: Sync = "none") -> None:
        """Apply ``change`` and rewrite the file: one trip to a worker thread, which
        first runs ``before`` (e.g. spooling the body this change records)."""
        async with self._lock:
            if before is None and sync == "none":
                # A few hundred bytes into the page cache, no fsync: cheaper here than a
                # trip to a worker thread, and it sits right before every request.
                self._apply(change, None, sync)
            else:
                await anyio.to_thread.run_sync(self._apply, change, before, sync)

    def _apply(self, change: Callable[[dict[str, Any]], None],
               before: Callable[[], None] | None, sync: Sync) -> None:
        if before is not None:
            before()
        if self._state is None:
            self._state = load_state(self.job_dir)
        change(self._state)
        self._state["updated_at"] = epoch_seconds()
        data = (json.dumps(self._state, indent=2, ensure_ascii=False) + "\n").encode()
        try:
            atomic_write_bytes(self.job_dir / STATE_FILE, data, sync=sync)
        except OSError as exc:
            # Without this record a crash could not tell "never sent" from "maybe
            # billed", so no request goes out when it cannot be written.
            raise AppError("output_write_failed", "Unable to record the job's recovery state.",
                           {"error": exc.strerror or str(exc)}) from exc
