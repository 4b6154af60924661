"""Job notifications: signed webhooks on terminal job states."""

from .guard import WebhookGuard, webhook_transport
from .webhook import (
    Delivery,
    WebhookNotifier,
    build_payload,
    event_for_status,
    sign,
    verify_signature,
)

__all__ = [
    "Delivery",
    "WebhookGuard",
    "WebhookNotifier",
    "build_payload",
    "event_for_status",
    "sign",
    "verify_signature",
    "webhook_transport",
]
