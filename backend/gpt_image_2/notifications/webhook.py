"""Signed webhook delivery (spec/protocol.md §6.2, web.md §9.4).

Each enabled webhook in ``config.notifications.webhooks`` receives a JSON body
when a job ends. Requests are signed with HMAC-SHA256 over
``"<timestamp>.<body>"`` using the webhook's ``secret`` credential and carry::

    X-GPT-Image-2-Event: job.completed
    X-GPT-Image-2-Delivery: <uuid>
    X-GPT-Image-2-Timestamp: <unix seconds>
    X-GPT-Image-2-Signature: sha256=<hex>

Network errors, timeouts, 429 and 5xx are retried with exponential backoff;
any 2xx is a delivery. Local paths and raw error text are never sent.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from ..config.credentials import resolve_credential
from ..errors import AppError
from ..relay.netguard import Pin
from ..relay.pinning import PIN_EXTENSION

__all__ = [
    "Delivery",
    "WebhookNotifier",
    "build_payload",
    "event_for_status",
    "sign",
    "status_enabled",
    "verify_signature",
    "wanted",
]

SIGNATURE_HEADER = "X-GPT-Image-2-Signature"
TIMESTAMP_HEADER = "X-GPT-Image-2-Timestamp"
UrlGuard = Callable[[str], Awaitable["Pin | None"]]
"""Vets a URL before any connection; may return the address the request must use."""


@dataclass(frozen=True)
class Delivery:
    channel: str
    name: str
    ok: bool
    message: str
    attempts: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {"channel": self.channel, "name": self.name, "ok": self.ok,
                "message": self.message, "attempts": self.attempts}


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify_signature(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """Constant-time check of a received signature (for receivers and tests)."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def event_for_status(status: str) -> str:
    normalized = "cancelled" if status == "canceled" else status
    return f"job.{normalized}"


def status_enabled(config: dict[str, Any], status: str) -> bool:
    """Do ``config``'s ``on_completed``/``on_failed``/``on_cancelled`` flags allow ``status``?"""
    if status in ("completed", "partial_failed"):
        return bool(config.get("on_completed", True))
    if status == "failed":
        return bool(config.get("on_failed", True))
    if status in ("cancelled", "canceled"):
        return bool(config.get("on_cancelled", True))
    return False


def wanted(config: dict[str, Any], job: dict[str, Any], *, force: bool) -> bool:
    """Should a server channel announce ``job``? (``force``: a test delivery, always.)"""
    return force or (bool(config.get("enabled", True))
                     and status_enabled(config, str(job.get("status"))))


def build_payload(job: dict[str, Any]) -> dict[str, Any]:
    """The webhook body: ids, status, parameters and output indexes; no local paths."""
    meta = job.get("metadata") or {}
    status = str(job.get("status"))
    action = "Edit" if job.get("command") == "images edit" else "Generation"
    titles = {"completed": f"{action} completed", "partial_failed": f"{action} partly completed",
              "failed": f"{action} failed", "cancelled": "Job cancelled",
              "canceled": "Job cancelled"}
    outputs = job.get("outputs") or []
    parts = [str(job.get("provider"))]
    if meta.get("size"):
        parts.append(str(meta["size"]))
    if status in ("completed", "partial_failed"):
        parts.append(f"{len(outputs)} image{'s' if len(outputs) != 1 else ''}")
    if status == "failed":
        parts.append("Job failed.")
    error = job.get("error")
    return {
        "event": event_for_status(status),
        "title": titles.get(status, f"Job {status}"),
        "summary": " · ".join(parts),
        "job": {
            "id": job.get("id"),
            "command": job.get("command"),
            "provider": job.get("provider"),
            "status": status,
            "created_at": job.get("created_at"),
            "updated_at": job.get("updated_at"),
            "outputs": [{"index": o.get("index"), "bytes": o.get("bytes")} for o in outputs],
            "metadata": {k: meta.get(k) for k in ("prompt", "size", "quality", "format", "n")},
            "error": {"code": error.get("code"), "message": "Job failed."}
            if isinstance(error, dict) and status == "failed" else None,
        },
    }


class WebhookNotifier:
    """Delivers one payload to every enabled webhook, with retries."""

    def __init__(self, http: httpx.AsyncClient, *, guard: UrlGuard | None = None,
                 retries: int = 3, base_delay: float = 0.5) -> None:
        self.http = http
        self.guard = guard
        self.retries = retries
        self.base_delay = base_delay

    async def notify(self, config: dict[str, Any], job: dict[str, Any],
                     *, force: bool = False) -> list[Delivery]:
        """Send ``job`` to every enabled webhook allowed by ``config``'s status flags."""
        if not wanted(config, job, force=force):
            return []
        hooks = [h for h in config.get("webhooks") or [] if isinstance(h, dict)
                 and h.get("enabled", True) and h.get("url")]
        payload = build_payload(job)
        return list(await asyncio.gather(*(self._deliver(h, payload) for h in hooks)))

    async def _deliver(self, hook: dict[str, Any], payload: dict[str, Any]) -> Delivery:
        name = str(hook.get("name") or hook.get("id") or "webhook")
        pin: Pin | None = None
        try:
            request = self._request(hook, payload)
            if self.guard is not None:
                pin = await self.guard(str(hook["url"]))
        except AppError as exc:
            return Delivery("webhook", name, False, f"{exc.code}: {exc.message}", 0)
        timeout = max(1.0, float(hook.get("timeout_seconds") or 10))
        if pin is not None:
            request.extensions[PIN_EXTENSION] = pin
        message = ""
        for attempt in range(1, self.retries + 2):
            try:
                response = await self.http.send(request, follow_redirects=False)
                await response.aclose()
                # httpx requests are single-use once streamed; rebuild for a retry
                if response.is_success:
                    return Delivery("webhook", name, True, f"HTTP {response.status_code}",
                                    attempt)
                message = f"HTTP {response.status_code}"
                retryable = response.status_code == 429 or response.status_code >= 500
            except httpx.HTTPError as exc:
                message = f"{type(exc).__name__}"
                retryable = True
            if not retryable or attempt > self.retries:
                return Delivery("webhook", name, False, message, attempt)
            await asyncio.sleep(self.base_delay * 2 ** (attempt - 1))
            request = self._request(hook, payload, timeout=timeout)
            if pin is not None:
                request.extensions[PIN_EXTENSION] = pin
        return Delivery("webhook", name, False, message, self.retries + 1)

    def _request(self, hook: dict[str, Any], payload: dict[str, Any],
                 timeout: float | None = None) -> httpx.Request:
        url = str(hook["url"])
        if not url.startswith(("http://", "https://")):
            raise AppError("notification_webhook_invalid", "Webhook URL must be http(s).")
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "gpt-image-2-webhook",
            "X-GPT-Image-2-Event": payload["event"],
            "X-GPT-Image-2-Delivery": uuid.uuid4().hex,
            TIMESTAMP_HEADER: timestamp,
        }
        hook_name = str(hook.get("id") or hook.get("name") or "webhook")
        for header, ref in (hook.get("headers") or {}).items():
            headers[str(header)] = resolve_credential(
                ref, provider=f"webhook:{hook_name}", name=str(header)).value
        secret_ref = hook.get("secret")
        if secret_ref:
            secret = resolve_credential(secret_ref, provider=f"webhook:{hook_name}",
                                        name="secret").value
            headers[SIGNATURE_HEADER] = sign(secret, timestamp, body)
        method = str(hook.get("method") or "POST").upper()
        seconds = timeout or max(1.0, float(hook.get("timeout_seconds") or 10))
        try:
            return self.http.build_request(method, url, content=body, headers=headers,
                                           timeout=seconds)
        except httpx.InvalidURL as exc:  # e.g. a hand-edited config.json
            raise AppError("notification_webhook_invalid",
                           f"Webhook URL is not valid: {exc}") from exc
