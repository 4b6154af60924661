"""Build a live provider from a :class:`ProviderSpec` and the process's shared runtime.

The provider's HTTP client follows its effective proxy (spec/providers.md §7.5):
``providers.<name>.proxy`` when set, else the global ``proxy`` of config.json.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from ..config.proxy import ProxyConfig, effective_proxy
from ..config.store import ConfigStore
from ..errors import AppError
from ..settings import DEFAULT_CODEX_ENDPOINT, DEFAULT_OPENAI_API_BASE
from .base import Capabilities
from .codex import CODEX_OPTIONS, DEFAULT_CODEX_MODEL, CodexProvider
from .codex_auth import DEFAULT_TOKEN_URL, AuthFileStore, ConfigTokenStore, TokenStore
from .http_clients import HttpClients
from .openai import OPENAI_OPTIONS, OpenAIImagesProvider
from .retry import RetryPolicy
from .selection import ProviderSpec

__all__ = ["ProviderRuntime", "build_provider", "provider_http", "provider_proxy", "token_store"]


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
    clients: HttpClients | None = None
    """Clients per effective proxy; without it every call uses ``http`` (the ``system`` mode)."""


def token_store(spec: ProviderSpec, runtime: ProviderRuntime) -> TokenStore:
    if spec.configured:
        if runtime.config is None:
            raise AppError("internal_error", "Configured Codex providers need the config store.")
        return ConfigTokenStore(runtime.config, spec.selection.resolved)
    return AuthFileStore(spec.auth_file or Path("auth.json"))


def provider_proxy(spec: ProviderSpec, runtime: ProviderRuntime) -> ProxyConfig:
    """The effective proxy of ``spec`` (validated: ``proxy_url_invalid``)."""
    global_proxy = runtime.config.load().get("proxy") if runtime.config is not None else None
    return effective_proxy(global_proxy, spec.config if spec.configured else None)


def provider_http(spec: ProviderSpec, runtime: ProviderRuntime) -> httpx.AsyncClient:
    """The client that honours ``spec``'s effective proxy (``proxy_unsupported`` for SOCKS
    without ``socksio``)."""
    if runtime.clients is None:
        return runtime.http
    return runtime.clients.for_proxy(provider_proxy(spec, runtime))


def build_provider(
    spec: ProviderSpec, runtime: ProviderRuntime
) -> OpenAIImagesProvider | CodexProvider:
    """A live provider for ``spec`` bound to the client of its effective proxy."""
    sel = spec.selection
    http = provider_http(spec, runtime)
    if spec.family == "openai":
        return OpenAIImagesProvider(
            name=sel.resolved,
            api_base=spec.api_base or DEFAULT_OPENAI_API_BASE,
            api_key=spec.api_key or "",
            http=http,
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
        http=http,
        tokens=token_store(spec, runtime),
        capabilities=Capabilities("codex", sel.supports_n, sel.edit_region_mode, CODEX_OPTIONS),
        refresh_lock=runtime.refresh_lock,
        model=spec.model or DEFAULT_CODEX_MODEL,
        timeout=runtime.timeout,
        retry=runtime.retry,
        token_url=runtime.token_url,
    )
