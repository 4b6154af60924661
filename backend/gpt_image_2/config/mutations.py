"""Pure edits of the config document: providers, the default, credential references.

Each function changes a loaded document in place and raises the stable error
codes of spec/protocol.md §2.1–2.2. Keychain reads/writes are *not* done here
(they block); the caller does them around the document update.
"""

from __future__ import annotations

from typing import Any

from ..errors import AppError
from .credentials import KEYCHAIN_SERVICE, default_account

__all__ = [
    "BUILTIN_DEFAULTS",
    "EDIT_REGION_MODES",
    "default_model",
    "keep_stored_secret",
    "merge_credentials",
    "remove_provider",
    "set_credential",
    "set_default",
    "upsert_provider",
    "validate_provider_name",
]

BUILTIN_DEFAULTS = ("auto", "openai", "codex")
EDIT_REGION_MODES = ("native-mask", "reference-hint", "none")


def validate_provider_name(name: str) -> str:
    if not name or any(ch in name for ch in "/\\") or any(ch.isspace() for ch in name):
        raise AppError("provider_invalid_name",
                       "Provider name must be a non-empty path-safe token.")
    return name


def default_model(kind: str) -> str:
    return "gpt-5.4" if kind == "codex" else "gpt-image-2"


def _providers(doc: dict[str, Any]) -> dict[str, Any]:
    providers = doc.get("providers")
    if not isinstance(providers, dict):
        providers = {}
        doc["providers"] = providers
    return providers


def merge_credentials(
    name: str, incoming: dict[str, Any], existing: dict[str, Any]
) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    """New credential map plus the keychain writes it needs (service, account, value).

    A ``file`` credential with an empty value keeps the stored value of the same
    slot, so a UI can round-trip redacted objects without losing secrets.
    """
    merged: dict[str, Any] = {}
    writes: list[tuple[str, str, str]] = []
    for key, ref in incoming.items():
        if not isinstance(ref, dict):
            continue
        source = ref.get("source", "file")
        stored = existing.get(key)
        old: dict[str, Any] = stored if isinstance(stored, dict) else {}
        if source == "file":
            value = ref.get("value")
            if not isinstance(value, str) or not value:
                value = old.get("value") if old.get("source", "file") == "file" else None
            merged[key] = {"source": "file", "value": value or ""}
        elif source == "env":
            if not ref.get("env"):
                raise AppError("secret_env_missing", "--env is required for env secrets.")
            merged[key] = {"source": "env", "env": str(ref["env"])}
        elif source == "keychain":
            service = ref.get("service") or (old.get("service") if old.get("source") ==
                                             "keychain" else None) or KEYCHAIN_SERVICE
            account = ref.get("account") or (old.get("account") if old.get("source") ==
                                             "keychain" else None) or default_account(name, key)
            merged[key] = {"source": "keychain", "service": service, "account": account}
            if isinstance(ref.get("value"), str) and ref["value"]:
                writes.append((str(service), str(account), ref["value"]))
        else:
            raise AppError("secret_source_unsupported", f"Unsupported secret source: {source}")
    return merged, writes


def keep_stored_secret(ref: Any, old: Any) -> Any:
    """A ``file`` reference sent back with an empty (or redacted, non-string) value keeps the
    value stored in the same slot; the view-only ``present`` flag is dropped."""
    if not isinstance(ref, dict):
        return ref
    out = {k: v for k, v in ref.items() if k != "present"}
    value = out.get("value")
    if out.get("source", "file") == "file" and (not isinstance(value, str) or not value):
        stored = old.get("value") if isinstance(old, dict) and old.get(
            "source", "file") == "file" else None
        out["value"] = stored if isinstance(stored, str) else ""
    return out


def upsert_provider(
    doc: dict[str, Any], name: str, entry: dict[str, Any], *, set_default: bool,
    allow_overwrite: bool,
) -> None:
    """Insert or replace ``providers[name]``; it becomes the default if asked or if none."""
    validate_provider_name(name)
    providers = _providers(doc)
    if name == "auto":
        raise AppError("provider_invalid_name", "The name auto is reserved.")
    if not allow_overwrite and (name in ("openai", "codex") or name in providers):
        raise AppError("provider_exists", f"Provider {name} already exists, cannot be overwritten.",
                       {"provider": name}, http_status=409)
    mode = entry.get("edit_region_mode")
    if mode is not None and mode not in EDIT_REGION_MODES:
        raise AppError("invalid_provider_config", f"Unsupported edit_region_mode: {mode}",
                       {"allowed": list(EDIT_REGION_MODES)})
    providers[name] = entry
    if set_default or not doc.get("default_provider"):
        doc["default_provider"] = name


def remove_provider(doc: dict[str, Any], name: str) -> bool:
    providers = _providers(doc)
    removed = providers.pop(name, None) is not None
    if doc.get("default_provider") == name:
        doc["default_provider"] = None
    return removed


def set_default(doc: dict[str, Any], name: str) -> None:
    validate_provider_name(name)
    if name not in BUILTIN_DEFAULTS and name not in _providers(doc):
        raise AppError("provider_unknown", f"Unknown provider: {name}")
    doc["default_provider"] = name


def set_credential(doc: dict[str, Any], provider: str, name: str, ref: dict[str, Any]) -> None:
    entry = _providers(doc).get(provider)
    if not isinstance(entry, dict):
        raise AppError("provider_unknown", f"Unknown provider: {provider}")
    creds = entry.get("credentials")
    if not isinstance(creds, dict):
        creds = {}
        entry["credentials"] = creds
    creds[name] = ref
