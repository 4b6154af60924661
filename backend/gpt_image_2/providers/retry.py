"""Retries in one place (spec/providers.md §4).

Retryable: an upstream status of 429 or >= 500, or no status with code
``network_error`` / ``request_failed`` / ``refresh_failed``. The delay before
retry *r* is ``base * 2**(r-1)`` (1 s, 2 s, 4 s by default), or the upstream's
``Retry-After`` (seconds or an HTTP date) when it is given, capped at 60 s; the
reference ignores ``Retry-After`` (docs/decisions/0001-service-core.md, item 8).
Every retry emits ``retry_scheduled`` and then waits through :data:`sleep`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from ..errors import AppError
from .base import EmitFn, progress

__all__ = ["RetryPolicy", "is_retryable", "parse_retry_after", "sleep", "with_retries"]

T = TypeVar("T")
MAX_RETRY_AFTER_SECONDS = 60.0
_RETRYABLE_CODES = frozenset({"network_error", "request_failed", "refresh_failed"})

sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
"""How the loop waits between attempts (looked up per retry, so tests can record delays)."""


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 3
    base_delay_seconds: float = 1.0

    def delay_for(self, retry_number: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return _whole(min(max(retry_after, 0.0), MAX_RETRY_AFTER_SECONDS))
        return _whole(float(self.base_delay_seconds * (2 ** (retry_number - 1))))


def _whole(seconds: float) -> float:
    """A whole number of seconds as an ``int`` so events carry ``1``, not ``1.0``
    (spec/protocol.md §3.4)."""
    seconds = float(seconds)
    return int(seconds) if seconds.is_integer() else seconds


def is_retryable(error: AppError) -> bool:
    if error.retryable is not None:
        return error.retryable
    if error.upstream_status is not None:
        return error.upstream_status == 429 or error.upstream_status >= 500
    return error.code in _RETRYABLE_CODES


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    import datetime as dt
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
        if when.tzinfo is None:  # "-0000": a UTC time with no zone given
            when = when.replace(tzinfo=dt.UTC)
        return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())
    except (TypeError, ValueError, OverflowError):
        return None


async def with_retries(
    attempt: Callable[[], Awaitable[T]], policy: RetryPolicy, emit: EmitFn, family: str
) -> tuple[T, int]:
    """Run ``attempt`` until it succeeds, fails for good, or retries run out."""
    retries = 0
    while True:
        try:
            return await attempt(), retries
        except AppError as error:
            if retries >= policy.max_retries or not is_retryable(error):
                raise
            retries += 1
            delay = policy.delay_for(retries, error.retry_after)
            await emit(
                "progress",
                "retry_scheduled",
                progress(
                    family,
                    "retry_scheduled",
                    "Retry scheduled after transient failure.",
                    retry_number=retries,
                    max_retries=policy.max_retries,
                    delay_seconds=delay,
                    reason=error.message,
                    status_code=error.upstream_status,
                ),
            )
            await sleep(delay)
