"""``POST /api/images/edit`` against the fake OpenAI: wire format, job inputs, validation."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from gpt_image_2.settings import Settings
from tests.conftest import TEST_KEY, app_client
from tests.fakes.fixtures import run_job
from tests.fakes.images import jpeg_bytes, png_bytes
from tests.fakes.openai import FakeOpenAI


def upload(data: bytes, name: str = "a.png") -> dict[str, Any]:
    return {"name": name, "data_base64": base64.b64encode(data).decode()}


MASK = png_bytes(64, 48, alpha=True)


async def test_multipart_wire_format_and_job_folder(api: httpx.AsyncClient,
                                                    fake_openai: FakeOpenAI) -> None:
    refs = [upload(png_bytes()), upload(jpeg_bytes(), "photo.jpg"),
            {"name": "raw", "bytes": list(png_bytes(16, 16))},
            {"data_base64": "data:image/png;base64," + base64.b64encode(png_bytes()).decode()}]
    job, events = await run_job(api, "/api/images/edit", {
        "prompt": "make it blue", "refs": refs, "mask": upload(MASK, "m.png"),
        "input_fidelity": "high", "size": "1024x1536", "quality": "xhigh", "n": 1})
    assert job["status"] == "completed", job["error"]
    sent = fake_openai.requests[-1]
    assert sent["path"] == "/v1/images/edits"
    assert sent["headers"]["authorization"] == f"Bearer {TEST_KEY}"
    assert sent["headers"]["content-type"].startswith("multipart/form-data; boundary=")
    assert sent["order"] == ["model", "prompt", "size", "quality", "background", "n",
                             "input_fidelity", "image[]", "image[]", "image[]", "image[]",
                             "mask"]
    assert sent["form"] == {"model": "gpt-image-2", "prompt": "make it blue",
                            "size": "1024x1536", "quality": "xhigh", "background": "auto",
                            "n": "1", "input_fidelity": "high"}
    assert [(f["field"], f["filename"], f["content_type"]) for f in sent["files"]] == [
        ("image[]", "image-1.png", "image/png"), ("image[]", "image-2.jpg", "image/jpeg"),
        ("image[]", "image-3.png", "image/png"), ("image[]", "image-4.png", "image/png"),
        ("mask", "mask.png", "image/png")]
    job_dir = Path(job["metadata"]["recovery"]["job_dir"])
    names = sorted(p.name for p in job_dir.iterdir())
    assert names == ["mask.png", "out.png", "raw_response.json", "recovery_state.json",
                     "ref-0.png", "ref-1.jpg", "ref-2.png", "ref-3.png"]
    assert (job_dir / "ref-1.jpg").read_bytes() == jpeg_bytes()
    assert (job_dir / "mask.png").read_bytes() == MASK
    assert [r["index"] for r in job["reference_images"]] == [0, 1, 2, 3]
    meta = job["metadata"]
    assert (meta["ref_count"], meta["has_mask"], meta["edit_region_mode"]) == (4, True,
                                                                                "native-mask")
    assert meta["request"]["mask_present"] is True
    assert meta["request"]["input_fidelity"] == "high"
    assert job["command"] == "images edit"
    types = [e["type"] for e in events]
    assert types.index("request_started") < types.index("multipart_prepared")
    started = next(e for e in events if e["type"] == "request.started")
    assert started["data"]["transport"] == "multipart"


@pytest.mark.parametrize(("body", "code", "fragment"), [
    ({"refs": []}, "invalid_argument", "At least one reference image"),
    ({"refs": [upload(b"hello world")]}, "invalid_argument", "is not a PNG"),
    ({"refs": [{"data_base64": "@@@"}]}, "invalid_argument", "not valid base64"),
    ({"refs": [{"data_base64": "x", "url": "https://example.com/a.png"}]}, "invalid_argument",
     "exactly one"),
    ({"refs": [{"data_base64": "data:image/png,abc"}]}, "invalid_data_url", "base64 payload"),
    ({"refs": [upload(png_bytes())] * 17}, "ref_image_too_many", "At most 16"),
    ({"refs": [upload(png_bytes())], "mask": upload(png_bytes())}, "invalid_argument",
     "alpha channel"),
    ({"refs": [upload(png_bytes())], "mask": upload(png_bytes(32, 32, alpha=True))},
     "invalid_argument", "same size"),
    ({"refs": [{"url": "http://example.com/a.png"}]}, "image_url_insecure", "HTTPS"),
    ({"refs": [{"url": "https://127.0.0.1:9/a.png"}]}, "storage_remote_blocked",
     "non-routable"),
    ({"refs": [{"url": "https://[::1]/a.png"}]}, "storage_remote_blocked", "non-routable"),
    ({"refs": [{"url": "https://10.1.2.3/a.png"}]}, "storage_remote_blocked", "non-routable"),
])
async def test_bad_inputs_fail_before_any_request(
    api: httpx.AsyncClient, fake_openai: FakeOpenAI, body: dict[str, Any], code: str,
    fragment: str,
) -> None:
    response = await api.post("/api/images/edit", json={"prompt": "x", **body})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert fragment in error["message"]
    assert fake_openai.requests == []
    assert (await api.get("/api/jobs")).json()["total"] == 0


async def test_mask_size_detail_names_the_rule(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/images/edit", json={
        "prompt": "x", "refs": [upload(png_bytes(64, 48))],
        "mask": upload(png_bytes(48, 64, alpha=True))})
    assert response.json()["error"]["detail"] == {
        "field": "mask", "rule": "mask_size", "mask": [48, 64], "reference": [64, 48]}


async def test_upload_limit_is_413(settings: Settings, fake_openai: FakeOpenAI) -> None:
    small = settings.model_copy(update={"max_upload_bytes": 2000})
    async with app_client(small) as api:
        big = upload(png_bytes(200, 200))
        response = await api.post("/api/images/edit", json={"prompt": "x", "refs": [big]})
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "payload_too_large"
        assert response.json()["error"]["detail"] == {"max_bytes": 2000}
        # chunked (no Content-Length) bodies are counted too
        payload = json.dumps({"prompt": "x", "refs": [big]}).encode()

        async def chunks() -> Any:
            for i in range(0, len(payload), 500):
                yield payload[i:i + 500]

        response = await api.post("/api/images/edit", content=chunks(),
                                  headers={"content-type": "application/json"})
        assert response.status_code == 413
        ok = await api.post("/api/images/generate", json={"prompt": "small is fine"})
        assert ok.status_code == 200
    assert len(fake_openai.requests) <= 1


def _config(home: Path, providers: dict[str, Any], default: str | None = None) -> None:
    path = home / "gpt-image-2-skill" / "config.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"version": 1, "default_provider": default,
                                "providers": providers}))


async def test_mask_needs_a_native_mask_provider(settings: Settings, codex_home: Path,
                                                 fake_openai: FakeOpenAI) -> None:
    _config(codex_home, {"gw": {"type": "openai-compatible", "api_base": fake_openai.api_base,
                                "credentials": {"api_key": {"source": "file",
                                                            "value": "sk-gw-0123456789"}}}})
    async with app_client(settings) as api:
        response = await api.post("/api/images/edit", json={
            "prompt": "x", "provider": "gw", "refs": [upload(png_bytes())],
            "mask": upload(MASK)})
    assert response.json()["error"] == {
        "code": "unsupported_option",
        "message": "--mask requires a provider with native-mask region editing.",
        "detail": {"provider": "gw", "edit_region_mode": "reference-hint"}}


async def test_n_is_native_for_openai_and_fanned_out_for_compatible(
    settings: Settings, codex_home: Path, fake_openai: FakeOpenAI
) -> None:
    _config(codex_home, {"gw": {"type": "openai-compatible", "api_base": fake_openai.api_base,
                                "credentials": {"api_key": {"source": "file",
                                                            "value": "sk-gw-0123456789"}}}})
    async with app_client(settings) as api:
        job, _ = await run_job(api, "/api/images/generate", {"prompt": "native", "n": 2})
        assert fake_openai.requests[-1]["json"]["n"] == 2
        assert len(job["outputs"]) == 2
        fake_openai.requests.clear()
        job, _ = await run_job(api, "/api/images/generate",
                               {"prompt": "fan", "n": 3, "provider": "gw"})
    assert len(fake_openai.requests) == 3
    assert all("n" not in r["json"] for r in fake_openai.requests)
    assert all(r["headers"]["authorization"] == "Bearer sk-gw-0123456789"
               for r in fake_openai.requests)
    assert len(job["outputs"]) == 3
    assert job["metadata"]["provider_selection"]["supports_n"] is False


async def test_partial_batch_failure(settings: Settings, codex_home: Path,
                                     fake_openai: FakeOpenAI) -> None:
    _config(codex_home, {"gw": {"type": "openai-compatible", "api_base": fake_openai.api_base,
                                "credentials": {"api_key": {"source": "file",
                                                            "value": "sk-gw-0123456789"}}}})
    async with app_client(settings.model_copy(update={"retries": 0})) as api:
        # FLAKY fails its first call only: one slot fails, the others succeed
        job, events = await run_job(api, "/api/images/generate",
                                    {"prompt": "FLAKY", "n": 3, "provider": "gw"})
    assert job["status"] == "partial_failed"
    assert len(job["outputs"]) == 2
    assert job["error"]["code"] == "batch_partial_failed"
    assert [item["code"] for item in job["error"]["items"]] == ["http_error"]
    assert events[-1]["type"] == "job.partial_failed"
