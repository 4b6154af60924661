"""Typed dependencies: routes get state from ``app.state`` through these."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ..jobs import JobService
from ..providers import ProviderOverrides
from ..settings import Settings
from .security import AccessPolicy

__all__ = ["Overrides", "Policy", "Service", "AppSettings"]

API_KEY_HEADER = "x-gpt-image-2-api-key"
API_BASE_HEADER = "x-gpt-image-2-openai-api-base"


def _service(request: Request) -> JobService:
    service: JobService = request.app.state.service
    return service


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _policy(request: Request) -> AccessPolicy:
    policy: AccessPolicy = request.app.state.policy
    return policy


def _overrides(request: Request) -> ProviderOverrides:
    """Per-request credentials from a remote CLI (``--api-key``/``--openai-api-base``).

    A base URL override is honoured only together with the caller's own key, so a
    client can never send the server's key to a host of its choosing.
    """
    key = request.headers.get(API_KEY_HEADER, "").strip() or None
    base = request.headers.get(API_BASE_HEADER, "").strip() or None
    if base is not None and key is None:
        from ..errors import AppError

        raise AppError(
            "invalid_argument",
            "An API base override needs the caller's own API key (--api-key).",
        )
    return ProviderOverrides(api_key=key, openai_api_base=base)


Service = Annotated[JobService, Depends(_service)]
AppSettings = Annotated[Settings, Depends(_settings)]
Policy = Annotated[AccessPolicy, Depends(_policy)]
Overrides = Annotated[ProviderOverrides, Depends(_overrides)]
