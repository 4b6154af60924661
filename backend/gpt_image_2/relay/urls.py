"""Static upstream URL validation (relay-and-skill.md A.4), before any lookup.

The URL is parsed once with ``httpx.URL`` and that same object is what the
relay sends, so the check and the request can never disagree about the host.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass

import httpx

from . import errors
from .netguard import IPNetwork, is_forbidden_address

__all__ = ["Upstream", "validate_upstream"]

_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
_HOST_CHARS = re.compile(r"^[a-z0-9_.:-]+$")


@dataclass(frozen=True)
class Upstream:
    url: httpx.URL
    host: str
    """ASCII (IDNA) host name, lower case, no trailing dot."""
    origin: str
    """``https://host`` as compared against allowlist entries."""
    path: str


def _fail(code: str, message: str) -> errors.RelayError:
    return errors.url_error(code, message)


def _parse(raw: str) -> httpx.URL:
    try:
        url = httpx.URL(raw)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise _fail("relay_upstream_invalid", "Invalid upstream URL.") from exc
    if not url.is_absolute_url or not url.raw_host:
        raise _fail("relay_upstream_invalid", "Invalid upstream URL.")
    return url


def _check_host(host: str, exempt: Iterable[IPNetwork]) -> None:
    if not _HOST_CHARS.match(host) or ".." in host:
        raise _fail("relay_upstream_invalid", "Invalid upstream URL.")
    if host == "localhost" or host.endswith((".localhost", ".local")):
        raise _fail("relay_upstream_local", "Local upstreams are not allowed.")
    if ":" in host:
        raise _fail("relay_upstream_ipv6_literal", "IPv6 literal upstreams are not allowed.")
    last = host.rsplit(".", 1)[-1]
    if _NUMERIC_LABEL.match(last):
        try:
            ip = ipaddress.IPv4Address(host)
        except ValueError as exc:  # 127.1, 0x7f.0.0.1, 2130706433 ... are not host names
            raise _fail("relay_upstream_invalid", "Invalid upstream URL.") from exc
        if is_forbidden_address(ip) and not any(
            ip.version == net.version and ip in net for net in exempt
        ):
            raise _fail(
                "relay_upstream_private", "Private network upstreams are not allowed."
            )


def validate_upstream(raw: str | None, exempt: Iterable[IPNetwork] = ()) -> Upstream:
    """The checks of A.4 in the spec's order; raises a 400 :class:`RelayError`."""
    if raw is None or not raw.strip():
        raise _fail("relay_upstream_missing", "Missing x-gpt-image-2-upstream.")
    url = _parse(raw.strip())
    if url.scheme != "https":
        raise _fail("relay_upstream_insecure", "Only HTTPS upstreams are allowed.")
    if url.userinfo:
        raise _fail("relay_upstream_credentials", "Upstream URLs must not include credentials.")
    if url.port not in (None, 443):
        raise _fail("relay_upstream_port", "Only the default HTTPS port is allowed.")
    host = url.raw_host.decode("ascii").lower().rstrip(".")
    if not host:
        raise _fail("relay_upstream_invalid", "Invalid upstream URL.")
    _check_host(host, exempt)
    origin = f"https://{host}"
    return Upstream(url=url, host=host, origin=origin, path=url.path or "/")
