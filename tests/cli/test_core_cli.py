"""The CLI as an HTTP client: embedded (in-process app) and --server (uvicorn subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TEST_KEY
from tests.fakes.openai import FakeOpenAI
from tests.fakes.process import ServerProcess


def run_cli(args: list[str], env: dict[str, str], cwd: Path | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gpt_image_2.cli.main", *args],
        env={**os.environ, **env}, capture_output=True, text=True, timeout=timeout, cwd=cwd,
    )


def jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture
def cli_env(codex_home: Path, fake_openai: FakeOpenAI) -> dict[str, str]:
    return {"CODEX_HOME": str(codex_home), "OPENAI_API_KEY": TEST_KEY,
            "GPT_IMAGE_2_RETRY_DELAY_SECONDS": "0.01"}


def test_embedded_generate(cli_env: dict[str, str], fake_openai: FakeOpenAI,
                           tmp_path: Path, codex_home: Path) -> None:
    out = tmp_path / "out" / "apple.png"
    proc = run_cli(["--json", "--json-events", "--openai-api-base", fake_openai.api_base,
                    "images", "generate", "--prompt", "a red apple", "--out", str(out),
                    "--size", "1024x1024", "--quality", "high"], cli_env)
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert proc.stdout == json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert payload["ok"] is True
    assert payload["command"] == "images generate"
    assert payload["provider"] == "openai"
    assert payload["provider_selection"]["resolved"] == "openai"
    assert payload["output"] == {"path": str(out), "bytes": len(fake_openai.image),
                                 "files": [{"index": 0, "path": str(out),
                                            "bytes": len(fake_openai.image)}]}
    assert out.read_bytes() == fake_openai.image
    assert payload["request"]["size"] == "1024x1024"
    assert payload["retry"] == {"count": 0, "max_retries": 3}
    assert payload["auth"]["source"] == "env"
    events = jsonl(proc.stderr)
    assert payload["events"]["count"] == len(events)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    types = [e["type"] for e in events]
    assert types[0] == "job.queued" and types[-1] == "job.completed"
    assert {"request.started", "request_started", "request_completed", "output_saved"} <= set(types)
    assert all(set(e) == {"data", "kind", "seq", "type"} for e in events)
    # the job landed in the shared history and jobs folder
    job_id = payload["history"]["job_id"]
    assert (codex_home / "gpt-image-2-skill" / "history.sqlite").is_file()
    assert (codex_home / "gpt-image-2-skill" / "jobs" / job_id / "out.png").is_file()
    assert TEST_KEY not in proc.stdout + proc.stderr


def test_remote_generate_against_uvicorn(server_process: ServerProcess, fake_openai: FakeOpenAI,
                                         tmp_path: Path) -> None:
    out = tmp_path / "remote.png"
    env = {"CODEX_HOME": str(tmp_path / "client-home")}  # the client has no key of its own
    proc = run_cli(["--json", "--json-events", "--server", server_process.url, "images",
                    "generate", "--prompt", "remote cat", "--out", str(out)], env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    payload = json.loads(proc.stdout)
    assert out.read_bytes() == fake_openai.image
    server_home = server_process.codex_home  # type: ignore[attr-defined]
    job_dir = server_home / "gpt-image-2-skill" / "jobs" / payload["history"]["job_id"]
    assert (job_dir / "out.png").is_file()
    assert not (tmp_path / "client-home").exists()  # nothing ran locally
    assert jsonl(proc.stderr)[-1]["type"] == "job.completed"
    # GPT_IMAGE_2_SERVER works like --server
    proc = run_cli(["--json", "images", "generate", "--prompt", "env", "--out",
                    str(tmp_path / "env.png")],
                   {**env, "GPT_IMAGE_2_SERVER": server_process.url})
    assert proc.returncode == 0, proc.stdout
    assert proc.stderr == ""
    assert len(fake_openai.requests) == 2


def test_remote_server_down_is_a_clear_error(tmp_path: Path) -> None:
    proc = run_cli(["--json", "--server", "http://127.0.0.1:9", "images", "generate",
                    "--prompt", "x", "--out", str(tmp_path / "x.png")], {})
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["error"]["code"] == "server_unreachable"


def test_failures_exit_1_with_the_error_code(cli_env: dict[str, str], fake_openai: FakeOpenAI,
                                             tmp_path: Path) -> None:
    out = tmp_path / "never.png"
    proc = run_cli(["--json", "--openai-api-base", fake_openai.api_base, "images", "generate",
                    "--prompt", "REJECT me", "--out", str(out)], cli_env)
    assert proc.returncode == 1
    error = json.loads(proc.stdout)["error"]
    assert error["code"] == "http_error"
    assert error["message"] == "HTTP 400"
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [] or not any(p.suffix == ".png" for p in tmp_path.iterdir())


def test_size_errors_before_any_request(cli_env: dict[str, str], fake_openai: FakeOpenAI,
                                        tmp_path: Path) -> None:
    proc = run_cli(["--json", "--openai-api-base", fake_openai.api_base, "images", "generate",
                    "--prompt", "x", "--out", str(tmp_path / "x.png"), "--size", "100x100"],
                   cli_env)
    assert proc.returncode == 1
    error = json.loads(proc.stdout)["error"]
    assert error["code"] == "invalid_argument"
    assert error["detail"]["rule"] == "multiple_of_16"
    assert "multiples of 16" in error["message"]
    assert fake_openai.requests == []


@pytest.mark.parametrize("args", [[], ["images"], ["images", "generate", "--prompt", "x"],
                                  ["doctor-nope"], ["images", "generate", "--prompt", "x",
                                                    "--out", "o.png", "--quality", "ultra"]])
def test_usage_errors_exit_2(args: list[str], cli_env: dict[str, str]) -> None:
    proc = run_cli(["--json", *args], cli_env)
    assert proc.returncode == 2
    payload = json.loads(proc.stdout)
    assert payload["ok"] is False
    assert payload["error"]["code"] == "invalid_command"
    assert payload["error"]["message"]


def test_human_mode_shows_progress_and_the_path(cli_env: dict[str, str], fake_openai: FakeOpenAI,
                                                tmp_path: Path) -> None:
    out = tmp_path / "human.png"
    proc = run_cli(["--human", "--openai-api-base", fake_openai.api_base, "images", "generate",
                    "--prompt", "hello", "--out", str(out)], cli_env)
    assert proc.returncode == 0, proc.stderr
    assert f"Saved {out}" in proc.stdout
    assert "100% Saving" in proc.stderr
    assert "Request sent" in proc.stderr
    failed = run_cli(["--human", "--openai-api-base", fake_openai.api_base, "images",
                      "generate", "--prompt", "REJECT", "--out", str(out)], cli_env)
    assert failed.returncode == 1
    assert "error [http_error]: HTTP 400" in failed.stderr
    assert failed.stdout == ""


def test_bad_environment_setting_is_a_clear_error(cli_env: dict[str, str]) -> None:
    secret_looking = "sk-not-a-number-0123456789"
    env = {**cli_env, "GPT_IMAGE_2_MAX_PARALLEL": secret_looking}
    proc = run_cli(["--json", "doctor"], env)
    assert proc.returncode == 1
    error = json.loads(proc.stdout)["error"]
    assert error["code"] == "invalid_settings"
    assert error["message"].startswith("Invalid setting. GPT_IMAGE_2_MAX_PARALLEL:")
    assert secret_looking not in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr

    serve = run_cli(["serve", "--no-build", "--port", "9"],
                    {**cli_env, "GPT_IMAGE_2_WEBHOOK_PRIVATE_NETWORKS": "10.0.0.0/8,bogus"})
    assert serve.returncode == 2
    assert "error [invalid_settings]" in serve.stderr
    assert "GPT_IMAGE_2_WEBHOOK_PRIVATE_NETWORKS" in serve.stderr
    assert "Traceback" not in serve.stderr
