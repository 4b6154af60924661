"""Address classes the relay refuses, and resolution with vetting (unit level)."""

from __future__ import annotations

import ipaddress

import pytest

from gpt_image_2.relay import RelayError, is_forbidden_address, resolve_pin
from gpt_image_2.relay.netguard import parse_networks
from tests.relay.conftest import FakeResolver

FORBIDDEN = [
    "0.0.0.0", "0.1.2.3", "10.0.0.5", "100.64.0.1", "100.127.255.254", "127.0.0.1",
    "127.255.0.1", "169.254.169.254", "172.16.0.1", "172.31.255.255", "192.0.0.8",
    "192.168.1.10", "198.18.0.1", "198.19.255.1", "224.0.0.1", "239.255.255.250",
    "240.0.0.1", "255.255.255.255", "::", "::1", "fc00::1", "fd00:ec2::254", "fe80::1",
    "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.5", "2002:7f00:1::", "2002:a00:5::",
    "64:ff9b::a00:5", "64:ff9b::7f00:1",
]
ALLOWED = ["8.8.8.8", "93.184.216.34", "1.1.1.1", "172.32.0.1", "100.128.0.1",
           "2606:4700:4700::1111", "2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::808:808"]


@pytest.mark.parametrize("address", FORBIDDEN)
def test_forbidden(address: str) -> None:
    assert is_forbidden_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ALLOWED)
def test_allowed(address: str) -> None:
    assert not is_forbidden_address(ipaddress.ip_address(address))


async def test_literals_are_vetted_without_a_lookup() -> None:
    resolver = FakeResolver()
    pin = await resolve_pin("8.8.8.8", 443, resolver)
    assert (pin.host, pin.address) == ("8.8.8.8", "8.8.8.8")
    with pytest.raises(RelayError) as caught:
        await resolve_pin("10.0.0.5", 443, resolver)
    assert caught.value.code == "relay_upstream_private"
    assert resolver.lookups == []


async def test_one_bad_address_refuses_the_name() -> None:
    resolver = FakeResolver({"mixed.example.test": ["8.8.8.8", "192.168.0.1"]})
    with pytest.raises(RelayError, match="Private network"):
        await resolve_pin("mixed.example.test", 443, resolver)


async def test_exempt_networks_are_reachable() -> None:
    resolver = FakeResolver({"gw.example.test": ["10.1.2.3", "fd00::3"]})
    exempt = parse_networks("10.1.0.0/16, fd00::/64")
    pin = await resolve_pin("gw.example.test", 443, resolver, exempt)
    assert pin.address == "10.1.2.3"
    with pytest.raises(RelayError):
        await resolve_pin("gw.example.test", 443, resolver, parse_networks("10.1.0.0/16"))


async def test_empty_or_failed_resolution_is_unresolvable() -> None:
    resolver = FakeResolver({"empty.example.test": []})
    for host in ("empty.example.test", "nxdomain.example.test"):
        with pytest.raises(RelayError) as caught:
            await resolve_pin(host, 443, resolver)
        assert caught.value.code == "relay_upstream_unresolvable"
