"""Provider selection (spec/providers.md §5) and construction.

``select_provider`` decides *which* provider serves a request and returns a
:class:`Selection` (the ``provider_selection`` object of every payload) plus a
:class:`ProviderSpec` with everything needed to build it. ``build_provider``
turns a spec into a live provider bound to the shared ``httpx.AsyncClient``.

Deviation from the reference (documented in docs/decisions/0001): a built-in
name (``openai``/``codex``) stored as ``default_provider`` is honoured as an
explicit request instead of being ignored.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from ..config.credentials import resolve_credential
from ..errors import AppError
from ..settings import DEFAULT_OPENAI_API_BASE
from .base import Capabilities, ImageProvider
from .openai import OPENAI_OPTIONS, OpenAIImagesProvider
from .retry import RetryPolicy

__all__ = [
    "BUILTIN_NAMES",
    "ProviderOverrides",
    "ProviderSpec",
    "Selection",
    "build_provider",
    "openai_auth_status",
    "select_provider",
]

BUILTIN_NAMES = ("openai", "codex")
OPENAI_KINDS = ("openai", "openai-compatible")
CODEX_DEFAULT_MODEL = "gpt-5.4"


@dataclass(frozen=True)
class ProviderOverrides:
    """Per-request overrides from CLI flags (never persisted)."""

    api_key: str | None = None
    openai_api_base: str | None = None
    codex_endpoint: str | None = None
    auth_file: Path | None = None


@dataclass(frozen=True)
class Selection:
    requested: str
    resolved: str
    kind: str  # "openai-compatible" | "codex"
    reason: str
    supports_n: bool
    edit_region_mode: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "requested": self.requested,
            "resolved": self.resolved,
            "kind": self.kind,
            "reason": self.reason,
            "supports_n": self.supports_n,
            "edit_region_mode": self.edit_region_mode,
        }


@dataclass(frozen=True)
class ProviderSpec:
    selection: Selection
    family: str  # "openai" | "codex"
    api_base: str | None = None
    endpoint: str | None = None
    model: str | None = None
    api_key: str | None = field(default=None, repr=False)
    auth_source: str = "env"
    auth_file: Path | None = None
    config: dict[str, Any] = field(default_factory=dict, repr=False)


def openai_auth_status(overrides: ProviderOverrides, env_key: str | None) -> dict[str, Any]:
    source = "flag" if overrides.api_key else ("env" if env_key else "missing")
    return {
        "api_key_present": source != "missing",
        "auth_source": source,
        "default_model": "gpt-image-2",
        "env_var": "OPENAI_API_KEY",
        "provider": "openai",
        "ready": source != "missing",
    }


def _codex_ready(auth_file: Path) -> bool:
    try:
        doc = json.loads(auth_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    tokens = doc.get("tokens") if isinstance(doc, dict) else None
    token = tokens.get("access_token") if isinstance(tokens, dict) else None
    return isinstance(token, str) and bool(token.strip())


def _region_mode(entry: dict[str, Any], kind: str) -> str:
    mode = entry.get("edit_region_mode")
    if mode is None:
        return "native-mask" if kind == "openai" else "reference-hint"
    if mode not in ("native-mask", "reference-hint", "none"):
        raise AppError(
            "invalid_provider_config",
            f"Unsupported edit_region_mode: {mode}",
            {"allowed": ["native-mask", "reference-hint", "none"]},
        )
    return str(mode)


def _configured(
    name: str, entry: Any, requested: str, reason: str, overrides: ProviderOverrides
) -> ProviderSpec:
    if not isinstance(entry, dict):
        raise AppError("invalid_provider_config", f"Provider {name} must be an object.")
    kind = str(entry.get("type") or "openai-compatible")
    if kind not in (*OPENAI_KINDS, "codex"):
        raise AppError(
            "provider_kind_unsupported", f"Unsupported provider type: {kind}",
            {"provider": name, "type": kind},
        )
    credentials = entry.get("credentials") if isinstance(entry.get("credentials"), dict) else {}
    if kind == "codex":
        selection = Selection(
            requested, name, "codex", reason, bool(entry.get("supports_n", False)),
            _region_mode(entry, "codex"),
        )
        resolve_credential(credentials.get("access_token"), provider=name, name="access_token")
        return ProviderSpec(
            selection, "codex", endpoint=entry.get("endpoint"),
            model=entry.get("model") or CODEX_DEFAULT_MODEL, auth_source="config", config=entry,
        )
    supports_n = entry.get("supports_n")
    selection = Selection(
        requested, name, "openai-compatible", reason,
        bool(kind == "openai" if supports_n is None else supports_n),
        _region_mode(entry, "openai"),
    )
    if overrides.api_key:
        key, source = overrides.api_key, "flag"
    else:
        resolved = resolve_credential(credentials.get("api_key"), provider=name, name="api_key")
        key, source = resolved.value, resolved.source
    return ProviderSpec(
        selection, "openai", api_base=entry.get("api_base") or DEFAULT_OPENAI_API_BASE,
        model=entry.get("model") or "gpt-image-2", api_key=key, auth_source=source,
        config=entry,
    )


def select_provider(
    requested: str | None,
    config: dict[str, Any],
    *,
    env_api_key: str | None,
    default_api_base: str,
    default_codex_endpoint: str,
    auth_file: Path,
    overrides: ProviderOverrides = ProviderOverrides(),
) -> ProviderSpec:
    """Resolve ``requested`` (``auto``, a built-in, or a configured name) to a spec."""
    req = (requested or "auto").strip() or "auto"
    providers: dict[str, Any] = config.get("providers") or {}
    api_key = overrides.api_key or env_api_key
    api_base = overrides.openai_api_base or default_api_base
    codex_auth = overrides.auth_file or auth_file
    codex_endpoint = overrides.codex_endpoint or default_codex_endpoint

    def builtin(name: str, request_label: str, reason: str) -> ProviderSpec:
        if name == "openai":
            if not api_key:
                raise AppError(
                    "api_key_missing", "Missing OPENAI_API_KEY.",
                    {"provider": "openai", "env_var": "OPENAI_API_KEY"},
                )
            return ProviderSpec(
                Selection(request_label, "openai", "openai-compatible", reason, True,
                          "native-mask"),
                "openai", api_base=api_base, model="gpt-image-2", api_key=api_key,
                auth_source="flag" if overrides.api_key else "env",
            )
        if not _codex_ready(codex_auth):
            raise AppError("access_token_missing", f"Missing access_token in {codex_auth}")
        return ProviderSpec(
            Selection(request_label, "codex", "codex", reason, False, "reference-hint"),
            "codex", endpoint=codex_endpoint, model=CODEX_DEFAULT_MODEL,
            auth_source="auth.json", auth_file=codex_auth,
        )

    if req in BUILTIN_NAMES:
        if req in providers:
            return _configured(req, providers[req], req, "explicit_config_provider", overrides)
        return builtin(req, req, "explicit")
    if req == "auto":
        default = config.get("default_provider")
        if isinstance(default, str) and default in providers:
            return _configured(
                default, providers[default], default, "config_default_provider", overrides
            )
        if isinstance(default, str) and default in BUILTIN_NAMES:
            return builtin(default, default, "config_default_provider")
        if api_key:
            return builtin("openai", "auto", "auto_openai_api_key")
        if _codex_ready(codex_auth):
            return builtin("codex", "auto", "auto_codex_auth")
        raise AppError(
            "provider_unavailable",
            "No usable provider auth was found.",
            {
                "openai": openai_auth_status(overrides, env_api_key),
                "codex": {"auth_file": str(codex_auth), "provider": "codex", "ready": False},
                "configured_providers": sorted(providers),
            },
        )
    if req not in providers:
        raise AppError("provider_unknown", f"Unknown provider: {req}")
    return _configured(req, providers[req], req, "explicit_config_provider", overrides)


def build_provider(
    spec: ProviderSpec,
    http: httpx.AsyncClient,
    *,
    retry: RetryPolicy,
    timeout: float,
    max_download_bytes: int,
) -> ImageProvider:
    """A live provider for ``spec`` using the shared HTTP client."""
    sel = spec.selection
    if spec.family == "openai":
        return OpenAIImagesProvider(
            name=sel.resolved,
            api_base=spec.api_base or DEFAULT_OPENAI_API_BASE,
            api_key=spec.api_key or "",
            http=http,
            capabilities=Capabilities("openai", sel.supports_n, sel.edit_region_mode,
                                      OPENAI_OPTIONS),
            model=spec.model or "gpt-image-2",
            timeout=timeout,
            retry=retry,
            max_download_bytes=max_download_bytes,
            auth_source=spec.auth_source,
        )
    raise AppError(
        "provider_kind_unsupported",
        "The codex provider is not available in this build.",
        {"provider": sel.resolved, "type": "codex"},
    )


def env_openai_key() -> str | None:
    value = os.environ.get("OPENAI_API_KEY", "").strip()
    return value or None
