"""A fake OpenAI Images API speaking the real wire format, on a real loopback port.

Behaviour is chosen by the prompt so tests read naturally:

* ``REJECT``   → 400 with an OpenAI error body (moderation_blocked)
* ``FAIL500``  → 500 every time;  ``FLAKY`` → 500 on the first call, then success
* ``RATE``     → 429 with ``Retry-After: 0`` on the first call, then success
* ``SLOW``     → sleeps ``slow_seconds`` before answering (timeouts)
* ``URLMODE``  → answers with ``url`` items pointing back at this server
* ``FOREIGNURL <url>`` → answers with a ``url`` item pointing at ``<url>`` (never fetched here)
* ``NOIMAGE``  → ``data: []``;  ``BADJSON`` → a non-JSON 200 body
* ``TWO``      → two images

Tests can also script the next answers: each entry of ``script`` is used by one
image request, in order, before the prompt is looked at: ``{"status": 503,
"headers": {"Retry-After": "7"}}`` answers that status (with an OpenAI error body
unless ``body`` is given), ``{"sleep": 2.0}`` waits first (client timeouts) and
then answers normally, ``{"hold": threading.Event()}`` waits until the test sets
the event (something changes while the request is in flight). An empty script
means the prompt decides.

Everything received is recorded in ``requests`` (headers, JSON body or parsed
multipart form with per-file name/type/size and the bytes); ``max_in_flight`` tracks the
highest number of concurrent image requests.
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections import Counter
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from .images import png_bytes
from .server import ThreadedServer

__all__ = ["FakeOpenAI", "play_step"]

EDIT_TEXT_FIELDS = {
    "model", "prompt", "size", "quality", "background", "output_format", "output_compression",
    "n", "moderation", "input_fidelity",
}


class FakeOpenAI:
    def __init__(self, *, latency: float = 0.0, slow_seconds: float = 5.0) -> None:
        self.latency = latency
        self.slow_seconds = slow_seconds
        self.requests: list[dict[str, Any]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.calls: Counter[str] = Counter()
        self.script: list[dict[str, Any]] = []
        self.image = png_bytes()
        app = Starlette(
            routes=[
                Route("/v1/images/generations", self.generations, methods=["POST"]),
                Route("/v1/images/edits", self.edits, methods=["POST"]),
                Route("/files/{name}", self.files, methods=["GET"]),
                Route("/v1", self.head, methods=["HEAD", "GET"]),
            ]
        )
        self.server = ThreadedServer(app)

    # -- lifecycle -------------------------------------------------------------
    def start(self) -> FakeOpenAI:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def reset(self) -> None:
        self.requests.clear()
        self.calls.clear()
        self.script.clear()
        self.in_flight = 0
        self.max_in_flight = 0
        self.latency = 0.0

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def api_base(self) -> str:
        return f"{self.server.url}/v1"

    # -- handlers --------------------------------------------------------------
    async def head(self, request: Request) -> Response:
        return Response(status_code=200)

    async def files(self, request: Request) -> Response:
        return Response(self.image, media_type="image/png")

    async def generations(self, request: Request) -> Response:
        body = await request.json()
        record = {"path": request.url.path, "headers": dict(request.headers), "json": body,
                  "at": time.monotonic()}
        self.requests.append(record)
        if request.headers.get("content-type") != "application/json":
            return JSONResponse({"error": {"message": "expected JSON"}}, status_code=415)
        return await self._answer(str(body.get("prompt", "")), body, request)

    async def edits(self, request: Request) -> Response:
        form = await request.form()
        fields: dict[str, Any] = {}
        files: list[dict[str, Any]] = []
        order: list[str] = []
        for key, value in form.multi_items():
            order.append(key)
            if hasattr(value, "read"):
                data = await value.read()
                files.append({"field": key, "filename": value.filename,
                              "content_type": value.content_type, "bytes": len(data),
                              "data": data})
            else:
                fields[key] = value
        record = {"path": request.url.path, "headers": dict(request.headers), "form": fields,
                  "files": files, "order": order, "at": time.monotonic()}
        self.requests.append(record)
        unknown = set(fields) - EDIT_TEXT_FIELDS
        images = [f for f in files if f["field"] == "image[]"]
        if unknown or not images or any(not f["content_type"] for f in files):
            return JSONResponse(
                {"error": {"message": f"bad multipart: unknown={sorted(unknown)}",
                           "type": "invalid_request_error"}}, status_code=400)
        return await self._answer(str(fields.get("prompt", "")), fields, request)

    async def _answer(self, prompt: str, body: dict[str, Any], request: Request) -> Response:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            self.calls[prompt] += 1
            if self.latency:
                await asyncio.sleep(self.latency)
            if "SLOW" in prompt:
                await asyncio.sleep(self.slow_seconds)
            if self.script:
                scripted = await play_step(self.script.pop(0))
                if scripted is not None:
                    return scripted
            auth = request.headers.get("authorization", "")
            if not auth.startswith("Bearer ") or len(auth) < 12:
                return JSONResponse({"error": {"message": "Missing bearer token",
                                               "code": "invalid_api_key"}}, status_code=401)
            if "REJECT" in prompt:
                return JSONResponse(
                    {"error": {"message": "Your request was rejected by the safety system.",
                               "code": "moderation_blocked", "type": "invalid_request_error"}},
                    status_code=400)
            if "FAIL500" in prompt or ("FLAKY" in prompt and self.calls[prompt] == 1):
                return JSONResponse({"error": {"message": "upstream exploded"}}, status_code=500)
            if "RATE" in prompt and self.calls[prompt] == 1:
                return JSONResponse({"error": {"message": "slow down"}}, status_code=429,
                                    headers={"Retry-After": "0"})
            if "BADJSON" in prompt:
                return PlainTextResponse("<html>gateway</html>")
            if "NOIMAGE" in prompt:
                return JSONResponse({"created": 1, "data": []})
            count = 2 if "TWO" in prompt else int(body.get("n") or 1)
            b64 = base64.b64encode(self.image).decode()
            item: dict[str, Any] = (
                {"url": f"{self.url}/files/out.png"} if "URLMODE" in prompt else {"b64_json": b64}
            )
            if "FOREIGNURL " in prompt:
                item = {"url": prompt.split("FOREIGNURL ", 1)[1].split()[0]}
            item["revised_prompt"] = f"revised: {prompt}"
            return JSONResponse({
                "created": 1776926953,
                "background": body.get("background", "auto"),
                "output_format": body.get("output_format", "png"),
                "quality": body.get("quality", "auto"),
                "size": body.get("size", "1024x1024"),
                "data": [dict(item) for _ in range(count)],
                "usage": {"input_tokens": 10, "output_tokens": 100, "total_tokens": 110,
                          "input_tokens_details": {"image_tokens": 0, "text_tokens": 10}},
            })
        finally:
            self.in_flight -= 1


async def play_step(step: dict[str, Any]) -> Response | None:
    """One scripted answer (see the module docstring); None: answer normally."""
    hold = step.get("hold")
    if hold is not None:  # a threading.Event the test sets when the answer may go out
        await asyncio.to_thread(hold.wait, 30)
    if step.get("sleep"):
        await asyncio.sleep(float(step["sleep"]))
    if "status" not in step:
        return None
    status = int(step["status"])
    body = step.get("body", {"error": {"message": f"scripted {status}",
                                       "type": "server_error" if status >= 500
                                       else "invalid_request_error"}})
    return JSONResponse(body, status_code=status, headers=step.get("headers"))
