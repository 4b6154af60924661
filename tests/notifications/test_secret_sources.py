"""Notification secrets from every credential source through the HTTP routes: the SMTP password,
a webhook's header values and its signing secret may come from the config file, an environment
variable or the keychain; GET shows status objects only, and a test delivery resolves them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gpt_image_2.notifications import verify_signature
from gpt_image_2.settings import Settings
from tests.conftest import app_client
from tests.fakes.keyring_backend import MemoryKeyring
from tests.notifications.test_webhook import Receiver

HEADER_VALUE = "Bearer env-header-0123456789"
SMTP_PASSWORD = "env-smtp-pass-0123456789"
SIGNING_SECRET = "keychain-whsec-0123456789"
FILE_SECRET = "file-header-0123456789"
AUTH_ENV = {"source": "env", "env": "HOOK_AUTH"}
SMTP_ENV = {"source": "env", "env": "SMTP_PASS"}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.server.stop()


@pytest.fixture
async def api(settings: Settings,
              monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[httpx.AsyncClient]:
    monkeypatch.setenv("HOOK_AUTH", HEADER_VALUE)
    monkeypatch.setenv("SMTP_PASS", SMTP_PASSWORD)
    hooks = settings.model_copy(update={"webhook_private_networks": "127.0.0.1/32"})
    async with app_client(hooks) as client:
        yield client


def _stored(codex_home: Path) -> dict[str, Any]:
    doc = json.loads((codex_home / "gpt-image-2-skill" / "config.json").read_text())
    section: dict[str, Any] = doc["notifications"]
    return section


async def test_env_and_keychain_secrets_are_stored_masked_and_resolved_on_delivery(
    api: httpx.AsyncClient, codex_home: Path, receiver: Receiver, memory_keyring: MemoryKeyring,
) -> None:
    memory_keyring.set_password("gpt-image-2-skill", "webhook:ci:secret", SIGNING_SECRET)
    keychain = {"source": "keychain", "service": "gpt-image-2-skill",
                "account": "webhook:ci:secret"}
    saved = await api.put("/api/notifications", json={
        "enabled": True, "on_completed": True, "on_failed": False, "on_cancelled": True,
        "email": {"enabled": False, "smtp_host": "smtp.example", "password": SMTP_ENV},
        "webhooks": [{"id": "ci", "name": "ci", "url": f"{receiver.server.url}/hook",
                      "headers": {"Authorization": AUTH_ENV,
                                  "X-Missing": {"source": "env", "env": "NOT_SET_ANYWHERE"}},
                      "secret": keychain}]})
    assert saved.status_code == 200, saved.text

    view = (await api.get("/api/notifications")).json()
    text = json.dumps(view) + saved.text
    for secret in (HEADER_VALUE, SMTP_PASSWORD, SIGNING_SECRET):
        assert secret not in text
    assert view["email"]["password"] == {"source": "env", "env": "SMTP_PASS", "present": True}
    hook = view["webhooks"][0]
    assert hook["headers"]["Authorization"] == {**AUTH_ENV, "present": True}
    assert hook["headers"]["X-Missing"] == {"source": "env", "env": "NOT_SET_ANYWHERE",
                                            "present": False}
    assert hook["secret"] == {**keychain, "present": True}
    # The config file holds the references, never the resolved values.
    stored = _stored(codex_home)
    assert stored["email"]["password"] == SMTP_ENV
    assert stored["webhooks"][0]["secret"] == keychain
    assert SIGNING_SECRET not in json.dumps(stored) and HEADER_VALUE not in json.dumps(stored)

    # Saving the view back (what the settings page does) keeps every reference as it was.
    hook_back = {**hook, "headers": {"Authorization": hook["headers"]["Authorization"]}}
    again = await api.put("/api/notifications", json={**view, "webhooks": [hook_back]})
    assert again.status_code == 200, again.text
    assert _stored(codex_home)["webhooks"][0]["headers"] == {"Authorization": AUTH_ENV}
    assert _stored(codex_home)["webhooks"][0]["secret"] == keychain

    # A test with status failed is sent (regardless of on_failed) with the resolved values.
    result = await api.post("/api/notifications/test", json={"status": "failed"})
    assert result.status_code == 200, result.text
    assert result.json()["ok"] is True and result.json()["deliveries"][0]["name"] == "ci"
    got = receiver.received[-1]
    assert got["headers"]["authorization"] == HEADER_VALUE
    assert got["headers"]["x-gpt-image-2-event"] == "job.failed"
    assert json.loads(got["body"])["job"]["status"] == "failed"
    assert verify_signature(SIGNING_SECRET, got["headers"]["x-gpt-image-2-timestamp"], got["body"],
                            got["headers"]["x-gpt-image-2-signature"])


async def test_moving_a_file_secret_to_env_drops_the_stored_value(
    api: httpx.AsyncClient, codex_home: Path, receiver: Receiver,
) -> None:
    hook = {"id": "ci", "name": "ci", "url": f"{receiver.server.url}/hook",
            "headers": {"Authorization": {"source": "file", "value": FILE_SECRET}}}
    assert (await api.put("/api/notifications", json={"webhooks": [hook]})).status_code == 200
    assert _stored(codex_home)["webhooks"][0]["headers"]["Authorization"]["value"] == FILE_SECRET

    moved = {**hook, "headers": {"Authorization": AUTH_ENV}}
    assert (await api.put("/api/notifications", json={"webhooks": [moved]})).status_code == 200
    stored = _stored(codex_home)
    assert stored["webhooks"][0]["headers"] == {"Authorization": AUTH_ENV}
    assert FILE_SECRET not in json.dumps(stored)

    result = await api.post("/api/notifications/test", json={"status": "cancelled"})
    assert result.json()["ok"] is True, result.text
    got = receiver.received[-1]
    assert got["headers"]["authorization"] == HEADER_VALUE
    assert got["headers"]["x-gpt-image-2-event"] == "job.cancelled"


async def test_keychain_refs_without_an_account_show_the_account_delivery_reads(
    api: httpx.AsyncClient, receiver: Receiver, memory_keyring: MemoryKeyring,
) -> None:
    memory_keyring.set_password("gpt-image-2-skill", "providers/webhook:ci/secret", SIGNING_SECRET)
    memory_keyring.set_password("gpt-image-2-skill", "providers/webhook:ci/X-Token", "kc-token")
    memory_keyring.set_password("gpt-image-2-skill", "providers/email/password", SMTP_PASSWORD)
    keychain = {"source": "keychain"}
    saved = await api.put("/api/notifications", json={
        "email": {"smtp_host": "smtp.example", "password": keychain},
        "webhooks": [{"id": "ci", "url": f"{receiver.server.url}/hook",
                      "headers": {"X-Token": keychain}, "secret": keychain}]})
    assert saved.status_code == 200, saved.text
    for view in ((await api.get("/api/notifications")).json(),
                 (await api.get("/api/config")).json()["notifications"]):
        assert view["email"]["password"] == {
            "source": "keychain", "service": "gpt-image-2-skill",
            "account": "providers/email/password", "present": True}
        hook = view["webhooks"][0]
        assert hook["secret"]["account"] == "providers/webhook:ci/secret"
        assert hook["headers"]["X-Token"]["account"] == "providers/webhook:ci/X-Token"
        assert hook["secret"]["present"] is True and hook["headers"]["X-Token"]["present"] is True
    assert (await api.post("/api/notifications/test", json={})).json()["ok"] is True
    got = receiver.received[-1]
    assert got["headers"]["x-token"] == "kc-token"
    assert verify_signature(SIGNING_SECRET, got["headers"]["x-gpt-image-2-timestamp"], got["body"],
                            got["headers"]["x-gpt-image-2-signature"])


async def test_hand_written_secrets_without_a_source_are_masked_too(
    api: httpx.AsyncClient, codex_home: Path
) -> None:
    """config.json edited by hand: a secret object with no ``source`` (a file secret) and
    bare strings in secret slots are shown as status objects, never as their values."""
    hand = ["hand-smtp-0123456789", "hand-sign-0123456789", "hand-hdr-0123456789",
            "hand-bare-0123456789", "hand-barepw-0123456789"]
    path = codex_home / "gpt-image-2-skill" / "config.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    for email_password in ({"value": hand[0]}, hand[4]):
        path.write_text(json.dumps({"version": 1, "notifications": {
            "enabled": True,
            "email": {"enabled": False, "password": email_password},
            "webhooks": [{"id": "h", "name": "h", "url": "https://example.invalid/hook",
                          "secret": {"value": hand[1]},
                          "headers": {"X-Webhook-Secret-1": {"value": hand[2]},
                                      "X-Bare": hand[3]}}],
        }}))
        for route in ("/api/notifications", "/api/config"):
            response = await api.get(route)
            assert response.status_code == 200, response.text
            assert not [s for s in hand if s in response.text], route
        view = (await api.get("/api/notifications")).json()
        section = view.get("notifications", view)
        hook = section["webhooks"][0]
        assert hook["headers"]["X-Bare"]["present"] is True
        assert hook["secret"]["present"] is True
        assert section["email"]["password"]["present"] is True
