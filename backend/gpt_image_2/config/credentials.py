"""Credential references: ``file``, ``env`` and ``keychain`` (spec/providers.md §7.3).

A reference is the JSON object stored under ``providers.<name>.credentials.<key>``.
``resolve_credential`` turns it into the secret; ``credential_status`` into the
redacted view (``present`` instead of the value). Keychain access goes through
the ``keyring`` package; a machine without a usable backend (a headless Linux
without Secret Service) gives ``keychain_error`` with a message that says what
to do instead, never a traceback.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from ..errors import AppError

__all__ = [
    "KEYCHAIN_SERVICE",
    "NO_KEYRING_HINT",
    "ResolvedCredential",
    "credential_status",
    "default_account",
    "keyring_delete",
    "keyring_get",
    "keyring_set",
    "resolve_credential",
]

KEYCHAIN_SERVICE = "gpt-image-2-skill"
NO_KEYRING_HINT = (
    "No keyring backend is available on this machine (no Secret Service / keychain). "
    "Store the secret with --source file or --source env instead, or install and unlock "
    "a keyring (e.g. gnome-keyring) and retry."
)


@dataclass(frozen=True)
class ResolvedCredential:
    value: str
    source: str  # "file" | "env:VAR" | "keychain:<account>"

    def __repr__(self) -> str:  # never show the value
        return f"ResolvedCredential(source={self.source!r})"


def default_account(provider: str, name: str) -> str:
    return f"providers/{provider}/{name}"


def _missing(provider: str, name: str) -> AppError:
    return AppError(
        "credential_missing", f"Missing credential: {name}",
        {"provider": provider, "credential": name},
    )


def stored_secret(ref: Any) -> str | None:
    """The value a ``file`` reference keeps in config.json (None for env/keychain
    references, empty values and anything else), e.g. for the secret registry."""
    if (isinstance(ref, dict) and ref.get("source", "file") == "file"
            and isinstance(ref.get("value"), str) and ref["value"]):
        return str(ref["value"])
    return None


def resolve_credential(ref: Any, *, provider: str, name: str) -> ResolvedCredential:
    """Resolve one stored reference to its secret value."""
    if not isinstance(ref, dict):
        raise _missing(provider, name)
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
        account = ref.get("account") or default_account(provider, name)
        return ResolvedCredential(keyring_get(service, account), f"keychain:{account}")
    raise AppError("secret_source_unsupported", f"Unsupported secret source: {source}")


def credential_status(ref: Any, *, provider: str, name: str) -> Any:
    """The redacted view of a reference (spec/providers.md §7.4). A bare string in a
    credential slot (a hand-edited config.json) is a file secret and is masked like one."""
    if isinstance(ref, str):
        ref = {"source": "file", "value": ref}
    if not isinstance(ref, dict):
        return ref
    source = ref.get("source", "file")
    if source == "file":
        value = ref.get("value")
        return {"source": "file", "present": isinstance(value, str) and bool(value.strip()),
                "value": {"_omitted": "secret"}}
    if source == "env":
        var = str(ref.get("env") or "")
        return {"source": "env", "env": ref.get("env"),
                "present": bool(var) and bool(os.environ.get(var, "").strip())}
    if source == "keychain":
        service = ref.get("service") or KEYCHAIN_SERVICE
        account = ref.get("account") or default_account(provider, name)
        try:
            present = bool(keyring_get(service, account))
        except Exception:  # any keyring backend failure reads as "not there", never a 500
            present = False
        return {"source": "keychain", "service": service, "account": account,
                "present": present}
    return {"source": source, "present": False}


def _keyring() -> Any:
    try:
        import keyring
    except ImportError as exc:  # pragma: no cover - dependency is declared
        raise AppError("keychain_error", "Unable to open keychain entry.",
                       {"error": str(exc)}) from exc
    return keyring


def _no_backend(service: str, account: str, exc: Exception) -> AppError:
    # The code and the first sentence are the reference's; the rest says what to do.
    return AppError("keychain_error", f"Unable to open keychain entry. {NO_KEYRING_HINT}",
                    {"service": service, "account": account, "error": NO_KEYRING_HINT})


def keyring_get(service: str, account: str) -> str:
    keyring = _keyring()
    from keyring.errors import KeyringError, NoKeyringError

    try:
        value = keyring.get_password(service, account)
    except NoKeyringError as exc:
        raise _no_backend(service, account, exc) from exc
    except (KeyringError, OSError) as exc:
        raise AppError("keychain_missing", "Unable to read keychain secret.",
                       {"service": service, "account": account,
                        "error": type(exc).__name__}) from exc
    if not value:
        raise AppError("keychain_missing", "Unable to read keychain secret.",
                       {"service": service, "account": account,
                        "error": "No matching entry found in secure storage"})
    return str(value)


def keyring_set(service: str, account: str, value: str) -> None:
    keyring = _keyring()
    from keyring.errors import KeyringError, NoKeyringError

    try:
        keyring.set_password(service, account, value)
    except NoKeyringError as exc:
        raise _no_backend(service, account, exc) from exc
    except (KeyringError, OSError) as exc:
        raise AppError("keychain_write_failed", "Unable to write keychain secret.",
                       {"service": service, "account": account,
                        "error": type(exc).__name__}) from exc


def keyring_delete(service: str, account: str) -> None:
    keyring = _keyring()
    from keyring.errors import KeyringError, NoKeyringError

    try:
        keyring.delete_password(service, account)
    except NoKeyringError as exc:
        raise _no_backend(service, account, exc) from exc
    except (KeyringError, OSError) as exc:
        raise AppError("keychain_delete_failed", "Unable to delete keychain secret.",
                       {"service": service, "account": account,
                        "error": type(exc).__name__}) from exc
