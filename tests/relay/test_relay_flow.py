"""The relay end to end through the app: the reference's tests (A.8) and the modes."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from tests.relay.conftest import PUBLIC, FakeResolver, RelayClient, relay_headers
from tests.relay.upstream import FakeUpstream, LoopbackTransport

MODELS = "https://api.example.test/v1/models"
ALLOW_OTHER = json.dumps([{"name": "other", "origin": "https://other.example.test"}])


async def test_relayed_get_passes_the_upstream_answer_through(
    relay_client: RelayClient, upstream: FakeUpstream, loopback: LoopbackTransport
) -> None:
    async with relay_client() as client:
        response = await client.post(
            "/api/relay", headers=relay_headers(MODELS, x_gpt_image_2_method="GET",
                                                authorization="Bearer sk-user-key"))
    assert response.status_code == 200
    assert response.json()["data"][0]["id"] == "gpt-image-2"
    assert [url for url, _ in loopback.calls] == [MODELS]
    assert loopback.calls[0][1].address == PUBLIC  # connected to the vetted address
    seen = upstream.requests[0]
    assert seen["method"] == "GET" and seen["path"] == "/v1/models"
    assert seen["headers"]["host"] == "api.example.test"
    assert seen["headers"]["authorization"] == "Bearer sk-user-key"
    assert "set-cookie" not in response.headers
    assert response.headers["x-gpt-image-2-relay"] == "1"
    assert response.headers["x-gpt-image-2-relay-policy"] == "open"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-request-id"] == "req_123"


async def test_relayed_post_forwards_the_body(
    relay_client: RelayClient, upstream: FakeUpstream
) -> None:
    body = json.dumps({"prompt": "a red apple"}).encode()
    async with relay_client() as client:
        response = await client.post(
            "/api/relay", content=body,
            headers=relay_headers("https://api.example.test/echo?x=1",
                                  content_type="application/json"))
    assert response.status_code == 200
    assert response.json()["body_bytes"] == len(body)
    assert upstream.requests[0]["body"] == body
    assert upstream.requests[0]["query"] == "x=1"
    assert upstream.requests[0]["headers"]["content-type"] == "application/json"


async def test_upstream_errors_keep_their_status(relay_client: RelayClient) -> None:
    async with relay_client() as client:
        response = await client.post("/api/relay",
                                     headers=relay_headers("https://api.example.test/teapot"))
    assert response.status_code == 418
    assert response.json() == {"error": {"message": "short and stout"}}
    assert response.headers["x-gpt-image-2-relay"] == "1"


async def test_disabled_relay_answers_503(relay_client: RelayClient,
                                          loopback: LoopbackTransport) -> None:
    async with relay_client(relay_enabled=False) as client:
        response = await client.post("/api/relay", headers=relay_headers(MODELS))
    assert response.status_code == 503
    assert response.json() == {"error": {"code": "relay_disabled",
                                         "message": "Relay is disabled."}}
    assert loopback.calls == []


async def test_relay_is_off_by_default(api: httpx.AsyncClient) -> None:
    """The stock app (default settings) answers every relay call with 503."""
    response = await api.post("/api/relay/anything", headers=relay_headers(MODELS))
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "relay_disabled"


async def test_disallowed_method_is_405(relay_client: RelayClient,
                                        loopback: LoopbackTransport) -> None:
    async with relay_client() as client:
        response = await client.post(
            "/api/relay", headers=relay_headers(MODELS, x_gpt_image_2_method="delete"))
    assert response.status_code == 405
    assert response.json()["error"] == {"code": "relay_method_not_allowed",
                                        "message": "Method is not allowed."}
    assert loopback.calls == []


async def test_configured_methods_are_honoured(relay_client: RelayClient,
                                               upstream: FakeUpstream) -> None:
    async with relay_client(relay_allowed_methods="post, delete") as client:
        response = await client.post(
            "/api/relay", headers=relay_headers("https://api.example.test/echo",
                                                x_gpt_image_2_method="DELETE"))
    assert response.status_code == 200
    assert upstream.requests[0]["method"] == "DELETE"


async def test_allowlist_mode_refuses_a_miss(relay_client: RelayClient,
                                             loopback: LoopbackTransport,
                                             resolver: FakeResolver) -> None:
    async with relay_client(relay_mode="allowlist", relay_allowlist_json=ALLOW_OTHER) as client:
        response = await client.post("/api/relay", headers=relay_headers(MODELS))
    assert response.status_code == 403
    assert response.json()["error"] == {"code": "relay_upstream_not_allowlisted",
                                        "message": "Upstream is not allowlisted."}
    assert response.headers["x-gpt-image-2-relay-policy"] == "allowlist"
    assert loopback.calls == [] and resolver.lookups == []


@pytest.mark.parametrize(
    ("entry", "method", "allowed"),
    [
        ({"origin": "https://api.example.test"}, "POST", True),
        ({"origin": "https://API.example.test:443/ignored"}, "POST", True),
        ({"origin": "https://api.example.test", "basePath": "/v1"}, "POST", True),
        ({"origin": "https://api.example.test", "basePath": "/v2"}, "POST", False),
        ({"origin": "https://api.example.test", "paths": ["/v1/models"]}, "POST", True),
        ({"origin": "https://api.example.test", "paths": ["/v1/images"]}, "POST", False),
        ({"origin": "https://api.example.test", "methods": ["get"]}, "GET", True),
        ({"origin": "https://api.example.test", "methods": ["get"]}, "POST", False),
        ({"origin": "not a url"}, "POST", False),
    ],
)
async def test_allowlist_entries(relay_client: RelayClient, entry: dict[str, object],
                                 method: str, allowed: bool) -> None:
    async with relay_client(relay_mode="allowlist",
                            relay_allowlist_json=json.dumps([entry])) as client:
        response = await client.post(
            "/api/relay", headers=relay_headers(MODELS, x_gpt_image_2_method=method))
    assert response.status_code == (200 if allowed else 403)


async def test_report_only_relays_and_logs_the_miss(
    relay_client: RelayClient, loopback: LoopbackTransport, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="gpt_image_2.relay")
    async with relay_client(relay_mode="report-only", relay_allowlist_json=ALLOW_OTHER) as client:
        response = await client.post("/api/relay", headers=relay_headers(MODELS))
    assert response.status_code == 200
    assert response.headers["x-gpt-image-2-relay-policy"] == "allowlist"
    assert len(loopback.calls) == 1
    reports = [r.getMessage() for r in caplog.records if "allowlist report" in r.getMessage()]
    assert len(reports) == 1
    record = json.loads(reports[0].split("report ", 1)[1])
    assert record == {"allowlisted": False, "method": "POST", "mode": "report-only",
                      "path": "/v1/models", "upstream_origin": "https://api.example.test"}


async def test_spec_report_only_flag_turns_allowlist_into_report_only(
    relay_client: RelayClient,
) -> None:
    async with relay_client(relay_mode="allowlist", relay_allowlist_report_only=True,
                            relay_allowlist_json=ALLOW_OTHER) as client:
        response = await client.post("/api/relay", headers=relay_headers(MODELS))
    assert response.status_code == 200


def test_unknown_mode_is_a_configuration_error() -> None:
    from pydantic import ValidationError

    from gpt_image_2.settings import Settings

    with pytest.raises(ValidationError, match="relay_mode"):
        Settings(relay_mode="alowlist")


async def test_upstream_network_failure_is_502(relay_client: RelayClient) -> None:
    class Refusing(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("connection refused", request=request)

    async with relay_client(transport=Refusing()) as client:
        response = await client.post("/api/relay", headers=relay_headers(MODELS))
    assert response.status_code == 502
    assert response.json()["error"] == {"code": "relay_upstream_failed",
                                        "message": "Upstream request failed."}
    assert response.headers["access-control-allow-methods"] == "GET, POST, OPTIONS"


async def test_unresolvable_host_is_502(relay_client: RelayClient,
                                        loopback: LoopbackTransport) -> None:
    async with relay_client() as client:
        response = await client.post("/api/relay",
                                     headers=relay_headers("https://nowhere.example.test/"))
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "relay_upstream_unresolvable"
    assert loopback.calls == []


async def test_compressed_upstream_bodies_arrive_decoded(relay_client: RelayClient) -> None:
    async with relay_client() as client:
        response = await client.post(
            "/api/relay", headers=relay_headers("https://api.example.test/gzip",
                                                x_gpt_image_2_method="GET"))
    assert response.status_code == 200
    assert "content-encoding" not in response.headers
    assert response.json()["data"] == "z" * 4000


async def test_relay_is_not_part_of_the_openapi_contract(api: httpx.AsyncClient) -> None:
    schema = (await api.get("/api/openapi.json")).json()
    assert not [path for path in schema["paths"] if path.startswith("/api/relay")]


def test_bad_private_networks_only_matter_when_enabled() -> None:
    from gpt_image_2.relay import RelayConfig
    from gpt_image_2.settings import Settings

    assert RelayConfig.from_settings(Settings(relay_private_networks="nonsense")).enabled is False
    with pytest.raises(ValueError):
        RelayConfig.from_settings(Settings(relay_enabled=True, relay_private_networks="nonsense"))
