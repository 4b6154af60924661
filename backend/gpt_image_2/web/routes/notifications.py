"""Notification settings (email, webhooks) and a test delivery."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ...config import ConfigStore
from ...config.mutations import keep_stored_secret
from ...config.views import notifications_view
from ...console.models import ServerConfig
from ...notifications import ServerNotifier
from ..deps import Console, Service

router = APIRouter(tags=["notifications"])


class Webhook(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str = Field(min_length=1, max_length=100)
    name: str = ""
    enabled: bool = True
    # no whitespace or control characters: httpx refuses them when sending
    url: str = Field(pattern=r"^https?://[^\s\x00-\x1f\x7f]+$", max_length=2000)
    method: Literal["POST", "PUT", "PATCH"] = "POST"
    headers: dict[str, dict[str, Any]] = Field(default_factory=dict)
    secret: dict[str, Any] | None = None
    timeout_seconds: float = Field(default=10, ge=1, le=120)


class EmailSettings(BaseModel):
    """SMTP delivery; ``password`` is a credential reference (file, env or keychain)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    enabled: bool = False
    smtp_host: str = Field(default="", max_length=255)
    smtp_port: int = Field(default=587, ge=1, le=65535)
    tls: Literal["start-tls", "smtps", "none"] = "start-tls"
    username: str | None = Field(default=None, max_length=320)
    password: dict[str, Any] | None = None
    sender: str = Field(default="", alias="from", max_length=320)
    to: list[str] = Field(default_factory=list, max_length=50)
    timeout_seconds: float = Field(default=10, ge=1, le=120)

    @model_validator(mode="after")
    def _complete_when_enabled(self) -> EmailSettings:
        if self.enabled:
            missing = [name for name, value in (("smtp_host", self.smtp_host.strip()),
                                                ("from", self.sender.strip()),
                                                ("to", self.to)) if not value]
            if missing:
                raise ValueError(f"email is enabled but {', '.join(missing)} is empty")
            bad = [a for a in [self.sender, *self.to] if "@" not in a or any(
                c in a for c in "\r\n,;")]
            if bad:
                raise ValueError(f"not an email address: {bad[0][:80]}")
        return self


class NotificationSettings(BaseModel):
    model_config = ConfigDict(extra="allow")

    enabled: bool = True
    on_completed: bool = True
    on_failed: bool = True
    on_cancelled: bool = True
    email: EmailSettings | None = None
    webhooks: list[Webhook] = Field(default_factory=list)


class NotificationTest(BaseModel):
    status: Literal["completed", "failed", "cancelled"] = "completed"


class DeliveryResult(BaseModel):
    channel: str
    name: str
    ok: bool
    message: str
    attempts: int


class NotificationTestResult(BaseModel):
    ok: bool
    reason: str | None
    deliveries: list[DeliveryResult]


def _store(service: Any) -> ConfigStore:
    store: ConfigStore = service.runner.config
    return store


def _view(doc: dict[str, Any]) -> dict[str, Any]:
    section = doc.get("notifications") or {}
    return dict(notifications_view(section))


def _keep_secrets(new: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    """A ``file`` secret sent back empty keeps the stored value (UI round-trips redacted refs)."""
    stored = {h.get("id"): h for h in old.get("webhooks") or [] if isinstance(h, dict)}
    for hook in new.get("webhooks") or []:
        previous = stored.get(hook.get("id")) or {}
        refs = [("secret", hook.get("secret"), previous.get("secret"))]
        refs += [(f"headers.{k}", v, (previous.get("headers") or {}).get(k))
                 for k, v in (hook.get("headers") or {}).items()]
        for _, ref, old_ref in refs:
            if (isinstance(ref, dict) and ref.get("source", "file") == "file"
                    and not isinstance(ref.get("value"), str | None)):
                ref.pop("value", None)
            if (isinstance(ref, dict) and ref.get("source", "file") == "file"
                    and not ref.get("value") and isinstance(old_ref, dict)):
                ref["value"] = old_ref.get("value", "")
            if isinstance(ref, dict):
                ref.pop("present", None)
    email, old_email = new.get("email"), old.get("email")
    if isinstance(email, dict) and isinstance(email.get("password"), dict):
        email["password"] = keep_stored_secret(
            email["password"], old_email.get("password") if isinstance(old_email, dict) else None)
    return new


@router.get("/notifications", response_model=dict[str, Any])
async def get_notifications(service: Service) -> dict[str, Any]:
    """The notification settings with every secret shown as a status object."""
    return _view(_store(service).load())


@router.put("/notifications", response_model=ServerConfig)
async def put_notifications(body: NotificationSettings, request: Request, service: Service,
                            console: Console) -> ServerConfig:
    """Save the notification settings; returns the redacted ServerConfig like every save."""
    store = _store(service)

    def mutate(doc: dict[str, Any]) -> None:
        old = doc.get("notifications") or {}
        incoming = _keep_secrets(
            body.model_dump(mode="json", exclude_none=True, by_alias=True), old)
        doc["notifications"] = {**old, **incoming}

    await store.update(mutate)
    request.app.state.config_service.register_secrets(store.load())  # never logged as such
    return await console.server_config()


@router.post("/notifications/test", response_model=NotificationTestResult)
async def test_notifications(body: NotificationTest, request: Request,
                             service: Service) -> NotificationTestResult:
    """Send a sample job through every enabled server channel (email, webhooks),
    regardless of the enabled and per-status switches."""
    notifier: ServerNotifier = request.app.state.notifier
    settings = _store(service).load().get("notifications") or {}
    job: dict[str, Any] = {
        "id": "notification-test", "command": "images generate", "provider": "test",
        "status": body.status, "created_at": "0", "updated_at": "0",
        "metadata": {"prompt": "Notification test"}, "outputs": [],
        "error": {"code": "test", "message": "test"} if body.status == "failed" else None,
    }
    deliveries = await notifier.notify(settings, job, force=True)
    if deliveries:
        ok, reason = all(d.ok for d in deliveries), None
    else:  # nothing the server sends; the browser may still show a toast or notification
        local = any(isinstance(settings.get(k), dict) and settings[k].get("enabled")
                    for k in ("toast", "system"))
        ok, reason = (True, "local_only") if settings.get("enabled", True) and local \
            else (False, "no_eligible_channel")
    return NotificationTestResult(
        ok=ok, reason=reason, deliveries=[DeliveryResult(**d.to_dict()) for d in deliveries])
