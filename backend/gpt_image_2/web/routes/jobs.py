"""Job history, outputs, files, recovery, the live event stream and cancellation."""

from __future__ import annotations

import mimetypes
from collections.abc import AsyncIterator
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Header, Query
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from sse_starlette import EventSourceResponse

from ...jobs.models import (
    ActiveJobsResponse,
    DeleteJobResponse,
    EnqueueResponse,
    Job,
    JobDetail,
    JobPageResponse,
    QueueSnapshot,
)
from ...jobs.recovery import RecoveryDescriptor
from ...jobs.resume import ResumeRequest, ResumeResponse
from ..deps import Service

router = APIRouter(tags=["jobs"])


@router.get("/jobs", response_model=JobPageResponse)
async def list_jobs(
    service: Service,
    limit: Annotated[int, Query(ge=1, le=200)] = 100,
    cursor: str | None = None,
    status: str | None = None,
    q: str | None = None,
    query: str | None = None,
    provider: Annotated[str | None, Query(description="exact provider name")] = None,
    command: Annotated[list[str] | None, Query(
        description="exact command, e.g. images edit; repeat it to match any of several")] = None,
) -> JobPageResponse:
    """History, newest first; ``cursor`` pages to older jobs."""
    return await service.list_jobs(limit=limit, cursor=cursor, status=status, query=q or query,
                                   provider=provider, command=command)


# Literal paths before /jobs/{job_id} (spec/web.md §6).
@router.get("/jobs/active", response_model=ActiveJobsResponse)
async def active_jobs(service: Service) -> ActiveJobsResponse:
    """Every queued, running or uploading job, newest first (no paging)."""
    return await service.active_jobs()


class InterruptedJobsResponse(BaseModel):
    jobs: list[RecoveryDescriptor]


@router.get("/jobs/interrupted", response_model=InterruptedJobsResponse)
async def interrupted_jobs(service: Service) -> InterruptedJobsResponse:
    """Recovery descriptors of every job interrupted by a restart, not yet dismissed."""
    return InterruptedJobsResponse(jobs=await service.interrupted())


@router.get("/jobs/{job_id}", response_model=JobDetail)
async def get_job(job_id: str, service: Service) -> JobDetail:
    return await service.job_detail(job_id)


@router.delete("/jobs/{job_id}", response_model=DeleteJobResponse)
async def delete_job(job_id: str, service: Service) -> DeleteJobResponse:
    """Delete a history row with its events (``history delete``); files stay on disk."""
    return await service.delete_job(job_id)


@router.post("/jobs/{job_id}/cancel", response_model=Job)
async def cancel_job(job_id: str, service: Service) -> Job:
    return await service.cancel(job_id)


@router.get(
    "/jobs/{job_id}/outputs/{index}",
    response_class=FileResponse,
    responses={200: {"content": {"image/png": {}, "image/jpeg": {}, "image/webp": {}}}},
)
async def get_output(job_id: str, index: int, service: Service) -> FileResponse:
    path = await service.output_file(job_id, index)
    media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileResponse(
        path,
        media_type=media,
        filename=path.name,
        content_disposition_type="inline",
        headers={"Cache-Control": "private, max-age=31536000"},
    )


@router.get(
    "/jobs/{job_id}/events",
    response_class=EventSourceResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def job_events(
    job_id: str,
    service: Service,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
    after: Annotated[int | None, Query(ge=0)] = None,
) -> EventSourceResponse:
    """Server-sent events: replay after ``Last-Event-ID`` (or ``after``), then live, then end."""
    start = after or 0
    if last_event_id and last_event_id.strip().isdigit():
        start = int(last_event_id.strip())
    await service.require_job(job_id)  # 404 before the stream starts

    async def stream() -> AsyncIterator[dict[str, Any]]:
        async for event in service.follow(job_id, start):
            yield {"event": event.type, "id": str(event.seq), "data": event.model_dump_json()}

    return EventSourceResponse(stream(), ping=15)


@router.get("/queue", response_model=QueueSnapshot)
async def queue(service: Service) -> QueueSnapshot:
    return service.queue_snapshot()


class Concurrency(BaseModel):
    max_parallel: int = Field(ge=1, le=16)


@router.post("/queue/concurrency", response_model=QueueSnapshot)
async def set_concurrency(body: Concurrency, service: Service) -> QueueSnapshot:
    """How many jobs run at once (process-wide; a restart goes back to the setting)."""
    return service.set_max_parallel(body.max_parallel)


@router.get("/jobs/{job_id}/recovery", response_model=RecoveryDescriptor)
async def job_recovery(job_id: str, service: Service) -> RecoveryDescriptor:
    """How a failed job can be recovered, from the evidence in its folder."""
    return await service.recovery_descriptor(job_id)


@router.post("/jobs/{job_id}/resume", response_model=ResumeResponse)
async def resume_job(job_id: str, body: ResumeRequest, service: Service) -> ResumeResponse:
    """Run one recovery action offered by ``GET /jobs/{job_id}/recovery`` (or ``discard``)."""
    return await service.resume(job_id, body.action)


def content_disposition(name: str, kind: str = "inline") -> str:
    """RFC 6266: an ASCII ``filename`` fallback plus the exact name as ``filename*``."""
    fallback = "".join(c if " " <= c <= "~" and c not in '"\\' else "_" for c in name)
    encoded = quote(name, safe="")
    return f"{kind}; filename=\"{fallback or 'image.png'}\"; filename*=UTF-8''{encoded}"


@router.get(
    "/files",
    response_class=FileResponse,
    responses={200: {"content": {"image/png": {}, "image/jpeg": {}, "image/webp": {},
                                 "application/octet-stream": {}}}},
)
async def get_file(
    service: Service,
    path: Annotated[str, Query(description="absolute path of a file in the jobs folder")],
) -> FileResponse:
    """A file produced by this service, by absolute path (history rows name outputs so)."""
    resolved = await service.job_file(path)
    name = resolved.name or "image.png"
    media = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(resolved, media_type=media, headers={
        "Content-Disposition": content_disposition(name),
        "Cache-Control": "private, max-age=31536000",
        "X-Content-Type-Options": "nosniff",
    })


@router.post("/jobs/{job_id}/retry", response_model=EnqueueResponse)
async def retry_job(job_id: str, service: Service) -> EnqueueResponse:
    """Run a finished job again as a new job with the same parameters (a new upstream call)."""
    return await service.retry(job_id)


@router.get(
    "/jobs/{job_id}/refs/{index}",
    response_class=FileResponse,
    responses={200: {"content": {"image/png": {}, "image/jpeg": {}, "image/webp": {}}}},
)
async def get_reference(job_id: str, index: int, service: Service) -> FileResponse:
    path = await service.reference_file(job_id, index)
    media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileResponse(path, media_type=media, filename=path.name,
                        content_disposition_type="inline",
                        headers={"Cache-Control": "private, max-age=31536000"})
