"""What the CLI prints: the JSON envelope (stdout), JSONL events and human progress (stderr)."""

from __future__ import annotations

import contextlib
import json
import sys
import time
from typing import Any, TextIO

from ..errors import AppError
from ..redact import redact

__all__ = ["EventSink", "HumanProgress", "emit_envelope", "error_envelope"]


def _write(stream: TextIO, text: str) -> None:
    """Write and flush, exiting quietly when the reader has gone away."""
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        with contextlib.suppress(Exception):
            sys.stdout = open("/dev/null", "w")  # noqa: SIM115 - silence interpreter flush
        raise SystemExit(1) from None


def emit_envelope(payload: dict[str, Any], stream: TextIO | None = None) -> None:
    """Exactly one pretty, key-sorted JSON document plus newline (spec/protocol.md §1.2)."""
    _write(stream or sys.stdout,
           json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def error_envelope(error: AppError, secrets: list[str] | None = None) -> dict[str, Any]:
    return {"ok": False, "error": redact(error.to_dict(), secrets or [])}


class EventSink:
    """Compact JSONL event records on stderr, one per line, flushed per line."""

    def __init__(self, enabled: bool, stream: TextIO | None = None) -> None:
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.count = 0

    def __call__(self, event: dict[str, Any]) -> None:
        if not self.enabled:
            return
        record = {k: event[k] for k in ("seq", "kind", "type", "data") if k in event}
        try:
            line = json.dumps(record, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
        except (TypeError, ValueError):
            line = '{"kind":"local","type":"event_logger_failed"}'
        self.count += 1
        _write(self.stream, line + "\n")


_FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
_LABELS = {
    "job.queued": "Queued",
    "job.running": "Starting",
    "request_started": "Request sent",
    "multipart_prepared": "Uploading references",
    "retry_scheduled": "Retrying",
    "request_completed": "Response received",
    "output_saved": "Saving",
}


class HumanProgress:
    """A one-line spinner with a bar on a terminal; plain lines otherwise."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.frame = 0
        self.percent = 0
        self.started = time.monotonic()
        self._last_label = ""

    def __call__(self, event: dict[str, Any]) -> None:
        data = event.get("data") or {}
        etype = str(event.get("type", ""))
        if event.get("kind") == "sse":
            return
        if isinstance(data.get("percent"), int):
            self.percent = max(self.percent, int(data["percent"]))
        label = _LABELS.get(etype) or str(data.get("message") or etype)
        if etype == "retry_scheduled":
            label = (f"Retry {data.get('retry_number')}/{data.get('max_retries')} in "
                     f"{data.get('delay_seconds')}s ({data.get('reason')})")
        if etype.startswith("job.") and etype not in _LABELS:
            return
        self.render(label)

    def render(self, label: str) -> None:
        elapsed = time.monotonic() - self.started
        if self.tty:
            self.frame = (self.frame + 1) % len(_FRAMES)
            filled = self.percent // 5
            bar = "█" * filled + "░" * (20 - filled)
            _write(self.stream, f"\r\x1b[2K{_FRAMES[self.frame]} {bar} {self.percent:3d}%  "
                                f"{label}  {elapsed:4.1f}s")
        elif label != self._last_label:
            _write(self.stream, f"[{elapsed:5.1f}s] {self.percent:3d}% {label}\n")
        self._last_label = label

    def finish(self) -> None:
        if self.tty:
            _write(self.stream, "\r\x1b[2K")
