"""Secrets never leak: distinctive keys in every credential source, every command and route
run, and stdout, stderr, events, logs, history rows, job folders and config views searched.

Credential sources: ``OPENAI_API_KEY``, ``--api-key``, provider keys stored in config.json
(``file``), read from another variable (``env``) and from the keychain (a file-backed test
keyring), keys added by ``config add-provider``/``secret set``/the provider and secret
routes, the Codex auth.json tokens (access, refresh, id) and a configured Codex provider's
tokens (and every token the fake issued on refresh), webhook header and signing secrets,
the SMTP password, storage target secrets, a proxy password and the web access token.

Every leaf command of the real argparse tree and every (method, path) of the real app is
run; the test fails when one exists that it did not run (``serve`` runs as the server the
routes are exercised on). The fakes must have received the secrets, so the search is about
secrets that were really used. Upstreams also echo keys and tokens back (in errors and in
answers), so the redaction of what comes back is searched as well.

Searched: CLI stdout and stderr (JSON envelopes, JSONL events, human output), every HTTP
response of the server (headers and bodies, SSE streams, ``GET /api/logs``), the server's
JSONL log (at debug level) and its own output, every history row and the raw database,
every file the test, the CLI and the server wrote (job folders, saved outputs) but the
credential stores (config.json, auth.json, the keyring file), and what notifications sent.

The only places a secret may appear are ``secret get`` without ``--status`` and the reveal
route, which print it by design (and are checked to do so, so the search can fail).
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import os
import sqlite3
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import keyring
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gpt_image_2.cli.main import main
from gpt_image_2.notifications import verify_signature
from gpt_image_2.settings import Settings
from gpt_image_2.web.app import create_app
from tests.cli.test_core_cli import run_cli
from tests.config.fake_proxy import LoopbackProxy
from tests.conftest import REPO
from tests.console.helpers import RouteRecorder, cli_commands, command_of
from tests.fakes.codex import FakeCodex, make_jwt
from tests.fakes.images import png_bytes
from tests.fakes.keyring_backend import FileKeyring
from tests.fakes.openai import FakeOpenAI
from tests.fakes.process import ServerProcess, free_port
from tests.fakes.server import ThreadedServer
from tests.transparent.images import write_samples

# Commands and routes the test may leave out, each with the reason. Keep this empty
# unless running one is impossible here.
EXCLUDED_COMMANDS: dict[str, str] = {}
EXCLUDED_ROUTES: dict[tuple[str, str], str] = {}
REVEAL_ROUTE = "/api/providers/{name}/credentials/{credential}"


def _tag(kind: str) -> str:
    # not "sk-…": the redactor masks that shape anywhere, which would hide a leak of the
    # specific paths (known-secret registry, credential keys) this test is about
    return f"leak-{kind}-{uuid.uuid4().hex}"


def _dump_sqlite(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        rows = []
        for (table,) in con.execute("select name from sqlite_master where type='table'"):
            rows += [repr(r) for r in con.execute(f"select * from {table}")]
        return "\n".join(rows)
    finally:
        con.close()


class Hooks:
    """A webhook receiver on loopback that keeps what it got."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.server = ThreadedServer(Starlette(routes=[Route("/h", self.hook, methods=["POST"])]))

    async def hook(self, request: Request) -> JSONResponse:
        self.received.append({"headers": dict(request.headers), "body": await request.body()})
        return JSONResponse({"ok": True})


class Mailbox:
    """An SMTP server on loopback (aiosmtpd) that records the logins it accepted."""

    def __init__(self) -> None:
        self.logins: list[tuple[bytes, bytes]] = []
        self.messages: list[bytes] = []
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port(),
                                     authenticator=self.authenticate, auth_require_tls=False)

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                     auth_data: Any) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            self.logins.append((auth_data.login, auth_data.password))
            return AuthResult(success=True, handled=False, auth_data=auth_data)
        return AuthResult(success=False, handled=False)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.content)
        return "250 Message accepted"


@contextmanager
def threaded_proxy(auth: tuple[str, str]) -> Iterator[LoopbackProxy]:
    """The asyncio forward proxy of the proxy tests, served from a thread of its own."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    proxy = LoopbackProxy(auth=auth)
    asyncio.run_coroutine_threadsafe(proxy.__aenter__(), loop).result(10)
    try:
        yield proxy
    finally:
        asyncio.run_coroutine_threadsafe(proxy.__aexit__(None), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


@pytest.fixture
def receivers() -> Iterator[tuple[Hooks, Mailbox]]:
    hooks, mailbox = Hooks(), Mailbox()
    hooks.server.start()
    mailbox.controller.start()
    yield hooks, mailbox
    mailbox.controller.stop()
    hooks.server.stop()


def test_no_secret_appears_anywhere(tmp_path: Path, fake_openai: FakeOpenAI,
                                    fake_codex: FakeCodex, receivers: tuple[Hooks, Mailbox],
                                    monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    hooks, mailbox = receivers
    home = tmp_path / "home"
    root = home / "gpt-image-2-skill"
    keys = {k: _tag(k) for k in (
        "env", "file", "envref", "keychain", "flag", "added", "set_file", "set_keychain",
        "put_file", "put_keychain", "secret_put", "remote_flag", "hook_header", "hook_signing",
        "smtp", "web_token", "wrong_token", "proxy", "auth_json", "s3", "webdav",
        "http_header", "relay")}
    codex_access, codex_refresh = fake_codex.issue(valid=False, refresh=_tag("codex-refresh"))
    codex_id = make_jwt(marker=_tag("codex-id"))
    team_access, team_refresh = fake_codex.issue(valid=False, refresh=_tag("team-refresh"))
    (root).mkdir(parents=True)
    (home / "auth.json").write_text(json.dumps({
        "OPENAI_API_KEY": keys["auth_json"], "auth_mode": "chatgpt",
        "last_refresh": "2026-01-01T00:00:00Z",
        "tokens": {"id_token": codex_id, "access_token": codex_access,
                   "refresh_token": codex_refresh, "account_id": None}}))
    keyring_file = tmp_path / "keyring.json"
    keyring_file.write_text(json.dumps({
        "gpt-image-2-skill\x00providers/kc/api_key": keys["keychain"]}))
    base = fake_openai.api_base
    config = {"version": 1, "default_provider": None, "logging": {"debug": True},
              "providers": {
        "gw": {"type": "openai-compatible", "api_base": base,
               "credentials": {"api_key": {"source": "file", "value": keys["file"]}}},
        "envref": {"type": "openai", "api_base": base,
                   "credentials": {"api_key": {"source": "env", "env": "LEAK_TEST_KEY"}}},
        "kc": {"type": "openai", "api_base": base, "credentials": {"api_key": {
            "source": "keychain", "service": "gpt-image-2-skill",
            "account": "providers/kc/api_key"}}},
        "team": {"type": "codex", "endpoint": fake_codex.endpoint, "credentials": {
            "access_token": {"source": "file", "value": team_access},
            "refresh_token": {"source": "file", "value": team_refresh}}}},
              "notifications": {
        "enabled": True, "on_completed": True, "on_failed": True, "on_cancelled": True,
        "webhooks": [{"id": "w1", "name": "ops", "url": f"{hooks.server.url}/h",
                      "headers": {"X-Hook-Token": {"source": "file",
                                                   "value": keys["hook_header"]}},
                      "secret": {"source": "file", "value": keys["hook_signing"]}}],
        "email": {"enabled": True, "smtp_host": "127.0.0.1",
                  "smtp_port": mailbox.controller.port, "tls": "none", "username": "mailer",
                  "password": {"source": "file", "value": keys["smtp"]},
                  "from": "gpt-image-2@example.test", "to": ["ops@example.test"],
                  "timeout_seconds": 5}}}
    (root / "config.json").write_text(json.dumps(config))
    viewer_log = tmp_path / "viewer.log"
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for name in ("xdg-open", "open"):  # the "system viewer" of history open-output
        (bindir / name).write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{viewer_log}"\n')
        (bindir / name).chmod(0o755)
    env = {"CODEX_HOME": str(home), "OPENAI_API_KEY": keys["env"],
           "LEAK_TEST_KEY": keys["envref"],
           "GPT_IMAGE_2_OPENAI_API_BASE": base,
           "GPT_IMAGE_2_CODEX_ENDPOINT": fake_codex.endpoint,
           "GPT_IMAGE_2_CODEX_TOKEN_URL": fake_codex.token_url,
           "GPT_IMAGE_2_RETRY_DELAY_SECONDS": "0",
           "GPT_IMAGE_2_WEBHOOK_PRIVATE_NETWORKS": "127.0.0.1/32",
           "PYTHON_KEYRING_BACKEND": "tests.fakes.keyring_backend.FileKeyring",
           "GPT_IMAGE_2_TEST_KEYRING_FILE": str(keyring_file),
           "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}"}
    ref = tmp_path / "ref.png"
    ref.write_bytes(png_bytes())
    samples = write_samples(tmp_path / "samples")
    body = tmp_path / "body.json"
    body.write_text(json.dumps({"model": "gpt-5.4", "stream": True, "input": [
        {"role": "user", "content": [{"type": "input_text", "text": "raw"}]}],
        "tools": [{"type": "image_generation"}]}))
    openai_body = tmp_path / "openai-body.json"
    openai_body.write_text(json.dumps({"model": "gpt-image-2", "prompt": "raw openai"}))
    out = str(tmp_path / "out.png")
    gen = ["images", "generate", "--prompt"]
    commands_run: set[str] = set()
    seen: list[str] = []

    def cli(*args: str, stdin: str | None = None) -> dict[str, Any]:
        """One in-process run with JSONL events; stdout and stderr go into the haystack."""
        argv = ["--json", "--json-events", *args]
        commands_run.add(command_of(argv))
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        capsys.readouterr()
        main(argv)
        captured = capsys.readouterr()
        seen.extend([captured.out, captured.err])
        assert "Traceback" not in captured.err, (args, captured.err)
        payload: dict[str, Any] = json.loads(captured.out)
        return payload

    # -- the embedded CLI, in-process (fast); the subprocess path is checked below ----------
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    previous = keyring.get_keyring()
    keyring.set_keyring(FileKeyring())
    try:
        for args in (["doctor"], ["auth", "inspect"], ["config", "path"],
                     ["config", "inspect"], ["config", "list-providers"],
                     ["config", "test-provider", "gw"], ["models", "list"], ["help", "images"],
                     ["secret", "get", "gw", "api_key", "--status"],
                     ["secret", "get", "kc", "api_key", "--status"],
                     ["secret", "get", "team", "access_token", "--status"]):
            cli(*args)
        assert cli("config", "add-provider", "--name", "added", "--type", "openai",
                   "--api-base", base, "--api-key", keys["added"])["ok"] is True
        assert cli("config", "set-default", "added")["ok"] is True
        assert cli("secret", "set", "gw", "copy", "--value", keys["set_file"])["ok"] is True
        assert keys["set_file"] in (root / "config.json").read_text()
        assert cli("secret", "set", "kc", "other", "--source", "keychain",
                   stdin=keys["set_keychain"] + "\n")["ok"] is True
        assert keys["set_keychain"] in keyring_file.read_text()  # it really went there
        cli("secret", "get", "gw", "copy", "--status")
        cli("secret", "get", "kc", "other", "--status")
        for args in (
            [*gen, "default provider", "--out", out],
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
            ["--provider", "codex", "images", "edit", "--prompt", "codex edit", "--ref-image",
             str(ref), "--out", out],
            ["--provider", "codex", "request", "create", "--body-file", str(body)],
            ["--provider", "openai", "request", "create", "--request-operation", "generate",
             "--body-file", str(openai_body), "--out-image", out],
            ["--provider", "openai", "transparent", "generate", "--prompt", "a badge",
             "--out", str(tmp_path / "tp-out.png"), "--no-strict"],
            ["transparent", "extract", "--input", str(samples["green"]),
             "--out", str(tmp_path / "extracted.png")],
            ["transparent", "verify", "--input", str(samples["clean"])],
            ["--provider", "team", "auth", "refresh"],
            ["--provider", "kc", "doctor"],
        ):
            cli(*args)
        # an upstream that echoes the key it was given, in an error and in a success
        for provider, key in (("gw", "file"), ("envref", "envref"), ("kc", "keychain"),
                              ("openai", "env"), ("openai", "flag")):
            flag = ["--api-key", keys["flag"]] if key == "flag" else []
            fake_openai.script = [
                {"status": 401, "body": {"error": {
                    "message": f"Incorrect API key provided: {keys[key]}.",
                    "code": "invalid_api_key", "param": keys[key]}}},
                {"status": 200, "body": {"created": 1, "data": [
                    {"b64_json": base64.b64encode(png_bytes()).decode(),
                     "revised_prompt": f"echo {keys[key]}"}], "note": keys[key]}}]
            failed = cli(*flag, "--provider", provider, "--retries", "0", *gen, "echo",
                         "--out", out)
            assert failed["ok"] is False
            cli(*flag, "--provider", provider, *gen, "echo", "--out", out)
        fake_openai.script = []
        team_now = json.loads((root / "config.json").read_text())["providers"]["team"][
            "credentials"]
        auth_now = json.loads((home / "auth.json").read_text())["tokens"]
        for provider, tokens in (("team", [team_now["access_token"]["value"],
                                           team_now["refresh_token"]["value"]]),
                                 ("codex", [auth_now["access_token"],
                                            auth_now["refresh_token"], auth_now["id_token"]])):
            fake_codex.script = [{"status": 400, "body": {"detail": f"bad token {tokens}",
                                                          "tokens": tokens}}]
            assert cli("--provider", provider, "--retries", "0", *gen, "codex echo",
                       "--out", out)["ok"] is False
            fake_codex.script = [{"status": 400, "body": {"detail": f"bad token {tokens}"}}]
            assert cli("--provider", provider, "--retries", "0", "request", "create",
                       "--body-file", str(body))["ok"] is False
        fake_codex.script = []
        # the raw escape hatch returns the upstream's answer: an echoed key is masked there
        fake_openai.script = [{"status": 200, "body": {"created": 1, "note": keys["env"], "data": [
            {"b64_json": base64.b64encode(png_bytes()).decode()}]}}]
        raw_echo = cli("--provider", "openai", "request", "create", "--request-operation",
                       "generate", "--body-file", str(openai_body))
        assert raw_echo["ok"] is True and raw_echo["response"], raw_echo
        fake_openai.script = []
        for args in (["config", "inspect"], ["auth", "inspect"], ["doctor"],
                     ["--api-key", keys["flag"], "--retries", "0", "--provider", "openai",
                      *gen, "FAIL500 human", "--out", out],
                     ["--provider", "gw", *gen, "human", "--out", out]):
            capsys.readouterr()  # the human-readable surface, progress on stderr included
            commands_run.add(command_of(["--human", *args]))
            main(["--human", *args])
            captured = capsys.readouterr()
            seen.extend([captured.out, captured.err])
            assert captured.out or captured.err
        assert cli("secret", "delete", "gw", "copy")["ok"] is True
        assert cli("secret", "delete", "kc", "other")["ok"] is True
        assert keys["set_keychain"] not in keyring_file.read_text()
        assert cli("config", "remove-provider", "added")["ok"] is True
        history = cli("history", "list", "--limit", "200")
        for job in history["jobs"]:
            cli("history", "show", job["id"])
        done = next(j for j in history["jobs"] if j["status"] == "completed"
                    and j["command"] == "images generate")
        assert cli("history", "open-output", done["id"])["opened"] is True
        rejected = next(j for j in history["jobs"] if "REJECT" in json.dumps(j))
        assert cli("history", "delete", rejected["id"])["ok"] is True
    finally:
        keyring.set_keyring(previous)
    assert len(history["jobs"]) >= 15
    subprocess_run = run_cli(["--json", "--json-events", "--provider", "kc", *gen,
                              "subprocess keychain", "--out", out], env, cwd=REPO)
    seen += [subprocess_run.stdout, subprocess_run.stderr]
    assert json.loads(subprocess_run.stdout)["ok"] is True

    # -- the same data root through a real server (`serve`): every route ---------------------
    recorder = RouteRecorder(create_app(Settings(codex_home=tmp_path / "routes")))
    server_env = {**env, "GPT_IMAGE_2_WEB_TOKEN": keys["web_token"],
                  "GPT_IMAGE_2_RELAY_ENABLED": "true"}
    server = ServerProcess(server_env, log=tmp_path / "server.log").start()
    commands_run.add("serve")

    revealed: list[str] = []

    def record(response: httpx.Response) -> None:
        response.read()
        method, path = response.request.method, response.request.url.path
        recorder.record(method, path)
        text = f"{response.status_code} {response.headers}\n{response.content.decode('latin-1')}"
        # the reveal route returns the secret by design (checked in run_routes)
        reveal = recorder.match(method, path) == ("GET", REVEAL_ROUTE)
        (revealed if reveal and response.status_code == 200 else seen).append(text)

    token = {"Authorization": f"Bearer {keys['web_token']}"}
    try:
        with threaded_proxy(("ops", keys["proxy"])) as proxy, \
                httpx.Client(base_url=server.url, timeout=60, headers=token,
                          event_hooks={"response": [record]}) as client, \
                httpx.Client(base_url=server.url, timeout=60,
                             event_hooks={"response": [record]}) as browser:
            run_routes(client, browser, keys, fake_openai, proxy, body, tmp_path, samples)
            remote = run_cli(["--json", "--json-events", "--server", server.url, "--api-key",
                              keys["remote_flag"], "--provider", "openai", *gen,
                              "remote flag", "--out", out],
                             {"GPT_IMAGE_2_WEB_TOKEN": keys["web_token"]}, cwd=REPO)
            seen += [remote.stdout, remote.stderr]
            assert json.loads(remote.stdout)["ok"] is True, remote.stdout
            wrong = run_cli(["--json", "--server", server.url, "--token", keys["wrong_token"],
                             "config", "inspect"], {}, cwd=REPO)
            seen += [wrong.stdout, wrong.stderr]
            assert json.loads(wrong.stdout)["error"]["code"] == "unauthorized", wrong.stdout
            with_flag = run_cli(["--json", "--server", server.url, "--token", keys["web_token"],
                                 "history", "list"], {}, cwd=REPO)
            seen += [with_flag.stdout, with_flag.stderr]
            assert json.loads(with_flag.stdout)["ok"] is True
            for args in (["config", "inspect"], ["auth", "inspect"], ["doctor"],
                         ["secret", "get", "gw", "api_key", "--status"],
                         ["--api-key", keys["remote_flag"], "--retries", "0", "--provider",
                          "openai", *gen, "FAIL500 remote", "--out", out]):
                remote = run_cli(["--json", "--json-events", "--server", server.url, *args],
                                 {"GPT_IMAGE_2_WEB_TOKEN": keys["web_token"]}, cwd=REPO)
                seen += [remote.stdout, remote.stderr]
                assert "Traceback" not in remote.stderr, remote.stderr
            logs = client.get("/api/logs", params={"limit": 5000})
            assert logs.status_code == 200
            entries = logs.json()["entries"]
            assert {e["level"] for e in entries} >= {"debug", "info"}  # verbose enough
    finally:
        server.stop()
    for _ in range(600):  # the cancelled SLOW answer finishes: the fake is shared
        if fake_openai.in_flight == 0:
            break
        time.sleep(0.05)
    assert fake_openai.in_flight == 0
    assert len(revealed) == 1 and keys["file"] in revealed[0]
    plain = run_cli(["--json", "secret", "get", "kc", "api_key"], env, cwd=REPO)
    assert json.loads(plain.stdout)["value"] == keys["keychain"]

    # -- every command and every route ran ------------------------------------------------
    missing_commands = cli_commands() - commands_run - set(EXCLUDED_COMMANDS)
    assert missing_commands == set(), f"commands never run: {sorted(missing_commands)}"
    missing_routes = recorder.routes - recorder.reached - set(EXCLUDED_ROUTES)
    assert missing_routes == set(), f"routes never called: {sorted(missing_routes)}"

    # -- the secrets were really used -------------------------------------------------------
    used = {r["headers"].get("authorization") for r in fake_openai.requests}
    assert {f"Bearer {keys[k]}" for k in ("env", "file", "envref", "keychain", "flag",
                                          "added", "put_file", "put_keychain",
                                          "remote_flag")} <= used
    refreshed_with = {r["json"].get("refresh_token") for r in fake_codex.token_requests}
    assert {codex_refresh, team_refresh} <= refreshed_with
    codex_used = {r["headers"].get("authorization") for r in fake_codex.requests}
    assert {f"Bearer {codex_access}", f"Bearer {team_access}"} <= codex_used  # then 401
    assert any(u and u[7:] in fake_codex.valid_tokens for u in codex_used)  # refreshed ones
    assert hooks.received and all(
        h["headers"]["x-hook-token"] == keys["hook_header"] for h in hooks.received)
    last = hooks.received[-1]
    assert verify_signature(keys["hook_signing"], last["headers"]["x-gpt-image-2-timestamp"],
                            last["body"], last["headers"]["x-gpt-image-2-signature"])
    assert mailbox.messages and (b"mailer", keys["smtp"].encode()) in mailbox.logins

    # every token the Codex side ever had, including the refreshed ones
    secrets: dict[str, str] = {**keys, "codex_access": codex_access, "codex_id": codex_id,
                               "proxy_basic": base64.b64encode(
                                   f"ops:{keys['proxy']}".encode()).decode(),
                               "codex_refresh": codex_refresh, "team_access": team_access,
                               "team_refresh": team_refresh}
    auth_tokens = json.loads((home / "auth.json").read_text())["tokens"]
    assert auth_tokens["access_token"] != codex_access  # a refresh really happened
    issued = {*fake_codex.valid_tokens, *fake_codex.refresh_tokens, *refreshed_with,
              *(auth_tokens[k] for k in ("id_token", "access_token", "refresh_token"))}
    secrets.update({f"codex_issued_{i}": t for i, t in enumerate(sorted(
        t for t in issued if isinstance(t, str) and len(t) > 16))})

    # -- and appear nowhere -------------------------------------------------------------------
    log_files = sorted((root / "logs").glob("gpt-image-2.log*"))
    assert log_files, "the server wrote no log file"
    seen.append(_dump_sqlite(root / "history.sqlite"))
    # what notifications carried out (the webhook's own header is the one secret it may see)
    seen += [h["body"].decode("latin-1") for h in hooks.received]
    seen += [repr({k: v for k, v in h["headers"].items() if k != "x-hook-token"})
             for h in hooks.received]
    seen += [m.decode("latin-1") for m in mailbox.messages]
    assert len([p for p in (root / "jobs").rglob("*") if p.is_file()]) > 20
    # every file the test, the CLI and the server wrote (logs, the raw database with its
    # free pages, job folders, saved outputs, the server's stdout/stderr) but the three
    # credential stores
    stores = {keyring_file, home / "auth.json", root / "config.json"}
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p not in stores]
    assert {*log_files, tmp_path / "server.log", root / "history.sqlite"} <= set(written)
    seen += [p.read_bytes().decode("latin-1") for p in written]
    haystack = "\n".join(seen)
    leaks = sorted(name for name, value in secrets.items() if value in haystack)
    assert leaks == [], f"secrets found in outputs: {leaks}\n" + "\n".join(
        f"{name}: …{text[max(0, at - 300):at + 80]}…" for name in leaks
        for text in seen if (at := text.find(secrets[name])) >= 0)
    assert len(haystack) > 100_000  # the search covered real material


def run_routes(client: httpx.Client, browser: httpx.Client, keys: dict[str, str],
               fake_openai: FakeOpenAI, proxy: LoopbackProxy, body: Path, tmp_path: Path,
               samples: dict[str, Path]) -> None:
    """Call every route of the app (``client`` carries the access token, ``browser`` the
    session cookie). Responses land in the haystack through the clients' hook."""
    base = fake_openai.api_base

    def ok(response: httpx.Response) -> dict[str, Any]:
        assert response.status_code == 200, (response.request.url, response.text)
        data: dict[str, Any] = response.json()
        return data

    def wait(job_id: str) -> dict[str, Any]:
        client.get(f"/api/jobs/{job_id}/events")  # the stream ends with the job
        job: dict[str, Any] = ok(client.get(f"/api/jobs/{job_id}"))["job"]
        return job

    def b64(path: Path) -> dict[str, str]:
        return {"name": path.name, "data_base64": base64.b64encode(path.read_bytes()).decode()}

    # session, docs and the SPA fallback
    assert browser.get("/api/config").status_code == 401  # the token is required
    assert browser.get("/api/session").json() == {"auth_required": True, "authorized": False}
    assert browser.post("/api/session", json={"token": keys["web_token"]}).status_code == 204
    assert browser.get("/api/session").json()["authorized"] is True
    for path in ("/api/openapi.json", "/api/docs", "/docs/oauth2-redirect"):
        client.get(path)
        client.head(path)
    client.get("/gallery")

    # reads
    for path in ("/api/config", "/api/config/path", "/api/config/inspect", "/api/config-paths",
                 "/api/notifications/capabilities", "/api/providers", "/api/doctor",
                 "/api/auth", "/api/models", "/api/jobs?limit=200", "/api/jobs/active",
                 "/api/jobs/interrupted", "/api/queue", "/api/secrets/gw/api_key",
                 "/api/secrets/kc/api_key", "/api/notifications"):
        ok(client.get(path))

    # settings saves
    ok(client.put("/api/logging", json={"debug": True}))
    ok(client.put("/api/paths", json={}))
    # provider calls through a proxy that wants the password (the outbound client is built
    # and logged at debug level), then through a closed one (the failure is reported)
    ok(client.put("/api/proxy", json={"mode": "custom", "url": proxy.url_with_auth()}))
    config_file = tmp_path / "home" / "gpt-image-2-skill" / "config.json"
    assert keys["proxy"] in config_file.read_text()  # stored, only never shown
    ok(client.get("/api/config"))
    ok(client.get("/api/config/inspect"))
    assert ok(client.post("/api/providers/gw/test"))["ok"] is True
    via = ok(client.post("/api/images/generate", json={"prompt": "via proxy",
                                                       "provider": "gw"}))
    assert wait(via["job_id"])["status"] == "completed"
    basic = base64.b64encode(f"ops:{keys['proxy']}".encode()).decode()
    assert proxy.forwarded and all(r["proxy_authorization"] == f"Basic {basic}"
                                   for r in proxy.forwarded)
    closed = f"http://ops:{keys['proxy']}@127.0.0.1:9"
    ok(client.put("/api/proxy", json={"mode": "custom", "url": closed}))
    assert ok(client.post("/api/providers/gw/test"))["ok"] is False
    ok(client.put("/api/proxy", json={"mode": "system"}))  # provider calls go direct again
    ok(client.put("/api/storage", json={"targets": {
        "disk": {"type": "local", "directory": str(tmp_path / "home" / "gpt-image-2-skill"
                                                   / "archive")},
        "s3": {"type": "s3", "bucket": "b", "access_key_id": {"value": "AKIAEXAMPLE"},
               "secret_access_key": {"source": "file", "value": keys["s3"]}},
        "dav": {"type": "webdav", "url": "https://dav.example.test", "username": "u",
                "password": {"source": "file", "value": keys["webdav"]}},
        "hook": {"type": "http", "url": "https://up.example.test",
                 "headers": {"Authorization": {"source": "file",
                                               "value": f"Bearer {keys['http_header']}"}}}}}))
    assert all(keys[k] in config_file.read_text() for k in ("s3", "webdav", "http_header"))
    client.post("/api/storage/disk/test", json={})
    client.post("/api/storage/s3/test", json={})
    shown = ok(client.get("/api/notifications"))
    ok(client.put("/api/notifications", json=shown))  # the redacted view round-trips
    assert ok(client.post("/api/notifications/test", json={"status": "completed"}))["ok"]

    # providers and secrets
    ok(client.post("/api/providers/gw/test"))
    ok(client.put("/api/providers/extra", json={
        "type": "openai", "api_base": base,
        "credentials": {"api_key": {"source": "file", "value": keys["put_file"]}}}))
    extra = ok(client.post("/api/images/generate", json={"prompt": "extra file key",
                                                         "provider": "extra"}))
    assert wait(extra["job_id"])["status"] == "completed"
    ok(client.put("/api/providers/extra", json={
        "type": "openai", "api_base": base, "allow_overwrite": True,
        "credentials": {"api_key": {"source": "keychain", "value": keys["put_keychain"]}}}))
    extra = ok(client.post("/api/images/generate", json={"prompt": "extra keychain key",
                                                         "provider": "extra"}))
    assert wait(extra["job_id"])["status"] == "completed"
    ok(client.put("/api/secrets/gw/copy", json={"value": keys["secret_put"]}))
    assert keys["secret_put"] in config_file.read_text()
    ok(client.get("/api/secrets/gw/copy"))
    ok(client.post("/api/providers/default", json={"name": "extra"}))
    assert ok(client.get("/api/providers/gw/credentials/api_key"))["value"] == keys["file"]
    ok(client.delete("/api/secrets/gw/copy"))
    ok(client.delete("/api/providers/extra"))
    ok(client.post("/api/auth/refresh", params={"provider": "team"}))

    # jobs
    ok(client.post("/api/queue/concurrency", json={"max_parallel": 2}))
    # an upstream that echoes the per-request key (nothing else is running now)
    fake_openai.script = [{"status": 401, "body": {"error": {
        "message": f"Incorrect API key provided: {keys['flag']}."}}}]
    echoed = ok(client.post("/api/images/generate", json={"prompt": "echo", "provider": "openai"},
                            headers={"X-GPT-Image-2-Api-Key": keys["flag"],
                                     "X-GPT-Image-2-Retries": "0"}))
    assert wait(echoed["job_id"])["status"] == "failed"
    made = ok(client.post("/api/images/generate", json={"prompt": "route gen",
                                                        "provider": "gw"}))
    edit = ok(client.post("/api/images/edit", headers={"X-GPT-Image-2-Api-Key": keys["flag"]},
                          json={"prompt": "route edit", "provider": "openai",
                                "refs": [b64(samples["green"])]}))
    raw = ok(client.post("/api/requests", json={"operation": "responses", "provider": "team",
                                                "body": json.loads(body.read_text())}))
    raw_openai = ok(client.post("/api/requests", json={
        "operation": "generate", "provider": "openai",
        "body": {"model": "gpt-image-2", "prompt": "route raw"}}))
    failed = ok(client.post("/api/images/generate", headers={"X-GPT-Image-2-Retries": "0"},
                            json={"prompt": "FAIL500 route", "provider": "gw"}))
    tp = ok(client.post("/api/transparent/generate", json={
        "prompt": "route badge", "provider": "gw", "keep_source": True, "strict": False}))
    slow = ok(client.post("/api/images/generate", json={"prompt": "SLOW route",
                                                        "provider": "gw"}))
    client.post(f"/api/jobs/{slow['job_id']}/cancel")
    jobs = {name: wait(e["job_id"]) for name, e in (
        ("made", made), ("edit", edit), ("raw", raw), ("raw_openai", raw_openai),
        ("failed", failed), ("tp", tp), ("slow", slow))}
    assert jobs["made"]["status"] == "completed" and jobs["failed"]["status"] == "failed"
    client.get(f"/api/jobs/{made['job_id']}/outputs/0")
    client.get("/api/files", params={"path": jobs["made"]["outputs"][0]["path"]})
    client.get(f"/api/jobs/{edit['job_id']}/refs/0")
    client.get(f"/api/transparent/jobs/{tp['job_id']}/source")
    recovery = client.get(f"/api/jobs/{failed['job_id']}/recovery").json()
    actions = [a.get("action") for a in recovery.get("actions") or [] if isinstance(a, dict)]
    client.post(f"/api/jobs/{failed['job_id']}/resume",
                json={"action": "resubmit" if "resubmit" in actions else "discard"})
    again = ok(client.post(f"/api/jobs/{made['job_id']}/retry"))
    wait(again["job_id"])
    ok(client.post("/api/transparent/verify", json={"input": b64(samples["clean"])}))
    ok(client.post("/api/transparent/extract", json={"input": b64(samples["green"])}))
    for job in ok(client.get("/api/jobs", params={"limit": 200}))["jobs"]:
        ok(client.get(f"/api/jobs/{job['id']}"))
        client.get(f"/api/jobs/{job['id']}/events")
    ok(client.delete(f"/api/jobs/{made['job_id']}"))

    # the browser relay: the caller's key goes upstream only (here: refused, loopback)
    # (the session cookie authorizes; a wrong bearer token is refused without an echo)
    relay = {"x-gpt-image-2-upstream": "https://127.0.0.1:9/v1/images/generations",
             "x-api-key": keys["relay"]}
    for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
        for path in ("/api/relay", "/api/relay/v1/images/generations"):
            browser.request(method, path, headers=relay, content=b"{}")
    refused = browser.post("/api/relay", headers={**relay,
                                                  "authorization": f"Bearer {keys['relay']}"})
    assert refused.status_code == 401
    assert browser.delete("/api/session").status_code == 204


def test_the_coverage_lists_come_from_the_real_parser_and_app(tmp_path: Path) -> None:
    """The lists the test above must cover are the real ones (so its check cannot pass
    vacuously), and a request maps to the route the router would pick."""
    commands = cli_commands()
    assert {"serve", "help", "images generate", "secret delete", "history open-output",
            "transparent verify"} <= commands and len(commands) >= 25
    assert command_of(["--json", "--provider", "codex", "auth", "refresh"]) == "auth refresh"
    recorder = RouteRecorder(create_app(Settings(codex_home=tmp_path)))
    assert {("GET", "/api/logs"), ("POST", "/api/auth/refresh"), ("GET", "/{path:path}"),
            ("OPTIONS", "/api/relay/{rest:path}")} <= recorder.routes
    assert len(recorder.routes) >= 60
    assert recorder.match("GET", "/api/jobs/active") == ("GET", "/api/jobs/active")
    assert recorder.match("GET", "/api/jobs/j-1/outputs/0") == (
        "GET", "/api/jobs/{job_id}/outputs/{index}")
    assert recorder.match("GET", "/gallery") == ("GET", "/{path:path}")
    assert recorder.match("PATCH", "/api/config") is None
    assert set(EXCLUDED_COMMANDS) <= commands and set(EXCLUDED_ROUTES) <= recorder.routes


def test_a_spooled_answer_keeps_its_images_and_loses_echoed_secrets() -> None:
    """The recovery evidence (raw_response.json) is masked where an upstream echoed a key,
    byte-identical otherwise, and still decodes to the same images."""
    from gpt_image_2.jobs.recovery import decode_spool
    from gpt_image_2.redact import scrub_spool

    key = _tag("spool")
    image = base64.b64encode(png_bytes()).decode()
    clean = json.dumps({"created": 1, "data": [{"b64_json": image}]}).encode()
    assert scrub_spool(clean, [key]) is clean
    echoed = json.dumps({"created": 1, "note": f"key {key}", "data": [
        {"b64_json": image, "revised_prompt": f"with {key}"}]}).encode()
    scrubbed = scrub_spool(echoed, [key])
    assert key not in scrubbed.decode() and b"[redacted]" in scrubbed
    assert decode_spool(scrubbed)[0] == decode_spool(echoed)[0] == [png_bytes()]
    assert scrub_spool(f"event: x\ndata: {key}\n".encode(), [key]) == \
        b"event: x\ndata: [redacted]\n"


def test_a_spooled_answer_that_will_not_round_trip_is_still_kept_and_masked() -> None:
    """Keys are scrubbed too; a lone surrogate escape or JSON too deep to re-encode falls
    back to a byte replace instead of failing the job and losing the answer."""
    from gpt_image_2.redact import scrub_spool

    key = _tag("spool-odd")
    as_key = scrub_spool(json.dumps({key: 1, "n": "x"}).encode(), [key])
    assert key not in as_key.decode() and json.loads(as_key) == {"[redacted]": 1, "n": "x"}
    surrogate = b'{"note": "' + key.encode() + b' \\ud800"}'
    kept = scrub_spool(surrogate, [key])
    assert key.encode() not in kept and json.loads(kept)["note"] == "[redacted] \ud800"
    deep = b"[" * 100_000 + key.encode().join([b'"', b'"']) + b"]" * 100_000
    kept = scrub_spool(deep, [key])
    assert key.encode() not in kept and kept.count(b"[redacted]") == 1
    assert len(kept) == len(deep) - len(key) + len("[redacted]")
