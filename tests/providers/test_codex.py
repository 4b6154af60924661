"""Codex provider end to end through the API against the fake Codex on loopback."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from gpt_image_2.providers.codex_auth import AuthFileStore, CodexTokens, refresh_tokens
from gpt_image_2.settings import Settings
from tests.conftest import app_client
from tests.fakes.codex import ACCOUNT_ID, FakeCodex, make_jwt
from tests.fakes.fixtures import CodexAuth, run_job, write_auth
from tests.fakes.images import jpeg_bytes, png_bytes


def types(events: list[dict[str, Any]]) -> list[str]:
    return [e["type"] for e in events]


async def test_generate_wire_format_events_and_outputs(
    codex_api: httpx.AsyncClient, fake_codex: FakeCodex, codex_auth: CodexAuth
) -> None:
    job, events = await run_job(codex_api, "/api/images/generate", {
        "prompt": "a cute cat", "size": "1024x1536", "quality": "high", "format": "png",
        "compression": 50, "background": "opaque"})
    assert job["status"] == "completed", job["error"]
    sent = fake_codex.requests[-1]
    headers = sent["headers"]
    assert headers["authorization"] == f"Bearer {codex_auth.access}"
    assert headers["chatgpt-account-id"] == ACCOUNT_ID
    assert headers["accept"] == "text/event-stream"
    assert headers["content-type"] == "application/json"
    assert headers["originator"] == "codex_desktop"
    assert headers["user-agent"].startswith("gpt-image-2")
    assert sent["json"] == {
        "model": "gpt-5.4", "instructions": "You are a concise assistant.", "store": False,
        "stream": True,
        "input": [{"role": "user", "content": [{"type": "input_text", "text": "a cute cat"}]}],
        "tools": [{"type": "image_generation", "action": "generate", "background": "opaque",
                   "size": "1024x1536", "quality": "high", "output_format": "png",
                   "output_compression": 50}],
    }
    names = types(events)
    # provider events between job.running and output_saved, in the spec's order
    core = [t for t in names if not t.startswith("job.")]
    assert core[:4] == ["request.started", "request_started", "response.created",
                        "response_created"]
    assert core[-4:] == ["response_completed", "done", "request_completed", "output_saved"]
    assert names.index("response.output_item.done") < names.index("output_item_done")
    sse = [e for e in events if e["kind"] == "sse"]
    assert {e["type"] for e in sse} >= {"response.created", "response.in_progress",
                                        "response.image_generation_call.partial_image",
                                        "keepalive", "response.output_item.done",
                                        "response.completed", "done"}
    partial = next(e for e in sse if e["type"].endswith("partial_image"))
    assert partial["data"]["partial_image_b64"]["_omitted"] == "base64"
    done = next(e for e in sse if e["type"] == "response.output_item.done")
    b64_chars = len(base64.b64encode(fake_codex.image))
    assert done["data"]["item"]["result"] == {"_omitted": "base64", "base64_chars": b64_chars}
    progress = {e["type"]: e["data"] for e in events if e["kind"] == "progress"}
    assert progress["response_created"]["percent"] == 15
    assert progress["output_item_done"]["image_count"] == 1
    assert progress["request_completed"] == {
        "provider": "codex", "phase": "request_completed", "status": "running",
        "message": "Codex response payload received.", "percent": 97,
        "response_id": "resp_fake_1", "image_count": 1}
    out = Path(job["outputs"][0]["path"])
    assert out.read_bytes() == fake_codex.image
    meta = job["metadata"]
    assert meta["response"]["revised_prompts"] == ["revised: a cute cat"]
    assert meta["response"]["item_ids"] == ["ig_1"]
    assert meta["request"]["delegated_image_model"] == "gpt-image-2"
    assert meta["auth"] == {"source": "auth.json", "auth_file": str(codex_auth.path),
                            "account_id": ACCOUNT_ID, "refreshed": False}
    assert meta["provider_selection"]["kind"] == "codex"
    assert meta["provider_selection"]["reason"] == "auto_codex_auth"


async def test_401_refreshes_once_and_rewrites_auth_json(
    codex_api: httpx.AsyncClient, fake_codex: FakeCodex, codex_auth: CodexAuth
) -> None:
    fake_codex.expire()
    before = codex_auth.read()
    job, events = await run_job(codex_api, "/api/images/generate", {"prompt": "again"})
    assert job["status"] == "completed", job["error"]
    assert len(fake_codex.token_requests) == 1
    token_request = fake_codex.token_requests[0]
    assert token_request["json"] == {"client_id": "app_EMoamEEZ73f0CkXaXp7hrann",
                                     "grant_type": "refresh_token",
                                     "refresh_token": codex_auth.refresh}
    assert len(fake_codex.requests) == 2
    assert fake_codex.requests[1]["headers"]["authorization"] != f"Bearer {codex_auth.access}"
    after = codex_auth.read()
    assert list(after) == list(before)  # unknown keys kept, order kept
    assert after["zz_unknown"] == {"keep": [1, 2]}
    tokens = after["tokens"]
    assert isinstance(tokens, dict)
    assert tokens["access_token"] in fake_codex.valid_tokens
    assert tokens["refresh_token"] != codex_auth.refresh
    assert tokens["account_id"] == ACCOUNT_ID
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", str(after["last_refresh"]))
    assert os.stat(codex_auth.path).st_mode & 0o777 == 0o600
    assert [p.name for p in codex_auth.path.parent.iterdir() if p.name.endswith(".tmp")] == []
    names = types(events)
    i = names.index("auth_refresh_started")
    assert names[i:i + 5] == ["auth_refresh_started", "auth.refresh.completed",
                              "auth_refresh_completed", "request.started", "request_started"]
    completed = events[i + 1]["data"]
    assert completed["access_token"] == {"_omitted": "secret"}
    assert completed["refresh_token"] == {"_omitted": "secret"}
    assert job["metadata"]["auth"]["refreshed"] is True
    assert job["metadata"]["retry"]["count"] == 0


@pytest.mark.parametrize(("mode", "code", "message"), [
    ("error", "http_error", "HTTP 400"),
    ("badjson", "refresh_failed", "Refresh response was not valid JSON."),
    ("noaccess", "refresh_failed", "Refresh response did not include access_token."),
])
async def test_refresh_failures_abort_without_retry(
    codex_api: httpx.AsyncClient, fake_codex: FakeCodex, codex_auth: CodexAuth,
    mode: str, code: str, message: str,
) -> None:
    fake_codex.expire()
    fake_codex.token_mode = mode
    before = codex_auth.path.read_bytes()
    job, _ = await run_job(codex_api, "/api/images/generate", {"prompt": "x"})
    assert job["status"] == "failed"
    assert job["error"]["code"] == code
    assert job["error"]["message"] == message
    if code == "http_error":
        assert job["error"]["detail"]["message"] == "Refresh request failed."
    assert len(fake_codex.requests) == 1 and len(fake_codex.token_requests) == 1
    assert codex_auth.path.read_bytes() == before


async def test_unreachable_token_endpoint_is_refresh_failed(
    codex_settings: Settings, codex_auth: CodexAuth, fake_codex: FakeCodex
) -> None:
    fake_codex.expire()
    settings = codex_settings.model_copy(update={"codex_token_url": "http://127.0.0.1:9/t"})
    async with app_client(settings) as api:
        job, events = await run_job(api, "/api/images/generate", {"prompt": "x"})
    assert job["error"]["code"] == "refresh_failed"
    assert job["error"]["message"] == "Refresh request failed."
    assert "retry_scheduled" not in types(events)
    started = next(e for e in events if e["type"] == "auth_refresh_started")
    assert started["data"]["endpoint"] == "http://127.0.0.1:9/t"
    assert started["data"]["percent"] == 2


async def test_second_401_after_refresh_is_http_error(
    codex_api: httpx.AsyncClient, fake_codex: FakeCodex
) -> None:
    fake_codex.expire()
    original = fake_codex.issue

    def issue_invalid(**kwargs: Any) -> tuple[str, str]:
        return original(valid=False)

    fake_codex.issue = issue_invalid  # type: ignore[method-assign]
    try:
        job, _ = await run_job(codex_api, "/api/images/generate", {"prompt": "x"})
    finally:
        fake_codex.issue = original  # type: ignore[method-assign]
    assert job["error"]["code"] == "http_error"
    assert job["error"]["message"] == "HTTP 401"
    assert len(fake_codex.token_requests) == 1
    assert len(fake_codex.requests) == 2


async def test_missing_refresh_token(codex_settings: Settings, codex_home: Path,
                                     fake_codex: FakeCodex) -> None:
    access, _ = fake_codex.issue(valid=False)
    write_auth(codex_home / "auth.json", access, None)
    async with app_client(codex_settings) as api:
        job, _ = await run_job(api, "/api/images/generate", {"prompt": "x"})
    assert job["error"] == {"code": "refresh_token_missing",
                            "message": "Missing refresh_token in auth.json", "detail": None}
    assert fake_codex.token_requests == []


async def test_policy_error_is_not_retried(codex_api: httpx.AsyncClient,
                                           fake_codex: FakeCodex) -> None:
    job, events = await run_job(codex_api, "/api/images/generate", {"prompt": "REFUSE this"})
    assert job["error"]["code"] == "request_failed"
    assert job["error"]["message"] == "moderation_blocked: Request was rejected."
    assert fake_codex.calls["REFUSE this"] == 1
    failed = [e for e in events if e["type"] == "request_failed"]
    assert [e["data"]["message"] for e in failed] == [
        "Codex reported an image generation error.", "Codex marked the image request as failed."]
    assert all(e["data"]["status"] == "failed" for e in failed)


@pytest.mark.parametrize("prompt", ["FAILED upstream", "BADSSE stream"])
async def test_stream_failures_are_retried(codex_api: httpx.AsyncClient, fake_codex: FakeCodex,
                                           prompt: str) -> None:
    job, events = await run_job(codex_api, "/api/images/generate", {"prompt": prompt})
    assert job["error"]["code"] == "request_failed"
    assert fake_codex.calls[prompt] == 4  # 1 + 3 retries
    assert types(events).count("retry_scheduled") == 3
    if prompt.startswith("BADSSE"):
        assert job["error"]["message"] == "Unable to parse Codex SSE event."


async def test_transient_500_recovers(codex_api: httpx.AsyncClient,
                                      fake_codex: FakeCodex) -> None:
    job, events = await run_job(codex_api, "/api/images/generate", {"prompt": "FLAKY"})
    assert job["status"] == "completed"
    retry = next(e for e in events if e["type"] == "retry_scheduled")
    assert retry["data"]["reason"] == "HTTP 500"
    assert retry["data"]["status_code"] == 500
    assert job["metadata"]["retry"] == {"count": 1, "max_retries": 3}


async def test_no_image_is_missing_image_result(codex_api: httpx.AsyncClient,
                                                fake_codex: FakeCodex) -> None:
    job, _ = await run_job(codex_api, "/api/images/generate", {"prompt": "NOIMAGE"})
    assert job["error"]["code"] == "missing_image_result"
    assert job["error"]["message"] == (
        "The response did not include an image_generation_call result.")
    assert fake_codex.calls["NOIMAGE"] == 1


@pytest.mark.parametrize("prompt", ["LATEONLY", "CRLF framing"])
async def test_image_only_in_completed_and_crlf_streams(
    codex_api: httpx.AsyncClient, fake_codex: FakeCodex, prompt: str
) -> None:
    job, _ = await run_job(codex_api, "/api/images/generate", {"prompt": prompt})
    assert job["status"] == "completed", job["error"]
    assert Path(job["outputs"][0]["path"]).read_bytes() == fake_codex.image


@pytest.mark.parametrize(("token", "code", "message"), [
    ("not-a-jwt", "invalid_jwt", "Invalid JWT format."),
    ("a.@@@.c", "invalid_jwt", "Unable to decode JWT payload."),
    (make_jwt(account_id=None), "account_id_missing", "Missing auth claims in access token."),
])
async def test_token_problems_fail_before_any_request(
    codex_settings: Settings, codex_home: Path, fake_codex: FakeCodex, token: str, code: str,
    message: str,
) -> None:
    write_auth(codex_home / "auth.json", token, "rt")
    async with app_client(codex_settings) as api:
        job, _ = await run_job(api, "/api/images/generate", {"prompt": "x"})
    assert (job["error"]["code"], job["error"]["message"]) == (code, message)
    assert fake_codex.requests == []


@pytest.mark.parametrize(("body", "message"), [
    ({"moderation": "low"}, "--moderation is supported by the openai provider."),
])
async def test_openai_only_options_are_unsupported(
    codex_api: httpx.AsyncClient, fake_codex: FakeCodex, body: dict[str, Any], message: str
) -> None:
    response = await codex_api.post("/api/images/generate", json={"prompt": "x", **body})
    assert response.status_code == 400
    assert response.json()["error"] == {"code": "unsupported_option", "message": message}
    assert fake_codex.requests == []


async def test_n_fans_out_with_slots(codex_api: httpx.AsyncClient, fake_codex: FakeCodex) -> None:
    job, events = await run_job(codex_api, "/api/images/generate", {"prompt": "many", "n": 3})
    assert job["status"] == "completed"
    assert len(fake_codex.requests) == 3
    assert all("n" not in r["json"]["tools"][0] for r in fake_codex.requests)
    assert len(job["outputs"]) == 3
    slots = {e["data"].get("slot") for e in events if e["type"] == "request_started"}
    assert slots == {1, 2, 3}
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert job["metadata"]["request"]["batch_mode"] == "parallel-single-output"
    assert job["metadata"]["response"]["batch_request_count"] == 3


async def test_edit_sends_references_as_input_images(
    codex_api: httpx.AsyncClient, fake_codex: FakeCodex
) -> None:
    refs = [{"name": "a.png", "data_base64": base64.b64encode(png_bytes()).decode()},
            {"name": "b.jpg", "data_base64": base64.b64encode(jpeg_bytes()).decode()}]
    job, _ = await run_job(codex_api, "/api/images/edit", {"prompt": "blue", "refs": refs})
    assert job["status"] == "completed", job["error"]
    content = fake_codex.requests[-1]["json"]["input"][0]["content"]
    assert [c["type"] for c in content] == ["input_image", "input_image", "input_text"]
    assert content[0]["image_url"].startswith("data:image/png;base64,")
    assert content[1]["image_url"].startswith("data:image/jpeg;base64,")
    assert fake_codex.requests[-1]["json"]["tools"][0]["action"] == "edit"
    assert [r["index"] for r in job["reference_images"]] == [0, 1]
    for option, message in (({"mask": refs[0]}, "--mask requires a provider with native-mask "
                             "region editing."),
                            ({"input_fidelity": "high"},
                             "--input-fidelity is supported by the openai provider.")):
        response = await codex_api.post("/api/images/edit",
                                        json={"prompt": "x", "refs": refs, **option})
        assert response.json()["error"]["code"] == "unsupported_option"
        assert response.json()["error"]["message"] == message


async def test_soft_selection_hint_is_one_more_reference(
    codex_api: httpx.AsyncClient, fake_codex: FakeCodex, codex_auth: CodexAuth
) -> None:
    """spec/web.md §7.5: Codex edits regions by soft selection, so the painted target
    (``selection_hint``) goes to the provider as an extra reference after the others."""
    target = png_bytes(32, 32, (10, 120, 200))
    hint = png_bytes(32, 32, (0, 255, 0))
    body = {"prompt": "make the marked part red",
            "refs": [{"name": "t.png", "data_base64": base64.b64encode(target).decode()}],
            "selection_hint": {"name": "hint.png",
                               "data_base64": base64.b64encode(hint).decode()}}
    job, _ = await run_job(codex_api, "/api/images/edit", body)
    assert job["status"] == "completed", job["error"]
    content = fake_codex.requests[-1]["json"]["input"][0]["content"]
    images = [c["image_url"] for c in content if c["type"] == "input_image"]
    assert images == ["data:image/png;base64," + base64.b64encode(target).decode(),
                      "data:image/png;base64," + base64.b64encode(hint).decode()]
    assert job["metadata"]["selection_hint"] is True
    assert job["metadata"]["edit_region_mode"] == "reference-hint"


async def test_configured_codex_provider_refresh_writes_config(
    codex_settings: Settings, fake_codex: FakeCodex, codex_home: Path
) -> None:
    access, refresh = fake_codex.issue(valid=False)
    config = codex_home / "gpt-image-2-skill" / "config.json"
    config.parent.mkdir(parents=True)
    config.write_text(json.dumps({"version": 1, "default_provider": "team", "providers": {
        "team": {"type": "codex", "endpoint": fake_codex.endpoint, "credentials": {
            "access_token": {"source": "file", "value": access},
            "refresh_token": {"source": "file", "value": refresh}}}}}))
    async with app_client(codex_settings) as api:
        job, _ = await run_job(api, "/api/images/generate", {"prompt": "team"})
    assert job["status"] == "completed", job["error"]
    assert job["metadata"]["provider_selection"]["reason"] == "config_default_provider"
    assert job["metadata"]["auth"]["source"] == "config"
    stored = json.loads(config.read_text())["providers"]["team"]["credentials"]
    assert stored["access_token"]["value"] in fake_codex.valid_tokens
    assert stored["refresh_token"]["value"] != refresh
    assert stored["account_id"] == {"source": "file", "value": ACCOUNT_ID}
    assert os.stat(config).st_mode & 0o777 == 0o600


async def test_refresh_adopts_a_rotated_refresh_token_but_not_a_stored_access_token(
    fake_codex: FakeCodex, codex_auth: CodexAuth
) -> None:
    """providers.md §3.7 step 3: another process rotated the tokens meanwhile. Its
    refresh token is adopted; its access token is not trusted as "already refreshed"
    (here it is refused upstream too), so one real refresh still happens."""
    in_memory = CodexTokens(codex_auth.access, refresh_token=codex_auth.refresh)
    stale_access, rotated_refresh = fake_codex.issue(valid=False)
    write_auth(codex_auth.path, stale_access, rotated_refresh)
    fake_codex.expire()
    emitted: list[str] = []

    async def emit(kind: str, name: str, data: dict[str, Any]) -> None:
        emitted.append(name)

    async with httpx.AsyncClient() as http:
        tokens = await refresh_tokens(
            http=http, token_url=fake_codex.token_url, store=AuthFileStore(codex_auth.path),
            current=in_memory, emit=emit, lock=asyncio.Lock(), user_agent="test")
    assert [r["json"]["refresh_token"] for r in fake_codex.token_requests] == [rotated_refresh]
    assert tokens.access_token not in (stale_access, codex_auth.access)
    assert tokens.access_token in fake_codex.valid_tokens
    stored = codex_auth.read()["tokens"]
    assert isinstance(stored, dict) and stored["access_token"] == tokens.access_token
    assert emitted == ["auth_refresh_started", "auth.refresh.completed", "auth_refresh_completed"]
