"""Typed dependencies: routes get state from ``app.state`` through these.

They are ``async def`` although they never await: FastAPI runs a plain ``def``
dependency in a worker thread, one thread hop per request and dependency.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ..console import ConsoleService
from ..errors import AppError
from ..jobs import JobService
from ..providers import ProviderOverrides
from ..settings import Settings
from .security import AccessPolicy

__all__ = ["AppSettings", "Console", "Overrides", "Policy", "Service"]

API_KEY_HEADER = "x-gpt-image-2-api-key"
API_BASE_HEADER = "x-gpt-image-2-openai-api-base"
RETRIES_HEADER = "x-gpt-image-2-retries"
RETRY_DELAY_HEADER = "x-gpt-image-2-retry-delay-seconds"
TIMEOUT_HEADER = "x-gpt-image-2-request-timeout-seconds"
# (header, low, high) bounds of the per-request tuning headers
_TUNING: dict[str, tuple[str, float, float]] = {
    "retries": (RETRIES_HEADER, 0, 10),
    "retry_delay_seconds": (RETRY_DELAY_HEADER, 0, 60),
    "request_timeout_seconds": (TIMEOUT_HEADER, 1, 3600),
}


async def _service(request: Request) -> JobService:
    service: JobService = request.app.state.service
    return service


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _policy(request: Request) -> AccessPolicy:
    policy: AccessPolicy = request.app.state.policy
    return policy


async def _overrides(request: Request) -> ProviderOverrides:
    """Per-request credentials from a remote CLI (``--api-key``/``--openai-api-base``).

    A base URL override is honoured only together with the caller's own key, so a
    client can never send the server's key to a host of its choosing.
    """
    key = request.headers.get(API_KEY_HEADER, "").strip() or None
    base = request.headers.get(API_BASE_HEADER, "").strip() or None
    if base is not None and key is None:
        raise AppError(
            "invalid_argument",
            "An API base override needs the caller's own API key (--api-key).",
        )
    tuning: dict[str, float | int] = {}
    for field, (header, low, high) in _TUNING.items():
        raw = request.headers.get(header, "").strip()
        if not raw:
            continue
        try:
            value = float(raw)
        except ValueError:
            value = float("nan")
        if not low <= value <= high:
            raise AppError("invalid_argument", f"{header} must be a number in {low:g}..{high:g}.",
                           {"header": header})
        tuning[field] = int(value) if field == "retries" else value
    return ProviderOverrides(api_key=key, openai_api_base=base, **tuning)  # type: ignore[arg-type]


async def _console(request: Request) -> ConsoleService:
    console: ConsoleService = request.app.state.console
    return console


Service = Annotated[JobService, Depends(_service)]
AppSettings = Annotated[Settings, Depends(_settings)]
Policy = Annotated[AccessPolicy, Depends(_policy)]
Overrides = Annotated[ProviderOverrides, Depends(_overrides)]
Console = Annotated[ConsoleService, Depends(_console)]
