"""Image submission routes."""

from __future__ import annotations

from fastapi import APIRouter

from ...jobs.models import EnqueueResponse, GenerateRequest
from ..deps import Overrides, Service

router = APIRouter(tags=["images"])


@router.post("/images/generate", response_model=EnqueueResponse)
async def generate(body: GenerateRequest, service: Service, overrides: Overrides) -> EnqueueResponse:
    """Queue a text-to-image job; progress follows on ``/api/jobs/{id}/events``."""
    return await service.submit_generate(body, overrides)
