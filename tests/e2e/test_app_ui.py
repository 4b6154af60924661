"""App-wide: installability (manifest, icons, service worker that leaves /api alone),
keyboard shortcuts, dark mode and the access-token screen's accessibility."""

from __future__ import annotations

import struct
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



def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_manifest_and_icons(live_server: Any) -> None:
    response = httpx.get(f"{live_server.url}/manifest.webmanifest", timeout=5)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["name"] == "GPT Image 2" and manifest["display"] == "standalone"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    sizes = {(i["sizes"], i.get("purpose", "any")) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        data = httpx.get(live_server.url + icon["src"], timeout=5).content
        w, h = _png_size(data)
        assert f"{w}x{h}" == icon["sizes"], icon
    index = httpx.get(live_server.url + "/", timeout=5).text
    assert '<link rel="manifest" href="/manifest.webmanifest"' in index


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context, page, errors = open_app(browser, live_server.url)
    yield page
    context.close()
    assert errors == [], f"uncaught errors in the page: {errors}"


def test_service_worker_makes_it_installable_and_never_handles_the_api(
    page: Any, live_server: Any, artwork: Any
) -> None:
    page.goto(live_server.url + "/")
    scope = page.evaluate("async () => (await navigator.serviceWorker.ready).scope")
    assert scope == live_server.url + "/"
    page.reload()  # now the page is controlled by the worker
    assert page.evaluate("() => navigator.serviceWorker.controller !== null")

    cdp = page.context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [e for e in errors if e["errorId"] != "in-incognito"] == [], errors

    # API calls, images and the event stream go to the network, never through the worker.
    api_responses: list[Any] = []
    page.on("response", lambda r: api_responses.append(r) if "/api/" in r.url else None)
    live_server.fake_openai.latency = 1.0
    page.get_by_label("Prompt").fill("Installed app, e2e pwa")
    page.get_by_role("button", name="Generate").click()
    card = page.locator("article.live-card").first
    expect(card).to_have_attribute("data-status", "completed", timeout=30_000)
    page.wait_for_function("() => { const i = document.querySelector('article.live-card img'); return i && i.naturalWidth > 0; }")
    assert any("/events" in r.url for r in api_responses), [r.url for r in api_responses]
    assert any("/outputs/" in r.url for r in api_responses)
    assert not [r.url for r in api_responses if r.from_service_worker], "the worker answered an /api request"
    cached = page.evaluate("async () => { const out = []; for (const k of await caches.keys()) for (const r of await (await caches.open(k)).keys()) out.push(new URL(r.url).pathname); return out; }")
    assert cached and not [p for p in cached if p.startswith("/api")], cached

    # The shell itself opens offline.
    page.context.set_offline(True)
    try:
        page.reload()
        expect(page.get_by_role("link", name="Generate")).to_be_visible()
    finally:
        page.context.set_offline(False)


def test_keyboard_shortcuts_switch_screens(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="Create an image")).to_be_visible()
    # Screens that depend on server routes join the bar once /api/openapi.json is
    # read; the shortcuts number whatever the bar shows, so wait for the full bar.
    expect(page.locator('[data-screen-link="transparent"]')).to_be_visible()
    order = [link.get_attribute("data-screen-link") for link in page.locator("[data-screen-link]").all()]
    assert order[:2] == ["generate", "edit"] and order[-2:] == ["tasks", "settings"], order
    page.locator("body").press(f"Control+{order.index('tasks') + 1}")
    expect(page.get_by_role("heading", name="Tasks", exact=True)).to_be_visible()
    page.locator("body").press(f"Control+{order.index('settings') + 1}")
    expect(page.get_by_role("heading", name="Settings", exact=True)).to_be_visible()
    page.locator("body").press("Control+2")
    expect(page.get_by_role("heading", name="Edit images")).to_be_visible()


@pytest.mark.parametrize("screen", ["generate", "edit", "transparent", "tasks", "settings"])
def test_every_screen_in_dark_mode_and_on_a_phone(
    browser: Any, live_server: Any, screenshots: Path, screen: str
) -> None:
    """Dark theme (from the system setting) at 375 px: no overflow, no serious axe finding."""
    context, page, errors = open_app(browser, live_server.url, viewport=PHONE, scheme="dark",
                                     is_mobile=True, has_touch=True)
    try:
        page.goto(f"{live_server.url}/#/{screen}")
        expect(page.locator(f'[data-screen="{screen}"] h1')).to_be_visible()
        expect(page.get_by_role("link", name="Transparent")).to_be_visible()  # capabilities loaded
        expect(page.locator(".skeleton")).to_have_count(0)
        assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
        no_horizontal_overflow(page)
        page.screenshot(animations="disabled", path=str(screenshots / f"{screen}-phone-dark.png"), full_page=True)
        axe_check(page, f"{screen}-phone-dark")
        assert errors == []
    finally:
        context.close()


WEB_TOKEN = "e2e-web-token-a11y"


@pytest.fixture
def token_server(tmp_path: Path, fake_openai: Any, spa_dist: Path) -> Iterator[ServerProcess]:
    env = server_env(tmp_path / "token-codex", fake_openai, GPT_IMAGE_2_WEB_TOKEN=WEB_TOKEN)
    proc = ServerProcess(env, static_dir=spa_dist, log=tmp_path / "token-server.log").start()
    try:
        yield proc
    finally:
        proc.stop()


def test_token_screen_is_accessible_in_both_languages(browser: Any, token_server: ServerProcess, screenshots: Path) -> None:
    for locale, title in (("en-US", "Access token required"), ("zh-CN", "需要访问令牌")):
        context, page, errors = open_app(browser, token_server.url, locale=locale)
        try:
            page.goto(token_server.url + "/")
            expect(page.get_by_role("heading", name=title)).to_be_visible()
            axe_check(page, f"token-{locale}")
            if locale == "zh-CN":
                page.screenshot(animations="disabled", path=str(screenshots / "token-gate-zh.png"))
            assert errors == []
        finally:
            context.close()
