"""``/api/transparent/*``: verify and extract (synchronous), generate (a queued job)."""

from __future__ import annotations

import mimetypes
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse

from ...jobs.models import EnqueueResponse
from ...transparent.models import (
    TransparentExtractRequest,
    TransparentExtractResponse,
    TransparentGenerateRequest,
    TransparentVerifyRequest,
    TransparentVerifyResponse,
)
from ...transparent.service import IMAGING_THREADS, TransparentService
from ..deps import Overrides
from ..errors import ErrorEnvelope

router = APIRouter(prefix="/transparent", tags=["transparent"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorEnvelope, "description": "invalid_argument, image_read_failed, "
          "image_decode_failed, transparent_input_mismatch, unsupported_option"},
    413: {"model": ErrorEnvelope, "description": "payload_too_large"},
    422: {"model": ErrorEnvelope, "description": "transparent_verification_failed (strict), "
          "or a malformed body"},
}


async def _transparent(request: Request) -> TransparentService:
    """One imaging limiter per app, created on first use (on the event loop: no race)."""
    state = request.app.state
    limiter = getattr(state, "transparent_limiter", None)
    if limiter is None:
        limiter = anyio.CapacityLimiter(IMAGING_THREADS)
        state.transparent_limiter = limiter
    return TransparentService(state.service, limiter)


Transparent = Annotated[TransparentService, Depends(_transparent)]


@router.post("/verify", response_model=TransparentVerifyResponse, responses=_ERRORS)
async def verify(body: TransparentVerifyRequest, service: Transparent) -> TransparentVerifyResponse:
    """Gate an image with one of the nine profiles (``transparent verify``)."""
    return await service.verify(body)


@router.post("/extract", response_model=TransparentExtractResponse, responses=_ERRORS)
async def extract(
    body: TransparentExtractRequest, service: Transparent
) -> TransparentExtractResponse:
    """Key a matte source (chroma) or a black/white pair (dual) into an RGBA PNG and verify it.

    The PNG is kept as a finished history job (``transparent extract``); fetch it
    from ``output.url`` (``/api/jobs/{job_id}/outputs/0``).
    """
    return await service.extract(body)


@router.post("/generate", response_model=EnqueueResponse, responses=_ERRORS)
async def generate(
    body: TransparentGenerateRequest, service: Transparent, overrides: Overrides
) -> EnqueueResponse:
    """Queue ``transparent generate``: a source on a flat matte, extracted and verified.

    Progress follows on ``/api/jobs/{id}/events``; the result (``out.png``,
    ``report.json``, the ``extraction``/``verification`` objects) is in the job.
    """
    return await service.submit_generate(body, overrides)


@router.get(
    "/jobs/{job_id}/source",
    response_class=FileResponse,
    responses={200: {"content": {"image/png": {}, "image/jpeg": {}, "image/webp": {}}},
               404: {"model": ErrorEnvelope, "description": "output_not_found"}},
)
async def source(job_id: str, service: Transparent) -> FileResponse:
    """The provider's source image of a ``transparent generate`` job run with ``keep_source``."""
    path = await service.source_file(job_id)
    media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileResponse(path, media_type=media, filename=path.name,
                        content_disposition_type="inline")
