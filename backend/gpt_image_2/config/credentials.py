"""Credential references: ``file``, ``env`` and ``keychain`` (spec/providers.md §7.3)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from ..errors import AppError

__all__ = ["KEYCHAIN_SERVICE", "ResolvedCredential", "resolve_credential"]

KEYCHAIN_SERVICE = "gpt-image-2-skill"


@dataclass(frozen=True)
class ResolvedCredential:
    value: str
    source: str  # "file" | "env:VAR" | "keychain:<account>"

    def __repr__(self) -> str:  # never show the value
        return f"ResolvedCredential(source={self.source!r})"


def resolve_credential(ref: Any, *, provider: str, name: str) -> ResolvedCredential:
    """Resolve one stored reference to its secret value."""
    if not isinstance(ref, dict):
        raise AppError(
            "credential_missing",
            f"Missing credential: {name}",
            {"provider": provider, "credential": name},
        )
    source = ref.get("source", "file")
    if source == "file":
        value = ref.get("value")
        if not isinstance(value, str) or not value.strip():
            raise AppError("credential_missing", "File credential is empty.",
                           {"provider": provider, "credential": name})
        return ResolvedCredential(value.strip(), "file")
    if source == "env":
        var = str(ref.get("env") or "")
        value = os.environ.get(var, "") if var else ""
        if not value.strip():
            raise AppError("credential_missing", f"Missing environment credential: {var}",
                           {"provider": provider, "credential": name})
        return ResolvedCredential(value.strip(), f"env:{var}")
    if source == "keychain":
        service = ref.get("service") or KEYCHAIN_SERVICE
        account = ref.get("account") or f"providers/{provider}/{name}"
        value = _keyring_get(service, account)
        return ResolvedCredential(value, f"keychain:{account}")
    raise AppError("secret_source_unsupported", f"Unsupported secret source: {source}")


def _keyring_get(service: str, account: str) -> str:
    try:
        import keyring
        from keyring.errors import KeyringError, NoKeyringError
    except ImportError as exc:  # pragma: no cover - dependency is declared
        raise AppError("keychain_error", "Unable to open keychain entry.",
                       {"service": service, "account": account, "error": str(exc)}) from exc
    try:
        value = keyring.get_password(service, account)
    except NoKeyringError as exc:
        raise AppError(
            "keychain_error",
            "Unable to open keychain entry.",
            {"service": service, "account": account,
             "error": "No keyring backend is available on this machine; store the secret with "
                      "--source file or --source env instead."},
        ) from exc
    except KeyringError as exc:
        raise AppError("keychain_missing", "Unable to read keychain secret.",
                       {"service": service, "account": account, "error": str(exc)}) from exc
    if not value:
        raise AppError("keychain_missing", "Unable to read keychain secret.",
                       {"service": service, "account": account,
                        "error": "No matching entry found in secure storage"})
    return value
