"""Build a live provider from a :class:`ProviderSpec` and the process's shared runtime."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from ..config.store import ConfigStore
from ..errors import AppError
from ..settings import DEFAULT_CODEX_ENDPOINT, DEFAULT_OPENAI_API_BASE
from .base import Capabilities
from .codex import CODEX_OPTIONS, DEFAULT_CODEX_MODEL, CodexProvider
from .codex_auth import DEFAULT_TOKEN_URL, AuthFileStore, ConfigTokenStore, TokenStore
from .openai import OPENAI_OPTIONS, OpenAIImagesProvider
from .retry import RetryPolicy
from .selection import ProviderSpec

__all__ = ["ProviderRuntime", "build_provider", "token_store"]


@dataclass
class ProviderRuntime:
    """What every provider call shares: the HTTP client, retry policy, limits, locks."""

    http: httpx.AsyncClient
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeout: float = 300.0
    max_download_bytes: int = 64 * 1024 * 1024
    config: ConfigStore | None = None
    token_url: str = DEFAULT_TOKEN_URL
    refresh_lock: asyncio.Lock = field(default_factory=asyncio.Lock)


def token_store(spec: ProviderSpec, runtime: ProviderRuntime) -> TokenStore:
    if spec.configured:
        if runtime.config is None:
            raise AppError("internal_error", "Configured Codex providers need the config store.")
        return ConfigTokenStore(runtime.config, spec.selection.resolved)
    return AuthFileStore(spec.auth_file or Path("auth.json"))


def build_provider(
    spec: ProviderSpec, runtime: ProviderRuntime
) -> OpenAIImagesProvider | CodexProvider:
    """A live provider for ``spec`` bound to the shared HTTP client."""
    sel = spec.selection
    if spec.family == "openai":
        return OpenAIImagesProvider(
            name=sel.resolved,
            api_base=spec.api_base or DEFAULT_OPENAI_API_BASE,
            api_key=spec.api_key or "",
            http=runtime.http,
            capabilities=Capabilities("openai", sel.supports_n, sel.edit_region_mode,
                                      OPENAI_OPTIONS),
            model=spec.model or "gpt-image-2",
            timeout=runtime.timeout,
            retry=runtime.retry,
            max_download_bytes=runtime.max_download_bytes,
            auth_source=spec.auth_source,
        )
    return CodexProvider(
        name=sel.resolved,
        endpoint=spec.endpoint or DEFAULT_CODEX_ENDPOINT,
        http=runtime.http,
        tokens=token_store(spec, runtime),
        capabilities=Capabilities("codex", sel.supports_n, sel.edit_region_mode, CODEX_OPTIONS),
        refresh_lock=runtime.refresh_lock,
        model=spec.model or DEFAULT_CODEX_MODEL,
        timeout=runtime.timeout,
        retry=runtime.retry,
        token_url=runtime.token_url,
    )
