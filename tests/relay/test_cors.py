"""CORS (A.6): preflight, origin checks, and the headers on every kind of response."""

from __future__ import annotations

from tests.relay.conftest import RelayClient, relay_headers
from tests.relay.upstream import LoopbackTransport

MODELS = "https://api.example.test/v1/models"
SITE = "https://images.example.org"


async def test_preflight_from_an_allowed_origin(relay_client: RelayClient) -> None:
    async with relay_client(relay_allowed_origins=f"{SITE},https://other.example.org") as client:
        response = await client.options("/api/relay", headers={
            "origin": SITE, "access-control-request-method": "POST",
            "access-control-request-headers": "authorization,x-gpt-image-2-upstream"})
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == SITE
    assert response.headers["access-control-allow-methods"] == "GET, POST, OPTIONS"
    allowed = response.headers["access-control-allow-headers"].split(",")
    assert {"authorization", "content-type", "x-gpt-image-2-upstream",
            "x-gpt-image-2-method", "x-gpt-image-2-expected-response-bytes"} <= set(allowed)
    assert response.headers["access-control-expose-headers"] == (
        "content-type,x-gpt-image-2-relay,x-gpt-image-2-relay-policy")
    assert response.headers["access-control-max-age"] == "86400"
    assert response.headers["vary"] == "Origin"
    assert "access-control-allow-credentials" not in response.headers


async def test_preflight_and_request_from_a_foreign_origin_are_403(
    relay_client: RelayClient, loopback: LoopbackTransport
) -> None:
    async with relay_client(relay_allowed_origins=SITE) as client:
        preflight = await client.options("/api/relay", headers={"origin": "https://evil.test"})
        post = await client.post("/api/relay",
                                 headers=relay_headers(MODELS, origin="https://evil.test"))
    for response in (preflight, post):
        assert response.status_code == 403
        assert response.json()["error"] == {"code": "relay_origin_not_allowed",
                                            "message": "Origin is not allowed."}
        # not echoed: the first configured origin is announced instead
        assert response.headers["access-control-allow-origin"] == SITE
    assert loopback.calls == []


async def test_same_origin_is_always_allowed(relay_client: RelayClient) -> None:
    async with relay_client() as client:  # no configured origins at all
        same = await client.post("/api/relay",
                                 headers=relay_headers(MODELS, origin="http://127.0.0.1:8787"))
        other_port = await client.post(
            "/api/relay", headers=relay_headers(MODELS, origin="http://127.0.0.1:9999"))
        no_origin = await client.post("/api/relay", headers=relay_headers(MODELS))
    assert same.status_code == 200
    assert same.headers["access-control-allow-origin"] == "http://127.0.0.1:8787"
    assert other_port.status_code == 403
    assert "access-control-allow-origin" not in other_port.headers
    assert no_origin.status_code == 200


async def test_wildcard_allows_any_origin(relay_client: RelayClient) -> None:
    async with relay_client(relay_allowed_origins="*") as client:
        response = await client.post(
            "/api/relay", headers=relay_headers(MODELS, origin="https://anything.test"))
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://anything.test"


async def test_errors_carry_cors_headers(relay_client: RelayClient) -> None:
    async with relay_client(relay_allowed_origins=SITE) as client:
        response = await client.post(
            "/api/relay", headers=relay_headers("http://api.example.test/", origin=SITE))
    assert response.status_code == 400
    assert response.headers["access-control-allow-origin"] == SITE
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"


async def test_preflight_in_token_mode_is_stopped_by_the_access_gate(
    relay_client: RelayClient,
) -> None:
    """Browsers never attach credentials to a preflight, so with GPT_IMAGE_2_WEB_TOKEN set the
    relay is same-origin only (documented in docs/relay.md)."""
    async with relay_client(web_token="server-token-0123456789",
                            relay_allowed_origins=SITE) as client:
        response = await client.options("/api/relay", headers={"origin": SITE})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
