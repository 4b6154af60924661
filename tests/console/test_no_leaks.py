"""Secrets never leak: distinctive keys in every credential source, every command and route
run, and stdout, stderr, events, logs, history rows, job folders and config views searched.

The only places a secret may appear are ``secret get`` without ``--status`` and the reveal
route, which print it by design (and are checked to do so, so the search can fail).
"""

from __future__ import annotations

import base64
import json
import sqlite3
import uuid
from pathlib import Path

import httpx
import keyring
import pytest

from gpt_image_2.cli.main import main
from tests.cli.test_core_cli import run_cli
from tests.conftest import REPO
from tests.fakes.codex import FakeCodex
from tests.fakes.fixtures import write_auth
from tests.fakes.images import png_bytes
from tests.fakes.keyring_backend import FileKeyring
from tests.fakes.openai import FakeOpenAI
from tests.fakes.process import ServerProcess


def _tag(kind: str) -> str:
    return f"sk-leak-{kind}-{uuid.uuid4().hex}"


def _dump_sqlite(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        rows = []
        for (table,) in con.execute("select name from sqlite_master where type='table'"):
            rows += [repr(r) for r in con.execute(f"select * from {table}")]
        return "\n".join(rows)
    finally:
        con.close()


def test_no_secret_appears_anywhere(tmp_path: Path, fake_openai: FakeOpenAI,
                                    fake_codex: FakeCodex, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    keys = {k: _tag(k) for k in ("env", "file", "envref", "keychain", "flag")}
    codex_access, codex_refresh = fake_codex.issue(valid=False)  # forces a refresh
    team_access, team_refresh = fake_codex.issue(valid=False)
    write_auth(home / "auth.json", codex_access, codex_refresh)
    keyring_file = tmp_path / "keyring.json"
    keyring_file.write_text(json.dumps({
        "gpt-image-2-skill\x00providers/kc/api_key": keys["keychain"]}))
    base = fake_openai.api_base
    config = {"version": 1, "default_provider": None, "providers": {
        "gw": {"type": "openai-compatible", "api_base": base,
               "credentials": {"api_key": {"source": "file", "value": keys["file"]}}},
        "envref": {"type": "openai", "api_base": base,
                   "credentials": {"api_key": {"source": "env", "env": "LEAK_TEST_KEY"}}},
        "kc": {"type": "openai", "api_base": base, "credentials": {"api_key": {
            "source": "keychain", "service": "gpt-image-2-skill",
            "account": "providers/kc/api_key"}}},
        "team": {"type": "codex", "endpoint": fake_codex.endpoint, "credentials": {
            "access_token": {"source": "file", "value": team_access},
            "refresh_token": {"source": "file", "value": team_refresh}}}}}
    (home / "gpt-image-2-skill").mkdir(parents=True)
    (home / "gpt-image-2-skill" / "config.json").write_text(json.dumps(config))
    env = {"CODEX_HOME": str(home), "OPENAI_API_KEY": keys["env"],
           "LEAK_TEST_KEY": keys["envref"],
           "GPT_IMAGE_2_OPENAI_API_BASE": base,
           "GPT_IMAGE_2_CODEX_ENDPOINT": fake_codex.endpoint,
           "GPT_IMAGE_2_CODEX_TOKEN_URL": fake_codex.token_url,
           "GPT_IMAGE_2_RETRY_DELAY_SECONDS": "0",
           "PYTHON_KEYRING_BACKEND": "tests.fakes.keyring_backend.FileKeyring",
           "GPT_IMAGE_2_TEST_KEYRING_FILE": str(keyring_file)}
    ref = tmp_path / "ref.png"
    ref.write_bytes(png_bytes())
    body = tmp_path / "body.json"
    body.write_text(json.dumps({"model": "gpt-5.4", "stream": True, "input": [
        {"role": "user", "content": [{"type": "input_text", "text": "raw"}]}],
        "tools": [{"type": "image_generation"}]}))
    out = str(tmp_path / "out.png")
    gen = ["images", "generate", "--prompt"]
    commands: list[list[str]] = [
        ["doctor"], ["auth", "inspect"], ["config", "inspect"], ["config", "list-providers"],
        ["config", "test-provider", "gw"], ["models", "list"],
        ["secret", "get", "gw", "api_key", "--status"],
        ["secret", "get", "kc", "api_key", "--status"],
        ["secret", "get", "team", "access_token", "--status"],
        ["--provider", "openai", *gen, "env key", "--out", out],
        ["--provider", "openai", "--api-key", keys["flag"], *gen, "flag key", "--out", out],
        ["--provider", "gw", *gen, "file key", "--out", out],
        ["--provider", "envref", *gen, "envref key", "--out", out],
        ["--provider", "kc", *gen, "keychain key", "--out", out],
        ["--provider", "codex", *gen, "codex auth.json", "--out", out],
        ["--provider", "team", *gen, "configured codex", "--out", out],
        ["--provider", "gw", *gen, "REJECT with file key", "--out", out],
        ["--provider", "openai", "--api-key", keys["flag"], "--retries", "0", *gen,
         "FAIL500 flag", "--out", out],
        ["--provider", "openai", "images", "edit", "--prompt", "edit", "--ref-image",
         str(ref), "--out", out],
        ["--provider", "codex", "request", "create", "--body-file", str(body)],
        ["--provider", "kc", "doctor"],
        ["history", "list"],
    ]
    seen: list[str] = []
    # the embedded CLI runs in-process (fast); the subprocess path is checked below
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    previous = keyring.get_keyring()
    keyring.set_keyring(FileKeyring())
    try:
        for args in commands:
            capsys.readouterr()
            main(["--json", "--json-events", *args])
            captured = capsys.readouterr()
            seen += [captured.out, captured.err]
            assert "Traceback" not in captured.err, (args, captured.err)
        main(["--json", "history", "list"])
        history = json.loads(capsys.readouterr().out)
        for job in history["jobs"]:
            main(["--json", "history", "show", job["id"]])
            seen.append(capsys.readouterr().out)
    finally:
        keyring.set_keyring(previous)
    assert len(history["jobs"]) >= 10
    subprocess_run = run_cli(["--json", "--json-events", "--provider", "kc", *gen,
                              "subprocess keychain", "--out", out], env, cwd=REPO)
    seen += [subprocess_run.stdout, subprocess_run.stderr]
    assert json.loads(subprocess_run.stdout)["ok"] is True

    # the same data through a real server: every read route and one remote run
    server = ServerProcess({**env, "OPENAI_API_KEY": keys["env"]},
                           log=tmp_path / "server.log").start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            for path in ("/api/config", "/api/config/inspect", "/api/config/path",
                         "/api/providers", "/api/doctor", "/api/auth", "/api/models",
                         "/api/jobs?limit=200", "/api/secrets/gw/api_key",
                         "/api/secrets/kc/api_key", "/api/queue"):
                seen.append(client.get(path).text)
            seen.append(client.post("/api/providers/gw/test").text)
            creds = {"api_key": {"source": "file", "value": keys["file"]}}
            seen.append(client.put("/api/providers/extra", json={
                "type": "openai", "api_base": base, "credentials": creds}).text)
            seen.append(client.put("/api/providers/extra", json={
                "type": "openai", "api_base": base, "allow_overwrite": True,
                "credentials": {"api_key": {"source": "keychain",
                                            "value": keys["keychain"]}}}).text)
            seen.append(client.put("/api/secrets/gw/copy", json={"value": keys["file"]}).text)
            seen.append(client.get("/api/secrets/gw/copy").text)
            seen.append(client.post("/api/providers/default", json={"name": "extra"}).text)
            seen.append(client.delete("/api/secrets/gw/copy").text)
            seen.append(client.delete("/api/providers/extra").text)
            edit = client.post("/api/images/edit", headers={"X-GPT-Image-2-Api-Key": keys["flag"]},
                               json={"prompt": "route edit", "provider": "openai",
                                     "refs": [{"data_base64": base64.b64encode(
                                         png_bytes()).decode()}]})
            seen.append(edit.text)
            raw = client.post("/api/requests", json={"operation": "responses",
                                                     "provider": "team",
                                                     "body": json.loads(body.read_text())})
            seen.append(raw.text)
            for submitted in (edit.json()["job_id"], raw.json()["job_id"]):
                seen.append(client.get(f"/api/jobs/{submitted}/events").text)
            for job in history["jobs"]:
                seen.append(client.get(f"/api/jobs/{job['id']}").text)
                seen.append(client.get(f"/api/jobs/{job['id']}/events").text)
            remote = run_cli(["--json", "--json-events", "--server", server.url, "--api-key",
                              keys["flag"], "--provider", "openai", *gen, "remote flag",
                              "--out", out], {}, cwd=REPO)
            seen += [remote.stdout, remote.stderr]
            # the documented reveals do return the secret (so this search can fail)
            revealed = client.get("/api/providers/gw/credentials/api_key").json()
            assert revealed["value"] == keys["file"]
    finally:
        server.stop()
    plain = run_cli(["--json", "secret", "get", "kc", "api_key"], env, cwd=REPO)
    assert json.loads(plain.stdout)["value"] == keys["keychain"]

    # every token the Codex side ever had, including the refreshed ones
    auth_tokens = json.loads((home / "auth.json").read_text())["tokens"]
    team_creds = json.loads((home / "gpt-image-2-skill" / "config.json").read_text())[
        "providers"]["team"]["credentials"]
    secrets: dict[str, str] = {**keys, "codex_access": codex_access,
                               "codex_refresh": codex_refresh, "team_access": team_access,
                               "team_refresh": team_refresh,
                               "codex_access_new": auth_tokens["access_token"],
                               "codex_refresh_new": auth_tokens["refresh_token"],
                               "codex_id_new": auth_tokens["id_token"],
                               "team_access_new": team_creds["access_token"]["value"],
                               "team_refresh_new": team_creds["refresh_token"]["value"]}
    assert secrets["codex_access_new"] != codex_access  # a refresh really happened
    assert secrets["team_access_new"] != team_access
    seen.append((tmp_path / "server.log").read_text(errors="replace"))
    seen.append(_dump_sqlite(home / "gpt-image-2-skill" / "history.sqlite"))
    for path in (home / "gpt-image-2-skill" / "jobs").rglob("*"):
        if path.is_file():
            seen.append(path.read_bytes().decode("latin-1"))
    haystack = "\n".join(seen)
    leaks = sorted(name for name, value in secrets.items() if value in haystack)
    assert leaks == [], f"secrets found in outputs: {leaks}"
    assert len(haystack) > 100_000  # the search covered real material
    used = {r["headers"]["authorization"] for r in fake_openai.requests}
    assert {f"Bearer {keys[k]}" for k in ("env", "file", "envref", "keychain", "flag")} <= used
