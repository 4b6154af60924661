"""Access control for ``/api`` (spec/web.md §4).

Token mode: a bearer token or the HttpOnly session cookie, compared in
constant time. Token-less mode (loopback only, or explicitly allowed): the Host
header must be an allowed name, which defeats DNS rebinding. State-changing
requests authenticated by cookie must come from the same origin.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from ..errors import AppError
from ..settings import Settings

__all__ = [
    "SESSION_COOKIE",
    "AccessMiddleware",
    "AccessPolicy",
    "check_bind_policy",
    "is_loopback_host",
    "normalize_host",
]

SESSION_COOKIE = "gpt2_session"
SESSION_MAX_AGE = 14 * 24 * 3600
_EXEMPT = frozenset({"/api/session"})
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_loopback_host(host: str) -> bool:
    host = host.strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalize_host(value: str) -> str:
    value = value.strip()
    if value.startswith("["):
        end = value.find("]")
        return value[1:end].lower() if end > 0 else value.lower()
    if value.count(":") == 1:
        value = value.rsplit(":", 1)[0]
    return value.lower()


def check_bind_policy(settings: Settings, host: str) -> str | None:
    """Refuse a token-less bind off loopback; return a warning when explicitly allowed."""
    if settings.web_token or is_loopback_host(host):
        return None
    if settings.web_allow_unauthenticated:
        return (
            f"WARNING: serving {host} without an access token "
            "(GPT_IMAGE_2_WEB_ALLOW_UNAUTHENTICATED=1); only allowed Host names are served."
        )
    raise AppError(
        "unauthenticated_bind_refused",
        f"Refusing to listen on {host} without an access token. Set GPT_IMAGE_2_WEB_TOKEN, "
        "bind 127.0.0.1, or set GPT_IMAGE_2_WEB_ALLOW_UNAUTHENTICATED=1 to accept the risk.",
    )


@dataclass(frozen=True)
class AccessPolicy:
    token: str | None
    allowed_hosts: tuple[str, ...]

    @classmethod
    def from_settings(cls, settings: Settings) -> AccessPolicy:
        return cls(settings.web_token, tuple(settings.allowed_hosts))

    @property
    def session_value(self) -> str:
        """Opaque cookie value derived from the token (the token itself never goes in a cookie)."""
        assert self.token is not None
        return hmac.new(self.token.encode(), b"gpt2-session", hashlib.sha256).hexdigest()

    def token_matches(self, presented: str) -> bool:
        if self.token is None:
            return True
        return hmac.compare_digest(presented.strip().encode(), self.token.encode())

    def authorized(self, headers: dict[str, str]) -> tuple[bool, bool]:
        """(authorized, via_cookie) for a request's headers."""
        if self.token is None:
            return True, False
        auth = headers.get("authorization", "")
        if auth.startswith("Bearer "):
            return self.token_matches(auth[7:]), False
        cookie = _cookie(headers.get("cookie", ""), SESSION_COOKIE)
        if cookie is not None:
            return hmac.compare_digest(cookie.encode(), self.session_value.encode()), True
        return False, False

    def host_allowed(self, headers: dict[str, str]) -> bool:
        host = headers.get("host")
        if host is None:
            return True
        return normalize_host(host) in self.allowed_hosts


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, sep, value = part.strip().partition("=")
        if sep and key.strip() == name:
            return value.strip()
    return None


def _same_origin(headers: dict[str, str]) -> bool:
    origin = headers.get("origin")
    if origin is None:
        return True
    host = headers.get("host", "")
    return origin.split("://", 1)[-1].rstrip("/").lower() == host.lower()


class AccessMiddleware:
    """Pure ASGI gate in front of every ``/api`` route except ``/api/session``."""

    def __init__(self, app: ASGIApp, policy: AccessPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api"):
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if path in _EXEMPT or not (path == "/api" or path.startswith("/api/")):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if self.policy.token is None:
            if not self.policy.host_allowed(headers):
                await _deny(send, 403, "host_not_allowed",
                            "Host not allowed for token-less access.")
                return
        else:
            ok, via_cookie = self.policy.authorized(headers)
            if not ok:
                await _deny(send, 401, "unauthorized", "Missing or invalid access token.")
                return
            if via_cookie and scope["method"] not in _SAFE_METHODS and not _same_origin(headers):
                await _deny(send, 403, "origin_not_allowed", "Cross-origin request refused.")
                return
        await self.app(scope, receive, send)


async def _deny(send: Send, status: int, code: str, message: str) -> None:
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
