"""The SSRF guard: static URL rules (A.4), DNS vetting, pinning and redirects.

Every refusal here happens before a connection: the injected transport fails
the test if it is ever called, and the fake resolver shows whether a lookup
happened at all.
"""

from __future__ import annotations

import pytest

from tests.relay.conftest import PUBLIC, FakeResolver, RelayClient, relay_headers
from tests.relay.upstream import FakeUpstream, LoopbackTransport, NoNetworkTransport

STATIC_CASES = [
    (None, "relay_upstream_missing", "Missing x-gpt-image-2-upstream."),
    ("   ", "relay_upstream_missing", "Missing x-gpt-image-2-upstream."),
    ("/v1/models", "relay_upstream_invalid", "Invalid upstream URL."),
    ("api.example.test/v1", "relay_upstream_invalid", "Invalid upstream URL."),
    ("http://api.example.test/v1/models", "relay_upstream_insecure",
     "Only HTTPS upstreams are allowed."),
    ("ftp://api.example.test/", "relay_upstream_insecure", "Only HTTPS upstreams are allowed."),
    ("https://user:pw@api.example.test/", "relay_upstream_credentials",
     "Upstream URLs must not include credentials."),
    ("https://api.example.test:8443/", "relay_upstream_port",
     "Only the default HTTPS port is allowed."),
    ("https://localhost/v1", "relay_upstream_local", "Local upstreams are not allowed."),
    ("https://LOCALHOST./v1", "relay_upstream_local", "Local upstreams are not allowed."),
    ("https://app.localhost/", "relay_upstream_local", "Local upstreams are not allowed."),
    ("https://printer.local/", "relay_upstream_local", "Local upstreams are not allowed."),
    ("https://[::1]/", "relay_upstream_ipv6_literal", "IPv6 literal upstreams are not allowed."),
    ("https://[2606:4700::1111]/", "relay_upstream_ipv6_literal",
     "IPv6 literal upstreams are not allowed."),
    ("https://127.0.0.1/v1", "relay_upstream_private",
     "Private network upstreams are not allowed."),
    ("https://192.168.1.10/v1", "relay_upstream_private",
     "Private network upstreams are not allowed."),
    ("https://10.0.0.5/", "relay_upstream_private", "Private network upstreams are not allowed."),
    ("https://169.254.169.254/latest/meta-data/", "relay_upstream_private",
     "Private network upstreams are not allowed."),
    ("https://100.64.0.1/", "relay_upstream_private", "Private network upstreams are not allowed."),
    ("https://224.0.0.1/", "relay_upstream_private", "Private network upstreams are not allowed."),
    ("https://0.0.0.0/", "relay_upstream_private", "Private network upstreams are not allowed."),
    # non-canonical numeric hosts are not names; refuse rather than guess
    ("https://2130706433/", "relay_upstream_invalid", "Invalid upstream URL."),
    ("https://127.1/", "relay_upstream_invalid", "Invalid upstream URL."),
    ("https://0x7f.0.0.1/", "relay_upstream_invalid", "Invalid upstream URL."),
]


@pytest.mark.parametrize(("url", "code", "message"), STATIC_CASES)
async def test_static_rules_refuse_before_any_lookup_or_connect(
    relay_client: RelayClient, url: str | None, code: str, message: str
) -> None:
    resolver = FakeResolver()
    transport = NoNetworkTransport()
    headers = {} if url is None else relay_headers(url)
    async with relay_client(transport=transport, resolve=resolver) as client:
        response = await client.post("/api/relay", headers=headers)
    assert response.status_code == 400
    assert response.json() == {"error": {"code": code, "message": message}}
    assert resolver.lookups == [] and not transport.called


@pytest.mark.parametrize(
    "addresses",
    [["127.0.0.1"], ["10.0.0.5"], ["169.254.169.254"], ["::1"], ["fd00::5"], ["fe80::1%eth0"],
     ["::ffff:127.0.0.1"], [PUBLIC, "10.0.0.5"], ["100.100.100.200"]],
)
async def test_names_resolving_to_private_addresses_are_refused_before_connecting(
    relay_client: RelayClient, addresses: list[str]
) -> None:
    resolver = FakeResolver({"sneaky.example.test": addresses})
    transport = NoNetworkTransport()
    async with relay_client(transport=transport, resolve=resolver) as client:
        response = await client.post(
            "/api/relay", headers=relay_headers("https://sneaky.example.test/v1/models"))
    assert response.status_code == 400
    assert response.json()["error"] == {"code": "relay_upstream_private",
                                        "message": "Private network upstreams are not allowed."}
    assert resolver.lookups == ["sneaky.example.test"]
    assert not transport.called


async def test_connection_is_pinned_to_the_vetted_address(
    relay_client: RelayClient, loopback: LoopbackTransport
) -> None:
    resolver = FakeResolver({"api.example.test": ["8.8.4.4", PUBLIC]})
    async with relay_client(resolve=resolver) as client:
        response = await client.post("/api/relay",
                                     headers=relay_headers("https://api.example.test/echo"))
    assert response.status_code == 200
    [(url, pin)] = loopback.calls
    assert url == "https://api.example.test/echo"
    assert (pin.host, pin.address) == ("api.example.test", "8.8.4.4")


async def test_explicitly_allowlisted_private_network_is_reachable(
    relay_client: RelayClient, upstream: FakeUpstream, loopback: LoopbackTransport
) -> None:
    resolver = FakeResolver({"gateway.example.test": ["10.0.0.5"]})
    async with relay_client(resolve=resolver, relay_private_networks="10.0.0.0/24") as client:
        ok = await client.post("/api/relay",
                               headers=relay_headers("https://gateway.example.test/echo"))
        literal = await client.post("/api/relay", headers=relay_headers("https://10.0.0.5/echo"))
        outside = await client.post("/api/relay", headers=relay_headers("https://10.0.1.5/echo"))
    assert ok.status_code == 200 and literal.status_code == 200
    assert [pin.address for _, pin in loopback.calls] == ["10.0.0.5", "10.0.0.5"]
    assert outside.status_code == 400


async def test_redirect_to_a_private_address_is_refused_not_followed(
    relay_client: RelayClient, upstream: FakeUpstream, loopback: LoopbackTransport
) -> None:
    """The fake upstream on loopback is allowlisted for this test only; its redirects are not."""
    resolver = FakeResolver({"loop.example.test": ["127.0.0.1"],
                             "internal.example.test": ["10.0.0.5"]})
    targets = ["https://10.0.0.5/admin", "https://internal.example.test/admin",
               "https://localhost/admin", "http://api.example.test/v1"]
    async with relay_client(resolve=resolver, relay_private_networks="127.0.0.1/32") as client:
        responses = [
            await client.post("/api/relay", headers=relay_headers(
                f"https://loop.example.test/redirect?to={target}"))
            for target in targets
        ]
    for response in responses:
        assert response.status_code == 502
        assert response.json()["error"]["code"] == "relay_redirect_blocked"
    # one upstream request per relay call: nothing was followed
    assert [pin.address for _, pin in loopback.calls] == ["127.0.0.1"] * 4
    assert "internal.example.test" in resolver.lookups


async def test_acceptable_redirect_is_passed_back_unfollowed(
    relay_client: RelayClient, loopback: LoopbackTransport
) -> None:
    async with relay_client() as client:
        response = await client.post("/api/relay", headers=relay_headers(
            "https://api.example.test/redirect?to=https://cdn.example.test/file.png"))
    assert response.status_code == 302
    assert response.headers["location"] == "https://cdn.example.test/file.png"
    assert len(loopback.calls) == 1
