"""Storage settings (spec/web.md §6.2): save, and probe a target (``local`` only)."""

from __future__ import annotations

from fastapi import APIRouter

from ...config.models import StorageSettings, StorageTestBody, StorageTestResult
from ...console.models import ServerConfig
from ..deps import Console
from .config import ConfigSettings

__all__ = ["router"]

router = APIRouter(tags=["storage"])


@router.put("/storage", response_model=ServerConfig)
async def put_storage(body: StorageSettings, config: ConfigSettings,
                      console: Console) -> ServerConfig:
    """Save the storage section. Empty secrets keep the stored values; the submitted
    ``policy`` is ignored (the stored one is kept and enforced)."""
    await config.save_storage(body)
    return await console.server_config()


@router.post("/storage/{name}/test", response_model=StorageTestResult)
async def test_storage(name: str, body: StorageTestBody,
                       config: ConfigSettings) -> StorageTestResult:
    """Probe a draft (``target``) or the saved target. ``local`` folders get a write probe;
    remote types answer ``unsupported`` (this server does not upload to remote storage)."""
    return await config.test_storage(name, body)
