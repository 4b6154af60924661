"""Image submission routes."""

from __future__ import annotations

from fastapi import APIRouter

from ...jobs.models import EditRequest, EnqueueResponse, GenerateRequest, RawRequest
from ..deps import Overrides, Service

router = APIRouter(tags=["images"])


@router.post("/images/generate", response_model=EnqueueResponse)
async def generate(
    body: GenerateRequest, service: Service, overrides: Overrides
) -> EnqueueResponse:
    """Queue a text-to-image job; progress follows on ``/api/jobs/{id}/events``."""
    return await service.submit_generate(body, overrides)


@router.post("/images/edit", response_model=EnqueueResponse)
async def edit(body: EditRequest, service: Service, overrides: Overrides) -> EnqueueResponse:
    """Queue an image edit: 1–16 references (base64, byte arrays or https URLs), optional mask."""
    return await service.submit_edit(body, overrides)


@router.post("/requests", response_model=EnqueueResponse, tags=["requests"])
async def raw_request(body: RawRequest, service: Service, overrides: Overrides) -> EnqueueResponse:
    """``request create``: forward a raw body to the OpenAI or Codex upstream as a job."""
    return await service.submit_request(body, overrides)
