"""Settings: providers (add, test, set default, edit, reveal, delete, proxy override), queue,
notifications (webhook delivered for real), storage, network proxy, logs, appearance and
language, prompt templates."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.conftest import server_env
from tests.e2e.conftest import PHONE, axe_check, no_horizontal_overflow, open_app
from tests.fakes.process import ServerProcess

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


def test_notifications_and_concurrency_against_the_server(browser: Any, live_server: Any, screenshots: Path) -> None:
    """spec/web.md §6.2 and §6.5 against the real server (no simulated routes)."""
    context, page, errors = open_app(browser, live_server.url)
    try:
        pushed: list[dict[str, Any]] = []
        page.on("request", lambda r: pushed.append(r.post_data_json)
                if r.url.endswith("/api/queue/concurrency") and r.method == "POST" else None)
        page.goto(live_server.url + "/#/settings")

        page.get_by_role("group", name="Parallel jobs").get_by_role("radio", name="4").check()
        expect(page.get_by_test_id("toast").filter(has_text="Up to 4 jobs now run at once")).to_be_visible()
        assert pushed == [{"max_parallel": 4}]
        assert httpx.get(f"{live_server.url}/api/queue", timeout=5).json()["max_parallel"] == 4

        section = page.locator("#settings-notifications")
        section.get_by_label("Send notifications").check()
        section.get_by_role("button", name="Add webhook").click()
        section.get_by_label("Name", exact=True).fill("Build bot")
        section.get_by_label("URL").fill("https://example.com/hook")
        section.get_by_label("Signing secret", exact=True).fill("hook-secret")
        section.get_by_role("button", name="Add header").click()
        section.get_by_label("Authorization value", exact=True).fill("Bearer bot-token")
        section.get_by_role("button", name="Save").click()
        expect(page.get_by_test_id("toast").filter(has_text="Notifications saved")).to_be_visible()
        stored = _config(live_server.url)["notifications"]
        assert stored["enabled"] is True and stored["on_completed"] is True
        hook = stored["webhooks"][0]
        assert hook["name"] == "Build bot" and hook["url"] == "https://example.com/hook" and hook["method"] == "POST"
        assert hook["secret"]["present"] is True and hook["headers"]["Authorization"]["present"] is True
        assert "hook-secret" not in json.dumps(stored) and "bot-token" not in json.dumps(stored)
        # The stored secrets show as kept, not as values.
        expect(section.get_by_label("Signing secret", exact=True)).to_have_attribute("placeholder", "Saved — leave empty to keep")
        page.screenshot(animations="disabled", path=str(screenshots / "settings-notifications.png"), full_page=True)
        axe_check(page, "settings-notifications")

        # A renamed header leaves its stored value behind (it is stored under the old name):
        # its field no longer offers to keep it, and saving waits for a new value.
        section.get_by_label("Header name", exact=True).fill("X-Bot-Token")
        value = section.get_by_label("X-Bot-Token value", exact=True)
        expect(value).not_to_have_attribute("placeholder", "Saved — leave empty to keep")
        expect(section.get_by_text("Enter the value of X-Bot-Token")).to_be_visible()
        section.get_by_role("button", name="Save").click()
        expect(page.get_by_test_id("toast").filter(has_text="Enter the value of the renamed headers: X-Bot-Token")).to_be_visible()
        assert set(_config(live_server.url)["notifications"]["webhooks"][0]["headers"]) == {"Authorization"}
        value.fill("Bearer renamed-token")
        expect(section.get_by_text("Enter the value of X-Bot-Token")).to_have_count(0)
        section.get_by_role("button", name="Save").click()
        # Saved: the editor starts again from the server's view, where the new name's value is kept.
        expect(value).to_have_attribute("placeholder", "Saved — leave empty to keep")
        headers = _config(live_server.url)["notifications"]["webhooks"][0]["headers"]
        assert set(headers) == {"X-Bot-Token"} and headers["X-Bot-Token"]["present"] is True

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


class _Receiver:
    """A webhook receiver on 127.0.0.1 (as in tests/notifications/test_webhook.py)."""

    def __init__(self) -> None:
        from starlette.applications import Starlette
        from starlette.requests import Request
        from starlette.responses import JSONResponse
        from starlette.routing import Route

        from tests.fakes.server import ThreadedServer

        self.received: list[dict[str, Any]] = []

        async def hook(request: Request) -> JSONResponse:
            self.received.append({"headers": dict(request.headers), "body": await request.body(),
                                  "method": request.method})
            return JSONResponse({"ok": True})

        self.server = ThreadedServer(Starlette(routes=[Route("/hook", hook, methods=["POST", "PUT"])])).start()


@pytest.fixture
def webhook_server(tmp_path: Path, fake_openai: Any, spa_dist: Path) -> Iterator[tuple[ServerProcess, _Receiver]]:
    """A live server allowed to deliver webhooks to loopback, and a receiver there."""
    receiver = _Receiver()
    env = server_env(tmp_path / "hook-codex", fake_openai, GPT_IMAGE_2_WEBHOOK_PRIVATE_NETWORKS="127.0.0.1/32",
                     E2E_HOOK_SECRET="env-hook-secret-0123")
    proc = ServerProcess(env, static_dir=spa_dist, log=tmp_path / "hook-server.log").start()
    try:
        yield proc, receiver
    finally:
        proc.stop()
        receiver.server.stop()


def _ui_notification_state(section: Any) -> dict[str, bool]:
    """The notification switches and status boxes as the Settings page shows them."""
    checked = {name: section.get_by_label(label, exact=True).is_checked() for name, label in (
        ("enabled", "Send notifications"), ("on_completed", "completes"), ("on_failed", "fails"),
        ("on_cancelled", "is cancelled"), ("toast", "In-app message"), ("system", "System notification"))}
    return checked


def _server_notification_state(doc: dict[str, Any]) -> dict[str, bool]:
    return {"enabled": doc["enabled"], "on_completed": doc["on_completed"], "on_failed": doc["on_failed"],
            "on_cancelled": doc["on_cancelled"], "toast": doc["toast"]["enabled"],
            "system": doc["system"]["enabled"]}


def test_notification_defaults_are_the_servers(browser: Any, webhook_server: tuple[ServerProcess, _Receiver],
                                               tmp_path: Path) -> None:
    """On a fresh data root the page shows GET /api/notifications; with a section missing every
    field (a hand-written config.json) the page's fallbacks are still the server's defaults."""
    server, _ = webhook_server
    defaults = httpx.get(f"{server.url}/api/notifications", timeout=5).json()
    expected = _server_notification_state(defaults)
    context, page, errors = open_app(browser, server.url)
    try:
        page.goto(server.url + "/#/settings")
        section = page.locator("#settings-notifications")
        expect(section.get_by_label("Send notifications", exact=True)).to_be_visible()
        assert _ui_notification_state(section) == expected
        config = tmp_path / "hook-codex" / "gpt-image-2-skill" / "config.json"
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(json.dumps({"version": 1, "notifications": {"webhooks": []}}), encoding="utf-8")
        assert httpx.get(f"{server.url}/api/notifications", timeout=5).json() == {"webhooks": []}
        page.reload()
        expect(section.get_by_label("Send notifications", exact=True)).to_be_visible()
        assert _ui_notification_state(section) == expected
        assert errors == []
    finally:
        context.close()


def test_a_webhook_saved_in_the_ui_gets_the_failed_test(browser: Any, webhook_server: tuple[ServerProcess, _Receiver],
                                                       screenshots: Path) -> None:
    """Statuses toggled, a webhook to a receiver on 127.0.0.1 with a typed Authorization header and a
    header from the server's environment, saved; "Test failed" reaches the receiver with status
    failed and both headers, and the page summarises it."""
    server, receiver = webhook_server
    context, page, errors = open_app(browser, server.url)
    try:
        page.goto(server.url + "/#/settings")
        section = page.locator("#settings-notifications")
        section.get_by_label("Send notifications", exact=True).check()
        section.get_by_label("completes", exact=True).uncheck()
        section.get_by_label("is cancelled", exact=True).uncheck()
        section.get_by_label("fails", exact=True).check()
        section.get_by_role("button", name="Add webhook").click()
        section.get_by_label("Name", exact=True).fill("Local hook")
        section.get_by_label("URL", exact=True).fill(f"{receiver.server.url}/hook")
        section.get_by_role("button", name="Add header").click()
        expect(section.get_by_label("Header name", exact=True)).to_have_value("Authorization")
        section.get_by_label("Authorization value", exact=True).fill("Bearer e2e-hook-token")
        section.get_by_role("button", name="Add header").click()
        second = section.locator(".webhook__header").nth(1)
        expect(second.get_by_label("Header name", exact=True)).to_have_value("X-Webhook-Secret-1")
        second.get_by_role("radio", name="Environment").check()
        env_name = section.get_by_label("X-Webhook-Secret-1 value: Environment variable", exact=True)
        expect(env_name).to_have_attribute("placeholder", "e.g. OPENAI_API_KEY")
        expect(second.get_by_text("changing it needs a restart")).to_be_visible()
        env_name.fill("E2E_HOOK_SECRET")
        section.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_test_id("toast").filter(has_text="Notifications saved")).to_be_visible()

        stored = httpx.get(f"{server.url}/api/notifications", timeout=5).json()
        assert (stored["on_completed"], stored["on_failed"], stored["on_cancelled"]) == (False, True, False)
        headers = stored["webhooks"][0]["headers"]
        assert headers["Authorization"] == {"source": "file", "present": True, "value": {"_omitted": "secret"}}
        assert headers["X-Webhook-Secret-1"] == {"source": "env", "env": "E2E_HOOK_SECRET", "present": True}
        assert "e2e-hook-token" not in json.dumps(stored)
        # After saving, the stored value is masked and kept by an empty input.
        expect(section.get_by_label("Authorization value", exact=True)).to_have_attribute(
            "placeholder", "Saved — leave empty to keep")
        assert receiver.received == []

        section.get_by_role("button", name="Test failed").click()
        expect(page.get_by_test_id("toast").filter(has_text="Test sent")).to_be_visible(timeout=15_000)
        # The local channel shows the test as a finished job would (in-app message on by default).
        expect(page.get_by_test_id("toast").filter(has_text="Generation failed")).to_be_visible()
        assert len(receiver.received) == 1
        got = receiver.received[0]
        assert got["method"] == "POST"
        assert got["headers"]["authorization"] == "Bearer e2e-hook-token"
        assert got["headers"]["x-webhook-secret-1"] == "env-hook-secret-0123"
        assert got["headers"]["x-gpt-image-2-event"] == "job.failed"
        body = json.loads(got["body"])
        assert body["event"] == "job.failed" and body["job"]["status"] == "failed"
        page.screenshot(animations="disabled", path=str(screenshots / "settings-notifications-test.png"), full_page=True)
        axe_check(page, "settings-notifications-test", include="#settings-notifications")
        assert errors == []
    finally:
        context.close()


def test_storage_panel_saves_a_local_archive(page: Any, live_server: Any, screenshots: Path) -> None:
    url = live_server.url
    data_root = httpx.get(f"{url}/api/config-paths", timeout=5).json()["app_data_dir"]
    section = page.locator("#settings-storage")
    expect(page.get_by_role("link", name="Storage")).to_be_visible()
    section.get_by_role("button", name="Add location").click()
    target = section.get_by_test_id("storage-target").last
    expect(target.get_by_label("Name")).to_have_value("target-1")

    # Incomplete: no folder, no archive picked, a bad retention: blocked before sending.
    section.get_by_label("Server first, cloud backup").check()
    section.get_by_label("Cleanup").select_option("by_age")
    section.get_by_label("Keep for (days)").fill("0")
    section.get_by_role("button", name="Save").click()
    expect(section.get_by_role("alert")).to_have_text("Storage settings are incomplete")
    expect(target.get_by_text("Enter a folder.")).to_be_visible()
    expect(section.get_by_text("Pick at least one target.")).to_be_visible()
    expect(section.get_by_text("Enter a whole number from 1 to 36500.")).to_be_visible()
    axe_check(page, "settings-storage-invalid", include="#settings-storage")
    assert _config(url)["storage"]["targets"] == {}

    # The server refuses a folder outside its data roots, and says why.
    target.get_by_label("Folder on the server").fill("/etc/gpt-image-2-e2e")
    section.get_by_role("checkbox", name="target-1").check()
    section.get_by_label("Keep for (days)").fill("14")
    section.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("toast").filter(has_text="Could not save the storage settings")).to_be_visible()
    assert _config(url)["storage"]["targets"] == {}

    folder = f"{data_root}/archive-e2e"
    target.get_by_label("Folder on the server").fill(folder)
    target.get_by_role("button", name="Test").click()
    expect(page.get_by_test_id("toast").filter(has_text="Storage target is usable")).to_be_visible()
    expect(section.get_by_text("Unsaved changes")).to_be_visible()
    section.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("toast").filter(has_text="Storage settings saved")).to_be_visible()
    expect(section.get_by_text("Unsaved changes")).to_have_count(0)
    storage = _config(url)["storage"]
    assert storage["targets"]["target-1"]["type"] == "local"
    assert storage["targets"]["target-1"]["directory"].endswith("archive-e2e")
    assert storage["pipeline"]["mode"] == "mirror" and storage["pipeline"]["archives"] == ["target-1"]
    assert storage["pipeline"]["cleanup"] == {"mode": "by_age", "retention_days": 14}
    section.scroll_into_view_if_needed()
    page.screenshot(animations="disabled", path=str(screenshots / "settings-storage.png"), full_page=True)
    axe_check(page, "settings-storage", include="#settings-storage")


def test_network_proxy_panel(page: Any, live_server: Any, screenshots: Path) -> None:
    url = live_server.url
    section = page.locator("#settings-proxy")
    expect(section.get_by_role("radio", name="Follow system")).to_be_checked()
    section.get_by_role("radio", name="Custom").check()
    section.get_by_label("Proxy URL").fill("proxy.example:3128")
    section.get_by_role("button", name="Save").click()
    expect(section.get_by_role("alert")).to_contain_text("Enter an http, https, socks5 or socks5h URL")
    assert _config(url)["proxy"]["mode"] == "system"
    axe_check(page, "settings-proxy-invalid", include="#settings-proxy")

    section.get_by_label("Proxy URL").fill("socks5h://me:pa55@127.0.0.1:1080")
    section.get_by_label("Hosts that bypass the proxy").fill("localhost\n.internal.example, 10.0.0.0/8")
    section.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("toast").filter(has_text="Proxy settings saved")).to_be_visible()
    proxy = _config(url)["proxy"]
    assert proxy["mode"] == "custom" and proxy["url"].rstrip("/") == "socks5h://127.0.0.1:1080"
    assert proxy["no_proxy"] == ["localhost", ".internal.example", "10.0.0.0/8"]
    # The password is not echoed back.
    expect(section.get_by_label("Proxy URL")).to_have_value(proxy["url"])
    section.scroll_into_view_if_needed()
    page.screenshot(animations="disabled", path=str(screenshots / "settings-proxy.png"), full_page=True)
    axe_check(page, "settings-proxy", include="#settings-proxy")

    section.get_by_role("radio", name="Direct").check()
    section.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("toast").filter(has_text="Proxy settings saved")).to_have_count(1)
    for _ in range(50):
        if _config(url)["proxy"]["mode"] == "none":
            break
        page.wait_for_timeout(100)
    assert _config(url)["proxy"]["mode"] == "none"


def test_logs_panel(page: Any, live_server: Any, screenshots: Path) -> None:
    url = live_server.url
    section = page.locator("#settings-logs")
    expect(section.get_by_test_id("log-list")).to_contain_text("server.started")
    logs_dir = httpx.get(f"{url}/api/logs", timeout=5).json()["logs_dir"]
    expect(section).to_contain_text(logs_dir)

    section.get_by_label("Verbose logging (debug)").check()
    expect(page.get_by_test_id("toast").filter(has_text="Debug logging on")).to_be_visible()
    assert _config(url)["logging"]["debug"] is True
    section.get_by_role("button", name="Refresh").click()
    expect(section.get_by_test_id("log-list")).to_contain_text("config.logging.saved")

    section.get_by_label("Level").select_option("error")
    expect(section.get_by_test_id("logs-empty")).to_be_visible()
    section.get_by_label("Level").select_option("all")
    expect(section.get_by_test_id("log-list")).to_be_visible()

    section.get_by_role("button", name="Log directory").click()
    expect(page.get_by_test_id("toast").filter(has_text=logs_dir)).to_be_visible()

    with page.expect_download() as info:
        section.get_by_role("button", name="Export").click()
    download = info.value
    assert download.suggested_filename.startswith("gpt-image-2-logs-")
    assert download.suggested_filename.endswith(".jsonl")
    lines = Path(download.path()).read_text().splitlines()
    types = [json.loads(line)["type"] for line in lines]
    assert "server.started" in types and "config.logging.saved" in types
    section.scroll_into_view_if_needed()
    page.screenshot(animations="disabled", path=str(screenshots / "settings-logs.png"), full_page=True)
    axe_check(page, "settings-logs", include="#settings-logs")

    section.get_by_label("Verbose logging (debug)").uncheck()
    expect(page.get_by_test_id("toast").filter(has_text="Debug logging off")).to_be_visible()
    assert _config(url)["logging"]["debug"] is False


def test_provider_proxy_override_and_no_keychain(page: Any, live_server: Any, screenshots: Path) -> None:
    url = live_server.url
    page.get_by_role("button", name="Add provider").first.click()
    dialog = page.get_by_role("dialog", name="Add a provider")
    # HTTP mode: the server's keychain is not offered (spec/ui.md §9.1, §9.3).
    expect(dialog.get_by_role("radio", name="Server config")).to_be_visible()
    expect(dialog.get_by_role("radio", name="Keychain")).to_have_count(0)
    dialog.get_by_label("Name").fill("via-proxy")
    dialog.get_by_label("Base URL").fill(live_server.fake_openai.api_base)
    dialog.get_by_label("API key").fill("sk-proxy-0123456789")
    dialog.get_by_role("group", name="Network proxy").get_by_role("radio", name="Custom").check()
    dialog.get_by_label("Proxy URL").fill("not a proxy")
    dialog.get_by_role("button", name="Add provider").click()
    expect(dialog.get_by_text("Enter an http, https, socks5 or socks5h URL")).to_be_visible()
    assert "via-proxy" not in _config(url)["providers"]
    dialog.get_by_label("Proxy URL").fill("http://u:secret@127.0.0.1:3128")
    dialog.get_by_label("Hosts that bypass the proxy").fill("localhost")
    page.screenshot(animations="disabled", path=str(screenshots / "settings-provider-proxy.png"))
    axe_check(page, "settings-provider-proxy")
    dialog.get_by_role("button", name="Add provider").click()
    expect(page.get_by_test_id("toast").filter(has_text="via-proxy added")).to_be_visible()
    proxy = _config(url)["providers"]["via-proxy"]["proxy"]
    assert proxy["mode"] == "custom" and proxy["url"].rstrip("/") == "http://127.0.0.1:3128" and proxy["no_proxy"] == ["localhost"]

    card = page.locator('[data-provider="via-proxy"]')
    card.get_by_role("button", name="Edit").click()
    dialog = page.get_by_role("dialog", name="Edit via-proxy")
    expect(dialog.get_by_role("group", name="Network proxy").get_by_role("radio", name="Custom")).to_be_checked()
    dialog.get_by_role("radio", name="Force direct").check()
    dialog.get_by_role("button", name="Save changes").click()
    expect(dialog).to_have_count(0)
    assert _config(url)["providers"]["via-proxy"]["proxy"]["mode"] == "none"

    card.get_by_role("button", name="Edit").click()
    dialog = page.get_by_role("dialog", name="Edit via-proxy")
    dialog.get_by_role("radio", name="Follow global").check()
    dialog.get_by_role("button", name="Save changes").click()
    expect(dialog).to_have_count(0)
    assert not _config(url)["providers"]["via-proxy"].get("proxy")


def test_settings_on_a_phone(browser: Any, live_server: Any, screenshots: Path) -> None:
    context, page, errors = open_app(browser, live_server.url, viewport=PHONE, scheme="dark",
                                     is_mobile=True, has_touch=True)
    try:
        page.goto(live_server.url + "/#/settings")
        expect(page.get_by_role("heading", name="Providers")).to_be_visible()
        # Wait for the loaded panels, not their loading placeholders.
        expect(page.locator("[data-provider]").first).to_be_visible()
        expect(page.locator("#settings-notifications")).to_be_visible()
        expect(page.locator("#settings-logs .skeleton")).to_have_count(0)
        expect(page.locator(".skeleton")).to_have_count(0)
        no_horizontal_overflow(page)
        page.screenshot(animations="disabled", path=str(screenshots / "settings-phone.png"), full_page=True)
        axe_check(page, "settings-phone-dark")
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

        section.get_by_role("button", name="Test completed").click()
        expect(page.get_by_test_id("toast").filter(has_text="Test sent")).to_be_visible()
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
