"""Settings: providers (add, test, set default, edit, reveal, delete), queue,
notifications, appearance and language, prompt templates."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, axe_check, no_horizontal_overflow, open_app

pytestmark = pytest.mark.e2e



@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context, page, errors = open_app(browser, live_server.url)
    page.goto(live_server.url + "/#/settings")
    expect(page.get_by_role("heading", name="Settings", exact=True)).to_be_visible()
    yield page
    context.close()
    assert errors == [], f"uncaught errors in the page: {errors}"


def _config(url: str) -> dict[str, Any]:
    return httpx.get(f"{url}/api/config", timeout=5).json()


def test_add_test_default_edit_reveal_and_delete_a_provider(page: Any, live_server: Any, screenshots: Path) -> None:
    url = live_server.url
    expect(page.locator('[data-provider="openai"]')).to_contain_text("OPENAI_API_KEY")
    page.screenshot(animations="disabled", path=str(screenshots / "settings.png"), full_page=True)
    axe_check(page, "settings")

    # Add: the name is validated before anything is sent.
    page.get_by_role("button", name="Add provider").first.click()
    dialog = page.get_by_role("dialog", name="Add a provider")
    dialog.get_by_label("Name").fill("openai")
    dialog.get_by_role("button", name="Add provider").click()
    expect(dialog.get_by_text("reserved names")).to_be_visible()
    dialog.get_by_label("Name").fill("my-relay")
    dialog.get_by_label("Base URL").fill(live_server.fake_openai.api_base)
    dialog.get_by_label("Model").fill("gpt-image-2")
    dialog.get_by_label("API key").fill("sk-relay-secret-0123456789")
    page.screenshot(animations="disabled", path=str(screenshots / "settings-provider-dialog.png"))
    axe_check(page, "settings-provider-dialog")
    dialog.get_by_role("button", name="Add provider").click()
    expect(page.get_by_test_id("toast").filter(has_text="my-relay added")).to_be_visible()
    card = page.locator('[data-provider="my-relay"]')
    expect(card).to_contain_text("In use")
    stored = _config(url)
    assert stored["default_provider"] == "my-relay"
    assert stored["providers"]["my-relay"]["credentials"]["api_key"]["present"] is True
    assert "sk-relay-secret" not in json.dumps(stored)

    # Test reaches the fake upstream on loopback.
    card.get_by_role("button", name="Test").click()
    expect(card.get_by_test_id("test-result")).to_contain_text("Connected", timeout=10_000)

    # Reveal on an explicit click only; hide forgets it.
    expect(card.get_by_test_id("revealed-secret")).to_have_count(0)
    card.get_by_role("button", name="Reveal key").click()
    expect(card.get_by_test_id("revealed-secret")).to_have_text("sk-relay-secret-0123456789")
    card.get_by_role("button", name="Hide key").click()
    expect(card.get_by_test_id("revealed-secret")).to_have_count(0)

    # Edit keeps the secret when the key field stays empty.
    card.get_by_role("button", name="Edit").click()
    dialog = page.get_by_role("dialog", name="Edit my-relay")
    expect(dialog.get_by_label("API key")).to_have_attribute("placeholder", "Saved — leave empty to keep")
    dialog.get_by_label("Model").fill("gpt-image-2-mini")
    dialog.get_by_role("button", name="Save changes").click()
    expect(card).to_contain_text("gpt-image-2-mini")
    reveal = httpx.get(f"{url}/api/providers/my-relay/credentials/api_key", timeout=5).json()
    assert reveal["value"] == "sk-relay-secret-0123456789"

    # Set another default, then delete (after confirming).
    page.locator('[data-provider="openai"]').get_by_role("button", name="Use").click()
    expect(page.locator('[data-provider="openai"]')).to_contain_text("In use")
    assert _config(url)["default_provider"] == "openai"
    card.get_by_role("button", name="Delete").click()
    page.get_by_role("dialog", name="Delete provider “my-relay”?").get_by_role("button", name="Delete").click()
    expect(card).to_have_count(0)
    assert "my-relay" not in _config(url)["providers"]

    # The Generate screen's provider picker follows the config.
    page.get_by_role("link", name="Generate").click()
    picker = page.get_by_test_id("provider-select")
    expect(picker.locator("option").first).to_have_text("Default (openai)")


def test_env_credentials_and_the_queue_section(page: Any, live_server: Any) -> None:
    page.get_by_role("button", name="Add provider").first.click()
    dialog = page.get_by_role("dialog", name="Add a provider")
    dialog.get_by_label("Name").fill("from-env")
    dialog.get_by_label("Base URL").fill(live_server.fake_openai.api_base)
    dialog.get_by_role("radio", name="Environment").check()
    dialog.get_by_label("Environment variable").fill("MY_RELAY_KEY")
    dialog.get_by_label("Use as default").uncheck()
    dialog.get_by_role("button", name="Add provider").click()
    card = page.locator('[data-provider="from-env"]')
    expect(card).to_contain_text("Environment · MY_RELAY_KEY")
    expect(card).to_contain_text("missing")
    cred = _config(live_server.url)["providers"]["from-env"]["credentials"]["api_key"]
    assert cred == {"source": "env", "env": "MY_RELAY_KEY", "present": False}

    # The queue's concurrency is editable and reaches the server.
    queue = page.locator("#settings-queue")
    queue.get_by_role("radio", name="3").check()
    expect(page.get_by_text("Up to 3 jobs now run at once")).to_be_visible()
    assert httpx.get(f"{live_server.url}/api/queue").json()["max_parallel"] == 3
    # Webhook notifications have their own section.
    expect(page.get_by_role("heading", name="Notifications")).to_have_count(1)


def test_appearance_language_and_templates(page: Any, screenshots: Path) -> None:
    html = page.locator("html")
    page.get_by_role("radio", name="Dark").check()
    expect(html).to_have_attribute("data-theme", "dark")
    page.screenshot(animations="disabled", path=str(screenshots / "settings-dark.png"), full_page=True)
    axe_check(page, "settings-dark")
    page.reload()
    expect(html).to_have_attribute("data-theme", "dark")  # remembered
    page.get_by_role("radio", name="Light").check()
    expect(html).to_have_attribute("data-theme", "light")

    # Templates: add one here, pick it on Generate, where it lands at the caret.
    page.get_by_role("button", name="Add template").click()
    dialog = page.get_by_role("dialog", name="Template")
    dialog.get_by_label("Title").fill("Isometric room")
    dialog.get_by_label("Prompt").fill("isometric cutaway room, soft pastel palette")
    dialog.get_by_label("Use in").select_option("generate")
    dialog.get_by_role("button", name="Save").click()
    expect(page.locator(".template-admin")).to_contain_text("Isometric room")
    page.get_by_role("link", name="Generate").click()
    prompt = page.locator('[data-screen="generate"]').get_by_label("Prompt")
    prompt.fill("A cosy library")
    page.locator('[data-screen="generate"]').get_by_role("button", name="Templates").click()
    picker = page.get_by_role("dialog", name="Prompt templates")
    picker.get_by_label("Search templates").fill("isometric")
    expect(picker.locator(".template-item")).to_have_count(1)
    axe_check(page, "template-picker")
    picker.locator(".template-item").click()
    expect(prompt).to_have_value("A cosy library isometric cutaway room, soft pastel palette")

    # Language: every label switches, and the choice is remembered.
    page.get_by_role("link", name="Settings").click()
    page.locator('[data-screen="settings"]').get_by_label("Language", exact=True).select_option("zh")
    expect(page.get_by_role("heading", name="设置", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="凭证", exact=True)).to_be_visible()
    page.reload()
    expect(page.get_by_role("link", name="生成")).to_be_visible()
    page.screenshot(animations="disabled", path=str(screenshots / "settings-zh.png"), full_page=True)
    axe_check(page, "settings-zh")


def _with_routes(page: Any, *paths: tuple[str, str]) -> None:
    """Advertise routes this server does not have yet, as a newer server will."""

    def openapi(route: Any) -> None:
        response = route.fetch()
        doc = response.json()
        for method, path in paths:
            doc["paths"].setdefault(path, {})[method] = {}
        route.fulfill(response=response, json=doc)

    page.route("**/api/openapi.json", openapi)


def test_notifications_and_concurrency_against_the_contract(browser: Any, live_server: Any, screenshots: Path) -> None:
    """Built against spec/web.md §6.2 and §6.5; the routes are simulated in the page."""
    context, page, errors = open_app(browser, live_server.url)
    try:
        _with_routes(page, ("put", "/api/notifications"), ("post", "/api/notifications/test"),
                     ("post", "/api/queue/concurrency"))
        saved: list[dict[str, Any]] = []
        pushed: list[dict[str, Any]] = []

        def concurrency(route: Any) -> None:
            pushed.append(route.request.post_data_json)
            route.fulfill(json={"max_parallel": pushed[-1]["max_parallel"], "running": 0, "queued": 0, "queued_job_ids": []})

        def notifications(route: Any) -> None:
            saved.append(route.request.post_data_json)
            config = _config(live_server.url)
            config["notifications"] = saved[-1]
            route.fulfill(json=config)

        page.route("**/api/queue/concurrency", concurrency)
        page.route("**/api/notifications", notifications)
        page.route("**/api/notifications/test", lambda r: r.fulfill(json={
            "ok": True, "reason": None, "deliveries": [{"channel": "webhook", "name": "Build bot", "ok": True, "message": "204"}]}))
        page.goto(live_server.url + "/#/settings")

        page.get_by_role("group", name="Parallel jobs").get_by_role("radio", name="4").check()
        expect(page.get_by_test_id("toast").filter(has_text="Up to 4 jobs now run at once")).to_be_visible()
        assert pushed == [{"max_parallel": 4}]

        section = page.locator("#settings-notifications")
        section.get_by_label("Send notifications").check()
        section.get_by_role("button", name="Add webhook").click()
        section.get_by_label("Name", exact=True).fill("Build bot")
        section.get_by_label("URL").fill("https://example.com/hook")
        section.get_by_label("Signing secret").fill("hook-secret")
        section.get_by_label("Authorization header (optional)").fill("Bearer bot-token")
        section.get_by_role("button", name="Save").click()
        expect(page.get_by_test_id("toast").filter(has_text="Notifications saved")).to_be_visible()
        body = saved[-1]
        assert body["enabled"] is True and body["on_completed"] is True
        hook = body["webhooks"][0]
        assert hook["name"] == "Build bot" and hook["url"] == "https://example.com/hook" and hook["method"] == "POST"
        assert hook["secret"] == {"source": "file", "value": "hook-secret"}
        assert hook["headers"] == {"Authorization": {"source": "file", "value": "Bearer bot-token"}}
        section.get_by_role("button", name="Send a test").click()
        expect(page.get_by_test_id("toast").filter(has_text="Test notification delivered")).to_be_visible()
        page.screenshot(animations="disabled", path=str(screenshots / "settings-notifications.png"), full_page=True)
        axe_check(page, "settings-notifications")

        # The stored preference is pushed again on the next visit (spec/ui.md §2).
        page.reload()
        expect(page.get_by_role("heading", name="Settings", exact=True)).to_be_visible()
        for _ in range(100):
            if len(pushed) >= 2:
                break
            page.wait_for_timeout(50)
        assert pushed[-1] == {"max_parallel": 4}, pushed
        assert errors == []
    finally:
        context.close()


def test_settings_on_a_phone(browser: Any, live_server: Any, screenshots: Path) -> None:
    context, page, errors = open_app(browser, live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page.goto(live_server.url + "/#/settings")
        expect(page.get_by_role("heading", name="Providers")).to_be_visible()
        no_horizontal_overflow(page)
        page.screenshot(animations="disabled", path=str(screenshots / "settings-phone.png"), full_page=True)
        assert errors == []
    finally:
        context.close()


def test_email_notifications_are_set_up_and_tested_for_real(page: Any, live_server: Any) -> None:
    """Against the real server and a real SMTP server on 127.0.0.1 (aiosmtpd)."""
    from aiosmtpd.controller import Controller

    from tests.fakes.process import free_port

    received: list[bytes] = []

    class Inbox:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            received.append(envelope.content)
            return "250 OK"

    smtp = Controller(Inbox(), hostname="127.0.0.1", port=free_port())
    smtp.start()
    try:
        section = page.locator("#settings-notifications")
        section.get_by_label("Send notifications").check()
        section.get_by_label("Send email").check()
        section.get_by_label("SMTP server").fill("127.0.0.1")
        section.get_by_label("Port").fill(str(smtp.port))
        section.get_by_label("Security").select_option("none")
        section.get_by_label("From").fill("gpt-image-2@example.test")
        section.get_by_label("To", exact=True).fill("me@example.test, ops@example.test")
        section.get_by_role("button", name="Save").click()
        expect(page.get_by_test_id("toast").filter(has_text="Notifications saved")).to_be_visible()
        stored = _config(live_server.url)["notifications"]["email"]
        assert stored["enabled"] is True and stored["smtp_port"] == smtp.port
        assert stored["to"] == ["me@example.test", "ops@example.test"] and stored["tls"] == "none"

        section.get_by_role("button", name="Send a test").click()
        expect(page.get_by_test_id("toast").filter(has_text="Test notification delivered")).to_be_visible()
        assert len(received) == 1 and b"Subject: gpt-image-2: Generation completed" in received[0]
        axe_check(page, "settings-email")

        # An incomplete setting is refused by the server with a readable reason.
        section.get_by_label("To", exact=True).fill("")
        section.get_by_role("button", name="Save").click()
        expect(page.get_by_test_id("toast").filter(has_text="to is empty")).to_be_visible()
    finally:
        httpx.put(f"{live_server.url}/api/notifications", json={"enabled": False, "email": {"enabled": False}},
                  timeout=5).raise_for_status()
        smtp.stop()
