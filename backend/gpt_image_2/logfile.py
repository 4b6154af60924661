"""The server's JSONL log file (spec/web.md §9.6) and its reader (``GET /api/logs``).

Records of the ``gpt_image_2`` loggers are written as one JSON object per line,
``{ts, level, kind, type, data}``, to ``<data root>/logs/gpt-image-2.log``, rolled at
5 MiB with 5 backups (``.log.1`` … ``.log.5``), mode 0600. Every record goes through
the redactor with the process's known secrets first. The minimum level is ``info``,
or ``debug`` when ``logging.debug`` is true in config.json. Nothing goes to stdout.

A structured record is logged with :func:`log_event`; a plain ``log.info("…")`` becomes
``kind: "log"``, ``type: <logger name>``, ``data: {"message": …}``.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

from .redact import SecretRegistry, redact

__all__ = [
    "LOG_BACKUPS",
    "LOG_FILE_NAME",
    "LOG_MAX_BYTES",
    "FileLog",
    "JsonlFormatter",
    "level_floor",
    "log_event",
    "read_logs",
]

LOG_FILE_NAME = "gpt-image-2.log"
LOG_MAX_BYTES = 5 * 1024 * 1024
LOG_BACKUPS = 5
PACKAGE_LOGGER = "gpt_image_2"
_LEVELS = {"debug": 10, "info": 20, "warn": 30, "warning": 30, "error": 40}


def _level_name(levelno: int) -> str:
    if levelno >= logging.ERROR:
        return "error"
    if levelno >= logging.WARNING:
        return "warn"
    return "info" if levelno >= logging.INFO else "debug"


def level_floor(level: str | None) -> int:
    """Numeric minimum of a ``level`` query value; unknown or absent = debug (everything)."""
    return _LEVELS.get((level or "").strip().lower(), 10)


def log_event(logger: logging.Logger, kind: str, event: str, data: dict[str, Any],
              level: int = logging.INFO) -> None:
    """Log a structured record (``kind``/``type``/``data`` of the JSONL entry)."""
    logger.log(level, "%s", event, extra={"log_kind": kind, "log_type": event, "log_data": data})


class JsonlFormatter(logging.Formatter):
    """One redacted JSON object per record."""

    def __init__(self, secrets: SecretRegistry | None = None) -> None:
        super().__init__()
        self.secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        data = getattr(record, "log_data", None)
        payload: dict[str, Any] = dict(data) if isinstance(data, dict) else {
            "message": record.getMessage()}
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        known = list(self.secrets) if self.secrets is not None else []
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds").replace("+00:00", "Z"),
            "level": _level_name(record.levelno),
            "kind": str(getattr(record, "log_kind", "log")),
            "type": str(getattr(record, "log_type", record.name)),
            "data": redact(payload, known),
        }
        return json.dumps(entry, ensure_ascii=False, default=str)


class _PrivateRotatingFileHandler(RotatingFileHandler):
    """A rotating handler whose files are created with mode 0600."""

    def _open(self) -> Any:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)


class FileLog:
    """Attaches the JSONL handler to the package logger while the server runs.

    The handler's level is the minimum (info or debug); the package logger is kept at
    the lowest level any attached file log needs, and restored when the last one closes
    (several apps can share a process in tests).
    """

    def __init__(self, logs_dir: Path, secrets: SecretRegistry | None = None) -> None:
        self.logs_dir = logs_dir
        self.file = logs_dir / LOG_FILE_NAME
        self.secrets = secrets
        self.handler: RotatingFileHandler | None = None
        self._logger = logging.getLogger(PACKAGE_LOGGER)
        self._saved_level: int | None = None

    def _file_handlers(self) -> list[logging.Handler]:
        return [h for h in self._logger.handlers if isinstance(h, _PrivateRotatingFileHandler)]

    def _sync_level(self) -> None:
        handlers = self._file_handlers()
        if handlers:
            self._logger.setLevel(min(h.level or logging.INFO for h in handlers))
        else:
            self._logger.setLevel(self._saved_level or logging.NOTSET)

    def install(self, *, debug: bool = False) -> None:
        if self.handler is not None:
            return
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        handler = _PrivateRotatingFileHandler(self.file, maxBytes=LOG_MAX_BYTES,
                                              backupCount=LOG_BACKUPS, encoding="utf-8",
                                              delay=True)
        handler.setFormatter(JsonlFormatter(self.secrets))
        if not self._file_handlers():
            self._saved_level = self._logger.level
        self._logger.addHandler(handler)
        self.handler = handler
        self.set_debug(debug)

    def set_debug(self, debug: bool) -> None:
        """Apply the minimum level live: debug, else info."""
        if self.handler is not None:
            self.handler.setLevel(logging.DEBUG if debug else logging.INFO)
            self._sync_level()

    def close(self) -> None:
        if self.handler is None:
            return
        self._logger.removeHandler(self.handler)
        self.handler.close()
        self.handler = None
        self._sync_level()


def _files(logs_dir: Path) -> list[Path]:
    """Newest first: the live file, then ``.1`` … ``.5``."""
    base = logs_dir / LOG_FILE_NAME
    names = [base] + [base.with_name(f"{LOG_FILE_NAME}.{i}") for i in range(1, LOG_BACKUPS + 1)]
    return [p for p in names if p.is_file()]


def _entries(path: Path, floor: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return out
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if not isinstance(entry, dict):
            continue
        if _LEVELS.get(str(entry.get("level", "")).lower(), 10) < floor:
            continue
        out.append({"ts": str(entry.get("ts", "")), "level": str(entry.get("level", "")),
                    "kind": str(entry.get("kind", "")), "type": str(entry.get("type", "")),
                    "data": entry.get("data")})
    return out


def read_logs(logs_dir: Path, *, limit: int, level: str | None) -> list[dict[str, Any]]:
    """The newest ``limit`` entries at or above ``level``, oldest first, across rolled files."""
    floor = level_floor(level)
    collected: list[dict[str, Any]] = []
    for path in _files(logs_dir):
        collected = _entries(path, floor) + collected
        if len(collected) >= limit:
            break
    return collected[-limit:]
