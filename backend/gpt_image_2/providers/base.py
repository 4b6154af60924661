"""Provider-neutral request/result types and the provider protocol.

A provider turns an :class:`ImageRequest` into an :class:`ImageResult`, calling
``ctx.emit`` for the progress events of spec/protocol.md §3.3 and
``ctx.spool_raw`` with the raw upstream body before decoding it (so a crash
after the provider answered never pays for the same image twice).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

__all__ = [
    "Capabilities",
    "EmitFn",
    "ImageInput",
    "ImageProvider",
    "ImageRequest",
    "ImageResult",
    "RawResult",
    "RunContext",
    "progress",
]

EmitFn = Callable[[str, str, dict[str, Any]], Awaitable[None]]
"""``await emit(kind, type, data)`` with kind ``local`` | ``progress`` | ``sse``."""

Operation = Literal["generate", "edit"]


@dataclass(frozen=True)
class ImageInput:
    """One reference image or mask: raw bytes plus the name and MIME type to send."""

    data: bytes
    filename: str
    mime: str


@dataclass
class ImageRequest:
    operation: Operation
    prompt: str
    model: str | None = None
    size: str | None = None
    quality: str | None = None
    format: str | None = None
    background: str | None = None
    compression: int | None = None
    n: int | None = None
    moderation: str | None = None
    input_fidelity: str | None = None
    instructions: str | None = None
    references: list[ImageInput] = field(default_factory=list)
    mask: ImageInput | None = None


@dataclass
class ImageResult:
    images: list[bytes]
    response: dict[str, Any]
    revised_prompts: list[str] = field(default_factory=list)
    retry_count: int = 0
    auth: dict[str, Any] = field(default_factory=dict)
    request_summary: dict[str, Any] = field(default_factory=dict)


@dataclass
class RawResult:
    """Outcome of a ``request create`` call: images found plus response summaries."""

    images: list[bytes]
    response: dict[str, Any]
    retry_count: int = 0
    auth: dict[str, Any] = field(default_factory=dict)
    request_summary: dict[str, Any] = field(default_factory=dict)
    output_items: list[dict[str, Any]] | None = None


@dataclass(frozen=True)
class Capabilities:
    family: Literal["openai", "codex"]
    supports_n: bool
    edit_region_mode: str
    options: frozenset[str]


async def _no_spool(_body: bytes) -> None:
    return None


def _no_secret(*_values: str | None) -> None:
    return None


@dataclass
class RunContext:
    emit: EmitFn
    spool_raw: Callable[[bytes], Awaitable[None]] = _no_spool
    add_secret: Callable[..., None] = _no_secret
    """Register secrets learnt during the call (e.g. refreshed tokens) for redaction."""


class ImageProvider(Protocol):
    name: str
    capabilities: Capabilities

    async def run(self, request: ImageRequest, ctx: RunContext) -> ImageResult: ...


def progress(
    family: str, phase: str, message: str, *, status: str = "running", percent: int | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The ``data`` of a ``kind: progress`` event (spec/protocol.md §3.2)."""
    data: dict[str, Any] = {
        "provider": family,
        "phase": phase,
        "status": status,
        "message": message,
        **extra,
    }
    if percent is not None:
        data["percent"] = percent
    return data
