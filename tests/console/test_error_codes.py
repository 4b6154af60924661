"""The rarer error codes of the config, secret, auth and output paths, each provoked once."""

from __future__ import annotations

import asyncio
import base64
import functools
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from keyring.errors import PasswordDeleteError, PasswordSetError

from gpt_image_2.settings import Settings
from tests.conftest import TEST_KEY, app_client
from tests.console.helpers import Cli
from tests.fakes.codex import FakeCodex
from tests.fakes.fixtures import CodexAuth, follow_job, run_job, write_auth
from tests.fakes.keyring_backend import MemoryKeyring
from tests.fakes.openai import FakeOpenAI


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, codex_home: Path, capsys: pytest.CaptureFixture[str],
        fake_openai: FakeOpenAI) -> Cli:
    monkeypatch.setenv("CODEX_HOME", str(codex_home))
    monkeypatch.setenv("OPENAI_API_KEY", TEST_KEY)
    monkeypatch.setenv("GPT_IMAGE_2_OPENAI_API_BASE", fake_openai.api_base)
    return Cli(capsys, monkeypatch)


def shared(home: Path) -> Path:
    path = home / "gpt-image-2-skill"
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_config_read_and_write_failures(cli: Cli, codex_home: Path, tmp_path: Path) -> None:
    (shared(codex_home) / "config.json").mkdir()  # exists but cannot be read as a file
    code, payload = cli("config", "list-providers")
    assert (code, payload["error"]["code"]) == (1, "config_read_failed")
    assert payload["error"]["message"] == "Unable to read config file."
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    code, payload = cli("--config", str(blocker / "config.json"), "config", "add-provider",
                        "--name", "gw")
    assert (code, payload["error"]["code"]) == (1, "config_write_failed")
    (codex_home / "gpt-image-2-skill" / "config.json").rmdir()
    (codex_home / "gpt-image-2-skill" / "config.json").write_text('{"providers": {}}')
    code, payload = cli("config", "inspect")
    assert payload["error"]["code"] == "config_invalid_json"
    assert payload["error"]["message"] == "Config file must be valid JSON."


def test_secret_read_failure(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    cli("config", "add-provider", "--name", "gw")

    class Broken:
        def read(self) -> str:
            raise OSError("stdin is closed")

    monkeypatch.setattr(sys, "stdin", Broken())
    _code, payload = cli("secret", "set", "gw", "api_key")
    assert payload["error"] == {"code": "secret_read_failed",
                                "message": "Unable to read secret from stdin."}


def test_keychain_read_write_delete_failures(cli: Cli, memory_keyring: MemoryKeyring,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    cli("config", "add-provider", "--name", "gw")
    cli("secret", "set", "gw", "kc", "--source", "keychain", "--value", "v-1234567")
    memory_keyring.store.clear()  # the entry vanished from the OS keyring
    code, payload = cli("secret", "get", "gw", "kc")
    assert payload["error"]["code"] == "keychain_missing"
    assert payload["error"]["detail"]["error"] == "No matching entry found in secure storage"

    def refuse_set(*_: object) -> None:
        raise PasswordSetError("locked")

    def refuse_delete(*_: object) -> None:
        raise PasswordDeleteError("locked")

    monkeypatch.setattr(memory_keyring, "set_password", refuse_set)
    code, payload = cli("secret", "set", "gw", "kc2", "--source", "keychain", "--value", "v")
    assert payload["error"]["code"] == "keychain_write_failed"
    monkeypatch.setattr(memory_keyring, "delete_password", refuse_delete)
    code, payload = cli("secret", "delete", "gw", "kc")  # keychain_delete_failed is swallowed
    assert (code, payload["removed"]) == (0, True)


@pytest.mark.parametrize(("content", "code"), [
    ("{not json", "auth_invalid_json"),
    ("[1, 2]", "auth_invalid_shape"),
    (None, "auth_read_failed"),
])
def test_auth_file_problems_in_auth_inspect(cli: Cli, codex_home: Path, content: str | None,
                                            code: str) -> None:
    path = codex_home / "auth.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    if content is None:
        path.mkdir()
    else:
        path.write_text(content)
    _, payload = cli("auth", "inspect")
    codex = payload["providers"]["codex"]
    assert (codex["exists"], codex["parse_ok"], codex["ready"]) == (True, False, False)
    assert codex["error"]["code"] == code
    _, payload = cli("--provider", "codex", "auth", "inspect")
    assert payload["error"]["code"] == "access_token_missing"


async def test_account_claim_without_account_id(codex_settings: Settings, codex_home: Path,
                                                fake_codex: FakeCodex) -> None:
    claims = {"https://api.openai.com/auth": {"chatgpt_plan_type": "plus"}}
    segment = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    write_auth(codex_home / "auth.json", f"e30.{segment}.sig", "rt")
    async with app_client(codex_settings) as api:
        job, _ = await run_job(api, "/api/images/generate", {"prompt": "x"})
    assert job["error"]["code"] == "account_id_missing"
    assert job["error"]["message"] == "Missing chatgpt_account_id in token claims."
    assert fake_codex.requests == []


async def test_auth_write_failure(codex_api: httpx.AsyncClient, fake_codex: FakeCodex,
                                  codex_auth: CodexAuth, monkeypatch: pytest.MonkeyPatch) -> None:
    from gpt_image_2.providers import codex_auth as module

    def fail(*_: object, **__: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(module, "atomic_write_bytes", fail)
    fake_codex.expire()
    job, _ = await run_job(codex_api, "/api/images/generate", {"prompt": "x"})
    assert job["error"]["code"] == "auth_write_failed"
    assert len(fake_codex.requests) == 1  # not retried


def test_output_write_failure(cli: Cli, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, payload = cli("images", "generate", "--prompt", "x", "--out",
                        str(blocker / "out.png"))
    assert (code, payload["error"]["code"]) == (1, "output_write_failed")
    assert payload["error"]["detail"]["path"] == str(blocker / "out.png")


async def test_bad_base64_data_url_ref(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/images/edit", json={
        "prompt": "x", "refs": [{"data_base64": "data:image/png;base64,@@@"}]})
    assert response.json()["error"]["code"] == "invalid_base64"


async def test_auth_file_removed_while_a_job_runs_is_auth_missing(
    codex_api: httpx.AsyncClient, fake_codex: FakeCodex, codex_auth: CodexAuth
) -> None:
    """The Codex app signs out (auth.json is deleted) while a request is in flight; the
    401 that follows refreshes, and writing the new tokens finds no file to update."""
    release = threading.Event()
    fake_codex.script[:] = [{"hold": release, "status": 401}]
    response = await codex_api.post("/api/images/generate", json={"prompt": "x"})
    assert response.status_code == 200, response.text
    job_id = response.json()["job_id"]
    try:
        for _ in range(3000):  # until the request is held by the fake
            if fake_codex.requests:
                break
            await asyncio.sleep(0.01)
        assert fake_codex.requests, "the request never reached the fake"
        codex_auth.path.unlink()
    finally:
        release.set()
    job, events = await follow_job(codex_api, job_id)
    assert job["status"] == "failed"
    assert job["error"]["code"] == "auth_missing"
    assert job["error"]["message"] == f"Auth file not found: {codex_auth.path}"
    assert job["error"]["detail"] == {"auth_file": str(codex_auth.path)}
    assert len(fake_codex.token_requests) == 1 and len(fake_codex.requests) == 1
    assert "retry_scheduled" not in [e["type"] for e in events]
    assert not codex_auth.path.exists()  # a signed-out session is not written back


@pytest.fixture
def config_lock_holder(codex_home: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding ``config.json.lock`` until its stdin closes."""
    lock = shared(codex_home) / "config.json.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys\nfrom filelock import FileLock\nlock = FileLock(sys.argv[1])\n"
         "lock.acquire()\nprint('held', flush=True)\nsys.stdin.read()\n", str(lock)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert holder.stdout.readline().strip() == "held"
        yield holder
    finally:
        if not holder.stdin.closed:
            holder.stdin.close()
        holder.wait(timeout=10)


def test_config_lock_held_by_another_process_is_lock_timeout(
    cli: Cli, codex_home: Path, monkeypatch: pytest.MonkeyPatch,
    config_lock_holder: subprocess.Popen[str]
) -> None:
    from gpt_image_2.config import store
    from gpt_image_2.fsutil import interprocess_lock

    # the real lock and wait, only shorter than the shipped 30 s
    monkeypatch.setattr(store, "interprocess_lock",
                        functools.partial(interprocess_lock, timeout=0.3))
    code, payload = cli("config", "add-provider", "--name", "gw")
    assert (code, payload["error"]["code"]) == (1, "lock_timeout")
    assert payload["error"]["message"] == "Another process is still updating config.json."
    lock_file = codex_home / "gpt-image-2-skill" / "config.json.lock"
    assert payload["error"]["detail"] == {"lock_file": str(lock_file)}
    assert not (codex_home / "gpt-image-2-skill" / "config.json").exists()
    assert config_lock_holder.stdin is not None
    config_lock_holder.stdin.close()  # the other process finishes and lets go
    config_lock_holder.wait(timeout=10)
    code, payload = cli("config", "add-provider", "--name", "gw")
    assert code == 0, payload
