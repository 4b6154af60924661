"""The relay itself: the processing order of relay-and-skill.md A.3, with the port's guards.

Order: preflight → enabled → origin → method → upstream URL (static) →
declared request size → allowlist → expected response size → DNS resolution
and vetting → upstream call (pinned, redirects never followed) → redirect
target vetting → upstream declared size → streamed body with a byte counter.
The request body is counted while it streams too.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import httpx
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from . import errors
from .allowlist import is_allowlisted
from .config import RelayConfig
from .errors import RelayError, RelayStreamAborted
from .headers import request_headers, response_headers
from .netguard import Pin, Resolver, resolve_pin, system_resolver
from .pinning import PIN_EXTENSION
from .urls import Upstream, validate_upstream

__all__ = ["EXPECTED_HEADER", "METHOD_HEADER", "UPSTREAM_HEADER", "RelayService"]

log = logging.getLogger(__name__)

UPSTREAM_HEADER = "x-gpt-image-2-upstream"
METHOD_HEADER = "x-gpt-image-2-method"
EXPECTED_HEADER = "x-gpt-image-2-expected-response-bytes"
_NO_BODY = frozenset({"GET", "HEAD"})


def _int(value: str | None) -> int | None:
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip())


async def _limited(stream: AsyncIterator[bytes], limit: int) -> AsyncIterator[bytes]:
    """The request body, refused as soon as more than ``limit`` bytes have arrived."""
    total = 0
    async for chunk in stream:
        total += len(chunk)
        if total > limit:
            raise errors.request_too_large(limit)
        if chunk:
            yield chunk


class RelayService:
    """One per app; ``client`` is None when the relay is disabled."""

    def __init__(
        self,
        config: RelayConfig,
        *,
        client: httpx.AsyncClient | None,
        resolver: Resolver = system_resolver,
        server_token: str | None = None,
    ) -> None:
        self.config = config
        self._client = client
        self._resolver = resolver
        self._server_token = server_token

    async def handle(self, request: Request) -> Response:
        origin = request.headers.get("origin")
        host = request.headers.get("host")
        base = {
            **self.config.cors_headers(origin, host),
            "cache-control": "no-store",
            "x-gpt-image-2-relay-policy": self.config.policy,
        }
        try:
            if request.method == "OPTIONS":
                if not self.config.origin_allowed(origin, host):
                    raise errors.origin_not_allowed()
                return Response(status_code=204, headers=base)
            return await self._relay(request, base)
        except RelayError as exc:
            return Response(
                json.dumps({"error": exc.to_dict()}), status_code=exc.http_status,
                headers=base, media_type="application/json; charset=utf-8",
            )

    async def _relay(self, request: Request, base: dict[str, str]) -> Response:
        cfg = self.config
        if not cfg.enabled or self._client is None:
            raise errors.disabled()
        if not cfg.origin_allowed(request.headers.get("origin"), request.headers.get("host")):
            raise errors.origin_not_allowed()
        method = (request.headers.get(METHOD_HEADER) or "").strip().upper() or request.method
        if method not in cfg.allowed_methods:
            raise errors.method_not_allowed()
        target = validate_upstream(request.headers.get(UPSTREAM_HEADER), cfg.private_networks)
        declared = _int(request.headers.get("content-length"))
        if declared is not None and declared > cfg.max_request_bytes:
            raise errors.request_too_large(cfg.max_request_bytes)
        self._check_allowlist(target, method)
        expected = _int(request.headers.get(EXPECTED_HEADER))
        if expected is not None and expected > cfg.max_response_bytes:
            raise errors.response_too_large(cfg.max_response_bytes)
        pin = await resolve_pin(target.host, 443, self._resolver, cfg.private_networks)
        upstream = await self._send(self._client, request, method, target, pin, declared)
        try:
            await self._check_redirect(upstream, target)
            length = _int(upstream.headers.get("content-length"))
            if length is not None and length > cfg.max_response_bytes:
                raise errors.response_too_large(cfg.max_response_bytes)
        except BaseException:
            await upstream.aclose()
            raise
        return self._respond(upstream, base)

    def _check_allowlist(self, target: Upstream, method: str) -> None:
        cfg = self.config
        if cfg.mode == "open":
            return
        allowed = is_allowlisted(cfg.allowlist, target.origin, target.path, method)
        record = json.dumps({"allowlisted": allowed, "method": method, "mode": cfg.mode,
                             "path": target.path, "upstream_origin": target.origin},
                            sort_keys=True)
        if cfg.mode == "report-only":
            log.info("relay allowlist report %s", record)
        elif not allowed:
            log.warning("relay upstream refused %s", record)
            raise errors.not_allowlisted()

    async def _send(
        self, client: httpx.AsyncClient, request: Request, method: str, target: Upstream,
        pin: Pin, declared: int | None,
    ) -> httpx.Response:
        headers = request_headers(list(request.headers.items()),
                                  server_token=self._server_token)
        body = None
        if method not in _NO_BODY:
            body = _limited(request.stream(), self.config.max_request_bytes)
            if declared is not None:
                headers.append(("content-length", str(declared)))
        outgoing = client.build_request(
            method, target.url, headers=headers, content=body,
            extensions={PIN_EXTENSION: pin},
        )
        try:
            return await client.send(outgoing, stream=True, follow_redirects=False)
        except httpx.HTTPError as exc:
            log.warning("relay upstream %s failed: %s", target.origin, type(exc).__name__)
            raise errors.upstream_failed() from exc

    async def _check_redirect(self, upstream: httpx.Response, target: Upstream) -> None:
        """A 3xx goes back to the browser only if its Location is itself acceptable."""
        location = upstream.headers.get("location")
        if not (300 <= upstream.status_code < 400) or location is None:
            return
        try:
            hop = validate_upstream(str(target.url.join(location)), self.config.private_networks)
            await resolve_pin(hop.host, 443, self._resolver, self.config.private_networks)
        except (RelayError, httpx.InvalidURL) as exc:
            log.warning("relay refused a redirect from %s", target.origin)
            raise errors.redirect_blocked() from exc

    def _respond(self, upstream: httpx.Response, base: dict[str, str]) -> Response:
        response = StreamingResponse(self._body(upstream), status_code=upstream.status_code)
        for key, value in response_headers(list(upstream.headers.multi_items())):
            response.headers.append(key, value)
        for key, value in base.items():
            response.headers[key] = value
        response.headers["x-gpt-image-2-relay"] = "1"
        response.headers["x-content-type-options"] = "nosniff"
        response.headers["content-security-policy"] = "default-src 'none'; sandbox"
        return response

    async def _body(self, upstream: httpx.Response) -> AsyncIterator[bytes]:
        limit = self.config.max_response_bytes
        total = 0
        try:
            async for chunk in upstream.aiter_bytes():
                total += len(chunk)
                if total > limit:
                    log.warning("relay response exceeded %d bytes; connection cut", limit)
                    raise RelayStreamAborted("Relay response exceeded size limit.")
                yield chunk
        except httpx.HTTPError as exc:
            raise RelayStreamAborted("Upstream stream failed.") from exc
        finally:
            await upstream.aclose()
