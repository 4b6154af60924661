"""A forward HTTP proxy stand-in on 127.0.0.1 for proxy tests (absolute-form requests only).

It records every request that passed through (method, target, ``Proxy-Authorization``),
answers 407 when ``auth`` is set and the request does not carry it, and forwards the
rest to the target with a direct client. ``CONNECT`` is refused: the fakes speak http.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
from typing import Any

import httpx

__all__ = ["LoopbackProxy"]

_HOP = {"proxy-authorization", "proxy-connection", "connection", "keep-alive", "host",
        "transfer-encoding", "te", "upgrade", "content-length"}


class LoopbackProxy:
    def __init__(self, *, auth: tuple[str, str] | None = None) -> None:
        self.auth = auth
        self.requests: list[dict[str, Any]] = []
        self.server: asyncio.Server | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url_with_auth(self) -> str:
        assert self.auth is not None
        return f"http://{self.auth[0]}:{self.auth[1]}@127.0.0.1:{self.port}"

    async def __aenter__(self) -> LoopbackProxy:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()

    @property
    def forwarded(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["status"] not in (400, 405, 407)]

    async def _respond(self, writer: asyncio.StreamWriter, status: int, reason: str,
                       headers: dict[str, str], body: bytes, *, head: bool = False) -> None:
        lines = [f"HTTP/1.1 {status} {reason}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        lines += [f"Content-Length: {len(body)}", "Connection: close", "", ""]
        writer.write("\r\n".join(lines).encode("latin-1") + (b"" if head else body))
        await writer.drain()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request_line = (await reader.readline()).decode("latin-1").strip()
            if not request_line:
                return
            method, target, _version = request_line.split(" ", 2)
            headers: dict[str, str] = {}
            while True:
                line = (await reader.readline()).decode("latin-1")
                if line in ("\r\n", "\n", ""):
                    break
                key, _, value = line.partition(":")
                headers[key.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers.get("content-length") or 0))
            record: dict[str, Any] = {"method": method, "target": target,
                                      "proxy_authorization": headers.get("proxy-authorization"),
                                      "status": 0}
            self.requests.append(record)
            if method == "CONNECT" or not target.startswith("http://"):
                record["status"] = 405
                await self._respond(writer, 405, "Method Not Allowed", {}, b"")
                return
            if self.auth is not None:
                token = base64.b64encode(f"{self.auth[0]}:{self.auth[1]}".encode()).decode()
                if headers.get("proxy-authorization") != f"Basic {token}":
                    record["status"] = 407
                    await self._respond(writer, 407, "Proxy Authentication Required",
                                        {"Proxy-Authenticate": 'Basic realm="test"'}, b"")
                    return
            forward = {k: v for k, v in headers.items() if k not in _HOP}
            async with httpx.AsyncClient(trust_env=False, timeout=30) as client:
                upstream = await client.request(method, target, headers=forward, content=body)
            record["status"] = upstream.status_code
            out = {"Content-Type": upstream.headers.get("content-type", "application/json")}
            await self._respond(writer, upstream.status_code, upstream.reason_phrase, out,
                                upstream.content, head=method == "HEAD")
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()
                await writer.wait_closed()
