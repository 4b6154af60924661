"""Every console command gives the same envelope embedded and with ``--server URL``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_core_cli import run_cli
from tests.conftest import TEST_KEY, server_env
from tests.fakes.codex import FakeCodex
from tests.fakes.images import png_bytes
from tests.fakes.openai import FakeOpenAI
from tests.fakes.process import ServerProcess


@pytest.fixture
def remote(tmp_path: Path, fake_openai: FakeOpenAI, fake_codex: FakeCodex
           ) -> Iterator[ServerProcess]:
    env = server_env(tmp_path / "server-home", fake_openai,
                     GPT_IMAGE_2_CODEX_ENDPOINT=fake_codex.endpoint,
                     GPT_IMAGE_2_CODEX_TOKEN_URL=fake_codex.token_url)
    proc = ServerProcess(env, log=tmp_path / "server.log").start()
    try:
        yield proc
    finally:
        proc.stop()


def both(args: list[str], remote: ServerProcess, tmp_path: Path, fake_openai: FakeOpenAI,
         fake_codex: FakeCodex, far_args: list[str] | None = None
         ) -> tuple[tuple[int, dict[str, Any]], tuple[int, dict[str, Any]]]:
    """Run ``args`` embedded and (``far_args`` or ``args``) with ``--server``."""
    local_env = {"CODEX_HOME": str(tmp_path / "local-home"), "OPENAI_API_KEY": TEST_KEY,
                 "GPT_IMAGE_2_OPENAI_API_BASE": fake_openai.api_base,
                 "GPT_IMAGE_2_CODEX_ENDPOINT": fake_codex.endpoint,
                 "GPT_IMAGE_2_RETRY_DELAY_SECONDS": "0.01"}
    local = run_cli(["--json", *args], local_env, cwd=tmp_path)
    far = run_cli(["--json", "--server", remote.url, *(args if far_args is None else far_args)],
                  {"CODEX_HOME": str(tmp_path / "client-home")}, cwd=tmp_path)
    return ((local.returncode, json.loads(local.stdout)),
            (far.returncode, json.loads(far.stdout)))


def keys(value: Any) -> Any:
    """The key structure of a payload (values dropped, lists by their first element)."""
    if isinstance(value, dict):
        return {k: keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [keys(value[0])] if value else []
    return None


LAST_JOB = "<job id of the side's last image or request command>"
SEQUENCE = [
    ["config", "path"],
    ["config", "add-provider", "--name", "gw", "--api-base", "http://127.0.0.1:9/v1",
     "--api-key", "sk-remote-gw-0123456789"],
    ["config", "inspect"],
    ["config", "list-providers"],
    ["config", "set-default", "openai"],
    ["config", "test-provider", "gw"],
    ["secret", "set", "gw", "extra", "--value", "v-extra-123"],
    ["secret", "get", "gw", "extra", "--status"],
    ["secret", "get", "gw", "extra"],
    ["secret", "delete", "gw", "extra"],
    ["doctor"],
    ["auth", "inspect"],
    ["models", "list"],
    ["images", "generate", "--prompt", "remote apple", "--out", "apple.png"],
    ["images", "edit", "--prompt", "remote edit", "--ref-image", "ref.png", "--out", "e.png"],
    ["history", "list", "--limit", "1"],
    ["request", "create", "--body-file", "body.json", "--request-operation", "generate",
     "--expect-image"],
    ["history", "show", LAST_JOB],
    ["history", "delete", LAST_JOB],
    ["history", "delete", LAST_JOB],
    ["config", "remove-provider", "gw"],
    ["images", "generate", "--prompt", "x", "--out", "x.png", "--size", "100x100"],
    ["history", "show", "nope"],
]


def test_same_envelopes_embedded_and_remote(remote: ServerProcess, tmp_path: Path,
                                            fake_openai: FakeOpenAI,
                                            fake_codex: FakeCodex) -> None:
    (tmp_path / "ref.png").write_bytes(png_bytes())
    (tmp_path / "body.json").write_text(json.dumps({"model": "gpt-image-2",
                                                    "prompt": "remote raw request"}))
    jobs = {"local": "", "remote": ""}  # each side's last job id, for LAST_JOB
    deletes = []
    for args in SEQUENCE:
        (local_code, local), (far_code, far) = both_sides(args, jobs, remote, tmp_path,
                                                          fake_openai, fake_codex)
        assert local_code == far_code, (args, local, far)
        if "error" in local:
            assert local["error"]["code"] == far["error"]["code"], args
        else:
            assert keys(local) == keys(far), args
        for side, payload in (("local", local), ("remote", far)):
            job = (payload.get("history") or {}).get("job_id")
            if job:
                jobs[side] = job
        if args[:2] == ["history", "delete"]:
            deletes.append((local["job_id"] == jobs["local"], far["job_id"] == jobs["remote"],
                            local["deleted"], far["deleted"]))
    assert deletes == [(True, True, 1, 1), (True, True, 0, 0)]  # then already gone
    raw = [r for r in fake_openai.requests if r.get("json", {}).get("prompt")
           == "remote raw request"]
    assert len(raw) == 2  # request create reached the upstream from both sides
    assert not (tmp_path / "client-home").exists()  # nothing ran on the client side


def both_sides(args: list[str], jobs: dict[str, str], remote: ServerProcess, tmp_path: Path,
               fake_openai: FakeOpenAI, fake_codex: FakeCodex
               ) -> tuple[tuple[int, dict[str, Any]], tuple[int, dict[str, Any]]]:
    """``both``, with LAST_JOB replaced by each side's own job id."""
    if LAST_JOB not in args:
        return both(args, remote, tmp_path, fake_openai, fake_codex)
    local_args = [jobs["local"] if a == LAST_JOB else a for a in args]
    far_args = [jobs["remote"] if a == LAST_JOB else a for a in args]
    assert jobs["local"] and jobs["remote"], "no job ran before " + " ".join(args)
    return both(local_args, remote, tmp_path, fake_openai, fake_codex, far_args)


def test_local_only_flags_are_refused_remotely(remote: ServerProcess, tmp_path: Path) -> None:
    for flag, value in (("--config", "c.json"), ("--auth-file", "a.json"),
                        ("--endpoint", "http://127.0.0.1:9/x")):
        proc = run_cli(["--json", "--server", remote.url, flag, value, "doctor"], {})
        assert proc.returncode == 1
        error = json.loads(proc.stdout)["error"]
        assert error["code"] == "invalid_argument" and flag in error["message"]


def test_retry_flags_travel_as_headers(remote: ServerProcess, tmp_path: Path,
                                       fake_openai: FakeOpenAI) -> None:
    proc = run_cli(["--json", "--server", remote.url, "--retries", "1",
                    "--retry-delay-seconds", "0", "images", "generate", "--prompt",
                    "FAIL500 remote", "--out", str(tmp_path / "o.png")], {})
    assert json.loads(proc.stdout)["error"]["code"] == "http_error"
    assert fake_openai.calls["FAIL500 remote"] == 2
    bad = run_cli(["--json", "--server", remote.url, "--retries", "11", "doctor"], {})
    assert bad.returncode == 2
