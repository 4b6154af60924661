"""Typed shapes of the jobs API (spec/web.md §5): requests, jobs, events, pages."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..providers.sizes import normalize_size

__all__ = [
    "TERMINAL_EVENT_TYPES",
    "TERMINAL_STATUSES",
    "ActiveJobsResponse",
    "DeleteJobResponse",
    "EditRequest",
    "EnqueueResponse",
    "GenerateRequest",
    "ImageUpload",
    "Job",
    "JobDetail",
    "JobError",
    "JobEvent",
    "JobOutput",
    "JobPageResponse",
    "QueueSnapshot",
    "RawRequest",
    "ReferenceImage",
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
    instructions: str | None = Field(default=None, description="Codex only: system instructions")

    @field_validator("size")
    @classmethod
    def _size(cls, value: str | None) -> str | None:
        return None if value is None else normalize_size(value)


class ImageUpload(BaseModel):
    """One input image: exactly one of ``data_base64`` (base64 or a ``data:image/`` URL),
    ``bytes`` (integers 0..255, as the reference UI sends) or ``url`` (https only)."""

    name: str | None = Field(default=None, description="Original file name (informational)")
    data_base64: str | None = None
    bytes: list[int] | None = None
    url: str | None = Field(default=None, description="https URL fetched by the server")


class EditRequest(GenerateRequest):
    """Body of ``POST /api/images/edit``: generate fields plus 1–16 references and a mask."""

    input_fidelity: Literal["high", "low"] | None = None
    refs: list[ImageUpload] = Field(description="Reference images in order (1–16)")
    mask: ImageUpload | None = Field(
        default=None, description="PNG with alpha, same size as refs[0] (native-mask providers)"
    )
    selection_hint: ImageUpload | None = Field(
        default=None,
        description="The target with the selection painted on it (soft-selection providers): "
                    "sent as one more reference image after refs",
    )


class RawRequest(BaseModel):
    """Body of ``POST /api/requests``: the raw escape hatch (``request create``)."""

    operation: Literal["responses", "generate", "edit"] = "responses"
    body: dict[str, Any] = Field(description="Forwarded to the upstream (edit: made multipart)")
    provider: str | None = None
    expect_image: bool = False
    body_file: str | None = Field(default=None, description="Label recorded in the payload")


class DeleteJobResponse(BaseModel):
    ok: bool = True
    command: Literal["history delete"] = "history delete"
    job_id: str
    deleted: int


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


class ActiveJobsResponse(BaseModel):
    """``GET /api/jobs/active``: every queued/running/uploading job, newest first."""

    history_file: str
    jobs: list[Job]
