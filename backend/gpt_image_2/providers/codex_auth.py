"""Codex ChatGPT-token credentials: ``auth.json``, configured providers, refresh.

Two token stores share one interface: :class:`AuthFileStore` (``$CODEX_HOME/auth.json``
or ``--auth-file``, shared with the official Codex CLI) and :class:`ConfigTokenStore`
(a ``type: codex`` provider in config.json). :func:`refresh_tokens` implements the
one-shot OAuth refresh of spec/providers.md §3.7: serialised by a lock, re-reads
the persisted refresh token first, writes the new tokens back atomically (0600,
unknown keys and their order kept, ``last_refresh`` in RFC 3339).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import httpx

from ..config.credentials import (
    KEYCHAIN_SERVICE,
    default_account,
    keyring_set,
    resolve_credential,
)
from ..config.store import ConfigStore
from ..errors import AppError
from ..fsutil import atomic_write_bytes, interprocess_lock
from ..redact import redact
from ..settings import DEFAULT_CODEX_TOKEN_URL
from .base import EmitFn, progress
from .jwt import account_id_from_token, token_facts

__all__ = [
    "CLIENT_ID",
    "DEFAULT_TOKEN_URL",
    "AuthFileStore",
    "CodexTokens",
    "ConfigTokenStore",
    "TokenStore",
    "inspect_auth_file",
    "refresh_tokens",
]

DEFAULT_TOKEN_URL = DEFAULT_CODEX_TOKEN_URL
CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann"
REFRESH_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class CodexTokens:
    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    account_id: str | None = None  # explicit value, if any
    id_token: str | None = field(default=None, repr=False)

    def resolved_account_id(self) -> str:
        if self.account_id and self.account_id.strip():
            return self.account_id.strip()
        return account_id_from_token(self.access_token)

    def secrets(self) -> list[str]:
        return [s for s in (self.access_token, self.refresh_token, self.id_token) if s]


class TokenStore(Protocol):
    @property
    def source(self) -> str: ...  # "auth.json" | "config"

    @property
    def location(self) -> Path: ...

    def load(self) -> CodexTokens: ...

    def persisted_refresh_token(self) -> str | None: ...

    async def save(self, tokens: CodexTokens, response: dict[str, Any]) -> None: ...


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


@dataclass
class AuthFileStore:
    """``auth.json`` with tokens under ``tokens`` (or, flat, at the root)."""

    location: Path
    source: str = "auth.json"

    def read_document(self) -> dict[str, Any]:
        detail: dict[str, Any] = {"auth_file": str(self.location)}
        if not self.location.exists():
            raise AppError("auth_missing", f"Auth file not found: {self.location}", detail)
        try:
            text = self.location.read_text(encoding="utf-8")
        except OSError as exc:
            raise AppError("auth_read_failed", f"Unable to read auth file: {self.location}",
                           {**detail, "error": str(exc)}) from exc
        try:
            doc = json.loads(text)
        except ValueError as exc:
            raise AppError("auth_invalid_json", f"Invalid JSON in auth file: {self.location}",
                           {**detail, "error": str(exc)}) from exc
        if not isinstance(doc, dict):
            raise AppError("auth_invalid_shape", "auth.json must contain a JSON object.", detail)
        return doc

    @staticmethod
    def container(doc: dict[str, Any]) -> dict[str, Any]:
        tokens = doc.get("tokens")
        return tokens if isinstance(tokens, dict) else doc

    def load(self) -> CodexTokens:
        box = self.container(self.read_document())
        access = box.get("access_token")
        if not isinstance(access, str) or not access.strip():
            raise AppError("access_token_missing", f"Missing access_token in {self.location}")
        return CodexTokens(access.strip(), _str(box.get("refresh_token")),
                           _str(box.get("account_id")), _str(box.get("id_token")))

    def persisted_refresh_token(self) -> str | None:
        try:
            return _str(self.container(self.read_document()).get("refresh_token"))
        except AppError:
            return None

    async def save(self, tokens: CodexTokens, response: dict[str, Any]) -> None:
        doc = self.read_document()
        box = self.container(doc)
        box["access_token"] = tokens.access_token
        if _str(response.get("refresh_token")):
            box["refresh_token"] = tokens.refresh_token
        if _str(response.get("id_token")):
            box["id_token"] = tokens.id_token
        box["account_id"] = tokens.account_id
        doc["last_refresh"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        try:
            text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
            atomic_write_bytes(self.location, text.encode("utf-8"), mode=0o600)
        except (OSError, TypeError, ValueError) as exc:
            raise AppError("auth_write_failed", "Unable to write auth.json.",
                           {"auth_file": str(self.location), "error": type(exc).__name__}) from exc


@dataclass
class ConfigTokenStore:
    """Tokens kept as credentials of a configured ``type: codex`` provider."""

    store: ConfigStore
    provider: str
    source: str = "config"

    @property
    def location(self) -> Path:
        return self.store.path

    def _credentials(self) -> dict[str, Any]:
        entry = (self.store.load().get("providers") or {}).get(self.provider)
        if not isinstance(entry, dict):
            raise AppError("provider_unknown", f"Unknown provider: {self.provider}")
        creds = entry.get("credentials")
        return creds if isinstance(creds, dict) else {}

    def _optional(self, creds: dict[str, Any], name: str) -> str | None:
        if name not in creds:
            return None
        try:
            return resolve_credential(creds[name], provider=self.provider, name=name).value
        except AppError:
            return None

    def load(self) -> CodexTokens:
        creds = self._credentials()
        access = resolve_credential(creds.get("access_token"), provider=self.provider,
                                    name="access_token").value
        return CodexTokens(access, self._optional(creds, "refresh_token"),
                           self._optional(creds, "account_id"))

    def persisted_refresh_token(self) -> str | None:
        try:
            return self._optional(self._credentials(), "refresh_token")
        except AppError:
            return None

    async def save(self, tokens: CodexTokens, response: dict[str, Any]) -> None:
        values = {"access_token": tokens.access_token, "account_id": tokens.account_id}
        if _str(response.get("refresh_token")):
            values["refresh_token"] = tokens.refresh_token
        keychain_writes: list[tuple[str, str, str]] = []

        def mutate(doc: dict[str, Any]) -> None:
            entry = (doc.get("providers") or {}).get(self.provider)
            if not isinstance(entry, dict):
                raise AppError("provider_unknown", f"Unknown provider: {self.provider}")
            creds = entry.setdefault("credentials", {})
            for name, value in values.items():
                if not value:
                    continue
                ref = creds.get(name)
                source = ref.get("source", "file") if isinstance(ref, dict) else "file"
                if source == "env":
                    continue  # environment credentials are not persisted
                if source == "keychain" and isinstance(ref, dict):
                    keychain_writes.append((
                        str(ref.get("service") or KEYCHAIN_SERVICE),
                        str(ref.get("account") or default_account(self.provider, name)), value,
                    ))
                    continue
                creds[name] = {"source": "file", "value": value}

        await self.store.update(mutate)
        for service, account, value in keychain_writes:
            await asyncio.to_thread(keyring_set, service, account, value)


def inspect_auth_file(path: Path) -> dict[str, Any]:
    """The ``providers.codex`` object of ``auth inspect`` (never the tokens)."""
    base: dict[str, Any] = {"auth_file": str(path), "provider": "codex"}
    store = AuthFileStore(path)
    if not path.exists():
        return {**base, "auth_source": "missing", "exists": False,
                "message": "auth.json was not found.", "parse_ok": False, "ready": False}
    try:
        doc = store.read_document()
    except AppError as exc:
        return {**base, "auth_source": "config", "exists": True, "parse_ok": False,
                "ready": False, "message": exc.message,
                "error": {"code": exc.code, "detail": exc.detail}}
    box = store.container(doc)
    access = _str(box.get("access_token"))
    account: str | None
    try:
        account = CodexTokens(access, account_id=_str(box.get("account_id"))).resolved_account_id(
        ) if access else _str(box.get("account_id"))
    except AppError:
        account = None
    mode = doc.get("auth_mode", doc.get("type"))
    return {
        **base,
        "auth_source": "config",
        "exists": True,
        "parse_ok": True,
        "ready": access is not None,
        "access_token_present": access is not None,
        "refresh_token_present": _str(box.get("refresh_token")) is not None,
        "id_token_present": _str(box.get("id_token")) is not None,
        "account_id": account,
        "auth_mode": mode if isinstance(mode, str) else None,
        "last_refresh": doc.get("last_refresh"),
        **token_facts(access),
    }


async def refresh_tokens(
    *,
    http: httpx.AsyncClient,
    token_url: str,
    store: TokenStore,
    current: CodexTokens,
    emit: EmitFn,
    lock: asyncio.Lock,
    user_agent: str,
) -> CodexTokens:
    """One OAuth refresh; returns the new tokens after persisting them."""
    await emit("progress", "auth_refresh_started", progress(
        "codex", "auth_refresh_started", "Refreshing Codex access token.", percent=2,
        endpoint=token_url))
    # One refresh at a time per token file, in this process and across processes (the
    # CLI and a server may share auth.json): refresh tokens rotate, so two refreshes
    # with the same token would make the second fail.
    guard = store.location.with_name(store.location.name + ".refresh.lock")
    async with lock, interprocess_lock(guard, error_code="auth_write_failed"):
        # Adopt a refresh token rotated meanwhile by another process (spec providers.md
        # §3.7 step 3), but never a stored access token as "already refreshed": it may be
        # the very token that was just refused.
        persisted = store.persisted_refresh_token()
        refresh = persisted or current.refresh_token
        if not refresh:
            raise AppError("refresh_token_missing", "Missing refresh_token in auth.json")
        try:
            response = await http.post(
                token_url,
                json={"client_id": CLIENT_ID, "grant_type": "refresh_token",
                      "refresh_token": refresh},
                headers={"Accept": "application/json", "User-Agent": user_agent},
                timeout=REFRESH_TIMEOUT_SECONDS,
            )
        except httpx.HTTPError as exc:
            raise AppError("refresh_failed", "Refresh request failed.",
                           {"error": str(exc) or type(exc).__name__}) from exc
        if not response.is_success:
            raise AppError("http_error", f"HTTP {response.status_code}",
                           {"message": "Refresh request failed.",
                            "detail": redact(response.text[:4000], [refresh])},
                           upstream_status=response.status_code)
        try:
            data = response.json()
        except ValueError as exc:
            raise AppError("refresh_failed", "Refresh response was not valid JSON.") from exc
        if not isinstance(data, dict) or not _str(data.get("access_token")):
            raise AppError("refresh_failed", "Refresh response did not include access_token.")
        access = str(data["access_token"]).strip()
        account = current.account_id or account_id_from_token(access)
        tokens = replace(
            current, access_token=access,
            refresh_token=_str(data.get("refresh_token")) or refresh,
            id_token=_str(data.get("id_token")) or current.id_token,
            account_id=account,
        )
        await store.save(tokens, data)
    await emit("local", "auth.refresh.completed", redact(data, tokens.secrets()))
    await emit("progress", "auth_refresh_completed", progress(
        "codex", "auth_refresh_completed", "Codex access token refreshed.", percent=4))
    return tokens
