"""Atomic, compatible storage of ``config.json`` (spec/providers.md §7.1–7.2).

The document is kept as plain JSON so fields this version does not know are
preserved on rewrite. Writes are atomic (temp file + fsync + rename) with mode
0600; a failed write leaves the previous file untouched.
"""

from __future__ import annotations

import asyncio
import copy
import json
from pathlib import Path
from typing import Any

from ..errors import AppError
from ..fsutil import atomic_write_bytes, interprocess_lock

__all__ = ["ConfigStore", "default_document"]

_TOP_ORDER = (
    "version", "default_provider", "providers", "notifications", "storage", "paths", "proxy",
    "logging",
)
_PROVIDER_ORDER = (
    "type", "api_base", "endpoint", "model", "credentials", "supports_n", "edit_region_mode",
    "proxy",
)


def default_document() -> dict[str, Any]:
    return {
        "version": 1,
        "default_provider": None,
        "providers": {},
        "notifications": {
            "enabled": True,
            "on_completed": True,
            "on_failed": True,
            "on_cancelled": True,
            "toast": {"enabled": True},
            "system": {"enabled": False, "mode": "auto"},
            "email": {
                "enabled": False, "smtp_host": "", "smtp_port": 587, "tls": "start-tls",
                "username": None, "password": None, "from": "", "to": [], "timeout_seconds": 10,
            },
            "webhooks": [],
        },
        "storage": {
            "targets": {}, "default_targets": [], "fallback_targets": [],
            "fallback_policy": "on_failure", "upload_concurrency": 4, "target_concurrency": 2,
            "policy": {"managed": False, "allow_user_overrides": False, "allowed_modes": [],
                       "locked_archives": []},
        },
        "paths": {
            "app_data_dir": {"mode": "default"},
            "result_library_dir": {"mode": "default"},
            "default_export_dir": {"mode": "result_library"},
            "legacy_shared_codex_dir": {"enabled_for_read": True},
        },
        "proxy": {"mode": "system"},
        "logging": {"debug": False},
    }


def _ordered(doc: dict[str, Any]) -> dict[str, Any]:
    out = {k: doc[k] for k in _TOP_ORDER if k in doc}
    out.update({k: v for k, v in doc.items() if k not in out})
    providers = out.get("providers")
    if isinstance(providers, dict):
        ordered: dict[str, Any] = {}
        for name in sorted(providers):
            entry = providers[name]
            if isinstance(entry, dict):
                item = {k: entry.get(k) for k in _PROVIDER_ORDER[:4]}
                item.update({k: entry[k] for k in _PROVIDER_ORDER[4:] if k in entry})
                item.update({k: v for k, v in entry.items() if k not in item})
                creds = item.get("credentials")
                if isinstance(creds, dict):
                    item["credentials"] = dict(sorted(creds.items()))
                ordered[name] = item
            else:
                ordered[name] = entry
        out["providers"] = ordered
    return out


class ConfigStore:
    """Reads and writes one config file; every mutation is a whole-document rewrite."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = asyncio.Lock()

    @property
    def exists(self) -> bool:
        return self.path.is_file()

    def load(self) -> dict[str, Any]:
        """The document with defaults filled in; a missing file is the default document."""
        if not self.path.exists():
            return default_document()
        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError as exc:
            raise AppError(
                "config_read_failed",
                "Unable to read config file.",
                {"config_file": str(self.path), "error": str(exc)},
            ) from exc
        try:
            doc = json.loads(text)
            if not isinstance(doc, dict) or not isinstance(doc.get("version"), int):
                raise ValueError("missing field `version`")
            if doc.get("providers") is not None and not isinstance(doc["providers"], dict):
                raise ValueError("`providers` must be an object")
        except ValueError as exc:
            raise AppError(
                "config_invalid_json",
                "Config file must be valid JSON.",
                {"config_file": str(self.path), "error": str(exc)},
            ) from exc
        merged = default_document()
        for key, value in doc.items():
            if value is not None or key == "default_provider":
                merged[key] = value
        return merged

    def save(self, doc: dict[str, Any]) -> None:
        try:
            text = json.dumps(_ordered(copy.deepcopy(doc)), indent=2, ensure_ascii=False) + "\n"
        except (TypeError, ValueError) as exc:
            raise AppError("config_write_failed", "Unable to serialize config.") from exc
        try:
            atomic_write_bytes(self.path, text.encode("utf-8"), mode=0o600)
        except OSError as exc:
            raise AppError(
                "config_write_failed",
                "Unable to finalize config file.",
                {"config_file": str(self.path), "error": str(exc)},
            ) from exc

    async def update(self, mutate: Any) -> dict[str, Any]:
        """Load, apply ``mutate(doc)``, save atomically; serialised within the process and,
        through ``<config>.lock``, with other processes sharing the file."""
        lock_file = self.path.with_name(self.path.name + ".lock")
        async with self._lock, interprocess_lock(lock_file, error_code="config_write_failed"):
            doc = self.load()
            mutate(doc)
            self.save(doc)
            return doc
