"""Job notifications: email and signed webhooks on terminal job states."""

from .channels import ServerNotifier
from .email import EmailNotifier
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
    "EmailNotifier",
    "ServerNotifier",
    "WebhookGuard",
    "WebhookNotifier",
    "build_payload",
    "event_for_status",
    "sign",
    "verify_signature",
    "webhook_transport",
]
