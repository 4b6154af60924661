"""A fake Codex ``responses`` endpoint and OAuth token endpoint on a real loopback port.

``POST /backend-api/codex/responses`` streams Server-Sent Events like the real
service: ``response.created``, ``response.in_progress``, an ``output_item.added``,
a ``partial_image``, a keepalive, ``response.output_item.done`` with the
``image_generation_call`` result, ``response.completed`` and ``[DONE]``.

Only access tokens in ``valid_tokens`` are accepted (others get 401), so
``expire()`` plus a refresh token known to the token endpoint gives the
401 → refresh → retry scenario. Behaviour is chosen by the prompt (the last
``input_text``):

* ``REFUSE``   → ``error`` + ``response.failed`` with a policy code, no image
* ``FAILED``   → ``response.failed`` with a ``server_error`` code (retryable)
* ``FAIL500``  → 500 every time;  ``FLAKY`` → 500 on the first call, then success
* ``NOIMAGE``  → a completed response with only a message item
* ``BADSSE``   → a ``data:`` line that is not JSON
* ``LATEONLY`` → the image only in ``response.completed.response.output``
* ``CRLF``     → the same stream with ``\\r\\n`` line endings and a split ``data:`` event

``script`` scripts the next answers of the responses endpoint after the token
check, one entry per request, as for the fake OpenAI (``tests/fakes/openai.py``):
``{"status": 429, "headers": {"Retry-After": "3"}}`` or ``{"sleep": 2.0}``.

``token_mode`` selects the token endpoint's answer: ``ok`` (rotate tokens),
``error`` (HTTP 400), ``badjson`` or ``noaccess``.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from .images import png_bytes
from .openai import play_step
from .server import ThreadedServer

__all__ = ["ACCOUNT_ID", "FakeCodex", "make_jwt"]

ACCOUNT_ID = "acct-fake-1234"


def _b64(obj: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def make_jwt(*, account_id: str | None = ACCOUNT_ID, exp_in: int = 3600,
             email: str = "dev@example.com", marker: str = "") -> str:
    """An unsigned JWT shaped like a ChatGPT access token."""
    claims: dict[str, Any] = {"exp": int(time.time()) + exp_in, "marker": marker,
                              "https://api.openai.com/profile": {"email": email}}
    if account_id is not None:
        claims["https://api.openai.com/auth"] = {
            "chatgpt_account_id": account_id, "chatgpt_plan_type": "plus",
            "chatgpt_user_id": "user-fake"}
    return f"{_b64({'alg': 'none'})}.{_b64(claims)}.sig"


class FakeCodex:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.token_requests: list[dict[str, Any]] = []
        self.calls: Counter[str] = Counter()
        self.script: list[dict[str, Any]] = []
        self.valid_tokens: set[str] = set()
        self.refresh_tokens: set[str] = set()
        self.token_mode = "ok"
        self.token_delay = 0.0
        self.issued = 0
        self.image = png_bytes(32, 32, (10, 120, 200))
        app = Starlette(routes=[
            Route("/backend-api/codex/responses", self.responses, methods=["POST", "HEAD"]),
            Route("/oauth/token", self.token, methods=["POST"]),
        ])
        self.server = ThreadedServer(app)

    # -- lifecycle -------------------------------------------------------------
    def start(self) -> FakeCodex:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def reset(self) -> None:
        self.requests.clear()
        self.token_requests.clear()
        self.calls.clear()
        self.script.clear()
        self.valid_tokens.clear()
        self.refresh_tokens.clear()
        self.token_mode = "ok"
        self.token_delay = 0.0
        self.issued = 0

    @property
    def endpoint(self) -> str:
        return f"{self.server.url}/backend-api/codex/responses"

    @property
    def token_url(self) -> str:
        return f"{self.server.url}/oauth/token"

    def issue(self, *, valid: bool = True, refresh: str | None = None) -> tuple[str, str]:
        """A fresh (access token, refresh token) pair known to this fake."""
        self.issued += 1
        access = make_jwt(marker=f"t{self.issued}")
        refresh = refresh or f"rt-fake-{self.issued}-0123456789"
        if valid:
            self.valid_tokens.add(access)
        self.refresh_tokens.add(refresh)
        return access, refresh

    def expire(self) -> None:
        self.valid_tokens.clear()

    # -- handlers --------------------------------------------------------------
    async def token(self, request: Request) -> Response:
        body = await request.json()
        self.token_requests.append({"headers": dict(request.headers), "json": body})
        if self.token_delay:
            await asyncio.sleep(self.token_delay)
        if self.token_mode == "error":
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        if self.token_mode == "badjson":
            return PlainTextResponse("<html>nope</html>")
        if self.token_mode == "noaccess":
            return JSONResponse({"token_type": "Bearer"})
        if body.get("refresh_token") not in self.refresh_tokens:
            return JSONResponse({"error": "invalid_grant"}, status_code=401)
        self.refresh_tokens.discard(body["refresh_token"])  # refresh tokens are single-use
        access, refresh = self.issue()
        return JSONResponse({"access_token": access, "refresh_token": refresh,
                             "id_token": make_jwt(marker="id"), "token_type": "Bearer",
                             "expires_in": 3600})

    async def responses(self, request: Request) -> Response:
        if request.method == "HEAD":
            return Response(status_code=405)
        raw = await request.body()
        body = json.loads(raw)
        self.requests.append({"headers": dict(request.headers), "json": body})
        auth = request.headers.get("authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.valid_tokens:
            return JSONResponse({"detail": "Unauthorized"}, status_code=401)
        prompt = _prompt(body)
        self.calls[prompt] += 1
        if self.script:
            scripted = await play_step(self.script.pop(0))
            if scripted is not None:
                return scripted
        if "FAIL500" in prompt or ("FLAKY" in prompt and self.calls[prompt] == 1):
            return JSONResponse({"detail": "upstream exploded"}, status_code=500)
        crlf = "CRLF" in prompt
        return StreamingResponse(self._stream(body, prompt, crlf),
                                 media_type="text/event-stream")

    async def _stream(self, body: dict[str, Any], prompt: str, crlf: bool) -> AsyncIterator[bytes]:
        nl = "\r\n" if crlf else "\n"

        def event(obj: Any, name: str | None = None) -> bytes:
            text = obj if isinstance(obj, str) else json.dumps(obj)
            head = f"event: {name}{nl}" if name else ""
            if crlf and len(text) > 40:  # one event split over two data: lines
                return f"{head}data: {text[:30]}{nl}data:{text[30:]}{nl}{nl}".encode()
            return f"{head}data: {text}{nl}{nl}".encode()

        tool = (body.get("tools") or [{}])[0]
        result = base64.b64encode(self.image).decode()
        response = {"id": "resp_fake_1", "object": "response", "model": body.get("model"),
                    "status": "in_progress", "service_tier": "auto"}
        item = {"id": "ig_1", "type": "image_generation_call", "status": "completed",
                "background": tool.get("background"), "output_format": "png",
                "quality": tool.get("quality", "high"), "size": tool.get("size", "1024x1024"),
                "revised_prompt": f"revised: {prompt}", "result": result}
        yield b": keepalive comment\n\n"
        yield event({"type": "response.created", "response": response,
                     "sequence_number": 0}, "response.created")
        yield event({"type": "response.in_progress", "response": response})
        if "BADSSE" in prompt:
            yield f"data: {{not json{nl}{nl}".encode()
            return
        if "REFUSE" in prompt or "FAILED" in prompt:
            code = "moderation_blocked" if "REFUSE" in prompt else "server_error"
            error = {"code": code, "message": "Request was rejected."}
            if "REFUSE" in prompt:
                yield event({"type": "error", "error": error})
            yield event({"type": "response.failed",
                         "response": {**response, "status": "failed", "error": error,
                                      "output": []}})
            yield event("[DONE]")
            return
        if "NOIMAGE" in prompt:
            message = {"id": "msg_1", "type": "message", "status": "completed"}
            yield event({"type": "response.output_item.done", "item": message})
            yield event({"type": "response.completed",
                         "response": {**response, "status": "completed", "output": [message]}})
            yield event("[DONE]")
            return
        yield event({"type": "response.output_item.added",
                     "item": {"id": "ig_1", "type": "image_generation_call",
                              "status": "in_progress"}})
        yield event({"type": "response.image_generation_call.partial_image", "item_id": "ig_1",
                     "partial_image_index": 0, "partial_image_b64": result})
        yield event({"type": "keepalive"})
        done = {**response, "status": "completed", "output": [item]}
        if "LATEONLY" not in prompt:
            yield event({"type": "response.output_item.done", "item": item,
                         "output_index": 0})
        yield event({"type": "response.completed", "response": done})
        yield event("[DONE]")


def _prompt(body: dict[str, Any]) -> str:
    for message in body.get("input") or []:
        for part in message.get("content") or []:
            if isinstance(part, dict) and part.get("type") == "input_text":
                return str(part.get("text", ""))
    return ""
