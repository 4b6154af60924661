"""Where webhooks may be delivered: public addresses, plus networks the operator allows.

A webhook URL is configured by an authenticated caller, but the request leaves
from the server, so a URL pointing at the server's own network (loopback, a
router's admin page, a cloud metadata endpoint) would let a caller reach what
only the server can reach (web.md §9.4). :class:`WebhookGuard` resolves the
host once, refuses the delivery when any of its addresses is private unless
``GPT_IMAGE_2_WEBHOOK_PRIVATE_NETWORKS`` exempts it, and returns the vetted
address as a :class:`~gpt_image_2.relay.netguard.Pin`; the webhook client
connects only to that address (:func:`webhook_transport`), so a second DNS
answer cannot redirect the request (DNS rebinding).
"""

from __future__ import annotations

from collections.abc import Iterable

import httpx

from ..errors import AppError
from ..relay.netguard import IPNetwork, Pin, Resolver, resolve_pin, system_resolver
from ..relay.pinning import PinnedTransport

__all__ = ["WebhookGuard", "webhook_transport"]

_LIMITS = httpx.Limits(max_connections=20, max_keepalive_connections=5)


class WebhookGuard:
    """Vet a webhook URL and pin its connection to a vetted address."""

    def __init__(self, exempt: Iterable[IPNetwork] = (),
                 resolver: Resolver = system_resolver) -> None:
        self.exempt = tuple(exempt)
        self.resolver = resolver

    async def __call__(self, url: str) -> Pin:
        parsed = httpx.URL(url)
        host = parsed.raw_host.decode("ascii")
        if not host:
            raise AppError("notification_webhook_invalid", "Webhook URL has no host.")
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        try:
            return await resolve_pin(host.strip("[]"), port, self.resolver, self.exempt)
        except AppError as exc:
            if exc.code == "relay_upstream_private":
                raise AppError(
                    "notification_webhook_private",
                    "Webhook URL points at a private, loopback or link-local address. "
                    "Allow the network with GPT_IMAGE_2_WEBHOOK_PRIVATE_NETWORKS "
                    "(for example 192.168.1.0/24) if this is intended.",
                ) from None
            raise AppError("notification_webhook_unresolvable",
                           "Webhook host name does not resolve.") from None


def webhook_transport() -> PinnedTransport:
    """The transport for webhook deliveries: it connects only to a request's pin."""
    return PinnedTransport(limits=_LIMITS)
