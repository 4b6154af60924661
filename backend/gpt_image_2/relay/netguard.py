"""Which network addresses the relay may connect to, and DNS resolution with vetting.

The relay refuses loopback, private, carrier-grade NAT, link-local (cloud
metadata at 169.254.169.254 included), unique-local, multicast, reserved and
unspecified addresses, also when they hide inside IPv4-mapped, 6to4 or NAT64
IPv6 forms. Operators can exempt networks explicitly
(``GPT_IMAGE_2_RELAY_PRIVATE_NETWORKS``). A host name is resolved once; if any
of its addresses is refused the request is refused, otherwise the connection
is pinned to the first vetted address (see :mod:`.pinning`).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

import anyio

from . import errors

__all__ = [
    "IPAddress",
    "IPNetwork",
    "Pin",
    "Resolver",
    "is_forbidden_address",
    "parse_networks",
    "resolve_pin",
    "system_resolver",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[list[str]]]
"""``(host, port) -> [address, ...]``; raises ``OSError`` when the name does not resolve."""

# The reference's list (A.4) plus what the stdlib flags may miss on older Pythons.
_FORBIDDEN_V4 = tuple(
    ipaddress.IPv4Network(n)
    for n in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/3",
    )
)
_FORBIDDEN_V6 = tuple(
    ipaddress.IPv6Network(n)
    for n in ("::/128", "::1/128", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8")
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


@dataclass(frozen=True)
class Pin:
    """The vetted address a request to ``host`` must connect to."""

    host: str
    address: str


def _embedded_v4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_forbidden_address(ip: IPAddress) -> bool:
    """True for every address class a public relay must never reach."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_v4(ip)
        if inner is not None:  # mapped, 6to4, NAT64: the IPv4 address decides
            return is_forbidden_address(inner)
        if any(ip in net for net in _FORBIDDEN_V6):
            return True
    elif any(ip in net for net in _FORBIDDEN_V4):
        return True
    return (
        ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast
        or ip.is_reserved or ip.is_unspecified or not ip.is_global
    )


def parse_networks(text: str) -> tuple[IPNetwork, ...]:
    """Comma-separated CIDRs or single addresses; raises ``ValueError`` on a bad entry."""
    return tuple(
        ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()
    )


def _allowed(ip: IPAddress, exempt: Iterable[IPNetwork]) -> bool:
    if not is_forbidden_address(ip):
        return True
    return any(ip.version == net.version and ip in net for net in exempt)


async def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver returns for ``host`` (TCP)."""
    infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


async def resolve_pin(
    host: str, port: int, resolver: Resolver, exempt: Iterable[IPNetwork] = ()
) -> Pin:
    """Resolve ``host`` and vet every address; refuse if any is not allowed.

    ``host`` is the ASCII (IDNA) host of the upstream URL. Literal addresses
    are vetted without a lookup.
    """
    exempt = tuple(exempt)
    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [str(literal)]
    else:
        try:
            addresses = await resolver(host, port)
        except (OSError, UnicodeError) as exc:
            raise errors.upstream_unresolvable() from exc
    if not addresses:
        raise errors.upstream_unresolvable()
    vetted: list[str] = []
    for raw in addresses:
        try:
            ip = ipaddress.ip_address(raw.split("%", 1)[0])
        except ValueError as exc:
            raise errors.upstream_unresolvable() from exc
        if not _allowed(ip, exempt):
            raise errors.url_error(
                "relay_upstream_private", "Private network upstreams are not allowed."
            )
        vetted.append(str(ip))
    return Pin(host=host, address=vetted[0])
