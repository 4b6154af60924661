"""The server's notification channels together: email and webhooks."""

from __future__ import annotations

import asyncio
from typing import Any

from .email import EmailNotifier
from .webhook import Delivery, WebhookNotifier

__all__ = ["ServerNotifier"]


class ServerNotifier:
    """Delivers a finished job through every enabled server channel at once."""

    def __init__(self, webhooks: WebhookNotifier, email: EmailNotifier | None = None) -> None:
        self.webhooks = webhooks
        self.email = email or EmailNotifier()

    async def notify(self, config: dict[str, Any], job: dict[str, Any],
                     *, force: bool = False) -> list[Delivery]:
        """``force``: ignore the enabled and per-status switches (a test delivery)."""
        mail, hooks = await asyncio.gather(self.email.notify(config, job, force=force),
                                           self.webhooks.notify(config, job, force=force))
        return [*mail, *hooks]
