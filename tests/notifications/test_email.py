"""Email notifications against a real SMTP server on 127.0.0.1 (aiosmtpd): plain,
STARTTLS and SMTPS with a throwaway CA, login, refusals, and the API around them."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from email import message_from_bytes
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from gpt_image_2.notifications import EmailNotifier
from tests.fakes.process import free_port
from tests.web.test_generate_flow import wait_done

USER, PASSWORD = "mailer", "smtp-pass-0123456789"
JOB: dict[str, Any] = {
    "id": "job-42", "command": "images generate", "provider": "openai", "status": "completed",
    "created_at": "1", "updated_at": "2", "outputs": [{"index": 0, "bytes": 10, "path": "/x"}],
    "metadata": {"prompt": "a lantern in fog", "size": "1024x1024"}, "error": None,
}


class Inbox:
    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: Any) -> str:
        if address in self.refuse:
            return "550 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        login = session.auth_data.login if session.authenticated else None
        self.messages.append({
            "from": envelope.mail_from, "to": list(envelope.rcpt_tos), "login": login,
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "message": message_from_bytes(envelope.content)})
        return "250 Message accepted"


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str,
                  auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(), PASSWORD.encode())
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A CA and a certificate for 127.0.0.1/localhost signed by it (ca, cert, key)."""
    folder = tmp_path_factory.mktemp("smtp-tls")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "gpt-image-2 test CA")])
    now = dt.datetime.now(dt.UTC)
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


def _server_context(tls_files: tuple[Path, Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tls_files[1], tls_files[2])
    return context


@pytest.fixture
def trust(tls_files: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Our client trusts the test CA the way a deployment would (SSL_CERT_FILE)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_files[0]))


def _serve(inbox: Inbox, **kwargs: Any) -> Controller:
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(),
                            authenticator=_authenticate, auth_require_tls=False, **kwargs)
    controller.start()
    return controller


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
def plain(inbox: Inbox) -> Iterator[Controller]:
    controller = _serve(inbox)
    yield controller
    controller.stop()


def settings_for(port: int, **extra: Any) -> dict[str, Any]:
    email = {"enabled": True, "smtp_host": "127.0.0.1", "smtp_port": port, "tls": "none",
             "username": USER, "password": {"source": "file", "value": PASSWORD},
             "from": "gpt-image-2@example.test", "to": ["ops@example.test"],
             "timeout_seconds": 5, **extra}
    return {"enabled": True, "on_completed": True, "on_failed": True, "email": email}


async def test_plain_delivery_logs_in_and_sends_the_job_summary(
    plain: Controller, inbox: Inbox
) -> None:
    [delivery] = await EmailNotifier().notify(settings_for(plain.port), JOB)
    assert (delivery.channel, delivery.ok, delivery.message) == ("email", True, "sent")
    [got] = inbox.messages
    assert got["login"] == USER.encode() and got["to"] == ["ops@example.test"]
    message = got["message"]
    assert message["Subject"] == "gpt-image-2: Generation completed"
    assert message["X-GPT-Image-2-Event"] == "job.completed"
    body = message.get_payload()
    assert "job-42" in body and "a lantern in fog" in body and "Images:   1" in body
    assert "/x" not in body and PASSWORD not in message.as_string()  # no paths, no secrets


async def test_starttls_and_smtps_verify_the_server_certificate(
    inbox: Inbox, tls_files: tuple[Path, Path, Path], trust: None
) -> None:
    context = _server_context(tls_files)
    starttls = _serve(inbox, tls_context=context, require_starttls=True)
    smtps = _serve(inbox, ssl_context=context)
    try:
        notifier = EmailNotifier()
        [first] = await notifier.notify(settings_for(starttls.port, tls="start-tls"), JOB)
        [second] = await notifier.notify(settings_for(smtps.port, tls="smtps"), JOB)
        assert first.ok and second.ok, (first, second)
        assert [m["tls"] for m in inbox.messages] == [True, True]
        # without STARTTLS the server refuses to go on, and the client never sends in clear
        [clear] = await notifier.notify(settings_for(starttls.port, tls="none"), JOB)
        assert not clear.ok and len(inbox.messages) == 2
    finally:
        starttls.stop()
        smtps.stop()


async def test_an_untrusted_certificate_is_refused(
    inbox: Inbox, tls_files: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_files[1]))  # not the CA that signed it
    smtps = _serve(inbox, ssl_context=_server_context(tls_files))
    try:
        [delivery] = await EmailNotifier().notify(settings_for(smtps.port, tls="smtps"), JOB)
    finally:
        smtps.stop()
    assert not delivery.ok and delivery.message.startswith("TLS failed"), delivery
    assert inbox.messages == []


async def test_refusals_are_reported_once_and_never_leak_the_password(
    plain: Controller, inbox: Inbox
) -> None:
    notifier = EmailNotifier(base_delay=0.01)
    wrong = settings_for(plain.port, password={"source": "file", "value": "wrong-pass-98765"})
    [denied] = await notifier.notify(wrong, JOB)
    assert not denied.ok and denied.attempts == 1
    assert denied.message.startswith("authentication failed") and "wrong-pass" not in denied.message
    inbox.refuse.add("ops@example.test")
    [refused] = await notifier.notify(settings_for(plain.port), JOB)
    assert not refused.ok and refused.attempts == 1
    assert refused.message == "recipients refused: ops@example.test"
    port = free_port()  # nobody listens: retried, then reported
    [down] = await notifier.notify(settings_for(port), JOB)
    assert not down.ok and down.attempts == notifier.retries + 1
    assert inbox.messages == []


async def test_switches_and_incomplete_settings(plain: Controller, inbox: Inbox) -> None:
    notifier = EmailNotifier()
    config = settings_for(plain.port)
    assert await notifier.notify({**config, "enabled": False}, JOB) == []
    assert await notifier.notify({**config, "on_completed": False}, JOB) == []
    assert await notifier.notify({**config, "email": {**config["email"], "enabled": False}},
                                 JOB) == []
    [forced] = await notifier.notify({**config, "enabled": False}, JOB, force=True)
    assert forced.ok
    [incomplete] = await notifier.notify(
        {**config, "email": {**config["email"], "to": []}}, JOB)
    assert not incomplete.ok and incomplete.message.startswith("notification_email_invalid")
    assert len(inbox.messages) == 1


async def test_the_api_saves_email_settings_and_tests_the_channel(
    api: httpx.AsyncClient, plain: Controller, inbox: Inbox
) -> None:
    email = settings_for(plain.port)["email"]
    bad = await api.put("/api/notifications", json={"email": {**email, "to": ["nobody"]}})
    assert bad.status_code == 422 and "not an email address" in bad.text
    saved = await api.put("/api/notifications", json={"email": email})
    assert saved.status_code == 200, saved.text
    assert PASSWORD not in saved.text
    # the redactor knows it from now on (logs, events and errors mask it)
    assert PASSWORD in list(api.app.state.config_service.secrets)  # type: ignore[attr-defined]
    view = (await api.get("/api/notifications")).json()["email"]
    assert view["from"] == "gpt-image-2@example.test" and view["smtp_port"] == plain.port
    assert view["password"]["present"] is True and PASSWORD not in str(view)
    # sent back redacted, the stored password is kept
    again = await api.put("/api/notifications",
                          json={"email": {**email, "password": {"source": "file"}}})
    assert again.status_code == 200, again.text

    result = (await api.post("/api/notifications/test", json={"status": "failed"})).json()
    assert result["ok"] is True and result["reason"] is None
    assert result["deliveries"] == [{"channel": "email", "name": "127.0.0.1", "ok": True,
                                     "message": "sent", "attempts": 1}]
    [got] = inbox.messages
    assert got["message"]["Subject"] == "gpt-image-2: Generation failed"

    # with no server channel, toasts still count: local_only
    await api.put("/api/notifications", json={"email": {**email, "enabled": False}})
    local = (await api.post("/api/notifications/test", json={})).json()
    assert (local["ok"], local["reason"], local["deliveries"]) == (True, "local_only", [])


async def test_a_finished_job_is_mailed_and_the_delivery_recorded(
    api: httpx.AsyncClient, plain: Controller, inbox: Inbox
) -> None:
    saved = await api.put("/api/notifications", json={"email": settings_for(plain.port)["email"]})
    assert saved.status_code == 200, saved.text
    job_id = (await api.post("/api/images/generate", json={"prompt": "mail me"})).json()["job_id"]
    events = await wait_done(api, job_id)
    assert events[-1]["type"] == "job.completed"
    for _ in range(200):  # dispatched after the terminal event, in the background
        detail = (await api.get(f"/api/jobs/{job_id}")).json()
        if detail["events"][-1]["type"] == "job.notifications":
            break
        await asyncio.sleep(0.02)
    assert detail["events"][-1]["data"]["deliveries"] == [
        {"channel": "email", "name": "127.0.0.1", "ok": True, "message": "sent", "attempts": 1}]
    [got] = inbox.messages
    assert job_id in got["message"].get_payload() and "mail me" in got["message"].get_payload()
