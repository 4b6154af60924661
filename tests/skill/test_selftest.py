"""``scripts/selftest.py`` through the wrapper against the embedded CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.skill.harness import SELFTEST, run_wrapper


def test_selftest_passes_and_reports_the_runtime(skill_env: dict[str, str],
                                                 tmp_path: Path) -> None:
    proc = run_wrapper([], skill_env, script=SELFTEST, cwd=tmp_path)
    summary = json.loads(proc.stdout)
    failed = [c for c in summary["checks"] if not c["ok"]]
    assert proc.returncode == 0 and summary["ok"] is True, f"failed checks: {failed}"
    assert [c["name"] for c in summary["checks"]] == [
        "version", "doctor", "config path", "config inspect", "auth inspect",
        "transparent verify"]
    assert summary["runtime"]["resolver"] == "env"
    assert summary["doctor_ok"] is True
    assert summary["resolved_provider"] == "openai"
    assert summary["config_file"] == str(
        Path(skill_env["CODEX_HOME"]) / "gpt-image-2-skill" / "config.json")
    assert summary["auth_openai_ready"] is True and summary["auth_codex_ready"] is False
    assert summary["providers"] == ["codex", "openai"]
    assert summary["transparent_verify_passed"] is True


def test_selftest_fails_cleanly_without_a_runtime(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"GPT_IMAGE_2_CLI", "VIRTUAL_ENV"}}
    env.update(PATH=str(tmp_path / "empty"), GPT_IMAGE_2_REPO_ROOT=str(tmp_path))
    proc = run_wrapper([], env, script=SELFTEST, cwd=tmp_path)
    assert proc.returncode == 1
    summary = json.loads(proc.stdout)
    assert summary["ok"] is False and summary["runtime"] is None
    assert {c["error"]["code"] for c in summary["checks"]} == {"runtime_unavailable"}
    assert [a["resolver"] for a in summary["attempts"]] == ["path", "path", "repo"]
