"""Configuration and provider routes (spec/web.md §6.2–6.3) plus the CLI's config views."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from ...config.models import (
    ConfigPaths,
    LoggingSettings,
    NotificationCapabilities,
    PathConfig,
    ProxySettings,
)
from ...config.service import ConfigService
from ...console.models import (
    ConfigInspectPayload,
    ConfigPathPayload,
    ProviderListPayload,
    ProviderRemoved,
    ProviderTestResult,
    ProviderUpsert,
    RevealedCredential,
    ServerConfig,
    SetDefaultBody,
)
from ..deps import Console, Overrides

__all__ = ["ConfigSettings", "router"]

router = APIRouter(tags=["config"])


def _config_service(request: Request) -> ConfigService:
    service: ConfigService = request.app.state.config_service
    return service


ConfigSettings = Annotated[ConfigService, Depends(_config_service)]


@router.get("/config", response_model=ServerConfig)
async def get_config(console: Console) -> ServerConfig:
    """The redacted config with the built-in providers injected (the SPA's view)."""
    return await console.server_config()


@router.get("/config/path", response_model=ConfigPathPayload)
async def config_path(console: Console) -> ConfigPathPayload:
    return console.config_path()


@router.get("/config/inspect", response_model=ConfigInspectPayload)
async def config_inspect(console: Console) -> ConfigInspectPayload:
    """The whole redacted document as stored (``config inspect``)."""
    return await console.config_inspect()


@router.get("/config-paths", response_model=ConfigPaths)
async def config_paths(config: ConfigSettings) -> ConfigPaths:
    """Absolute paths of the data root, config, history, result library, exports and logs."""
    return await config.config_paths()


@router.put("/proxy", response_model=ServerConfig)
async def put_proxy(body: ProxySettings, config: ConfigSettings, console: Console) -> ServerConfig:
    """Save the global proxy (``proxy_url_invalid`` on a bad custom URL); a URL sent back
    without ``user:password`` keeps the stored ones. Applies to the next provider call."""
    await config.save_proxy(body)
    return await console.server_config()


@router.put("/logging", response_model=ServerConfig)
async def put_logging(body: LoggingSettings, config: ConfigSettings,
                      console: Console) -> ServerConfig:
    """Switch the JSONL log between info and debug, live."""
    await config.save_logging(body)
    return await console.server_config()


@router.put("/paths", response_model=ServerConfig)
async def put_paths(body: PathConfig, config: ConfigSettings, console: Console) -> ServerConfig:
    """Save folder settings; custom folders must lie inside the allowed data roots and be
    writable. The app data folder cannot be changed over HTTP."""
    await config.save_paths(body)
    return await console.server_config()


@router.get("/notifications/capabilities", response_model=NotificationCapabilities,
            tags=["notifications"])
async def notification_capabilities(config: ConfigSettings) -> NotificationCapabilities:
    """Which notification channels this server has (no SMTP sender: ``email`` is false)."""
    return config.capabilities()


@router.get("/providers", response_model=ProviderListPayload)
async def list_providers(console: Console) -> ProviderListPayload:
    return await console.list_providers()


@router.post("/providers/default", response_model=ServerConfig)
async def set_default(body: SetDefaultBody, console: Console) -> ServerConfig:
    return await console.set_default(body.name)


@router.put("/providers/{name}", response_model=ServerConfig)
async def upsert_provider(name: str, body: ProviderUpsert, console: Console) -> ServerConfig:
    return await console.upsert_provider(name, body)


@router.delete("/providers/{name}", response_model=ProviderRemoved)
async def remove_provider(name: str, console: Console) -> ProviderRemoved:
    return await console.remove_provider(name)


@router.post("/providers/{name}/test", response_model=ProviderTestResult)
async def test_provider(name: str, console: Console, overrides: Overrides) -> ProviderTestResult:
    """Reachability of a configured provider; always 200 when the probe ran."""
    return await console.test_provider(name, overrides)


@router.get("/providers/{name}/credentials/{credential}", response_model=RevealedCredential)
async def reveal_credential(name: str, credential: str, console: Console) -> RevealedCredential:
    """**Reveals the plaintext secret.** Protected by the access token like every route."""
    return await console.reveal(name, credential)
