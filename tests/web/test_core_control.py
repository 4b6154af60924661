"""Queue concurrency, retry, edit references and webhook notifications through the API."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gpt_image_2.notifications import verify_signature
from gpt_image_2.settings import Settings
from tests.conftest import app_client
from tests.fakes.images import png_bytes
from tests.fakes.openai import FakeOpenAI
from tests.fakes.server import ThreadedServer
from tests.web.test_generate_flow import wait_done

SECRET = "whsec-control-0123456789"


class Hooks:
    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.server = ThreadedServer(Starlette(routes=[Route("/h", self.hook, methods=["POST"])]))
        self.server.start()

    async def hook(self, request: Request) -> JSONResponse:
        self.received.append({"headers": dict(request.headers), "body": await request.body()})
        return JSONResponse({"ok": True})


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The receiver listens on loopback, which webhooks may reach only when allowed.
    return settings.model_copy(update={"webhook_private_networks": "127.0.0.1/32"})


@pytest.fixture(scope="module")
def hooks() -> Iterator[Hooks]:
    h = Hooks()
    yield h
    h.server.stop()


async def test_queue_concurrency(api: httpx.AsyncClient) -> None:
    snapshot = (await api.post("/api/queue/concurrency", json={"max_parallel": 5})).json()
    assert snapshot["max_parallel"] == 5
    assert (await api.get("/api/queue")).json()["max_parallel"] == 5
    bad = await api.post("/api/queue/concurrency", json={"max_parallel": 0})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_argument"


async def test_retry_generate_and_edit_with_references(
    api: httpx.AsyncClient, fake_openai: FakeOpenAI
) -> None:
    first = (await api.post("/api/images/generate",
                            json={"prompt": "retry me", "size": "1024x1024"})).json()
    await wait_done(api, first["job_id"])
    again = await api.post(f"/api/jobs/{first['job_id']}/retry")
    assert again.status_code == 200, again.text
    second = again.json()
    assert second["job_id"] != first["job_id"]
    assert second["job"]["metadata"]["retry_of"] == first["job_id"]
    assert (await wait_done(api, second["job_id"]))[-1]["type"] == "job.completed"
    assert [r["json"]["size"] for r in fake_openai.requests] == ["1024x1024", "1024x1024"]

    ref = base64.b64encode(png_bytes(64, 64)).decode()
    edit = (await api.post("/api/images/edit", json={
        "prompt": "make it blue", "refs": [{"name": "a.png", "data_base64": ref}]})).json()
    await wait_done(api, edit["job_id"])
    job = (await api.get(f"/api/jobs/{edit['job_id']}")).json()["job"]
    assert [r["index"] for r in job["reference_images"]] == [0]
    image = await api.get(f"/api/jobs/{edit['job_id']}/refs/0")
    assert image.status_code == 200 and image.content == png_bytes(64, 64)
    missing = await api.get(f"/api/jobs/{edit['job_id']}/refs/3")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "reference_not_found"
    redo = (await api.post(f"/api/jobs/{edit['job_id']}/retry")).json()
    assert (await wait_done(api, redo["job_id"]))[-1]["type"] == "job.completed"
    assert fake_openai.requests[-1]["path"] == "/v1/images/edits"
    assert fake_openai.requests[-1]["files"][0]["bytes"] == len(png_bytes(64, 64))


async def test_retry_refuses_running_and_unknown(api: httpx.AsyncClient,
                                                 fake_openai: FakeOpenAI) -> None:
    fake_openai.latency = 0.5
    job = (await api.post("/api/images/generate", json={"prompt": "busy"})).json()
    busy = await api.post(f"/api/jobs/{job['job_id']}/retry")
    assert busy.status_code == 409 and busy.json()["error"]["code"] == "job_not_retryable"
    assert (await api.post("/api/jobs/nope/retry")).status_code == 404
    await wait_done(api, job["job_id"])


@pytest.mark.parametrize("url", ["http://\x1fx.test/h", "https://a b.test/h", "http://x.test/h\n"])
async def test_webhook_url_with_whitespace_or_control_characters_is_refused(
    api: httpx.AsyncClient, url: str
) -> None:
    before = (await api.get("/api/notifications")).json()
    response = await api.put("/api/notifications", json={
        "enabled": True, "webhooks": [{"id": "w1", "url": url}]})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_argument"
    assert (await api.get("/api/notifications")).json() == before  # nothing saved


async def test_webhook_settings_keep_secrets_and_fire_on_completion(
    api: httpx.AsyncClient, hooks: Hooks
) -> None:
    hooks.received.clear()
    body = {"enabled": True, "on_completed": True, "webhooks": [{
        "id": "w1", "name": "ci", "url": f"{hooks.server.url}/h",
        "secret": {"source": "file", "value": SECRET}}]}
    saved = await api.put("/api/notifications", json=body)
    assert saved.status_code == 200, saved.text
    assert SECRET not in saved.text
    assert saved.json()["notifications"]["webhooks"][0]["secret"]["present"] is True
    assert SECRET not in (await api.get("/api/config")).text
    # the UI sends the redacted object back: the stored secret must survive
    round_trip = saved.json()["notifications"]
    round_trip["webhooks"][0]["secret"] = {"source": "file", "value": ""}
    assert (await api.put("/api/notifications", json=round_trip)).status_code == 200
    assert SECRET not in (await api.get("/api/notifications")).text

    test = (await api.post("/api/notifications/test", json={"status": "failed"})).json()
    assert test["ok"] is True and test["deliveries"][0]["name"] == "ci"

    job = (await api.post("/api/images/generate", json={"prompt": "notify me"})).json()
    await wait_done(api, job["job_id"])
    for _ in range(100):
        if len(hooks.received) >= 2:
            break
        await asyncio.sleep(0.05)
    assert len(hooks.received) == 2
    delivered = hooks.received[-1]
    headers = delivered["headers"]
    assert verify_signature(SECRET, headers["x-gpt-image-2-timestamp"], delivered["body"],
                            headers["x-gpt-image-2-signature"])
    payload = json.loads(delivered["body"])
    assert payload["event"] == "job.completed" and payload["job"]["id"] == job["job_id"]
    for _ in range(100):
        events = (await api.get(f"/api/jobs/{job['job_id']}")).json()["events"]
        if events[-1]["type"] == "job.notifications":
            break
        await asyncio.sleep(0.05)
    assert events[-1]["data"]["deliveries"][0]["ok"] is True

    invalid = await api.put("/api/notifications", json={"webhooks": [{"id": "x",
                                                                      "url": "ftp://x"}]})
    assert invalid.status_code == 422


async def test_webhook_to_loopback_is_refused_unless_allowed(settings: Settings,
                                                             hooks: Hooks) -> None:
    hooks.received.clear()
    strict = settings.model_copy(update={"webhook_private_networks": ""})
    async with app_client(strict) as api:
        body = {"enabled": True, "webhooks": [{"id": "w1", "name": "lan",
                                               "url": f"{hooks.server.url}/h"}]}
        assert (await api.put("/api/notifications", json=body)).status_code == 200
        test = (await api.post("/api/notifications/test", json={"status": "completed"})).json()
    delivery = test["deliveries"][0]
    assert test["ok"] is False and delivery["ok"] is False
    assert delivery["message"].startswith("notification_webhook_private")
    assert "GPT_IMAGE_2_WEBHOOK_PRIVATE_NETWORKS" in delivery["message"]
    assert hooks.received == []
