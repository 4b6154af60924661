"""OpenAI Images API and OpenAI-compatible bases (spec/providers.md §1–2).

``POST {base}/images/generations`` (JSON) and ``POST {base}/images/edits``
(multipart with ``image[]`` parts and an optional ``mask``). All HTTP goes
through the injected ``httpx.AsyncClient``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from .. import __version__
from ..errors import AppError
from ..redact import redact
from .base import Capabilities, ImageRequest, ImageResult, RunContext, progress
from .images import decode_b64_image
from .retry import RetryPolicy, parse_retry_after, with_retries

__all__ = ["OPENAI_OPTIONS", "OpenAIImagesProvider", "USER_AGENT"]

USER_AGENT = f"gpt-image-2/{__version__}"
DEFAULT_MODEL = "gpt-image-2"
OPENAI_OPTIONS = frozenset(
    {"background", "size", "quality", "format", "compression", "n", "moderation", "mask",
     "input_fidelity"}
)
# Multipart text fields in wire order (spec/providers.md §1.4).
_EDIT_FIELDS = (
    "model", "prompt", "size", "quality", "background", "output_format",
    "output_compression", "n", "moderation", "input_fidelity",
)


@dataclass
class OpenAIImagesProvider:
    name: str
    api_base: str
    api_key: str
    http: httpx.AsyncClient
    capabilities: Capabilities
    model: str = DEFAULT_MODEL
    timeout: float = 300.0
    retry: RetryPolicy = RetryPolicy()
    max_download_bytes: int = 64 * 1024 * 1024
    auth_source: str = "env"

    def endpoint(self, operation: str) -> str:
        path = "images/generations" if operation == "generate" else "images/edits"
        return f"{self.api_base.rstrip('/')}/{path}"

    def body(self, request: ImageRequest) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": request.model or self.model or DEFAULT_MODEL,
            "prompt": request.prompt,
            "background": request.background or "auto",
        }
        optional = {
            "size": request.size,
            "quality": request.quality,
            "output_format": request.format,
            "output_compression": request.compression,
            "moderation": request.moderation,
        }
        if request.operation == "edit":
            optional["input_fidelity"] = request.input_fidelity
        if request.n is not None and self.capabilities.supports_n:
            optional["n"] = request.n
        body.update({k: v for k, v in optional.items() if v is not None})
        return body

    async def run(self, request: ImageRequest, ctx: RunContext) -> ImageResult:
        url = self.endpoint(request.operation)
        body = self.body(request)
        multipart = request.operation == "edit"
        if multipart and not request.references:
            raise AppError(
                "missing_image_result", "OpenAI edit requests require at least one input image."
            )

        async def attempt() -> httpx.Response:
            start: dict[str, Any] = {"endpoint": url, "provider": "openai"}
            if multipart:
                start["transport"] = "multipart"
            await ctx.emit("local", "request.started", dict(start))
            message = (
                "OpenAI multipart image edit request started."
                if multipart
                else "OpenAI image request sent."
            )
            extra = {"transport": "multipart"} if multipart else {}
            await ctx.emit(
                "progress",
                "request_started",
                progress("openai", "request_started", message, percent=0, endpoint=url, **extra),
            )
            if multipart:
                await ctx.emit(
                    "progress",
                    "multipart_prepared",
                    progress(
                        "openai",
                        "multipart_prepared",
                        "OpenAI multipart image payload prepared.",
                        percent=10,
                        transport="multipart",
                    ),
                )
            return await self._send(url, body, request, multipart)

        response, retries = await with_retries(attempt, self.retry, ctx.emit, "openai")
        raw = response.content
        await ctx.spool_raw(raw)
        return await self.parse(raw, ctx, retries, request)

    async def _send(
        self, url: str, body: dict[str, Any], request: ImageRequest, multipart: bool
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.api_key}", "User-Agent": USER_AGENT}
        failure = "OpenAI multipart request failed." if multipart else "OpenAI request failed."
        try:
            if multipart:
                data = {k: _form_value(body[k]) for k in _EDIT_FIELDS if k in body}
                files: list[tuple[str, tuple[str, bytes, str]]] = [
                    ("image[]", (ref.filename, ref.data, ref.mime)) for ref in request.references
                ]
                if request.mask is not None:
                    files.append(("mask", (request.mask.filename, request.mask.data, "image/png")))
                response = await self.http.post(
                    url, data=data, files=files, headers=headers, timeout=self.timeout
                )
            else:
                headers["Accept"] = "application/json"
                response = await self.http.post(
                    url, json=body, headers=headers, timeout=self.timeout
                )
        except httpx.HTTPError as exc:
            raise AppError(
                "network_error", failure, {"error": _describe(exc, url)}
            ) from exc
        if not response.is_success:
            raise AppError(
                "http_error",
                f"HTTP {response.status_code}",
                redact(response.text[:4000], [self.api_key]),
                upstream_status=response.status_code,
                retry_after=parse_retry_after(response.headers.get("retry-after")),
            )
        return response

    async def parse(
        self, raw: bytes, ctx: RunContext, retries: int, request: ImageRequest
    ) -> ImageResult:
        try:
            payload = json.loads(raw)
        except ValueError as exc:
            raise AppError(
                "invalid_json_response",
                "OpenAI Images API returned invalid JSON.",
                {"error": str(exc)},
            ) from exc
        if not isinstance(payload, dict):
            raise AppError(
                "invalid_json_response", "OpenAI Images API returned a non-object JSON payload."
            )
        items = payload.get("data") if isinstance(payload.get("data"), list) else []
        await ctx.emit(
            "progress",
            "request_completed",
            progress(
                "openai",
                "request_completed",
                "OpenAI image response received.",
                percent=95,
                created=payload.get("created"),
                image_count=len(items),
            ),
        )
        images: list[bytes] = []
        revised: list[str] = []
        for item in items:
            if not isinstance(item, dict):
                continue
            if isinstance(item.get("revised_prompt"), str):
                revised.append(item["revised_prompt"])
            if isinstance(item.get("b64_json"), str):
                images.append(decode_b64_image(item["b64_json"]))
            elif isinstance(item.get("url"), str):
                images.append(await self._download(item["url"]))
        if not images:
            raise AppError("missing_image_result", "The response did not include a generated image.")
        response_summary = {
            "created": payload.get("created"),
            "background": payload.get("background"),
            "output_format": payload.get("output_format"),
            "quality": payload.get("quality"),
            "size": payload.get("size"),
            "usage": redact(payload.get("usage"), [self.api_key]),
            "image_count": len(images),
            "revised_prompts": revised,
        }
        return ImageResult(
            images=images,
            response=response_summary,
            revised_prompts=revised,
            retry_count=retries,
            auth={"source": self.auth_source, "env_var": "OPENAI_API_KEY", "refreshed": False},
            request_summary=self.request_summary(request),
        )

    def request_summary(self, request: ImageRequest) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "operation": request.operation,
            "provider": "openai",
            "model": request.model or self.model or DEFAULT_MODEL,
            "background": request.background or "auto",
            "ref_image_count": len(request.references),
        }
        for key in ("size", "quality", "format", "compression", "n", "moderation"):
            value = getattr(request, key)
            if value is not None:
                summary[key] = value
        if request.mask is not None:
            summary["mask_present"] = True
        if request.input_fidelity is not None:
            summary["input_fidelity"] = request.input_fidelity
        return summary

    async def _download(self, url: str) -> bytes:
        """Fetch a provider-returned result URL with a size cap."""
        try:
            async with self.http.stream(
                "GET", url, headers={"User-Agent": USER_AGENT}, timeout=self.timeout
            ) as response:
                if not response.is_success:
                    raise AppError(
                        "http_error",
                        f"HTTP {response.status_code}",
                        f"image download failed ({response.status_code})",
                        upstream_status=response.status_code,
                    )
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > self.max_download_bytes:
                        raise AppError("network_error", "Downloaded image is too large.")
                    chunks.append(chunk)
                return b"".join(chunks)
        except httpx.HTTPError as exc:
            raise AppError(
                "network_error", "Unable to download image bytes.", {"error": _describe(exc, url)}
            ) from exc


def _form_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _describe(exc: httpx.HTTPError, url: str) -> str:
    kind = type(exc).__name__
    text = str(exc).strip()
    if isinstance(exc, httpx.TimeoutException):
        return f"request timed out ({kind}) for url ({url})"
    return f"{kind}: {text} for url ({url})" if text else f"{kind} for url ({url})"
