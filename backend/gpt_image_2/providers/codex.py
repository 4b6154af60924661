"""Codex provider: the ``responses`` API with the ``image_generation`` tool over SSE.

Spec: providers.md §3. One POST per attempt to the Codex endpoint with the
ChatGPT access token; the SSE stream is read line by line (``data:`` lines
joined without separator, a blank line dispatches), every upstream event is
re-emitted as ``kind: "sse"`` (the bus redacts base64 payloads) and mapped to the
progress events of protocol.md §3.3. An HTTP 401 triggers exactly one token
refresh (not counted as a retry); transport and stream failures are retried by
:func:`with_retries`.
"""

from __future__ import annotations

import asyncio
import base64
import json
from dataclasses import dataclass, field
from typing import Any

import httpx

from ..errors import AppError
from ..redact import redact
from .base import (
    Capabilities,
    EmitFn,
    ImageInput,
    ImageRequest,
    ImageResult,
    RawResult,
    RunContext,
    progress,
)
from .codex_auth import DEFAULT_TOKEN_URL, CodexTokens, TokenStore, refresh_tokens
from .codex_events import (
    CodexOutcome,
    error_message,
    is_final_error,
    item_summary,
    read_events,
)
from .images import decode_b64_image
from .openai import USER_AGENT
from .retry import RetryPolicy, parse_retry_after, with_retries

__all__ = [
    "CODEX_OPTIONS",
    "DEFAULT_CODEX_MODEL",
    "DEFAULT_INSTRUCTIONS",
    "CodexOutcome",
    "CodexProvider",
]

DEFAULT_CODEX_MODEL = "gpt-5.4"
DEFAULT_INSTRUCTIONS = "You are a concise assistant."
DELEGATED_IMAGE_MODEL = "gpt-image-2"
CODEX_OPTIONS = frozenset({"background", "size", "quality", "format", "compression", "n"})
MAX_ERROR_BODY = 64 * 1024


def data_url(image: ImageInput) -> str:
    return f"data:{image.mime};base64,{base64.b64encode(image.data).decode('ascii')}"


@dataclass
class CodexProvider:
    name: str
    endpoint: str
    http: httpx.AsyncClient
    tokens: TokenStore
    capabilities: Capabilities
    refresh_lock: asyncio.Lock
    model: str = DEFAULT_CODEX_MODEL
    timeout: float = 300.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    token_url: str = DEFAULT_TOKEN_URL

    # -- request body -------------------------------------------------------------
    def body(self, request: ImageRequest) -> dict[str, Any]:
        content: list[dict[str, Any]] = [
            {"type": "input_image", "image_url": data_url(ref)} for ref in request.references
        ]
        content.append({"type": "input_text", "text": request.prompt})
        tool: dict[str, Any] = {
            "type": "image_generation",
            "action": request.operation,
            "background": request.background or "auto",
        }
        optional = {"size": request.size, "quality": request.quality,
                    "output_format": request.format, "output_compression": request.compression}
        tool.update({k: v for k, v in optional.items() if v is not None})
        return {
            "model": request.model or self.model or DEFAULT_CODEX_MODEL,
            "instructions": request.instructions or DEFAULT_INSTRUCTIONS,
            "store": False,
            "stream": True,
            "input": [{"role": "user", "content": content}],
            "tools": [tool],
        }

    def request_summary(self, request: ImageRequest) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "operation": request.operation,
            "provider": "codex",
            "model": request.model or self.model or DEFAULT_CODEX_MODEL,
            "background": request.background or "auto",
            "ref_image_count": len(request.references),
            "delegated_image_model": DELEGATED_IMAGE_MODEL,
        }
        for key in ("size", "quality", "format", "compression", "n"):
            value = getattr(request, key)
            if value is not None:
                summary[key] = value
        return summary

    # -- calls ----------------------------------------------------------------------
    async def run(self, request: ImageRequest, ctx: RunContext) -> ImageResult:
        outcome = await self.call(self.body(request), ctx)
        items = outcome.image_items()
        if not items:
            raise AppError("missing_image_result",
                           "The response did not include an image_generation_call result.")
        images = [decode_b64_image(str(item["result"])) for item in items]
        summary = outcome.summary()
        return ImageResult(
            images=images,
            response=summary,
            revised_prompts=list(summary["revised_prompts"]),
            retry_count=outcome.retries,
            auth=self.auth_summary(outcome),
            request_summary=self.request_summary(request),
        )

    async def run_raw(self, body: dict[str, Any], ctx: RunContext) -> RawResult:
        """``request create --request-operation responses``: the body is sent verbatim."""
        outcome = await self.call(body, ctx)
        images = [decode_b64_image(str(item["result"])) for item in outcome.image_items()]
        response = {
            "error": redact(outcome.error),
            "model": outcome.response.get("model"),
            "response_id": outcome.response.get("id"),
            "service_tier": outcome.response.get("service_tier"),
            "status": outcome.response.get("status"),
        }
        items = outcome.items or outcome.completed_output
        return RawResult(
            images=images,
            response=response,
            retry_count=outcome.retries,
            auth={k: v for k, v in self.auth_summary(outcome).items() if k != "account_id"},
            request_summary={"operation": "responses", "model": body.get("model")},
            output_items=[item_summary(item) for item in items],
        )

    def auth_summary(self, outcome: CodexOutcome) -> dict[str, Any]:
        return {"source": self.tokens.source, "auth_file": str(self.tokens.location),
                "account_id": outcome.account_id, "refreshed": outcome.refreshed}

    async def refresh(self, emit: EmitFn) -> CodexTokens:
        """A proactive OAuth refresh (``auth refresh``): the same flow as on a 401."""
        return await refresh_tokens(
            http=self.http, token_url=self.token_url, store=self.tokens,
            current=self.tokens.load(), emit=emit, lock=self.refresh_lock,
            user_agent=USER_AGENT,
        )

    async def call(self, body: dict[str, Any], ctx: RunContext) -> CodexOutcome:
        """POST ``body`` (verbatim) with refresh-on-401 and retries; return the stream state."""
        tokens = self.tokens.load()
        ctx.add_secret(*tokens.secrets())
        account = tokens.resolved_account_id()  # invalid_jwt before any HTTP call
        refreshed = False

        async def once() -> CodexOutcome:
            await self._emit_start(ctx)
            outcome = await self._stream(body, tokens, account, ctx)
            if outcome.error is not None and not outcome.image_items():
                raise AppError("request_failed", error_message(outcome.error),
                               redact(outcome.error),
                               retryable=False if is_final_error(outcome.error) else None)
            return outcome

        async def attempt() -> CodexOutcome:
            nonlocal tokens, account, refreshed
            try:
                return await once()
            except AppError as error:
                if error.upstream_status != 401 or refreshed:
                    raise
            refreshed = True
            try:
                tokens = await refresh_tokens(
                    http=self.http, token_url=self.token_url, store=self.tokens, current=tokens,
                    emit=ctx.emit, lock=self.refresh_lock, user_agent=USER_AGENT,
                )
            except AppError as error:
                error.retryable = False  # refresh errors abort the command at once
                raise
            ctx.add_secret(*tokens.secrets())
            account = tokens.resolved_account_id()
            return await once()

        outcome, retries = await with_retries(attempt, self.retry, ctx.emit, "codex")
        if outcome.image_items():
            await ctx.spool_raw(outcome.spool_body())
        outcome.retries = retries
        outcome.refreshed = refreshed
        outcome.account_id = account
        await ctx.emit("progress", "request_completed", progress(
            "codex", "request_completed", "Codex response payload received.", percent=97,
            response_id=outcome.response.get("id"), image_count=len(outcome.image_items())))
        return outcome

    async def _emit_start(self, ctx: RunContext) -> None:
        await ctx.emit("local", "request.started",
                       {"provider": "codex", "endpoint": self.endpoint})
        await ctx.emit("progress", "request_started", progress(
            "codex", "request_started", "Codex image request sent.", percent=0,
            endpoint=self.endpoint))

    async def _stream(
        self, body: dict[str, Any], tokens: CodexTokens, account: str, ctx: RunContext
    ) -> CodexOutcome:
        headers = {
            "Authorization": f"Bearer {tokens.access_token}",
            "ChatGPT-Account-ID": account,
            "Content-Type": "application/json",
            "Accept": "text/event-stream",
            "originator": "codex_desktop",
            "User-Agent": USER_AGENT,
        }
        payload = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        outcome = CodexOutcome()
        try:
            async with asyncio.timeout(self.timeout), self.http.stream(
                "POST", self.endpoint, content=payload, headers=headers, timeout=self.timeout
            ) as response:
                if not response.is_success:
                    raw = b""
                    async for chunk in response.aiter_bytes():
                        raw += chunk
                        if len(raw) >= MAX_ERROR_BODY:
                            break
                    raise AppError(
                        "http_error", f"HTTP {response.status_code}",
                        redact(raw[:MAX_ERROR_BODY].decode("utf-8", "replace"),
                               tokens.secrets()),
                        upstream_status=response.status_code,
                        retry_after=parse_retry_after(response.headers.get("retry-after")),
                    )
                await read_events(response, outcome, ctx)
        except TimeoutError as exc:
            raise AppError("network_error", "Codex request failed.",
                           {"error": f"timed out after {self.timeout:g}s"}) from exc
        except httpx.HTTPError as exc:
            raise AppError("network_error", "Codex request failed.",
                           {"error": str(exc) or type(exc).__name__}) from exc
        return outcome
