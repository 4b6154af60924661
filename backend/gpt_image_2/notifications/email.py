"""Email notifications over SMTP (spec/web.md §6.2 ``notifications.email``).

One message per finished job to the configured recipients, through the configured
server: ``tls`` ``start-tls`` (plain connection upgraded with STARTTLS, usually
port 587), ``smtps`` (TLS from the first byte, usually 465) or ``none`` (a local
relay). Certificates are verified against the system's trust store. The password
is a credential reference (file, env or keychain) resolved at send time and never
logged or echoed; a failed login, a refused recipient or an unreachable server is
reported as a failed delivery, never raised into the job.

The body carries what the webhook payload carries (ids, status, parameters, the
number of outputs), not local paths or raw error text. ``smtplib`` blocks, so a
send runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

import anyio

from ..config.credentials import resolve_credential
from ..errors import AppError
from .webhook import Delivery, build_payload, wanted

__all__ = ["EmailNotifier", "build_message"]


def build_message(email: dict[str, Any], job: dict[str, Any]) -> EmailMessage:
    """The message for ``job`` (a job view as a dict) under the ``email`` settings."""
    payload = build_payload(job)
    info = payload["job"]
    meta = info["metadata"]
    lines = [payload["title"], "", payload["summary"], ""]
    lines += [f"Job:      {info['id']}", f"Command:  {info['command']}",
              f"Provider: {info['provider']}", f"Status:   {info['status']}"]
    if meta.get("prompt"):
        lines.append(f"Prompt:   {meta['prompt']}")
    for key in ("size", "quality", "format"):
        if meta.get(key):
            lines.append(f"{key.capitalize() + ':':<9} {meta[key]}")
    if info["outputs"]:
        lines.append(f"Images:   {len(info['outputs'])}")
    if info["error"]:
        lines.append(f"Error:    {info['error']['code']}")
    message = EmailMessage()
    message["Subject"] = f"gpt-image-2: {payload['title']}"
    message["From"] = str(email.get("from") or "")
    message["To"] = ", ".join(str(t) for t in email.get("to") or [])
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="gpt-image-2.local")
    message["X-GPT-Image-2-Event"] = payload["event"]
    message.set_content("\n".join(lines) + "\n")
    return message


def _send(email: dict[str, Any], message: EmailMessage, password: str | None) -> None:
    """Blocking: connect, secure, log in, send, quit."""
    host = str(email.get("smtp_host") or "").strip()
    port = int(email.get("smtp_port") or 587)
    timeout = max(1.0, float(email.get("timeout_seconds") or 10))
    mode = str(email.get("tls") or "start-tls")
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if mode == "smtps":
        client = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(host, port, timeout=timeout)
    with client:
        if mode == "start-tls":
            client.starttls(context=context)
        username = str(email.get("username") or "")
        if username:
            client.login(username, password or "")
        client.send_message(message)


def _failure(exc: BaseException) -> str:
    """A short reason without server-supplied text that could echo credentials."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"authentication failed (SMTP {exc.smtp_code})"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"recipients refused: {', '.join(sorted(exc.recipients))}"
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return f"sender refused (SMTP {exc.smtp_code})"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"SMTP {exc.smtp_code}"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return "the server does not offer STARTTLS"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed: {exc.reason or type(exc).__name__}"
    if isinstance(exc, TimeoutError):
        return "timed out"
    return type(exc).__name__


class EmailNotifier:
    """Sends one message per finished job, retrying connection-level failures."""

    def __init__(self, *, retries: int = 2, base_delay: float = 0.5) -> None:
        self.retries = retries
        self.base_delay = base_delay

    async def notify(self, config: dict[str, Any], job: dict[str, Any],
                     *, force: bool = False) -> list[Delivery]:
        email = config.get("email")
        if not isinstance(email, dict) or not email.get("enabled"):
            return []
        if not wanted(config, job, force=force):
            return []
        return [await self._deliver(email, job)]

    async def _deliver(self, email: dict[str, Any], job: dict[str, Any]) -> Delivery:
        name = str(email.get("smtp_host") or "email")
        try:
            if not str(email.get("smtp_host") or "").strip():
                raise AppError("notification_email_invalid", "No SMTP server is set.")
            if not email.get("from") or not email.get("to"):
                raise AppError("notification_email_invalid",
                               "A sender and at least one recipient are required.")
            message = build_message(email, job)
            password = None
            if email.get("password"):
                password = resolve_credential(email["password"], provider="email",
                                              name="password").value
        except AppError as exc:
            return Delivery("email", name, False, f"{exc.code}: {exc.message}", 0)
        message_text = ""
        for attempt in range(1, self.retries + 2):
            try:
                await anyio.to_thread.run_sync(_send, email, message, password)
                return Delivery("email", name, True, "sent", attempt)
            except (smtplib.SMTPException, OSError) as exc:
                message_text = _failure(exc)
                # Only a connection that broke is worth another try; a refusal is final.
                retryable = isinstance(exc, (smtplib.SMTPServerDisconnected, TimeoutError,
                                             ConnectionError)) or (
                    isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code in (421, 451))
                if not retryable or attempt > self.retries:
                    return Delivery("email", name, False, message_text, attempt)
            await asyncio.sleep(self.base_delay * 2 ** (attempt - 1))
        return Delivery("email", name, False, message_text, self.retries + 1)
