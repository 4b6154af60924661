"""Request and response byte limits, checked on declared sizes and on streamed bytes."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from gpt_image_2.relay import RelayStreamAborted
from tests.relay.conftest import FakeResolver, RelayClient, ServedRelay, relay_headers
from tests.relay.upstream import FakeUpstream, LoopbackTransport

ECHO = "https://api.example.test/echo"


async def test_declared_request_size_over_limit_is_refused_before_connecting(
    relay_client: RelayClient, loopback: LoopbackTransport, resolver: FakeResolver
) -> None:
    async with relay_client(relay_max_request_bytes=100) as client:
        response = await client.post("/api/relay", content=b"a" * 101,
                                     headers=relay_headers(ECHO))
    assert response.status_code == 413
    assert response.json()["error"] == {
        "code": "relay_request_too_large",
        "message": "Relay request is too large. Limit is 100 bytes.",
        "detail": {"limit": 100},
    }
    assert loopback.calls == [] and resolver.lookups == []


async def test_request_at_the_limit_passes(relay_client: RelayClient,
                                           upstream: FakeUpstream) -> None:
    async with relay_client(relay_max_request_bytes=100) as client:
        response = await client.post("/api/relay", content=b"a" * 100,
                                     headers=relay_headers(ECHO))
    assert response.status_code == 200
    assert response.json()["body_bytes"] == 100


async def test_chunked_request_is_counted_while_streaming(
    relay_client: RelayClient, upstream: FakeUpstream
) -> None:
    """No Content-Length: the relay counts the bytes it forwards and stops at the limit."""

    async def body() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b"b" * 50

    async with relay_client(relay_max_request_bytes=120) as client:
        response = await client.post("/api/relay", content=body(), headers=relay_headers(ECHO))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "relay_request_too_large"
    assert all(len(r["body"]) <= 120 for r in upstream.requests)


async def test_expected_response_hint_over_limit_is_refused_before_connecting(
    relay_client: RelayClient, loopback: LoopbackTransport
) -> None:
    async with relay_client(relay_max_response_bytes=1000) as client:
        response = await client.post(
            "/api/relay",
            headers=relay_headers(ECHO, x_gpt_image_2_expected_response_bytes="1001"))
    assert response.status_code == 413
    assert response.json()["error"]["message"] == (
        "Relay response is too large. Limit is 1000 bytes.")
    assert loopback.calls == []


async def test_upstream_declared_length_over_limit_is_413(
    relay_client: RelayClient, upstream: FakeUpstream
) -> None:
    async with relay_client(relay_max_response_bytes=1000) as client:
        response = await client.post(
            "/api/relay", headers=relay_headers("https://api.example.test/declared/1001"))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "relay_response_too_large"
    assert len(upstream.requests) == 1  # upstream was asked, its body was not relayed


async def test_streamed_response_within_limit_arrives_whole(relay_client: RelayClient) -> None:
    async with relay_client(relay_max_response_bytes=5000) as client:
        response = await client.post(
            "/api/relay", headers=relay_headers("https://api.example.test/stream/5000"))
    assert response.status_code == 200
    assert response.content == b"x" * 5000


async def test_streamed_response_over_limit_is_cut(relay_client: RelayClient) -> None:
    """No Content-Length upstream: the counter cuts the stream mid-flight."""
    async with relay_client(relay_max_response_bytes=4096) as client:
        received = 0
        with pytest.raises(RelayStreamAborted, match="exceeded size limit"):
            async with client.stream(
                "POST", "/api/relay",
                headers=relay_headers("https://api.example.test/stream/20000"),
            ) as response:
                assert response.status_code == 200
                async for chunk in response.aiter_bytes():
                    received += len(chunk)
    assert received <= 4096


async def test_over_a_real_socket_the_cut_is_a_network_error(
    served_relay: ServedRelay,
) -> None:
    """Through uvicorn the browser sees what the spec says: a broken response, not a short one."""
    async with served_relay(relay_max_response_bytes=4096) as base_url, httpx.AsyncClient(
        base_url=base_url, trust_env=False
    ) as client:
        received = 0
        with pytest.raises(httpx.RemoteProtocolError):
            async with client.stream(
                "POST", "/api/relay",
                headers=relay_headers("https://api.example.test/stream/20000"),
            ) as response:
                async for chunk in response.aiter_bytes():
                    received += len(chunk)
        assert received <= 4096
        whole = await client.post(
            "/api/relay", headers=relay_headers("https://api.example.test/stream/4096"))
        assert whole.content == b"x" * 4096
