"""A fake HTTPS upstream for relay tests: a Starlette app on a real loopback port.

The relay only accepts ``https://<name>/…`` upstreams on port 443, so tests
reach this server through :class:`LoopbackTransport`, which stands in for the
network: it checks that every request carries the relay's address pin,
records it, and delivers the request to ``http://127.0.0.1:<port>`` with the
original ``Host``. No packet ever leaves 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import gzip
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from gpt_image_2.relay import PIN_EXTENSION, Pin
from tests.fakes.server import ThreadedServer

__all__ = ["FakeUpstream", "LoopbackTransport", "NoNetworkTransport"]


class FakeUpstream:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        app = Starlette(routes=[
            Route("/v1/models", self.models, methods=["GET", "POST"]),
            Route("/echo", self.echo, methods=["GET", "POST", "PUT", "DELETE"]),
            Route("/stream/{size:int}", self.stream, methods=["GET", "POST"]),
            Route("/declared/{size:int}", self.declared, methods=["GET", "POST"]),
            Route("/gzip", self.gzipped, methods=["GET"]),
            Route("/redirect", self.redirect, methods=["GET", "POST"]),
            Route("/teapot", self.teapot, methods=["GET", "POST"]),
        ])
        self.server = ThreadedServer(app)

    def start(self) -> FakeUpstream:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    @property
    def port(self) -> int:
        return int(self.server.port)

    async def _record(self, request: Request) -> bytes:
        body = await request.body()
        self.requests.append({"method": request.method, "path": request.url.path,
                              "query": request.url.query, "headers": dict(request.headers),
                              "body": body})
        return body

    async def models(self, request: Request) -> Response:
        await self._record(request)
        return JSONResponse(
            {"object": "list", "data": [{"id": "gpt-image-2", "object": "model"}]},
            headers={
                "set-cookie": "session=upstream; Path=/",
                "access-control-allow-origin": "https://evil.example",
                "access-control-allow-credentials": "true",
                "strict-transport-security": "max-age=63072000; includeSubDomains",
                "alt-svc": 'h3=":443"',
                "clear-site-data": '"*"',
                "x-gpt-image-2-relay-policy": "spoofed",
                "x-request-id": "req_123",
                "connection": "close, x-hop",
                "x-hop": "secret-hop",
            },
        )

    async def echo(self, request: Request) -> Response:
        body = await self._record(request)
        return JSONResponse({"headers": dict(request.headers), "body_bytes": len(body),
                             "method": request.method})

    async def stream(self, request: Request) -> Response:
        """``size`` bytes in 1 KiB chunks, without a Content-Length."""
        await self._record(request)
        size = int(request.path_params["size"])

        async def chunks() -> Any:
            sent = 0
            while sent < size:
                step = min(1024, size - sent)
                sent += step
                yield b"x" * step
                await asyncio.sleep(0)

        return StreamingResponse(chunks(), media_type="application/octet-stream")

    async def declared(self, request: Request) -> Response:
        await self._record(request)
        size = int(request.path_params["size"])
        return Response(b"y" * size, media_type="application/octet-stream")

    async def gzipped(self, request: Request) -> Response:
        await self._record(request)
        payload = b'{"data": "' + b"z" * 4000 + b'"}'
        return Response(gzip.compress(payload), media_type="application/json",
                        headers={"content-encoding": "gzip"})

    async def redirect(self, request: Request) -> Response:
        await self._record(request)
        return Response(status_code=302, headers={"location": request.query_params["to"]})

    async def teapot(self, request: Request) -> Response:
        await self._record(request)
        return JSONResponse({"error": {"message": "short and stout"}}, status_code=418)


class LoopbackTransport(httpx.AsyncBaseTransport):
    """The test's "internet": delivers pinned relay requests to the fake upstream."""

    def __init__(self, upstream: FakeUpstream) -> None:
        self.upstream = upstream
        self.inner = httpx.AsyncHTTPTransport(trust_env=False)
        self.calls: list[tuple[str, Pin]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        pin = request.extensions.get(PIN_EXTENSION)
        assert isinstance(pin, Pin), "relay sent a request without an address pin"
        assert request.url.scheme == "https" and request.url.port is None
        self.calls.append((str(request.url), pin))
        local = request.url.copy_with(scheme="http", host="127.0.0.1", port=self.upstream.port)
        headers = httpx.Headers(request.headers)
        headers["host"] = request.url.netloc.decode("ascii")
        forwarded = httpx.Request(request.method, local, headers=headers,
                                  stream=request.stream, extensions=request.extensions)
        return await self.inner.handle_async_request(forwarded)

    async def aclose(self) -> None:
        await self.inner.aclose()


class NoNetworkTransport(httpx.AsyncBaseTransport):
    """Fails the test if the relay ever tries to connect."""

    def __init__(self) -> None:
        self.called = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.called = True
        raise AssertionError(f"the relay tried to connect to {request.url}")
