"""Job notifications: signed webhooks on terminal job states."""

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
    "WebhookNotifier",
    "build_payload",
    "event_for_status",
    "sign",
    "verify_signature",
]
