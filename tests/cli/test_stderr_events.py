"""stderr of ``--json-events`` carries JSONL events only, even when a job retries and fails
(job events are also mirrored to the package logger, which has no handler in the CLI)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.fakes.process import free_port


def test_a_failing_retried_job_leaves_only_json_lines_on_stderr(tmp_path: Path) -> None:
    closed = free_port()  # nothing listens there: every attempt is refused
    env = {**os.environ, "CODEX_HOME": str(tmp_path / "codex"), "OPENAI_API_KEY": "sk-test-0"}
    done = subprocess.run(
        [sys.executable, "-m", "gpt_image_2.cli.main", "--json-events", "--provider", "openai",
         "--openai-api-base", f"http://127.0.0.1:{closed}/v1", "--retries", "1",
         "--retry-delay-seconds", "0", "images", "generate", "--prompt", "a fox",
         "--out", str(tmp_path / "fox.png")],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 1
    assert json.loads(done.stdout)["error"]["code"] == "network_error"
    lines = done.stderr.splitlines()
    events = [json.loads(line) for line in lines]  # raises on any non-JSON line
    types = [e.get("type") for e in events]
    assert "retry_scheduled" in types and types[-1] == "job.failed"
