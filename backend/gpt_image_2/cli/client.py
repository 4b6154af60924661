"""The CLI's HTTP client: the same calls whether the app is in-process or remote."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import httpx
from httpx_sse import aconnect_sse

from ..errors import AppError
from ..settings import Settings

__all__ = ["TERMINAL_TYPES", "ApiClient"]

TERMINAL_TYPES = frozenset(
    {"job.completed", "job.partial_failed", "job.failed", "job.cancelled", "job.canceled"}
)


class ApiClient:
    """Open with ``async with ApiClient.embedded(settings)`` or ``ApiClient.remote(url)``."""

    def __init__(self, *, settings: Settings | None = None, server: str | None = None,
                 token: str | None = None, headers: dict[str, str] | None = None) -> None:
        self._settings = settings
        self._server = server
        self._token = token
        self._headers = headers or {}
        self._stack = AsyncExitStack()
        self.http: httpx.AsyncClient | None = None

    @classmethod
    def embedded(cls, settings: Settings) -> ApiClient:
        return cls(settings=settings)

    @classmethod
    def remote(cls, server: str, *, token: str | None = None,
               headers: dict[str, str] | None = None) -> ApiClient:
        return cls(server=server.rstrip("/"), token=token, headers=headers)

    @property
    def mode(self) -> str:
        return "remote" if self._server else "embedded"

    async def __aenter__(self) -> ApiClient:
        headers = dict(self._headers)
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        timeout = httpx.Timeout(60.0, read=None)
        if self._server:
            self.http = await self._stack.enter_async_context(
                httpx.AsyncClient(base_url=self._server, headers=headers, timeout=timeout)
            )
        else:
            from ..web.app import create_app
            from .asgi import StreamingASGITransport

            assert self._settings is not None
            app = create_app(self._settings, serve_spa=False)
            await self._stack.enter_async_context(app.router.lifespan_context(app))
            self.http = await self._stack.enter_async_context(
                httpx.AsyncClient(
                    transport=StreamingASGITransport(app),
                    base_url="http://127.0.0.1",
                    headers=headers,
                    timeout=timeout,
                )
            )
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._stack.aclose()

    # -- calls ------------------------------------------------------------------
    def _client(self) -> httpx.AsyncClient:
        assert self.http is not None, "use `async with`"
        return self.http

    async def request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = await self._client().request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise AppError("server_unreachable", "Unable to reach the gpt-image-2 server.",
                           {"server": self._server, "error": str(exc)}) from exc
        if response.status_code >= 400:
            raise _error_from(response)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    async def download(self, path: str) -> bytes:
        try:
            response = await self._client().get(path)
        except httpx.HTTPError as exc:
            raise AppError("server_unreachable", "Unable to reach the gpt-image-2 server.",
                           {"server": self._server, "error": str(exc)}) from exc
        if response.status_code >= 400:
            raise _error_from(response)
        return response.content

    async def events(self, job_id: str, after: int = 0) -> AsyncIterator[dict[str, Any]]:
        """Follow a job's SSE stream until its terminal event; resumes after drops."""
        last = after
        attempts = 0
        while True:
            headers = {"Last-Event-ID": str(last)} if last else {}
            try:
                async with aconnect_sse(
                    self._client(), "GET", f"/api/jobs/{job_id}/events", headers=headers
                ) as source:
                    if source.response.status_code >= 400:
                        await source.response.aread()
                        raise _error_from(source.response)
                    async for sse in source.aiter_sse():
                        if not sse.data:
                            continue
                        event = json.loads(sse.data)
                        last = int(event.get("seq", last))
                        attempts = 0
                        yield event
                        if event.get("type") in TERMINAL_TYPES:
                            return
                return  # stream ended without a terminal event: the job is already over
            except (httpx.TransportError, httpx.RemoteProtocolError) as exc:
                attempts += 1
                if attempts > 5:
                    raise AppError("server_unreachable", "Lost the event stream.",
                                   {"error": str(exc)}) from exc


def _error_from(response: httpx.Response) -> AppError:
    try:
        body = response.json()
        err = body.get("error") if isinstance(body, dict) else None
    except ValueError:
        err = None
    if isinstance(err, dict) and isinstance(err.get("code"), str):
        return AppError(err["code"], str(err.get("message", "")), err.get("detail"),
                        http_status=response.status_code)
    return AppError("http_error", f"HTTP {response.status_code}", response.text[:500],
                    http_status=response.status_code)
