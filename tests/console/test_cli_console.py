"""The console commands through the CLI (embedded): config, secret, doctor, auth, models,
history and request create, with their payload fields and error codes."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import pytest

from gpt_image_2.cli.main import main
from tests.console.helpers import Cli
from tests.fakes.codex import ACCOUNT_ID, FakeCodex
from tests.fakes.fixtures import CodexAuth
from tests.fakes.images import png_bytes
from tests.fakes.keyring_backend import MemoryKeyring
from tests.fakes.openai import FakeOpenAI


def test_config_commands(cli: Cli, env: Path, fake_openai: FakeOpenAI) -> None:
    code, added = cli("config", "add-provider", "--name", "gw", "--api-base",
                      fake_openai.api_base, "--api-key", "sk-gw-cli-0123456789",
                      "--no-supports-n", "--edit-region-mode", "reference-hint")
    assert code == 0, added
    assert set(added) == {"ok", "command", "provider", "config_file", "config"}
    assert added["config"]["providers"]["gw"]["supports_n"] is False
    assert added["config"]["default_provider"] == "gw"
    code, codex = cli("config", "add-provider", "--name", "cx", "--type", "codex",
                      "--access-token", "abc.def.ghi", "--refresh-token", "rt-1",
                      "--account-id", "acct-1", "--set-default")
    assert codex["config"]["providers"]["cx"]["model"] == "gpt-5.4"
    assert codex["config"]["default_provider"] == "cx"
    code, listing = cli("config", "list-providers")
    assert (listing["command"], sorted(listing["providers"])) == ("config list-providers",
                                                                   ["cx", "gw"])
    code, default = cli("config", "set-default", "gw")
    assert default == {"ok": True, "command": "config set-default", "default_provider": "gw",
                       "config_file": added["config_file"]}
    code, tested = cli("config", "test-provider", "gw")
    assert code == 0 and tested["ok"] is True
    assert set(tested) == {"ok", "command", "provider_selection", "endpoint"}
    code, removed = cli("config", "remove-provider", "cx")
    assert removed == {"ok": True, "command": "config remove-provider", "provider": "cx",
                       "removed": True}
    code, inspect = cli("config", "inspect")
    assert inspect["exists"] is True and list(inspect["config"]["providers"]) == ["gw"]
    assert "sk-gw-cli" not in json.dumps(inspect)
    assert os.stat(added["config_file"]).st_mode & 0o777 == 0o600


@pytest.mark.parametrize(("args", "exit_code", "code"), [
    (["config", "add-provider", "--name", "a b"], 1, "provider_invalid_name"),
    (["config", "add-provider", "--name", "a/b"], 1, "provider_invalid_name"),
    (["config", "add-provider", "--name", "x", "--supports-n", "--no-supports-n"], 1,
     "invalid_provider_config"),
    (["config", "add-provider", "--name", "x", "--edit-region-mode", "lasso"], 2,
     "invalid_command"),
    (["config", "set-default", "nope"], 1, "provider_unknown"),
    (["config", "test-provider", "openai"], 1, "provider_unknown"),
    (["secret", "get", "nope", "api_key"], 1, "provider_unknown"),
])
def test_config_errors(cli: Cli, args: list[str], exit_code: int, code: str) -> None:
    status, payload = cli(*args)
    assert status == exit_code
    assert payload["ok"] is False and payload["error"]["code"] == code


def test_secret_commands(cli: Cli, env: Path, memory_keyring: MemoryKeyring) -> None:
    cli("config", "add-provider", "--name", "gw", "--api-base", "http://127.0.0.1:9/v1")
    code, stored = cli("secret", "set", "gw", "api_key", stdin="sk-from-stdin-0123\r\n")
    assert code == 0 and stored["command"] == "secret set"
    code, plain = cli("secret", "get", "gw", "api_key")
    assert plain == {"ok": True, "command": "secret get", "provider": "gw", "name": "api_key",
                     "source": "file", "value": "sk-from-stdin-0123"}
    code, status = cli("secret", "get", "gw", "api_key", "--status")
    assert status["ready"] is True
    assert status["status"] == {"source": "file", "present": True,
                                "value": {"_omitted": "secret"}}
    code, _ = cli("secret", "set", "gw", "kc", "--source", "keychain", "--value", "kc-value-1")
    assert memory_keyring.store[("gpt-image-2-skill", "providers/gw/kc")] == "kc-value-1"
    code, plain = cli("secret", "get", "gw", "kc")
    assert (plain["source"], plain["value"]) == ("keychain:providers/gw/kc", "kc-value-1")
    code, _ = cli("secret", "set", "gw", "ev", "--source", "env", "--env", "SOME_VAR_X")
    code, missing = cli("secret", "get", "gw", "ev")
    assert code == 1 and missing["error"] == {
        "code": "credential_missing", "message": "Missing environment credential: SOME_VAR_X",
        "detail": {"provider": "gw", "credential": "ev"}}
    code, err = cli("secret", "set", "gw", "ev", "--source", "env")
    assert err["error"]["code"] == "secret_env_missing"
    code, err = cli("secret", "set", "gw", "x", "--source", "vault", "--value", "v")
    assert err["error"]["code"] == "secret_source_unsupported"
    code, deleted = cli("secret", "delete", "gw", "kc")
    assert deleted == {"ok": True, "command": "secret delete", "provider": "gw", "name": "kc",
                       "removed": True}
    assert memory_keyring.store == {}


def test_keychain_without_backend(cli: Cli, no_keyring: None) -> None:
    cli("config", "add-provider", "--name", "gw")
    code, err = cli("secret", "set", "gw", "kc", "--source", "keychain", "--value", "v-123456")
    assert code == 1
    assert err["error"]["code"] == "keychain_error"
    assert "--source file or --source env" in err["error"]["detail"]["error"]


def test_keychain_without_backend_tells_a_person_what_to_do(
        cli: Cli, no_keyring: None, capsys: pytest.CaptureFixture[str]) -> None:
    """Human output (--human): one line with the code and the way out, no traceback."""
    cli("config", "add-provider", "--name", "gw")
    capsys.readouterr()
    code = main(["--human", "secret", "set", "gw", "kc", "--source", "keychain",
                 "--value", "v-123456"])
    out, err = capsys.readouterr()
    assert code == 1
    assert err.startswith("error [keychain_error]: Unable to open keychain entry.")
    assert "--source file or --source env" in err
    assert "Traceback" not in err and "v-123456" not in out + err


def test_doctor(cli: Cli, env: Path, keyed: None) -> None:
    code, report = cli("doctor")
    assert code == 0 and report["ok"] is True
    assert report["provider_selection"]["resolved"] == "openai"
    assert report["provider_selection"]["error"] is None
    assert report["providers"]["openai"]["endpoint"]["reachable"] is True
    assert report["providers"]["codex"]["endpoint"]["reachable"] is True
    assert report["retry_policy"] == {"base_delay_seconds": 0.01, "max_retries": 3}
    assert set(report) == {"ok", "command", "defaults", "provider_selection", "providers",
                           "retry_policy", "version"}
    (env / "gpt-image-2-skill").mkdir(parents=True, exist_ok=True)
    (env / "gpt-image-2-skill" / "config.json").write_text("{broken")
    code, report = cli("doctor")
    assert code == 0 and report["ok"] is False
    assert report["provider_selection"]["error"]["code"] == "config_invalid_json"
    assert report["provider_selection"]["resolved"] is None


def test_doctor_with_codex_only(cli: Cli, codex_auth: CodexAuth) -> None:
    _code, report = cli("doctor")
    assert report["ok"] is True
    assert report["provider_selection"]["resolved"] == "codex"
    assert report["providers"]["codex"]["auth"]["account_id"] == ACCOUNT_ID


def test_auth_inspect(cli: Cli, codex_auth: CodexAuth) -> None:
    code, report = cli("auth", "inspect")
    assert code == 0
    codex = report["providers"]["codex"]
    assert codex["ready"] is True and codex["email"] == "dev@example.com"
    assert codex["plan_type"] == "plus" and codex["expired"] is False
    assert 3500 < codex["seconds_until_expiry"] <= 3600
    assert codex["refresh_token_present"] is True
    assert codex_auth.access not in json.dumps(report)
    assert report["requested_provider"] == "auto"
    code, err = cli("--provider", "openai", "auth", "inspect")
    assert (code, err["error"]["code"]) == (1, "api_key_missing")
    codex_auth.path.unlink()
    code, err = cli("--provider", "codex", "auth", "inspect")
    assert err["error"] == {"code": "access_token_missing",
                            "message": "auth.json did not contain a usable access_token.",
                            "detail": {"auth_file": str(codex_auth.path)}}


def test_models(cli: Cli) -> None:
    _code, models = cli("models", "list")
    assert models["providers"]["openai"]["default_model"] == "gpt-image-2"
    assert [p["id"] for p in models["providers"]["codex"]["model_presets"]] == [
        "gpt-5.4", "gpt-5.4-mini", "gpt-5.4-pro"]


def test_history_paging_search_show_delete(cli: Cli, keyed: None, tmp_path: Path) -> None:
    ids = []
    for prompt in ("alpha apple", "beta banana", "REJECT gamma"):
        code, payload = cli("images", "generate", "--prompt", prompt, "--out",
                            str(tmp_path / "o.png"))
        ids.append(payload.get("history", {}).get("job_id"))
    code, page = cli("history", "list", "--limit", "2")
    assert page["total"] == 3 and page["has_more"] is True and len(page["jobs"]) == 2
    code, rest = cli("history", "list", "--limit", "2", "--cursor", page["next_cursor"])
    assert len(rest["jobs"]) == 1 and rest["has_more"] is False
    assert [j["id"] for j in page["jobs"] + rest["jobs"]][1:] == [ids[1], ids[0]]
    code, failed = cli("history", "list", "--status", "failed")
    assert [j["metadata"]["prompt"] for j in failed["jobs"]] == ["REJECT gamma"]
    code, found = cli("history", "list", "--query", "BANANA")
    assert [j["id"] for j in found["jobs"]] == [ids[1]]
    code, shown = cli("history", "show", ids[0])
    assert (shown["command"], shown["opened"], shown["job"]["id"]) == ("history show", False,
                                                                      ids[0])
    code, deleted = cli("history", "delete", ids[0])
    assert deleted == {"ok": True, "command": "history delete", "job_id": ids[0], "deleted": 1}
    code, again = cli("history", "delete", ids[0])
    assert again["deleted"] == 0
    code, missing = cli("history", "show", ids[0])
    assert code == 1 and missing["error"] == {
        "code": "history_not_found", "message": "History job was not found.",
        "detail": {"job_id": ids[0], "error": "Query returned no rows"}}


def test_images_edit_sources(cli: Cli, keyed: None, tmp_path: Path,
                             fake_openai: FakeOpenAI) -> None:
    ref = tmp_path / "ref 1.png"
    ref.write_bytes(png_bytes())
    noext = tmp_path / "noext"
    noext.write_bytes(png_bytes(64, 48))
    mask = tmp_path / "mask.png"
    mask.write_bytes(png_bytes(alpha=True))
    data_url = "data:image/png;base64," + base64.b64encode(png_bytes()).decode()
    out = tmp_path / "edited.png"
    code, payload = cli("--json-events", "images", "edit", "--prompt", "make it blue",
                        "--ref-image", str(ref), "--ref-image", noext.as_uri(),
                        "--ref-image", data_url, "--mask", str(mask),
                        "--input-fidelity", "high", "--out", str(out))
    assert code == 0, payload
    assert payload["command"] == "images edit"
    assert payload["request"]["ref_image_count"] == 3
    assert out.read_bytes() == fake_openai.image
    assert payload["events"]["count"] == len(cli.events)
    sent = fake_openai.requests[-1]
    assert [f["field"] for f in sent["files"]] == ["image[]"] * 3 + ["mask"]


@pytest.mark.parametrize(("refs", "code", "message"), [
    (["{tmp}/missing.png"], "ref_image_missing", "Reference image not found: {tmp}/missing.png"),
    (["{tmp}/folder.png"], "ref_image_missing", "Reference image not found: {tmp}/folder.png"),
    (["{tmp}/text.txt"], "ref_image_invalid", "Unsupported image format for reference image:"),
    (["http://example.com/a.png"], "image_url_insecure",
     "Remote reference image URLs must use HTTPS."),
    (["data:image/png,abc"], "invalid_data_url", "Image data URL must contain a base64 payload."),
    (["file://remotehost/x.png"], "ref_image_invalid", "Unsupported file URL."),
    (["{tmp}/ok.png"] * 17, "ref_image_too_many", "At most 16 reference images are supported."),
])
def test_images_edit_source_errors(cli: Cli, keyed: None, tmp_path: Path,
                                   fake_openai: FakeOpenAI, refs: list[str], code: str,
                                   message: str) -> None:
    (tmp_path / "text.txt").write_text("hello")
    (tmp_path / "ok.png").write_bytes(png_bytes())
    (tmp_path / "folder.png").mkdir()  # a directory is not a regular file
    args: list[str] = []
    for ref in refs:
        args += ["--ref-image", ref.format(tmp=tmp_path)]
    status, payload = cli("images", "edit", "--prompt", "x", "--out", str(tmp_path / "o.png"),
                          *args)
    assert status == 1
    assert payload["error"]["code"] == code
    assert payload["error"]["message"].startswith(message.format(tmp=tmp_path))
    assert fake_openai.requests == []


def _body(tmp_path: Path, body: dict[str, Any]) -> str:
    path = tmp_path / "body.json"
    path.write_text(json.dumps(body))
    return str(path)


def test_request_create_codex(cli: Cli, codex_auth: CodexAuth, tmp_path: Path,
                              fake_codex: FakeCodex) -> None:
    body = {"model": "gpt-5.4", "stream": True, "instructions": "hi", "store": False,
            "input": [{"role": "user", "content": [{"type": "input_text", "text": "raw cat"}]}],
            "tools": [{"type": "image_generation", "action": "generate"}]}
    code, payload = cli("request", "create", "--body-file", _body(tmp_path, body))
    assert code == 0, payload
    assert fake_codex.requests[-1]["json"] == body
    assert set(payload) == {"ok", "command", "auth", "events", "history", "image_output",
                            "output_items", "provider", "provider_selection", "request",
                            "response", "retry"}
    assert payload["image_output"] == {"available": True, "count": 1,
                                       "suggested_extension": ".png"}
    assert payload["output_items"] == [{"id": "ig_1", "type": "image_generation_call",
                                        "status": "completed", "background": None,
                                        "output_format": "png", "quality": "high",
                                        "size": "1024x1024", "revised_prompt": "revised: raw cat",
                                        "result": {"_omitted": "base64",
                                                   "base64_chars": payload["output_items"][0][
                                                       "result"]["base64_chars"]}}]
    assert payload["provider_selection"]["reason"] == "auto_request_responses"
    assert payload["response"]["response_id"] == "resp_fake_1"
    assert payload["request"] == {"operation": "responses", "body_file": str(tmp_path /
                                                                             "body.json")}
    out = tmp_path / "raw-out"
    code, saved = cli("request", "create", "--body-file", _body(tmp_path, body),
                      "--out-image", str(out))
    assert saved["image_output"]["path"] == str(out) + ".png"
    assert Path(saved["image_output"]["path"]).read_bytes() == fake_codex.image
    code, wrong = cli("request", "create", "--body-file", _body(tmp_path, body),
                      "--request-operation", "generate")
    assert wrong["error"] == {"code": "unsupported_option",
                              "message": "Codex request create uses --request-operation "
                                         "responses."}


def test_request_create_openai(cli: Cli, keyed: None, tmp_path: Path,
                               fake_openai: FakeOpenAI) -> None:
    ref = tmp_path / "r.png"
    ref.write_bytes(png_bytes())
    body = {"model": "gpt-image-2", "prompt": "raw edit", "stream": True, "user": "u",
            "images": [{"image_url": str(ref)}, ref.as_uri()], "size": "1024x1024"}
    code, payload = cli("request", "create", "--body-file", _body(tmp_path, body),
                        "--request-operation", "edit", "--expect-image")
    assert code == 0, payload
    sent = fake_openai.requests[-1]
    assert sent["form"] == {"model": "gpt-image-2", "prompt": "raw edit", "size": "1024x1024"}
    assert [f["filename"] for f in sent["files"]] == ["image-1.png", "image-2.png"]
    assert payload["request"] == {"operation": "edit", "body_file": str(tmp_path / "body.json"),
                                  "model": "gpt-image-2"}
    assert "output_items" not in payload
    gen = {"model": "gpt-image-2", "prompt": "NOIMAGE", "extra_field": 1}
    code, empty = cli("request", "create", "--body-file", _body(tmp_path, gen),
                      "--request-operation", "generate")
    assert code == 0 and empty["image_output"] is None
    assert fake_openai.requests[-1]["json"] == gen  # forwarded verbatim
    code, expected = cli("request", "create", "--body-file", _body(tmp_path, gen),
                         "--request-operation", "generate", "--expect-image")
    assert expected["error"]["code"] == "missing_image_result"
    code, wrong = cli("request", "create", "--body-file", _body(tmp_path, gen))
    assert wrong["error"]["message"] == ("OpenAI request create uses --request-operation "
                                         "generate or edit.")


@pytest.mark.parametrize(("content", "message"), [
    (None, "Unable to read request body."),
    ("{nope", "Request body must be valid JSON."),
    ("[1, 2]", "Request body must be a JSON object."),
])
def test_request_create_body_errors(cli: Cli, keyed: None, tmp_path: Path,
                                    content: str | None, message: str) -> None:
    path = tmp_path / "body.json"
    if content is not None:
        path.write_text(content)
    code, payload = cli("request", "create", "--body-file", str(path))
    assert (code, payload["error"]["code"], payload["error"]["message"]) == (
        1, "invalid_body_json", message)


def test_retry_flags_flow_to_the_app(cli: Cli, keyed: None, tmp_path: Path,
                                     fake_openai: FakeOpenAI) -> None:
    out = str(tmp_path / "o.png")
    code, payload = cli("--retries", "0", "images", "generate", "--prompt", "FAIL500 a",
                        "--out", out)
    assert payload["error"]["code"] == "http_error"
    assert fake_openai.calls["FAIL500 a"] == 1
    code, _ = cli("--retries", "2", "--retry-delay-seconds", "0", "--json-events",
                        "images", "generate", "--prompt", "FAIL500 b", "--out", out)
    assert code == 1 and fake_openai.calls["FAIL500 b"] == 3
    delays = [e["data"]["delay_seconds"] for e in cli.events if e["type"] == "retry_scheduled"]
    assert delays == [0, 0]
    fake_openai.slow_seconds = 3
    try:
        _code, payload = cli("--retries", "0", "--request-timeout-seconds", "0.5", "images",
                            "generate", "--prompt", "SLOW c", "--out", out)
    finally:
        fake_openai.slow_seconds = 5
    assert payload["error"]["code"] == "network_error"


def test_auth_refresh_rewrites_tokens_and_keeps_unknown_fields(
    cli: Cli, codex_auth: CodexAuth, fake_codex: FakeCodex
) -> None:
    code, refreshed = cli("auth", "refresh")
    assert code == 0, refreshed
    assert set(refreshed) == {"ok", "command", "provider", "auth_file", "account_id",
                              "expires_at", "refreshed"}
    assert (refreshed["command"], refreshed["provider"], refreshed["refreshed"]) == (
        "auth refresh", "codex", True)
    assert refreshed["auth_file"] == str(codex_auth.path)
    assert refreshed["account_id"] == ACCOUNT_ID and refreshed["expires_at"] > 0
    assert [r["json"]["refresh_token"] for r in fake_codex.token_requests] == [codex_auth.refresh]
    doc = codex_auth.read()
    tokens = doc["tokens"]
    assert isinstance(tokens, dict) and tokens["access_token"] != codex_auth.access
    assert doc["zz_unknown"] == {"keep": [1, 2]}
    assert oct(codex_auth.path.stat().st_mode & 0o777) == "0o600"
    text = json.dumps(refreshed) + cli.stderr
    assert codex_auth.access not in text and str(tokens["access_token"]) not in text
    assert codex_auth.refresh not in text


def test_auth_refresh_errors(cli: Cli, codex_auth: CodexAuth, fake_codex: FakeCodex,
                             keyed: None) -> None:
    code, err = cli("--provider", "openai", "auth", "refresh")
    assert (code, err["error"]["code"]) == (1, "unsupported_option")
    fake_codex.token_mode = "error"
    code, err = cli("auth", "refresh")
    assert code == 1 and err["error"]["code"] == "http_error"
    assert codex_auth.refresh not in json.dumps(err)
    assert codex_auth.read()["tokens"] == {  # nothing rewritten after a failed refresh
        "id_token": codex_auth.access, "access_token": codex_auth.access,
        "refresh_token": codex_auth.refresh, "account_id": None}


@pytest.fixture
def viewer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in desktop opener on PATH that records what it was asked to open."""
    log = tmp_path / "opened.txt"
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for name in ("xdg-open", "open"):
        script = bindir / name
        script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{log}"\n')
        script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    return log


def test_history_open_output(cli: Cli, keyed: None, tmp_path: Path, viewer: Path) -> None:
    out = tmp_path / "fox.png"
    code, made = cli("images", "generate", "--prompt", "a fox", "--out", str(out))
    assert code == 0, made
    job_id = made["history"]["job_id"]
    code, opened = cli("history", "open-output", job_id)
    assert code == 0, opened
    assert (opened["command"], opened["opened"], opened["job"]["id"]) == (
        "history open-output", True, job_id)
    assert viewer.read_text().splitlines() == [opened["path"]]
    assert Path(opened["path"]).read_bytes() == out.read_bytes()
    code, missing = cli("history", "open-output", job_id, "--index", "3")
    assert (code, missing["error"]["code"]) == (1, "output_not_found")
    code, unknown = cli("history", "open-output", "job-nope")
    assert (code, unknown["error"]["code"]) == (1, "history_not_found")
