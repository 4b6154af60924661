"""The Generate screen (and its hand-off to Tasks) in a real browser against a real server.

``live_server`` (tests/conftest.py) runs ``gpt-image-2 serve`` with the built
SPA, talking to the fake OpenAI upstream on loopback. Screenshots go to
``test-results/screenshots/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import server_env
from tests.fakes.process import ServerProcess

pytestmark = pytest.mark.e2e


DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
DONE_TIMEOUT = 30_000


def _axe(page: Any, name: str) -> None:
    from tests.e2e.conftest import axe_check

    axe_check(page, name)


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=DESKTOP, locale="en-US", color_scheme="light")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="Create an image")).to_be_visible()
    yield page
    context.close()
    assert errors == [], f"uncaught errors in the page: {errors}"


def _image_loaded(page: Any, locator: Any) -> None:
    """Wait until an <img> has really decoded (naturalWidth > 0)."""
    expect(locator).to_be_visible(timeout=DONE_TIMEOUT)
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=locator.element_handle(), timeout=DONE_TIMEOUT
    )
    assert locator.evaluate("img => img.naturalWidth") > 0


def _generate_bodies(live_server: Any) -> list[dict[str, Any]]:
    return [r["json"] for r in live_server.fake_openai.requests if r.get("json") is not None]


def test_generate_shows_progress_then_image_and_lists_the_job(
    page: Any, live_server: Any, screenshots: Path, artwork: Any
) -> None:
    live_server.fake_openai.latency = 1.5  # long enough to see the job run

    # 1. Submit with the button.
    first = "A lighthouse on a basalt cliff at dawn, e2e one"
    page.get_by_label("Prompt").fill(first)
    page.get_by_label("Size").select_option("1536x1024")
    page.get_by_role("radio", name="High", exact=True).check()
    page.get_by_role("button", name="Generate").click()

    card = page.locator("article.live-card").first
    expect(card).to_contain_text(first)
    expect(card).to_have_attribute("data-status", "running", timeout=10_000)
    expect(card.get_by_role("progressbar")).to_be_visible()
    expect(card.get_by_test_id("job-phase")).not_to_be_empty()
    page.screenshot(path=str(screenshots / "generate-progress.png"))

    expect(card).to_have_attribute("data-status", "completed", timeout=DONE_TIMEOUT)
    _image_loaded(page, card.locator("img"))
    expect(card.get_by_role("progressbar")).to_have_count(0)
    page.screenshot(animations="disabled", path=str(screenshots / "generate-done.png"))

    body = next(b for b in _generate_bodies(live_server) if b.get("prompt") == first)
    assert body["size"] == "1536x1024"
    assert body["quality"] == "high"

    # The job shows up in the recent list, completed, with a thumbnail.
    row = page.locator(".recent .job-row", has_text=first)
    expect(row).to_be_visible(timeout=10_000)
    expect(row).to_have_attribute("data-status", "completed", timeout=10_000)
    _image_loaded(page, row.locator(".thumb img"))

    # 2. Submit with Ctrl+Enter from the prompt, with a custom size.
    second = "Flat vector icon of a paper plane, e2e two"
    page.get_by_label("Size").select_option("custom")
    page.get_by_label("Width").fill("1000")
    expect(page.get_by_test_id("size-hint")).to_contain_text("multiples of 16")
    expect(page.get_by_role("button", name="Generate")).to_be_disabled()
    page.get_by_label("Width").fill("1280")
    page.get_by_label("Height").fill("720")
    expect(page.get_by_test_id("size-hint")).to_contain_text("1280 × 720")
    prompt = page.get_by_label("Prompt")
    prompt.fill(second)
    prompt.press("Control+Enter")

    newest = page.locator("article.live-card").first
    expect(newest).to_contain_text(second)
    expect(page.locator("article.live-card")).to_have_count(2)
    expect(newest).to_have_attribute("data-status", "completed", timeout=DONE_TIMEOUT)
    _image_loaded(page, newest.locator("img"))
    body = next(b for b in _generate_bodies(live_server) if b.get("prompt") == second)
    assert body["size"] == "1280x720"
    expect(page.locator(".recent .job-row", has_text=second)).to_be_visible(timeout=10_000)
    page.screenshot(animations="disabled", path=str(screenshots / "generate-two-jobs.png"), full_page=True)

    # 3. Count, provider, format and background reach the server.
    third = "Macro photo of a dew drop, e2e three"
    page.get_by_label("Size", exact=True).select_option("1024x1024")
    page.get_by_label("Provider").select_option("openai")
    page.get_by_role("button", name="One more image").click()
    expect(page.get_by_label("Count")).to_have_value("2")
    page.get_by_role("radio", name="WebP").check()
    compression = page.get_by_label("Compression")
    for _ in range(4):  # 90 → 70 in steps of 5
        compression.press("ArrowLeft")
    page.get_by_role("radio", name="Transparent").check()
    page.get_by_role("radio", name="X-High").check()
    page.get_by_label("Prompt").fill(third)
    expect(page.get_by_role("button", name="Generate 2")).to_be_enabled()
    page.get_by_role("button", name="Generate 2").click()
    newest = page.locator("article.live-card").first
    expect(newest).to_contain_text(third)
    expect(newest).to_have_attribute("data-status", "completed", timeout=DONE_TIMEOUT)
    expect(newest.locator(".output img")).to_have_count(2)
    body = next(b for b in _generate_bodies(live_server) if b.get("prompt") == third)
    assert body["output_format"] == "webp" and body["background"] == "transparent", body
    assert body["quality"] == "xhigh" and body["output_compression"] == 70, body
    page.screenshot(animations="disabled", path=str(screenshots / "generate.png"))
    _axe(page, "generate")

    # 4. The Tasks screen lists all three as gallery cards; a card opens its drawer.
    page.get_by_role("link", name="View all").click()
    expect(page.get_by_role("heading", name="Tasks")).to_be_visible()
    cards = page.locator('[data-screen="tasks"] .job-card')
    expect(cards).to_have_count(3, timeout=10_000)
    expect(cards.first).to_contain_text(third)  # newest first
    cards.filter(has_text=first).get_by_role("button").click()
    drawer = page.get_by_test_id("job-drawer")
    expect(drawer).to_contain_text(first)
    _image_loaded(page, drawer.locator(".drawer-image img"))
    page.screenshot(animations="disabled", path=str(screenshots / "tasks-drawer-from-generate.png"))


def test_upstream_failure_shows_the_error(page: Any, live_server: Any, screenshots: Path) -> None:
    page.get_by_label("Prompt").fill("REJECT a picture the upstream refuses")
    page.get_by_role("button", name="Generate").click()

    card = page.locator("article.live-card").first
    expect(card).to_have_attribute("data-status", "failed", timeout=DONE_TIMEOUT)
    alert = card.get_by_role("alert")
    expect(alert).to_contain_text("Generation failed")
    expect(alert.locator(".error-panel__message")).to_contain_text("rejected")
    expect(alert.locator("code")).not_to_be_empty()
    page.screenshot(animations="disabled", path=str(screenshots / "generate-error.png"))

    row = page.locator(".recent .job-row", has_text="REJECT")
    expect(row).to_have_attribute("data-status", "failed", timeout=10_000)
    expect(row).to_contain_text("Failed")


def test_phone_layout_and_language_switch(browser: Any, live_server: Any, screenshots: Path) -> None:
    context = browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        expect(page.get_by_label("Prompt")).to_be_visible()
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"page is {overflow}px wider than a 375px screen"
        page.screenshot(animations="disabled", path=str(screenshots / "generate-phone.png"), full_page=True)

        page.get_by_label("Language").first.select_option("zh")
        expect(page.get_by_role("heading", name="生成图像")).to_be_visible()
        assert page.evaluate("() => document.documentElement.lang") == "zh-CN"
        page.get_by_role("link", name="任务").click()
        expect(page.get_by_role("heading", name="任务", exact=True)).to_be_visible()
        # The navigation sits at the bottom of a phone screen, within reach of a thumb.
        nav = page.get_by_role("navigation", name="主导航").bounding_box()
        assert nav is not None and nav["y"] + nav["height"] >= PHONE["height"] - 2, nav
        page.screenshot(animations="disabled", path=str(screenshots / "tasks-phone-zh.png"), full_page=True)
    finally:
        context.close()


def test_form_is_keyboard_reachable(page: Any) -> None:
    """Tab from the top of the page reaches every control of the form, in order."""
    page.locator("body").focus()
    reached: list[str] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                """() => {
                  const el = document.activeElement;
                  if (!el) return "";
                  const label = el.labels?.[0]?.textContent?.trim() ?? el.textContent?.trim() ?? "";
                  return `${el.tagName.toLowerCase()}:${el.getAttribute("type") ?? ""}:${label}`;
                }"""
            )
        )
        if reached[-1].startswith("button:submit"):
            break
    assert reached[0].startswith("a:") and "Skip to content" in reached[0], reached
    assert any(r.startswith("textarea") for r in reached), reached
    assert any(r.startswith("select") and "Size" in r for r in reached), reached
    assert any(r.startswith("input:radio") for r in reached), reached
    assert reached[-1].startswith("button:submit") and "Generate" in reached[-1], reached


def test_falls_back_to_polling_when_the_event_stream_fails(page: Any, live_server: Any) -> None:
    """With every SSE request failing, the job is still followed to its image by polling."""
    stream_requests: list[str] = []

    def refuse(route: Any) -> None:
        stream_requests.append(route.request.url)
        route.fulfill(status=503, content_type="application/json", body='{"error":{"code":"x","message":"no"}}')

    page.route("**/api/jobs/*/events*", refuse)
    live_server.fake_openai.latency = 4.0
    page.get_by_label("Prompt").fill("Polling fallback, e2e")
    page.get_by_role("button", name="Generate").click()

    card = page.locator("article.live-card").first
    expect(card).to_contain_text("Live updates are unavailable", timeout=15_000)
    expect(card).to_have_attribute("data-status", "completed", timeout=DONE_TIMEOUT)
    _image_loaded(page, card.locator("img"))
    assert len(stream_requests) == 3, stream_requests  # tried, retried, then gave up on SSE


WEB_TOKEN = "e2e-web-token-5f2c"


@pytest.fixture
def token_server(tmp_path: Path, fake_openai: Any, spa_dist: Path) -> Iterator[ServerProcess]:
    """The same server, protected by an access token."""
    env = server_env(tmp_path / "token-codex", fake_openai, GPT_IMAGE_2_WEB_TOKEN=WEB_TOKEN)
    proc = ServerProcess(env, static_dir=spa_dist, log=tmp_path / "token-server.log").start()
    try:
        yield proc
    finally:
        proc.stop()


def test_token_gate(browser: Any, token_server: ServerProcess, screenshots: Path) -> None:
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    page = context.new_page()
    try:
        page.goto(token_server.url + "/")
        expect(page.get_by_role("heading", name="Access token required")).to_be_visible()
        expect(page.get_by_label("Prompt")).to_have_count(0)
        token = page.get_by_label("Access token", exact=True)
        expect(token).to_be_focused()

        token.fill("not-the-token")
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("alert")).to_contain_text("not correct")
        page.screenshot(animations="disabled", path=str(screenshots / "token-gate.png"))

        token.fill(WEB_TOKEN)
        token.press("Enter")
        expect(page.get_by_role("heading", name="Create an image")).to_be_visible()
        # The HttpOnly cookie now authenticates API calls, images and reloads.
        expect(page.get_by_text("No jobs yet")).to_be_visible()
        page.reload()
        expect(page.get_by_label("Prompt")).to_be_visible()
    finally:
        context.close()
