"""Provider selection (spec/providers.md §5).

``select_provider`` decides *which* provider serves a request and returns a
:class:`ProviderSpec` whose :class:`Selection` is the ``provider_selection``
object of every payload; ``select_for_request`` is the ``request create``
variant (§5.2). ``providers/factory.py`` turns a spec into a live provider.

Deviation from the reference (docs/decisions/0003): a built-in name
(``openai``/``codex``) stored as ``default_provider`` is honoured as an
explicit request instead of being ignored.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config.credentials import resolve_credential
from ..errors import AppError
from ..settings import DEFAULT_OPENAI_API_BASE
from .codex_auth import AuthFileStore, inspect_auth_file

__all__ = [
    "BUILTIN_NAMES",
    "CODEX_DEFAULT_MODEL",
    "OPENAI_KINDS",
    "ProviderOverrides",
    "ProviderSpec",
    "Selection",
    "SelectionInputs",
    "codex_ready",
    "env_openai_key",
    "openai_auth_status",
    "region_mode",
    "select_for_request",
    "select_provider",
]

BUILTIN_NAMES = ("openai", "codex")
OPENAI_KINDS = ("openai", "openai-compatible")
CODEX_DEFAULT_MODEL = "gpt-5.4"
REGION_MODES = ("native-mask", "reference-hint", "none")


@dataclass(frozen=True)
class ProviderOverrides:
    """Per-request overrides from CLI flags (never persisted)."""

    api_key: str | None = field(default=None, repr=False)
    openai_api_base: str | None = None
    codex_endpoint: str | None = None
    auth_file: Path | None = None
    retries: int | None = None
    retry_delay_seconds: float | None = None
    request_timeout_seconds: float | None = None


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
    configured: bool = False
    config: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class SelectionInputs:
    """Everything selection reads besides the requested name."""

    config: dict[str, Any]
    config_file: Path
    env_api_key: str | None
    default_api_base: str
    default_codex_endpoint: str
    auth_file: Path
    overrides: ProviderOverrides = ProviderOverrides()

    @property
    def api_key(self) -> str | None:
        return self.overrides.api_key or self.env_api_key

    @property
    def codex_auth(self) -> Path:
        return self.overrides.auth_file or self.auth_file

    @property
    def providers(self) -> dict[str, Any]:
        providers = self.config.get("providers")
        return providers if isinstance(providers, dict) else {}


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


def codex_ready(auth_file: Path) -> bool:
    """``auth.json`` parses to an object whose token container has a string access_token."""
    try:
        AuthFileStore(auth_file).load()
    except AppError:
        return False
    return True


def region_mode(entry: dict[str, Any], kind: str) -> str:
    mode = entry.get("edit_region_mode")
    if mode is None:
        return "native-mask" if kind == "openai" else "reference-hint"
    if mode not in REGION_MODES:
        raise AppError(
            "invalid_provider_config",
            f"Unsupported edit_region_mode: {mode}",
            {"allowed": list(REGION_MODES)},
        )
    return str(mode)


def configured_spec(
    name: str, entry: Any, requested: str, reason: str, overrides: ProviderOverrides,
    *, check_credentials: bool = True,
) -> ProviderSpec:
    """Spec of a provider defined in config.json (validates type, region mode, key)."""
    if not isinstance(entry, dict):
        raise AppError("invalid_provider_config", f"Provider {name} must be an object.")
    kind = str(entry.get("type") or "openai-compatible")
    if kind not in (*OPENAI_KINDS, "codex"):
        raise AppError(
            "provider_kind_unsupported", f"Unsupported provider type: {kind}",
            {"provider": name, "type": kind},
        )
    stored = entry.get("credentials")
    credentials: dict[str, Any] = stored if isinstance(stored, dict) else {}
    if kind == "codex":
        selection = Selection(
            requested, name, "codex", reason, bool(entry.get("supports_n") or False),
            region_mode(entry, "codex"),
        )
        if check_credentials:
            resolve_credential(credentials.get("access_token"), provider=name,
                               name="access_token")
        return ProviderSpec(
            selection, "codex", endpoint=entry.get("endpoint"),
            model=entry.get("model") or CODEX_DEFAULT_MODEL, auth_source="config",
            configured=True, config=entry,
        )
    supports_n = entry.get("supports_n")
    selection = Selection(
        requested, name, "openai-compatible", reason,
        bool(kind == "openai" if supports_n is None else supports_n),
        region_mode(entry, kind),
    )
    key: str | None = None
    source = "file"
    if overrides.api_key:
        key, source = overrides.api_key, "flag"
    elif check_credentials:
        resolved = resolve_credential(credentials.get("api_key"), provider=name, name="api_key")
        key, source = resolved.value, resolved.source
    return ProviderSpec(
        selection, "openai", api_base=entry.get("api_base") or DEFAULT_OPENAI_API_BASE,
        model=entry.get("model") or "gpt-image-2", api_key=key, auth_source=source,
        configured=True, config=entry,
    )


def _builtin(name: str, requested: str, reason: str, inputs: SelectionInputs) -> ProviderSpec:
    if name == "openai":
        if not inputs.api_key:
            raise AppError(
                "api_key_missing", "Missing OPENAI_API_KEY.",
                {"provider": "openai", "env_var": "OPENAI_API_KEY"},
            )
        return ProviderSpec(
            Selection(requested, "openai", "openai-compatible", reason, True, "native-mask"),
            "openai", api_base=inputs.overrides.openai_api_base or inputs.default_api_base,
            model="gpt-image-2", api_key=inputs.api_key,
            auth_source="flag" if inputs.overrides.api_key else "env",
        )
    if not codex_ready(inputs.codex_auth):
        raise AppError("access_token_missing", f"Missing access_token in {inputs.codex_auth}")
    return ProviderSpec(
        Selection(requested, "codex", "codex", reason, False, "reference-hint"),
        "codex", endpoint=inputs.overrides.codex_endpoint or inputs.default_codex_endpoint,
        model=CODEX_DEFAULT_MODEL, auth_source="auth.json", auth_file=inputs.codex_auth,
    )


def unavailable(inputs: SelectionInputs) -> AppError:
    return AppError(
        "provider_unavailable",
        "No usable provider auth was found.",
        {
            "openai": openai_auth_status(inputs.overrides, inputs.env_api_key),
            "codex": inspect_auth_file(inputs.codex_auth),
            "config_file": str(inputs.config_file),
            "configured_providers": sorted(inputs.providers),
        },
    )


def select_provider(requested: str | None, inputs: SelectionInputs) -> ProviderSpec:
    """Resolve ``requested`` (``auto``, a built-in, or a configured name) to a spec."""
    req = (requested or "auto").strip() or "auto"
    providers = inputs.providers
    overrides = inputs.overrides
    if req in BUILTIN_NAMES:
        if req in providers:
            return configured_spec(req, providers[req], req, "explicit_config_provider",
                                   overrides)
        return _builtin(req, req, "explicit", inputs)
    if req == "auto":
        default = inputs.config.get("default_provider")
        if isinstance(default, str) and default in providers:
            return configured_spec(
                default, providers[default], default, "config_default_provider", overrides
            )
        if isinstance(default, str) and default in BUILTIN_NAMES:
            return _builtin(default, default, "config_default_provider", inputs)
        if inputs.api_key:
            return _builtin("openai", "auto", "auto_openai_api_key", inputs)
        if codex_ready(inputs.codex_auth):
            return _builtin("codex", "auto", "auto_codex_auth", inputs)
        raise unavailable(inputs)
    if req not in providers:
        raise AppError("provider_unknown", f"Unknown provider: {req}",
                       {"config_file": str(inputs.config_file)})
    return configured_spec(req, providers[req], req, "explicit_config_provider", overrides)


def select_for_request(
    requested: str | None, operation: str, inputs: SelectionInputs
) -> ProviderSpec:
    """``request create`` selection (spec/providers.md §5.2)."""
    req = (requested or "auto").strip() or "auto"
    if req != "auto":
        return select_provider(req, inputs)
    default = inputs.config.get("default_provider")
    if isinstance(default, str) and (default in inputs.providers or default in BUILTIN_NAMES):
        return select_provider(None, inputs)
    if operation == "responses" and codex_ready(inputs.codex_auth):
        return _builtin("codex", "auto", "auto_request_responses", inputs)
    if operation in ("generate", "edit") and inputs.api_key:
        return _builtin("openai", "auto", "auto_request_images", inputs)
    return select_provider(None, inputs)


def env_openai_key() -> str | None:
    value = os.environ.get("OPENAI_API_KEY", "").strip()
    return value or None
