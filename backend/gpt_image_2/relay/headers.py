"""Header filtering both ways (relay-and-skill.md A.7) and the CORS headers (A.6).

Request → upstream drops the spec's list plus every hop-by-hop and proxy
header, headers named in ``Connection``, browser fetch metadata, and our own
``x-gpt-image-2-*`` control headers. The server's own access token never leaves
the server: an ``Authorization`` equal to it is dropped, and callers that must
authenticate to the server put the upstream credential in
``x-gpt-image-2-upstream-authorization`` instead.

Upstream → browser drops cookies, hop-by-hop headers and every header that
would change how the browser treats *our* origin (CORS, HSTS, Alt-Svc,
Clear-Site-Data, authentication prompts).
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable

__all__ = [
    "ALLOW_HEADERS",
    "EXPOSE_HEADERS",
    "UPSTREAM_AUTH_HEADER",
    "connection_tokens",
    "request_headers",
    "response_headers",
]

PREFIX = "x-gpt-image-2-"
UPSTREAM_AUTH_HEADER = "x-gpt-image-2-upstream-authorization"

_HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
    "te", "trailer", "trailers", "transfer-encoding", "upgrade",
})
_REQUEST_DROP = _HOP_BY_HOP | {
    # the reference's list
    "accept-encoding", "cf-connecting-ip", "cf-ipcountry", "cf-ray", "cf-visitor", "cookie",
    "host", "origin", "referer", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto",
    # proxy and client-address headers, and the length (the relay sets it itself)
    "forwarded", "via", "x-real-ip", "true-client-ip", "x-client-ip", "content-length", "expect",
}
_REQUEST_DROP_PREFIXES = (PREFIX, "x-forwarded-", "cf-", "sec-fetch-")
_RESPONSE_DROP = _HOP_BY_HOP | {
    "content-length", "content-encoding", "set-cookie", "set-cookie2", "alt-svc",
    "strict-transport-security", "clear-site-data", "www-authenticate",
}
_RESPONSE_DROP_PREFIXES = (PREFIX, "access-control-")

ALLOW_HEADERS = ",".join([
    "authorization", "content-type", "accept", "x-gpt-image-2-upstream",
    "x-gpt-image-2-method", "x-gpt-image-2-expected-response-bytes", UPSTREAM_AUTH_HEADER,
])
EXPOSE_HEADERS = "content-type,x-gpt-image-2-relay,x-gpt-image-2-relay-policy"


def connection_tokens(headers: Iterable[tuple[str, str]]) -> set[str]:
    """Header names listed in ``Connection`` (they are hop-by-hop too)."""
    names: set[str] = set()
    for key, value in headers:
        if key.lower() == "connection":
            names.update(t.strip().lower() for t in value.split(",") if t.strip())
    return names


def _is_server_token(value: str, token: str | None) -> bool:
    if token is None:
        return False
    scheme, _, presented = value.strip().partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(presented.strip().encode(), token.encode())


def request_headers(
    incoming: list[tuple[str, str]], *, server_token: str | None
) -> list[tuple[str, str]]:
    """Headers to send upstream, in their original order."""
    listed = connection_tokens(incoming)
    upstream_auth = None
    out: list[tuple[str, str]] = []
    for key, value in incoming:
        name = key.lower()
        if name == UPSTREAM_AUTH_HEADER:
            upstream_auth = value
            continue
        if name in _REQUEST_DROP or name in listed or name.startswith(_REQUEST_DROP_PREFIXES):
            continue
        if name == "authorization" and _is_server_token(value, server_token):
            continue
        out.append((key, value))
    if upstream_auth is not None:
        out = [(k, v) for k, v in out if k.lower() != "authorization"]
        out.append(("authorization", upstream_auth))
    return out


def response_headers(upstream: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Upstream headers the browser may see (before the relay adds its own)."""
    listed = connection_tokens(upstream)
    return [
        (k, v) for k, v in upstream
        if (name := k.lower()) not in _RESPONSE_DROP and name not in listed
        and not name.startswith(_RESPONSE_DROP_PREFIXES)
        and name not in {"cache-control", "content-security-policy", "x-content-type-options"}
    ]
