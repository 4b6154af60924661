"""The configuration routes' service: proxy, logging, paths, storage and the logs reader.

Every save loads, changes and rewrites config.json under the store's lock
(atomic, 0600); a refused save raises before anything is written. Secrets sent
back redacted keep their stored values (spec/web.md §6.2); new secrets join the
process's secret registry so logs and errors can never show them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Any

from ..errors import AppError
from ..logfile import FileLog, log_event, read_logs
from ..paths import DataPaths
from ..redact import SecretRegistry
from ..settings import Settings
from .credentials import stored_secret
from .models import (
    ConfigPaths,
    LogEntry,
    LoggingSettings,
    LogsPayload,
    NotificationCapabilities,
    PathConfig,
    ProxySettings,
    ServerChannels,
    StorageSettings,
    StorageTestBody,
    StorageTestResult,
    SystemChannels,
)
from .pathconfig import (
    check_allowed_dir,
    config_paths,
    ensure_writable,
    storage_fallback_dir,
    validate_path_config,
)
from .proxy import prepare_proxy, proxy_secrets
from .storage import (
    LOCAL_DEFAULT,
    apply_policy,
    merge_target_secrets,
    storage_secret_values,
    validate_storage,
    validate_target,
)
from .store import ConfigStore, default_document
from .views import redact_proxy_url

__all__ = ["LOGS_LIMIT_MAX", "ConfigService"]

log = logging.getLogger(__name__)

LOGS_LIMIT_MAX = 5000


def _section(doc: Any, key: str) -> dict[str, Any]:
    """``doc[key]`` when it is an object, else an empty one."""
    value = doc.get(key) if isinstance(doc, dict) else None
    return value if isinstance(value, dict) else {}


def _same_type(old: Any, new: dict[str, Any]) -> Any:
    """Secrets are only carried over to a target of the same name *and* type."""
    return old if isinstance(old, dict) and old.get("type") == new.get("type") else None


def notification_secret_values(section: Any) -> list[str]:
    """File-stored secrets of the notification settings (email password, webhook signing
    secrets and header values), for the redactor."""
    if not isinstance(section, dict):
        return []
    refs: list[Any] = []
    email = section.get("email")
    if isinstance(email, dict):
        refs.append(email.get("password"))
    for hook in section.get("webhooks") or []:
        if isinstance(hook, dict):
            refs.append(hook.get("secret"))
            headers = hook.get("headers")
            refs += list(headers.values()) if isinstance(headers, dict) else []
    return [v for v in map(stored_secret, refs) if v is not None]


class ConfigService:
    def __init__(self, store: ConfigStore, paths: DataPaths, settings: Settings,
                 secrets: SecretRegistry, file_log: FileLog | None = None) -> None:
        self.store = store
        self.paths = paths
        self.settings = settings
        self.secrets = secrets
        self.file_log = file_log

    @property
    def roots(self) -> list[Path]:
        """Where client-set folders may point: the data root plus the allowed roots."""
        return [self.paths.shared_dir, *self.settings.allowed_roots]

    @property
    def logs_dir(self) -> Path:
        return self.paths.shared_dir / "logs"

    # -- lifecycle ----------------------------------------------------------------
    def start(self) -> None:
        """Register stored secrets and start the file log at the stored level."""
        try:
            doc = self.store.load()
        except AppError:
            doc = default_document()
        self.register_secrets(doc)
        if self.file_log is not None:
            self.file_log.install(debug=bool(_section(doc, "logging").get("debug")))
            log_event(log, "server", "server.started", {"data_root": str(self.paths.shared_dir)})

    def close(self) -> None:
        if self.file_log is not None:
            self.file_log.close()

    def register_secrets(self, doc: dict[str, Any]) -> None:
        self.secrets.add(*proxy_secrets(doc.get("proxy")))
        providers = doc.get("providers")
        for entry in providers.values() if isinstance(providers, dict) else []:
            if isinstance(entry, dict):
                self.secrets.add(*proxy_secrets(entry.get("proxy")))
        self.secrets.add(*storage_secret_values(doc.get("storage")))
        self.secrets.add(*notification_secret_values(doc.get("notifications")))

    # -- reads ----------------------------------------------------------------------
    async def config_paths(self) -> ConfigPaths:
        doc = await asyncio.to_thread(self.store.load)
        return config_paths(self.paths, doc)

    def capabilities(self) -> NotificationCapabilities:
        """Browser notifications, and email and webhooks sent by this server."""
        return NotificationCapabilities(system=SystemChannels(tauri_native=False, browser=True),
                                        server=ServerChannels(email=True, webhook=True))

    async def logs(self, limit: int, level: str | None) -> LogsPayload:
        limit = max(1, min(LOGS_LIMIT_MAX, limit))
        entries = await asyncio.to_thread(read_logs, self.logs_dir, limit=limit, level=level)
        return LogsPayload(entries=[LogEntry(**e) for e in entries], logs_dir=str(self.logs_dir))

    # -- saves ----------------------------------------------------------------------
    async def save_proxy(self, body: ProxySettings) -> None:
        submitted = body.model_dump(exclude_none=True)
        saved: dict[str, Any] = {}

        def mutate(doc: dict[str, Any]) -> None:
            section = prepare_proxy(submitted, doc.get("proxy"))
            self.secrets.add(*proxy_secrets(section))
            doc["proxy"] = section
            saved.update(section)

        await self.store.update(mutate)
        log_event(log, "config", "config.proxy.saved",
                  {"mode": saved.get("mode"), "url": redact_proxy_url(saved.get("url")),
                   "no_proxy": saved.get("no_proxy", [])})

    async def save_logging(self, body: LoggingSettings) -> None:
        def mutate(doc: dict[str, Any]) -> None:
            doc["logging"] = {**_section(doc, "logging"), "debug": body.debug}

        await self.store.update(mutate)
        if self.file_log is not None:
            self.file_log.set_debug(body.debug)
        log_event(log, "config", "config.logging.saved", {"debug": body.debug})

    async def save_paths(self, body: PathConfig) -> None:
        section = await asyncio.to_thread(validate_path_config, body, self.roots,
                                          self.paths.shared_dir)

        def mutate(doc: dict[str, Any]) -> None:
            doc["paths"] = {**_section(doc, "paths"), **section}

        await self.store.update(mutate)
        log_event(log, "config", "config.paths.saved", section)

    def _local_dirs(self, targets: dict[str, dict[str, Any]]) -> None:
        """Canonical folders for local targets, inside the allowed roots (blocking)."""
        for name, target in targets.items():
            if target.get("type") != "local":
                continue
            if name == LOCAL_DEFAULT and not str(target.get("directory") or "").strip():
                target["directory"] = ""
                continue
            folder = check_allowed_dir(target.get("directory"), self.roots,
                                       field=f"storage.targets.{name}.directory")
            target["directory"] = str(folder)

    async def save_storage(self, body: StorageSettings) -> None:
        """Store the section; the submitted ``policy`` is ignored and the stored one kept."""
        submitted = body.model_dump(mode="json", exclude={"policy"}, exclude_none=True)
        targets: dict[str, dict[str, Any]] = submitted.get("targets", {})
        for name, target in targets.items():
            validate_target(name, target)
        await asyncio.to_thread(self._local_dirs, targets)

        def mutate(doc: dict[str, Any]) -> None:
            old = _section(doc, "storage")
            old_targets = _section(old, "targets")
            storage: dict[str, Any] = {
                "targets": {name: merge_target_secrets(name, t, _same_type(old_targets.get(name),
                                                                            t))
                            for name, t in targets.items()},
                **{k: submitted[k] for k in ("default_targets", "fallback_targets",
                                             "fallback_policy", "upload_concurrency",
                                             "target_concurrency")},
                "policy": _section(old, "policy") or default_document()["storage"]["policy"],
            }
            if "pipeline" in submitted:
                storage["pipeline"] = submitted["pipeline"]
            apply_policy(storage)
            validate_storage(storage)
            self.secrets.add(*storage_secret_values(storage))
            doc["storage"] = storage

        await self.store.update(mutate)
        log_event(log, "config", "config.storage.saved",
                  {"targets": {n: t.get("type") for n, t in targets.items()}})

    async def test_storage(self, name: str, body: StorageTestBody) -> StorageTestResult:
        """Probe a draft or the saved target; remote types answer ``unsupported``."""
        doc = await asyncio.to_thread(self.store.load)
        stored = _section(_section(doc, "storage"), "targets").get(name)
        if body.target is not None:
            draft = body.target.model_dump(mode="json", exclude_none=True)
            validate_target(name, draft)
            target = merge_target_secrets(name, draft, _same_type(stored, draft))
        elif isinstance(stored, dict):
            target = stored
        else:
            raise AppError("storage_target_unknown", f"Unknown storage target: {name}",
                           {"target": name})
        kind = str(target.get("type"))
        if kind != "local":
            return StorageTestResult(
                ok=False, target=name, target_type=kind, unsupported=True, local_only=False,
                message=f"This server does not upload to {kind} storage, so the target can be "
                "saved but not tested here.")
        return await asyncio.to_thread(self._probe_local, name, target)

    def _probe_local(self, name: str, target: dict[str, Any]) -> StorageTestResult:
        directory = str(target.get("directory") or "").strip()
        if not directory and name == LOCAL_DEFAULT:
            directory = str(storage_fallback_dir(self.paths))
        field = f"storage.targets.{name}.directory"
        folder = check_allowed_dir(directory, self.roots, field=field)
        started = time.monotonic()
        try:
            folder = ensure_writable(folder, self.roots, field=field)
        except AppError as exc:
            return StorageTestResult(ok=False, target=name, target_type="local",
                                     message=exc.message, local_only=True,
                                     detail={"directory": str(folder)})
        latency = int((time.monotonic() - started) * 1000)
        return StorageTestResult(ok=True, target=name, target_type="local", latency_ms=latency,
                                 message="The folder is writable (probe file written and "
                                 "removed).", local_only=True,
                                 detail={"directory": str(folder)})
