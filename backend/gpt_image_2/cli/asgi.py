"""An httpx transport that runs an ASGI app in-process and *streams* its responses.

httpx's own ``ASGITransport`` buffers the whole body before returning, which
would hold back server-sent events until a job ends. This transport hands the
response to the caller as soon as the app starts it and yields body chunks as
they are sent, so the embedded CLI sees live progress exactly like a remote one.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
from starlette.types import ASGIApp, Message

__all__ = ["StreamingASGITransport"]

_END = object()


class _BodyStream(httpx.AsyncByteStream):
    def __init__(self, queue: asyncio.Queue[Any], task: asyncio.Task[None],
                 disconnected: asyncio.Event) -> None:
        self._queue = queue
        self._task = task
        self._disconnected = disconnected

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            item = await self._queue.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    async def aclose(self) -> None:
        self._disconnected.set()
        if not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task


class StreamingASGITransport(httpx.AsyncBaseTransport):
    def __init__(self, app: ASGIApp, client: tuple[str, int] = ("127.0.0.1", 0)) -> None:
        self.app = app
        self.client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = b"".join([chunk async for chunk in request.stream])  # type: ignore[union-attr]
        url = request.url
        scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": request.method,
            "headers": [(k.lower(), v) for k, v in request.headers.raw],
            "scheme": url.scheme,
            "path": url.path,
            "raw_path": url.raw_path.split(b"?")[0],
            "query_string": url.query,
            "server": (url.host, url.port or (443 if url.scheme == "https" else 80)),
            "client": self.client,
            "root_path": "",
        }
        started = asyncio.get_running_loop().create_future()
        chunks: asyncio.Queue[Any] = asyncio.Queue()
        disconnected = asyncio.Event()
        body_sent = False

        async def receive() -> Message:
            nonlocal body_sent
            if not body_sent:
                body_sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await disconnected.wait()
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            if message["type"] == "http.response.start":
                if not started.done():
                    started.set_result(message)
            elif message["type"] == "http.response.body":
                data = message.get("body", b"")
                if data:
                    await chunks.put(data)
                if not message.get("more_body", False):
                    await chunks.put(_END)

        async def run() -> None:
            try:
                await self.app(scope, receive, send)
            except BaseException as exc:  # surface app crashes to the caller
                if not started.done():
                    started.set_exception(exc if isinstance(exc, Exception) else RuntimeError())
                else:
                    await chunks.put(exc if isinstance(exc, Exception) else _END)
                if not isinstance(exc, Exception):
                    raise
            else:
                if not started.done():
                    started.set_exception(RuntimeError("ASGI app sent no response"))
                await chunks.put(_END)

        task = asyncio.create_task(run())
        start = await started
        return httpx.Response(
            status_code=start["status"],
            headers=[(k, v) for k, v in start.get("headers", [])],
            stream=_BodyStream(chunks, task, disconnected),
            request=request,
        )
