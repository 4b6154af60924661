"""Relay fixtures: an app with the relay enabled, an injected resolver and transport."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from gpt_image_2.cli.asgi import StreamingASGITransport
from gpt_image_2.settings import Settings
from gpt_image_2.web.app import create_app
from tests.relay.upstream import FakeUpstream, LoopbackTransport

PUBLIC = "93.184.216.34"
"""A public address the fake resolver hands out; no packet is ever sent to it."""


class FakeResolver:
    """``host -> [addresses]``; unknown names fail like NXDOMAIN. Records every lookup."""

    def __init__(self, table: dict[str, list[str]] | None = None) -> None:
        self.table = {"api.example.test": [PUBLIC], "cdn.example.test": [PUBLIC]}
        self.table.update(table or {})
        self.lookups: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        if host not in self.table:
            raise OSError(f"[Errno -2] Name or service not known: {host}")
        return list(self.table[host])


@pytest.fixture(scope="session")
def fake_upstream_server() -> Iterator[FakeUpstream]:
    upstream = FakeUpstream().start()
    yield upstream
    upstream.stop()


@pytest.fixture
def upstream(fake_upstream_server: FakeUpstream) -> FakeUpstream:
    fake_upstream_server.requests.clear()
    return fake_upstream_server


@pytest.fixture
def resolver() -> FakeResolver:
    return FakeResolver()


@pytest.fixture
def loopback(upstream: FakeUpstream) -> LoopbackTransport:
    return LoopbackTransport(upstream)


RelayClient = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def relay_client(tmp_path: Path, resolver: FakeResolver,
                 loopback: LoopbackTransport) -> RelayClient:
    """``async with relay_client(**settings) as client`` → a client of a fresh app.

    The relay is enabled unless ``relay_enabled=False`` is passed; ``transport=``
    and ``resolver=`` replace the loopback "internet" and the fake DNS.
    """

    @asynccontextmanager
    async def open_client(*, transport: httpx.AsyncBaseTransport | None = None,
                          resolve: Any = None, **fields: Any) -> AsyncIterator[httpx.AsyncClient]:
        values: dict[str, Any] = {"codex_home": tmp_path / "codex", "relay_enabled": True}
        values.update(fields)
        app = create_app(Settings(**values), serve_spa=False)
        app.state.relay_transport = transport or loopback
        app.state.relay_resolver = resolve or resolver
        async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=StreamingASGITransport(app), base_url="http://127.0.0.1:8787"
        ) as client:
            yield client

    return open_client


def relay_headers(upstream_url: str, **extra: str) -> dict[str, str]:
    headers = {"x-gpt-image-2-upstream": upstream_url}
    headers.update({k.replace("_", "-"): v for k, v in extra.items()})
    return headers


ServedRelay = Callable[..., AbstractAsyncContextManager[str]]


@pytest.fixture
def served_relay(tmp_path: Path, resolver: FakeResolver,
                 loopback: LoopbackTransport) -> ServedRelay:
    """``async with served_relay(**settings) as base_url``: the app under uvicorn on loopback.

    Used where the behaviour of a real socket matters (a cut response body).
    """

    @asynccontextmanager
    async def serve(**fields: Any) -> AsyncIterator[str]:
        values: dict[str, Any] = {"codex_home": tmp_path / "served", "relay_enabled": True}
        values.update(fields)
        app = create_app(Settings(**values), serve_spa=False)
        app.state.relay_transport = loopback
        app.state.relay_resolver = resolver
        server = LiveApp(app).start()
        try:
            yield server.url
        finally:
            server.stop()

    return serve


class LiveApp:
    """The whole app (lifespan on) under uvicorn in a thread on 127.0.0.1."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="critical", lifespan="on"))
        self.thread = threading.Thread(
            target=lambda: asyncio.run(self.server.serve(sockets=[self.sock])), daemon=True)

    def start(self) -> LiveApp:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("app did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)
        self.sock.close()
