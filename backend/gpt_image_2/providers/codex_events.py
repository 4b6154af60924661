"""Reading the Codex SSE stream (spec/providers.md §3.3) into a :class:`CodexOutcome`.

Line rule: ``data:`` lines are joined without separator, a blank line dispatches,
other fields are ignored, leftover data is dispatched at EOF. Every event is
re-emitted as ``kind: "sse"`` (the bus redacts base64) and mapped to progress events.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx

from ..errors import AppError
from ..redact import redact
from .base import RunContext, progress

__all__ = [
    "CodexOutcome",
    "error_message",
    "is_final_error",
    "item_summary",
    "read_events",
]

# Error codes/types that mean "the request itself was refused": retrying cannot help.
_FINAL_ERROR_HINTS = ("moderation", "content_policy", "safety", "invalid_request", "policy")


@dataclass
class CodexOutcome:
    """What one Codex call produced, before images are decoded."""

    response: dict[str, Any] = field(default_factory=dict)
    items: list[dict[str, Any]] = field(default_factory=list)
    completed_output: list[dict[str, Any]] = field(default_factory=list)
    error: Any = None
    retries: int = 0
    refreshed: bool = False
    account_id: str | None = None

    def image_items(self) -> list[dict[str, Any]]:
        found = [i for i in self.items if _is_image(i)]
        if not found:  # harvest response.completed output when no output_item.done had them
            found = [i for i in self.completed_output if _is_image(i)]
        return found

    def summary(self) -> dict[str, Any]:
        images = self.image_items()
        return {
            "response_id": self.response.get("id"),
            "model": self.response.get("model"),
            "service_tier": self.response.get("service_tier"),
            "status": self.response.get("status"),
            "image_count": len(images),
            "item_ids": [i.get("id") for i in images],
            "revised_prompts": [i["revised_prompt"] for i in images
                                if isinstance(i.get("revised_prompt"), str)],
        }


    def spool_body(self) -> bytes:
        """The answer as one Responses API object (``output``: the image items with their
        base64 results): what the runner spools before decoding, so a crash after the
        stream ended never pays for the images again (jobs/recovery.py reads it back)."""
        head = {key: self.response.get(key)
                for key in ("id", "model", "status", "service_tier", "created_at")}
        document = {"object": "response", **head, "output": self.image_items()}
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _is_image(item: Any) -> bool:
    return (isinstance(item, dict) and item.get("type") == "image_generation_call"
            and isinstance(item.get("result"), str))


def _merge(items: list[dict[str, Any]], item: Any) -> None:
    if not isinstance(item, dict):
        return
    for index, existing in enumerate(items):
        if item.get("id") is not None and existing.get("id") == item.get("id"):
            items[index] = item
            return
    items.append(item)


def error_message(error: Any) -> str:
    if not isinstance(error, dict):
        return "Image generation failed without structured error details."
    message = str(error.get("message") or "")
    code = error.get("code")
    if code:
        return f"{code}: {message}"
    return message or "Image generation failed without structured error details."


def is_final_error(error: Any) -> bool:
    if not isinstance(error, dict):
        return False
    text = f"{error.get('code') or ''} {error.get('type') or ''}".lower()
    return any(hint in text for hint in _FINAL_ERROR_HINTS)


_ITEM_KEYS = ("action", "background", "output_format", "quality", "size", "revised_prompt")


def item_summary(item: dict[str, Any]) -> dict[str, Any]:
    """``output_items[]`` entry of ``request create`` (protocol.md §4.10)."""
    summary: dict[str, Any] = {k: item.get(k) for k in ("id", "type", "status")}
    summary.update({k: item[k] for k in _ITEM_KEYS if k in item})
    if isinstance(item.get("result"), str):
        summary["result"] = {"_omitted": "base64", "base64_chars": len(item["result"])}
    return summary


async def read_events(response: httpx.Response, outcome: CodexOutcome, ctx: RunContext) -> None:
    """Consume the stream into ``outcome``; ``request_failed`` when it cannot be read."""
    data: list[str] = []
    try:
        async for line in response.aiter_lines():
            if line == "":
                if data:
                    await _dispatch("".join(data), outcome, ctx)
                    data = []
            elif line.startswith("data:"):
                data.append(line[5:].lstrip())
        if data:
            await _dispatch("".join(data), outcome, ctx)
    except httpx.HTTPError as exc:
        raise AppError("request_failed", "Unable to read Codex SSE response.",
                       {"error": str(exc) or type(exc).__name__}) from exc


async def _dispatch(payload: str, outcome: CodexOutcome, ctx: RunContext) -> None:
    if payload == "[DONE]":
        await ctx.emit("sse", "done", {"raw": "[DONE]"})
        return
    try:
        event = json.loads(payload)
    except ValueError as exc:
        raise AppError("request_failed", "Unable to parse Codex SSE event.",
                       {"error": str(exc), "payload": payload[:200]}) from exc
    if not isinstance(event, dict):
        event = {"value": event}
    etype = event.get("type") if isinstance(event.get("type"), str) else "unknown"
    await ctx.emit("sse", str(etype), event)
    await _handle(str(etype), event, outcome, ctx)


async def _handle(etype: str, event: dict[str, Any], outcome: CodexOutcome,
                  ctx: RunContext) -> None:
    response = event.get("response") if isinstance(event.get("response"), dict) else None
    if etype == "response.created" and response is not None:
        outcome.response = response
        await ctx.emit("progress", "response_created", progress(
            "codex", "response_created", "Codex accepted the image request.", percent=15,
            response_id=response.get("id"), model=response.get("model")))
    elif etype == "response.output_item.done":
        _merge(outcome.items, event.get("item"))
        found = event.get("item")
        item: dict[str, Any] = found if isinstance(found, dict) else {}
        await ctx.emit("progress", "output_item_done", progress(
            "codex", "output_item_done", "Codex finished one output item.", percent=85,
            item_id=item.get("id"), item_type=item.get("type"),
            item_status=item.get("status"),
            image_count=sum(1 for i in outcome.items if _is_image(i))))
    elif etype == "error":
        outcome.error = event.get("error", event)
        await ctx.emit("progress", "request_failed", progress(
            "codex", "request_failed", "Codex reported an image generation error.",
            status="failed", error=redact(outcome.error)))
    elif etype == "response.failed":
        if response is not None:
            outcome.response = response
            for item in response.get("output") or []:
                _merge(outcome.items, item)
            if response.get("error") is not None:
                outcome.error = response.get("error")
        if outcome.error is None:
            outcome.error = {"message": "Codex marked the image request as failed."}
        await ctx.emit("progress", "request_failed", progress(
            "codex", "request_failed", "Codex marked the image request as failed.",
            status="failed", response_id=outcome.response.get("id"),
            error=redact(outcome.error)))
    elif etype == "response.completed" and response is not None:
        outcome.response = response
        output = response.get("output")
        outcome.completed_output = [o for o in output if isinstance(o, dict)] if isinstance(
            output, list) else []
        await ctx.emit("progress", "response_completed", progress(
            "codex", "response_completed", "Codex completed the server-side image response.",
            percent=95, response_id=response.get("id"),
            image_count=len(outcome.image_items())))
