"""Header scrubbing both ways (A.7 plus hop-by-hop, proxy and origin-changing headers)."""

from __future__ import annotations

from gpt_image_2.relay.headers import request_headers, response_headers
from tests.relay.conftest import RelayClient, relay_headers
from tests.relay.upstream import FakeUpstream

ECHO = "https://api.example.test/echo"

BROWSER_HEADERS = {
    "authorization": "Bearer sk-user-key",
    "content-type": "application/json",
    "accept": "application/json",
    "cookie": "gpt2_session=abc; other=1",
    "origin": "http://127.0.0.1:8787",
    "referer": "http://127.0.0.1:8787/app",
    "x-forwarded-for": "10.1.2.3",
    "x-forwarded-host": "internal",
    "x-forwarded-proto": "http",
    "x-forwarded-port": "80",
    "forwarded": "for=10.1.2.3",
    "x-real-ip": "10.1.2.3",
    "via": "1.1 proxy",
    "cf-connecting-ip": "10.1.2.3",
    "cf-ray": "abc",
    "proxy-authorization": "Basic cHJveHk6cHc=",
    "x-gpt-image-2-api-key": "sk-server-side",
    "x-gpt-image-2-method": "POST",
    "sec-fetch-site": "same-origin",
    "x-custom": "kept",
}


async def test_request_headers_are_scrubbed(relay_client: RelayClient,
                                            upstream: FakeUpstream) -> None:
    async with relay_client() as client:
        response = await client.post("/api/relay", content=b"{}",
                                     headers={**relay_headers(ECHO), **BROWSER_HEADERS})
    assert response.status_code == 200, response.text
    seen = upstream.requests[0]["headers"]
    assert seen["authorization"] == "Bearer sk-user-key"
    assert seen["content-type"] == "application/json"
    assert seen["accept"] == "application/json"
    assert seen["x-custom"] == "kept"
    assert seen["host"] == "api.example.test"
    for name in ("cookie", "origin", "referer", "x-forwarded-for", "x-forwarded-host",
                 "x-forwarded-proto", "x-forwarded-port", "forwarded", "x-real-ip", "via",
                 "cf-connecting-ip", "cf-ray", "proxy-authorization", "x-gpt-image-2-api-key",
                 "x-gpt-image-2-method", "x-gpt-image-2-upstream", "sec-fetch-site"):
        assert name not in seen, name


async def test_response_headers_are_scrubbed(relay_client: RelayClient) -> None:
    async with relay_client() as client:
        response = await client.post(
            "/api/relay", headers=relay_headers("https://api.example.test/v1/models",
                                                origin="http://127.0.0.1:8787"))
    assert response.status_code == 200
    headers = response.headers
    for name in ("set-cookie", "strict-transport-security", "alt-svc", "clear-site-data",
                 "access-control-allow-credentials", "x-hop"):
        assert name not in headers, name
    # the upstream's CORS and policy headers never survive; ours replace them
    assert headers["access-control-allow-origin"] == "http://127.0.0.1:8787"
    assert headers.get_list("x-gpt-image-2-relay-policy") == ["open"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-request-id"] == "req_123"
    assert headers["content-type"] == "application/json"


async def test_server_token_never_reaches_the_upstream(relay_client: RelayClient,
                                                       upstream: FakeUpstream) -> None:
    """Token mode: the app token authenticates to us; the upstream key rides in its own header."""
    token = "server-token-0123456789"
    async with relay_client(web_token=token) as client:
        refused = await client.post("/api/relay", headers=relay_headers(ECHO))
        response = await client.post("/api/relay", headers={
            **relay_headers(ECHO), "authorization": f"Bearer {token}",
            "x-gpt-image-2-upstream-authorization": "Bearer sk-user-key"})
        bare = await client.post("/api/relay", headers={
            **relay_headers(ECHO), "authorization": f"Bearer {token}"})
    assert refused.status_code == 401  # the access middleware gates the relay
    assert response.status_code == 200
    assert upstream.requests[0]["headers"]["authorization"] == "Bearer sk-user-key"
    assert bare.status_code == 200
    assert "authorization" not in upstream.requests[1]["headers"]
    assert all(token not in str(r["headers"]) for r in upstream.requests)


def test_connection_listed_headers_are_hop_by_hop() -> None:
    out = request_headers(
        [("Connection", "keep-alive, X-Secret"), ("X-Secret", "1"), ("Keep-Alive", "5"),
         ("TE", "trailers"), ("Upgrade", "h2c"), ("Accept-Encoding", "br"), ("X-Kept", "y")],
        server_token=None,
    )
    assert out == [("X-Kept", "y")]


def test_upstream_authorization_replaces_a_foreign_authorization() -> None:
    out = request_headers([("authorization", "Basic Zm9vOmJhcg=="),
                           ("x-gpt-image-2-upstream-authorization", "Bearer sk-u")],
                          server_token=None)
    assert out == [("authorization", "Bearer sk-u")]


def test_response_scrub_keeps_duplicates_and_drops_length_and_encoding() -> None:
    out = response_headers([("Link", "<a>"), ("Link", "<b>"), ("Content-Length", "10"),
                            ("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked"),
                            ("Set-Cookie", "a=1"), ("WWW-Authenticate", "Basic"),
                            ("Access-Control-Allow-Origin", "*")])
    assert out == [("Link", "<a>"), ("Link", "<b>")]
