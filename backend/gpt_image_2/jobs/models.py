"""Typed shapes of the jobs API (spec/web.md §5): requests, jobs, events, pages."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..providers.sizes import normalize_size

__all__ = [
    "EnqueueResponse",
    "GenerateRequest",
    "Job",
    "JobDetail",
    "JobError",
    "JobEvent",
    "JobOutput",
    "JobPageResponse",
    "QueueSnapshot",
    "ReferenceImage",
    "TERMINAL_EVENT_TYPES",
    "TERMINAL_STATUSES",
]

TERMINAL_STATUSES = frozenset({"completed", "partial_failed", "failed", "cancelled", "canceled"})
TERMINAL_EVENT_TYPES = frozenset(
    {"job.completed", "job.partial_failed", "job.failed", "job.cancelled", "job.canceled"}
)

Quality = Literal["auto", "low", "medium", "high", "xhigh", "max"]
Format = Literal["png", "jpeg", "webp"]
Background = Literal["auto", "transparent", "opaque"]
Moderation = Literal["auto", "low"]


class GenerateRequest(BaseModel):
    """Body of ``POST /api/images/generate``. Unknown fields are ignored."""

    model_config = ConfigDict(extra="ignore")

    prompt: str = Field(description="What to draw. Must not be blank.")
    provider: str | None = Field(default=None, description="auto, openai, codex or a name")
    model: str | None = None
    size: str | None = Field(default=None, description="auto, 2K, 4K or WIDTHxHEIGHT")
    quality: Quality | None = None
    format: Format | None = None
    background: Background | None = None
    n: int | None = Field(default=None, ge=1, le=16)
    compression: int | None = Field(default=None, ge=0, le=100)
    moderation: Moderation | None = None

    @field_validator("size")
    @classmethod
    def _size(cls, value: str | None) -> str | None:
        return None if value is None else normalize_size(value)


class JobOutput(BaseModel):
    index: int
    path: str | None = None
    bytes: int | None = None
    uploads: list[dict[str, Any]] | None = None


class ReferenceImage(BaseModel):
    index: int
    path: str


class JobError(BaseModel):
    model_config = ConfigDict(extra="allow")

    code: str | None = None
    message: str
    detail: Any = None


class Job(BaseModel):
    id: str
    command: str
    provider: str
    status: str
    created_at: str
    updated_at: str
    metadata: dict[str, Any] | None
    outputs: list[JobOutput]
    output_path: str | None
    reference_images: list[ReferenceImage]
    storage_status: str
    error: JobError | None


class JobEvent(BaseModel):
    seq: int
    kind: str
    type: str
    data: dict[str, Any]


class QueueSnapshot(BaseModel):
    max_parallel: int
    running: int
    queued: int
    queued_job_ids: list[str]


class EnqueueResponse(BaseModel):
    job_id: str
    job: Job
    events: list[JobEvent]
    queue: QueueSnapshot
    queued: bool = True


class JobDetail(BaseModel):
    history_file: str
    job: Job
    events: list[JobEvent]


class JobPageResponse(BaseModel):
    history_file: str
    jobs: list[Job]
    next_cursor: str | None
    has_more: bool
    total: int
