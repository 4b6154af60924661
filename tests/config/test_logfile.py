"""The JSONL log file: format, redaction, rotation order, levels."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from gpt_image_2.logfile import FileLog, level_floor, log_event, read_logs
from gpt_image_2.redact import SecretRegistry


def test_records_are_redacted_json_lines_and_rotate(tmp_path: Path) -> None:
    secrets = SecretRegistry()
    secrets.add("very-secret-value-123")
    file_log = FileLog(tmp_path / "logs", secrets)
    file_log.install(debug=False)
    assert file_log.handler is not None
    file_log.handler.maxBytes = 400
    logger = logging.getLogger("gpt_image_2.tests.logfile")
    try:
        for i in range(12):
            log_event(logger, "test", "test.event", {"i": i, "note": "very-secret-value-123",
                                                     "password": "pw"})
        logger.debug("dropped at info")
        try:
            raise ValueError("boom very-secret-value-123")
        except ValueError:
            logger.exception("failed")
    finally:
        file_log.close()
    files = sorted(p.name for p in (tmp_path / "logs").iterdir())
    assert "gpt-image-2.log.1" in files and len(files) <= 6
    raw = "".join(p.read_text() for p in (tmp_path / "logs").iterdir())
    assert "very-secret-value-123" not in raw and '"pw"' not in raw
    entries = read_logs(tmp_path / "logs", limit=5000, level=None)
    events = [e["data"]["i"] for e in entries if e["type"] == "test.event"]
    assert events == sorted(events) and events[-1] == 11
    assert entries[-1]["level"] == "error" and "ValueError" in entries[-1]["data"]["exception"]
    assert all(json.loads(line) for p in (tmp_path / "logs").iterdir()
               for line in p.read_text().splitlines())
    left = logging.getLogger("gpt_image_2").handlers
    assert [type(h) for h in left] == [logging.NullHandler]  # the package's own, no file left


def test_level_floor() -> None:
    assert level_floor(None) == level_floor("") == level_floor("x") == 10
    assert level_floor("WARN") == level_floor("warning") == 30
    assert level_floor("error") == 40


def test_two_file_logs_keep_their_own_levels(tmp_path: Path) -> None:
    package = logging.getLogger("gpt_image_2")
    before = package.level
    first, second = FileLog(tmp_path / "a"), FileLog(tmp_path / "b")
    first.install(debug=True)
    second.install(debug=False)
    logger = logging.getLogger("gpt_image_2.tests.two")
    logger.debug("only-in-a")
    first.close()
    logger.info("only-in-b")
    second.close()
    assert package.level == before
    assert [type(h) for h in package.handlers] == [logging.NullHandler]
    a = [e["data"]["message"] for e in read_logs(tmp_path / "a", limit=10, level=None)]
    b = [e["data"]["message"] for e in read_logs(tmp_path / "b", limit=10, level=None)]
    assert a == ["only-in-a"] and b == ["only-in-b"]
