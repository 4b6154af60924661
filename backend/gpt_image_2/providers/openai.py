"""OpenAI Images API and OpenAI-compatible bases (spec/providers.md §1–2).

``POST {base}/images/generations`` (JSON) and ``POST {base}/images/edits``
(multipart with ``image[]`` parts and an optional ``mask``). All HTTP goes
through the injected ``httpx.AsyncClient``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx

from .. import __version__
from ..errors import AppError
from ..redact import redact
from .base import (
    Capabilities,
    ImageInput,
    ImageRequest,
    ImageResult,
    RawResult,
    RunContext,
    progress,
)
from .images import decode_b64_image
from .retry import RetryPolicy, parse_retry_after, with_retries
from .sources import download_image, load_source

__all__ = ["OPENAI_OPTIONS", "USER_AGENT", "OpenAIImagesProvider"]

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
    retry: RetryPolicy = field(default_factory=RetryPolicy)
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
        if request.operation == "edit" and not request.references:
            raise AppError(
                "missing_image_result", "OpenAI edit requests require at least one input image."
            )
        raw, retries = await self.call(
            request.operation, self.body(request), request.references, request.mask, ctx
        )
        payload, images, revised = await self.decode(raw, ctx)
        if not images:
            raise AppError(
                "missing_image_result", "The response did not include a generated image."
            )
        response_summary = self.response_summary(payload, revised)
        response_summary["image_count"] = len(images)
        return ImageResult(
            images=images,
            response=response_summary,
            revised_prompts=revised,
            retry_count=retries,
            auth=self.auth_summary(),
            request_summary=self.request_summary(request),
        )

    async def run_raw(self, operation: str, body: dict[str, Any], ctx: RunContext) -> RawResult:
        """``request create``: POST a caller-supplied body (edit bodies become multipart)."""
        refs: list[ImageInput] = []
        mask: ImageInput | None = None
        send_body = body
        if operation == "edit":
            refs, mask = await self._raw_sources(body)
            if not refs:
                raise AppError(
                    "missing_image_result",
                    "OpenAI edit requests require at least one input image.",
                )
            send_body = {k: body[k] for k in _EDIT_FIELDS if _is_scalar(body.get(k))}
        raw, retries = await self.call(operation, send_body, refs, mask, ctx)
        payload, images, revised = await self.decode(raw, ctx)
        return RawResult(
            images=images,
            response=self.response_summary(payload, revised),
            retry_count=retries,
            auth=self.auth_summary(),
            request_summary={"operation": operation, "model": body.get("model")},
        )

    def auth_summary(self) -> dict[str, Any]:
        return {"source": self.auth_source, "env_var": "OPENAI_API_KEY", "refreshed": False}

    async def _raw_sources(
        self, body: dict[str, Any]
    ) -> tuple[list[ImageInput], ImageInput | None]:
        sources: list[str] = []
        images = body.get("images")
        if isinstance(images, list):
            for item in images:
                value = item.get("image_url") if isinstance(item, dict) else item
                if isinstance(value, str):
                    sources.append(value)
        elif isinstance(body.get("image"), str):
            sources.append(body["image"])
        mask_value = body.get("mask")
        if isinstance(mask_value, dict):
            mask_value = mask_value.get("image_url")
        refs = [
            await load_source(self.http, src, f"image-{i + 1}", max_bytes=self.max_download_bytes,
                              timeout=self.timeout, user_agent=USER_AGENT)
            for i, src in enumerate(sources)
        ]
        mask = None
        if isinstance(mask_value, str):
            mask = await load_source(self.http, mask_value, "mask",
                                     max_bytes=self.max_download_bytes, timeout=self.timeout,
                                     user_agent=USER_AGENT)
        return refs, mask

    async def call(
        self,
        operation: str,
        body: dict[str, Any],
        refs: list[ImageInput],
        mask: ImageInput | None,
        ctx: RunContext,
    ) -> tuple[bytes, int]:
        """Send one request with retries; return the raw 2xx body (spooled) and retries used."""
        url = self.endpoint(operation)
        multipart = operation == "edit"

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
            return await self._send(url, body, refs, mask, multipart)

        response, retries = await with_retries(attempt, self.retry, ctx.emit, "openai")
        raw = response.content
        await ctx.spool_raw(raw)
        return raw, retries

    async def _send(
        self,
        url: str,
        body: dict[str, Any],
        refs: list[ImageInput],
        mask: ImageInput | None,
        multipart: bool,
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.api_key}", "User-Agent": USER_AGENT}
        failure = "OpenAI multipart request failed." if multipart else "OpenAI request failed."
        try:
            if multipart:
                data = {k: _form_value(body[k]) for k in _EDIT_FIELDS if k in body}
                files: list[tuple[str, tuple[str, bytes, str]]] = [
                    ("image[]", (ref.filename, ref.data, ref.mime)) for ref in refs
                ]
                if mask is not None:
                    files.append(("mask", (mask.filename, mask.data, mask.mime)))
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

    async def decode(
        self, raw: bytes, ctx: RunContext
    ) -> tuple[dict[str, Any], list[bytes], list[str]]:
        """Parse an Images API body: (payload, decoded images, revised prompts)."""
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
        data = payload.get("data")
        items: list[Any] = data if isinstance(data, list) else []
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
        return payload, images, revised

    def response_summary(self, payload: dict[str, Any], revised: list[str]) -> dict[str, Any]:
        return {
            "created": payload.get("created"),
            "background": payload.get("background"),
            "output_format": payload.get("output_format"),
            "quality": payload.get("quality"),
            "size": payload.get("size"),
            "usage": redact(payload.get("usage"), [self.api_key]),
            "revised_prompts": revised,
        }

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
        """Fetch a provider-returned result URL with a size cap.

        A URL on the provider's own origin is as trusted as the provider; any other
        must be HTTPS to a public address (the same guard and address pinning as
        reference-image URLs), so a provider answer cannot point the server at its
        own network.
        """
        if not _same_origin(url, self.api_base):
            data, _final = await download_image(
                self.http, url, max_bytes=self.max_download_bytes, timeout=self.timeout,
                user_agent=USER_AGENT, insecure_message="Provider image URLs must use HTTPS.")
            return data
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


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool))


def _form_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _same_origin(url: str, base: str) -> bool:
    try:
        a, b = httpx.URL(url), httpx.URL(base)
    except (httpx.InvalidURL, TypeError):
        return False
    return (a.scheme, a.host, a.port) == (b.scheme, b.host, b.port)


def _describe(exc: httpx.HTTPError, url: str) -> str:
    kind = type(exc).__name__
    text = str(exc).strip()
    if isinstance(exc, httpx.TimeoutException):
        return f"request timed out ({kind}) for url ({url})"
    return f"{kind}: {text} for url ({url})" if text else f"{kind} for url ({url})"
