"""The server's JSONL log (spec/web.md §6.2 ``GET /logs``, §9.6)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ...config.models import LogsPayload
from .config import ConfigSettings

__all__ = ["router"]

router = APIRouter(tags=["logs"])


@router.get("/logs", response_model=LogsPayload)
async def get_logs(
    config: ConfigSettings,
    limit: Annotated[int, Query(description="1..5000 (clamped)")] = 500,
    level: Annotated[str | None, Query(
        max_length=20, description="minimum: debug | info | warn | warning | error")] = None,
) -> LogsPayload:
    """The newest ``limit`` entries at or above ``level``, oldest first, across rolled files."""
    return await config.logs(limit, level)
