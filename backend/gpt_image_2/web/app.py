"""``create_app(settings)``: the one FastAPI application every surface talks to."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI

from .. import __version__
from ..config import ConfigStore
from ..config.service import ConfigService
from ..console import ConsoleService
from ..db import HistoryRepository, open_database
from ..jobs import EventBus, JobRunner, JobService
from ..jobs.notify import NotificationDispatcher
from ..logfile import FileLog
from ..notifications import ServerNotifier, WebhookGuard, WebhookNotifier, webhook_transport
from ..paths import DataPaths
from ..providers.http_clients import HttpClients
from ..redact import SecretRegistry
from ..relay.netguard import parse_networks
from ..settings import Settings
from .errors import install_error_handlers
from .limits import BodyLimitMiddleware
from .routes import api_router
from .security import AccessMiddleware, AccessPolicy
from .spa import default_dist, install_spa

__all__ = ["create_app"]

log = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None,
    *,
    http_client: httpx.AsyncClient | None = None,
    serve_spa: bool = True,
) -> FastAPI:
    """Build the app; engine, queue and stores are created in the lifespan.

    ``http_client`` is the outbound client for provider calls whose effective proxy is
    ``system`` (tests inject one bound to fake upstreams); by default the app owns one.
    ``none`` and ``custom`` proxies get their own clients (providers/http_clients.py).
    """
    settings = settings or Settings()
    paths = DataPaths.from_settings(settings)
    policy = AccessPolicy.from_settings(settings)
    secrets = SecretRegistry()
    secrets.add(settings.openai_api_key, settings.web_token)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        paths.ensure()
        db = await open_database(paths.history_file, settings.database_url)
        repo = HistoryRepository(db)
        timeout = httpx.Timeout(settings.request_timeout_seconds, connect=30.0)
        http = http_client or httpx.AsyncClient(timeout=timeout, follow_redirects=True)
        clients = HttpClients(http, timeout=timeout, secrets=secrets)
        bus = EventBus(repo, secrets)
        runner = JobRunner(
            settings=settings, paths=paths, repo=repo, bus=bus,
            config=ConfigStore(paths.config_file), http=http, secrets=secrets, clients=clients,
        )
        config_service = ConfigService(
            runner.config, paths, settings, secrets,
            None if settings.embedded else FileLog(paths.shared_dir / "logs", secrets),
        )
        config_service.start()
        service = JobService(
            paths=paths, repo=repo, bus=bus, runner=runner, max_parallel=settings.max_parallel
        )
        webhook_http = httpx.AsyncClient(transport=webhook_transport(), trust_env=False,
                                         follow_redirects=False)
        notifier = ServerNotifier(WebhookNotifier(webhook_http, guard=WebhookGuard(
            parse_networks(settings.webhook_private_networks))))
        runner.on_terminal = NotificationDispatcher(notifier, runner.config, bus)
        app.state.service = service
        app.state.notifier = notifier
        app.state.console = ConsoleService(runner)
        app.state.config_service = config_service
        app.state.repo = repo
        app.state.paths = paths
        if not settings.embedded:
            await service.recover_on_start()
        try:
            yield
        finally:
            await service.close()
            await runner.on_terminal.drain()
            await webhook_http.aclose()
            await clients.aclose()
            if http_client is None:
                await http.aclose()
            await bus.close()  # store buffered events before the database goes
            await db.dispose()
            config_service.close()

    app = FastAPI(
        title="gpt-image-2",
        version=__version__,
        description="Self-hosted image generation with gpt-image-2: jobs, live progress, "
        "history and transparent PNGs.",
        lifespan=lifespan,
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.policy = policy
    app.state.secrets = secrets
    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_upload_bytes)
    app.include_router(api_router, prefix="/api")
    app.add_middleware(AccessMiddleware, policy=policy)
    if serve_spa:
        install_spa(app, Path(settings.web_dist) if settings.web_dist else default_dist())
    return app
