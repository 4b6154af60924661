"""``doctor``, ``auth inspect`` and ``config test-provider`` (spec/protocol.md §4.1–4.3)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx

from .. import __version__
from ..config.views import provider_view
from ..errors import AppError
from ..providers.codex_auth import inspect_auth_file
from ..providers.retry import RetryPolicy
from ..providers.selection import (
    CODEX_DEFAULT_MODEL,
    ProviderSpec,
    SelectionInputs,
    codex_ready,
    configured_spec,
    openai_auth_status,
    select_provider,
)
from ..redact import redact
from ..settings import DEFAULT_CODEX_ENDPOINT
from .models import AuthInspectPayload, DoctorPayload, ProviderTestResult
from .probe import probe

__all__ = ["auth_inspect", "doctor", "test_provider"]


def _proxy_label(config: dict[str, Any], entry: Any = None) -> str:
    proxy = entry.get("proxy") if isinstance(entry, dict) and entry.get("proxy") else None
    proxy = proxy or config.get("proxy") or {}
    mode = proxy.get("mode") if isinstance(proxy, dict) else None
    return str(mode or "system")


def _configured_views(inputs: SelectionInputs) -> dict[str, Any]:
    return {name: provider_view(name, entry) for name, entry in sorted(inputs.providers.items())}


def _target(spec: ProviderSpec) -> str:
    if spec.family == "openai":
        return spec.api_base or ""
    return spec.endpoint or DEFAULT_CODEX_ENDPOINT


async def doctor(
    inputs: SelectionInputs, config_error: AppError | None, requested: str | None,
    client_for: Callable[[Any], httpx.AsyncClient], retry: RetryPolicy, user_agent: str,
) -> DoctorPayload:
    """A report that never fails: selection errors land in ``provider_selection.error``.

    ``client_for(provider_entry)`` is the client of the effective proxy (the global one
    for ``None``), so each probe travels the way that provider's requests would."""
    req = (requested or "auto").strip() or "auto"
    api_base = inputs.overrides.openai_api_base or inputs.default_api_base
    endpoint = inputs.overrides.codex_endpoint or inputs.default_codex_endpoint
    config = inputs.config
    spec: ProviderSpec | None = None
    selection: dict[str, Any]
    try:
        if config_error is not None:
            raise config_error
        spec = select_provider(req, inputs)
        selection = {**spec.selection.to_dict(), "error": None}
    except AppError as error:
        # ``detail`` is always present (null when there is none), as the reference prints it
        selection = {"requested": req, "resolved": None, "reason": None,
                     "error": redact({"detail": None, **error.to_dict()})}
    async def via(entry: Any, url: str) -> dict[str, Any]:
        label = _proxy_label(config, entry)
        try:
            http = client_for(entry)
        except AppError as exc:  # a proxy that cannot be used: reported, not raised
            return {"endpoint": url, "reachable": False, "proxy": label,
                    "error": f"{exc.code}: {exc.message}"}
        return await probe(http, url, proxy=label, user_agent=user_agent)

    probes = [via(None, endpoint), via(None, api_base)]
    if spec is not None:
        entry = inputs.providers.get(spec.selection.resolved) if spec.configured else None
        probes.append(via(entry, _target(spec)))
    results = await asyncio.gather(*probes)
    return DoctorPayload(
        ok=bool(spec is not None and results[2].get("reachable")),
        defaults={
            "codex_endpoint": endpoint,
            "codex_model": CODEX_DEFAULT_MODEL,
            "config_file": str(inputs.config_file),
            "default_provider": config.get("default_provider"),
            "openai_api_base": api_base,
            "openai_model": "gpt-image-2",
            "provider": "auto",
        },
        provider_selection=selection,
        providers={
            "codex": {"auth": inspect_auth_file(inputs.codex_auth), "endpoint": results[0]},
            "configured": _configured_views(inputs),
            "openai": {"auth": openai_auth_status(inputs.overrides, inputs.env_api_key),
                       "endpoint": results[1]},
        },
        retry_policy={"base_delay_seconds": retry.base_delay_seconds,
                      "max_retries": retry.max_retries},
        version=__version__,
    )


def auth_inspect(inputs: SelectionInputs, requested: str | None) -> AuthInspectPayload:
    """Every provider's credential status; never a secret."""
    req = (requested or "auto").strip() or "auto"
    openai = openai_auth_status(inputs.overrides, inputs.env_api_key)
    if req == "openai" and "openai" not in inputs.providers and not openai["ready"]:
        raise AppError("api_key_missing", "Missing OPENAI_API_KEY.",
                       {"provider": "openai", "env_var": "OPENAI_API_KEY"})
    if req == "codex" and "codex" not in inputs.providers and not codex_ready(inputs.codex_auth):
        raise AppError("access_token_missing", "auth.json did not contain a usable access_token.",
                       {"auth_file": str(inputs.codex_auth)})
    return AuthInspectPayload(
        providers={"codex": inspect_auth_file(inputs.codex_auth),
                   "configured": _configured_views(inputs), "openai": openai},
        requested_provider=req,
    )


async def test_provider(
    name: str, inputs: SelectionInputs, http: httpx.AsyncClient, user_agent: str
) -> ProviderTestResult:
    """Probe a configured provider's API base or endpoint (always a result, never an error
    for an unreachable host)."""
    if name not in inputs.providers:
        raise AppError("provider_unknown", f"Unknown provider: {name}",
                       {"config_file": str(inputs.config_file)})
    entry = inputs.providers[name]
    spec = configured_spec(name, entry, name, "config_test_provider", inputs.overrides,
                           check_credentials=False)
    started = time.monotonic()
    endpoint = await probe(http, _target(spec), proxy=_proxy_label(inputs.config, entry),
                           user_agent=user_agent)
    latency = int((time.monotonic() - started) * 1000)
    reachable = bool(endpoint.get("reachable"))
    detail = {"ok": reachable, "command": "config test-provider",
              "provider_selection": spec.selection.to_dict(), "endpoint": endpoint}
    message = "Connection OK." if reachable else str(endpoint.get("error") or "Unreachable.")
    return ProviderTestResult(ok=reachable, latency_ms=latency, message=message, detail=detail)
