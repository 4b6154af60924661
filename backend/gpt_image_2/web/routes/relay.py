"""``/api/relay``: the optional browser relay (docs/relay.md), thin over :mod:`gpt_image_2.relay`.

The router brings its own lifespan, which builds the relay's outbound client
(no redirects, no environment proxies, connections pinned to vetted
addresses) only when the relay is enabled. Tests inject
``app.state.relay_transport`` (an ``httpx.AsyncBaseTransport``) and
``app.state.relay_resolver`` (``async (host, port) -> [address]``) before the
lifespan starts. The route sits behind the access middleware like every other
``/api`` route; it is kept out of the OpenAPI schema because it is a raw
pass-through, not part of the typed API.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import httpx
from fastapi import APIRouter, Depends, FastAPI, Request, Response

from ...relay import PinnedTransport, RelayConfig, RelayService, system_resolver
from ...relay import errors as relay_errors
from ...settings import Settings

__all__ = ["router"]

_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    config = RelayConfig.from_settings(settings)
    client: httpx.AsyncClient | None = None
    if config.enabled:
        transport = getattr(app.state, "relay_transport", None) or PinnedTransport()
        client = httpx.AsyncClient(
            transport=transport, follow_redirects=False, trust_env=False,
            timeout=httpx.Timeout(config.timeout_seconds, connect=30.0),
        )
    app.state.relay = RelayService(
        config, client=client,
        resolver=getattr(app.state, "relay_resolver", None) or system_resolver,
        server_token=settings.web_token,
    )
    try:
        yield
    finally:
        if client is not None:
            await client.aclose()


def _service(request: Request) -> RelayService:
    service = getattr(request.app.state, "relay", None)
    if not isinstance(service, RelayService):
        raise relay_errors.disabled()
    return service


Relay = Annotated[RelayService, Depends(_service)]

router = APIRouter(lifespan=_lifespan, tags=["relay"])


@router.api_route("/relay", methods=_METHODS, include_in_schema=False)
@router.api_route("/relay/{rest:path}", methods=_METHODS, include_in_schema=False)
async def relay(request: Request, service: Relay) -> Response:
    """Forward one browser request to ``x-gpt-image-2-upstream`` (spec A.2/A.3)."""
    return await service.handle(request)
