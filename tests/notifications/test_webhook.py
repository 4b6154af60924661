"""Signed webhooks: HMAC signature, retries, status flags, no local paths leaked."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpcore
import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gpt_image_2.errors import AppError
from gpt_image_2.notifications import WebhookGuard, WebhookNotifier, verify_signature
from gpt_image_2.relay.netguard import parse_networks
from gpt_image_2.relay.pinning import PinnedTransport
from tests.fakes.server import ThreadedServer

SECRET = "whsec-test-0123456789"


class Receiver:
    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.fail_first = 0
        app = Starlette(routes=[Route("/hook", self.hook, methods=["POST", "PUT"])])
        self.server = ThreadedServer(app).start()

    async def hook(self, request: Request) -> JSONResponse:
        body = await request.body()
        self.received.append({"headers": dict(request.headers), "body": body,
                              "method": request.method})
        if len(self.received) <= self.fail_first:
            return JSONResponse({"error": "busy"}, status_code=503)
        return JSONResponse({"ok": True})


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.server.stop()


@pytest.fixture
def hook(receiver: Receiver) -> dict[str, Any]:
    receiver.received.clear()
    receiver.fail_first = 0
    return {"id": "h1", "name": "ci", "enabled": True, "url": f"{receiver.server.url}/hook",
            "secret": {"source": "file", "value": SECRET},
            "headers": {"X-Team": {"source": "file", "value": "images"}}}


JOB = {
    "id": "job-1", "command": "images generate", "provider": "openai", "status": "completed",
    "created_at": "1700000000", "updated_at": "1700000001",
    "metadata": {"prompt": "a fox", "size": "1024x1024", "recovery": {"job_dir": "/secret/dir"}},
    "outputs": [{"index": 0, "path": "/home/alice/.codex/jobs/job-1/out.png", "bytes": 70}],
    "error": None,
}


async def test_signed_delivery(hook: dict[str, Any], receiver: Receiver) -> None:
    async with httpx.AsyncClient() as http:
        deliveries = await WebhookNotifier(http, base_delay=0.01).notify(
            {"enabled": True, "webhooks": [hook]}, JOB)
    assert [d.to_dict() for d in deliveries] == [
        {"channel": "webhook", "name": "ci", "ok": True, "message": "HTTP 200", "attempts": 1}]
    got = receiver.received[0]
    headers = got["headers"]
    assert headers["x-gpt-image-2-event"] == "job.completed"
    assert headers["x-team"] == "images"
    assert verify_signature(SECRET, headers["x-gpt-image-2-timestamp"], got["body"],
                            headers["x-gpt-image-2-signature"])
    assert not verify_signature("other", headers["x-gpt-image-2-timestamp"], got["body"],
                                headers["x-gpt-image-2-signature"])
    payload = json.loads(got["body"])
    assert payload["event"] == "job.completed"
    assert payload["summary"] == "openai · 1024x1024 · 1 image"
    assert payload["job"]["outputs"] == [{"index": 0, "bytes": 70}]
    assert "/home/alice" not in got["body"].decode() and "/secret" not in got["body"].decode()


async def test_retries_then_succeeds(hook: dict[str, Any], receiver: Receiver) -> None:
    receiver.fail_first = 2
    async with httpx.AsyncClient() as http:
        deliveries = await WebhookNotifier(http, base_delay=0.01).notify(
            {"webhooks": [hook]}, {**JOB, "status": "failed",
                                   "error": {"code": "http_error", "message": "HTTP 400 raw"}})
    assert deliveries[0].ok and deliveries[0].attempts == 3
    bodies = [json.loads(r["body"]) for r in receiver.received]
    assert len(bodies) == 3 and all(b["event"] == "job.failed" for b in bodies)
    assert bodies[0]["job"]["error"] == {"code": "http_error", "message": "Job failed."}
    deliveries_ids = {r["headers"]["x-gpt-image-2-delivery"] for r in receiver.received}
    assert len(deliveries_ids) == 3


async def test_gives_up_after_retries(hook: dict[str, Any], receiver: Receiver) -> None:
    receiver.fail_first = 99
    async with httpx.AsyncClient() as http:
        deliveries = await WebhookNotifier(http, retries=2, base_delay=0.01).notify(
            {"webhooks": [hook]}, JOB)
    assert not deliveries[0].ok
    assert deliveries[0].message == "HTTP 503"
    assert deliveries[0].attempts == 3


async def test_status_flags_and_disabled_hooks(hook: dict[str, Any], receiver: Receiver) -> None:
    async with httpx.AsyncClient() as http:
        notifier = WebhookNotifier(http, base_delay=0.01)
        assert await notifier.notify({"enabled": False, "webhooks": [hook]}, JOB) == []
        assert await notifier.notify({"on_completed": False, "webhooks": [hook]}, JOB) == []
        assert await notifier.notify({"webhooks": [{**hook, "enabled": False}]}, JOB) == []
        assert await notifier.notify({"webhooks": [hook]}, {**JOB, "status": "running"}) == []
        forced = await notifier.notify({"enabled": False, "webhooks": [hook]}, JOB, force=True)
    assert [d.ok for d in forced] == [True]
    assert len(receiver.received) == 1


async def test_guard_refuses_before_connecting(hook: dict[str, Any], receiver: Receiver) -> None:
    async def refuse(url: str) -> None:
        raise AppError("notification_webhook_blocked", "Private network targets are blocked.")

    async with httpx.AsyncClient() as http:
        deliveries = await WebhookNotifier(http, guard=refuse).notify({"webhooks": [hook]}, JOB)
    assert deliveries[0].ok is False
    assert deliveries[0].message.startswith("notification_webhook_blocked")
    assert receiver.received == []


async def test_bad_url_and_missing_secret(hook: dict[str, Any]) -> None:
    async with httpx.AsyncClient() as http:
        notifier = WebhookNotifier(http)
        bad = await notifier.notify({"webhooks": [{**hook, "url": "ftp://x"}]}, JOB)
        # a control character (a hand-edited config.json) is a failed delivery, not a crash
        unparsable = await notifier.notify(
            {"webhooks": [{**hook, "url": "http://\x1fx.test/hook"}]}, JOB, force=True)
        missing = await notifier.notify(
            {"webhooks": [{**hook, "secret": {"source": "env", "env": "NOPE_UNSET_VAR"}}]}, JOB)
    assert bad[0].message.startswith("notification_webhook_invalid")
    assert unparsable[0].ok is False
    assert unparsable[0].message.startswith("notification_webhook_invalid: Webhook URL is not")
    assert missing[0].message.startswith("credential_missing")


class SpyBackend(httpcore.AsyncNetworkBackend):
    """Records every TCP connect the webhook transport attempts, then makes it."""

    def __init__(self) -> None:
        self.inner = httpcore.AnyIOBackend()
        self.connects: list[tuple[str, int]] = []

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Any = None) -> httpcore.AsyncNetworkStream:
        self.connects.append((host, port))
        return await self.inner.connect_tcp(host, port, timeout=timeout,
                                            local_address=local_address,
                                            socket_options=socket_options)

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def resolver_for(table: dict[str, list[str]], asked: list[str]) -> Any:
    async def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        if host not in table:
            raise OSError("unknown host")
        return table[host]
    return resolve


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9/hook", "http://10.1.2.3/hook", "http://169.254.169.254/latest/meta-data",
    "http://[::1]:9/hook", "http://[::ffff:192.168.1.1]/hook", "http://lan.test/hook",
    "http://mixed.test/hook",
])
async def test_private_targets_refused_before_any_connect(hook: dict[str, Any], url: str) -> None:
    spy, asked = SpyBackend(), []
    table = {"lan.test": ["192.168.1.20"], "mixed.test": ["8.8.8.8", "10.0.0.1"]}
    transport = PinnedTransport(backend=spy)
    async with httpx.AsyncClient(transport=transport) as http:
        notifier = WebhookNotifier(http, guard=WebhookGuard(resolver=resolver_for(table, asked)))
        deliveries = await notifier.notify({"webhooks": [{**hook, "url": url}]}, JOB)
    assert deliveries[0].ok is False and deliveries[0].attempts == 0
    assert deliveries[0].message.startswith("notification_webhook_private"), deliveries[0].message
    assert spy.connects == []
    # literal addresses are vetted without a lookup; names are looked up once
    assert asked == ([url.split("/")[2]] if ".test" in url else [])


async def test_unresolvable_host_is_reported(hook: dict[str, Any]) -> None:
    spy = SpyBackend()
    async with httpx.AsyncClient(transport=PinnedTransport(backend=spy)) as http:
        notifier = WebhookNotifier(http, guard=WebhookGuard(resolver=resolver_for({}, [])))
        deliveries = await notifier.notify({"webhooks": [{**hook, "url": "http://nowhere.test/"}]},
                                           JOB)
    assert deliveries[0].message.startswith("notification_webhook_unresolvable")
    assert spy.connects == []


async def test_allowed_network_connects_only_to_the_vetted_address(
    hook: dict[str, Any], receiver: Receiver
) -> None:
    port = int(receiver.server.url.rsplit(":", 1)[1])
    spy, asked = SpyBackend(), []
    guard = WebhookGuard(parse_networks("127.0.0.0/8"),
                         resolver=resolver_for({"hooks.test": ["127.0.0.1"]}, asked))
    async with httpx.AsyncClient(transport=PinnedTransport(backend=spy)) as http:
        deliveries = await WebhookNotifier(http, guard=guard).notify(
            {"webhooks": [{**hook, "url": f"http://hooks.test:{port}/hook"}]}, JOB)
    assert deliveries[0].ok is True, deliveries[0].message
    assert asked == ["hooks.test"]
    assert spy.connects == [("127.0.0.1", port)]
    assert receiver.received[0]["headers"]["host"] == f"hooks.test:{port}"


async def test_unpinned_request_is_refused_by_the_transport(hook: dict[str, Any]) -> None:
    spy = SpyBackend()
    async with httpx.AsyncClient(transport=PinnedTransport(backend=spy)) as http:
        deliveries = await WebhookNotifier(http, retries=0).notify({"webhooks": [hook]}, JOB)
    assert deliveries[0].ok is False and spy.connects == []
