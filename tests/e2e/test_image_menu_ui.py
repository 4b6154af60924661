"""The image context menu (right-click, Shift+F10) on job outputs, gallery cards, the
job drawer and Quick Look, and the finished-job toast with the job's image as its icon."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_check, open_app
from tests.e2e.test_tasks_ui import submit, wait_final

pytestmark = pytest.mark.e2e

# Records, at the window, whether each contextmenu event was claimed by the page.
CONTEXTMENU_PROBE = """
window.__contextmenu = [];
window.addEventListener("contextmenu", (e) => {
  window.__contextmenu.push({ prevented: e.defaultPrevented, tag: e.target.tagName });
});
"""


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context, page, errors = open_app(browser, live_server.url, permissions=["clipboard-read", "clipboard-write"])
    page.add_init_script(CONTEXTMENU_PROBE)
    yield page
    context.close()
    assert errors == [], f"uncaught errors in the page: {errors}"


def _menu(page: Any) -> Any:
    return page.get_by_role("menu", name="Image menu")


def _inside_viewport(page: Any, locator: Any) -> None:
    box = locator.bounding_box()
    size = page.viewport_size
    assert box is not None and size is not None
    assert box["x"] >= 0 and box["y"] >= 0, box
    assert box["x"] + box["width"] <= size["width"] and box["y"] + box["height"] <= size["height"], (box, size)


def test_right_click_an_output_and_edit_with_it(page: Any, live_server: Any, artwork: Any,
                                                 screenshots: Path) -> None:
    prompt = "A paper boat on a pond, e2e menu"
    page.goto(live_server.url + "/#/generate")
    page.get_by_label("Prompt").fill(prompt)
    page.get_by_label("Prompt").press("Control+Enter")
    card = page.locator("article.live-card").first
    expect(card).to_have_attribute("data-status", "completed", timeout=20_000)
    image = card.locator(".output img").first
    page.wait_for_function("() => { const i = document.querySelector('.live-card .output img'); return i && i.naturalWidth > 0; }")

    # The prompt field keeps the browser's own menu.
    page.get_by_label("Prompt").click(button="right")
    expect(_menu(page)).to_have_count(0)
    # Right-click on the image: the app menu opens, inside the viewport.
    image.click(button="right")
    menu = _menu(page)
    expect(menu).to_be_visible()
    probe = page.evaluate("() => window.__contextmenu")
    assert [p["prevented"] for p in probe] == [False, True], probe
    _inside_viewport(page, menu)
    for name in ("Quick Look", "Copy image", "Copy prompt", "Copy link", "Download image", "Use as reference",
                 "Edit with this image and prompt", "Show job in history", "Delete job"):
        expect(menu.get_by_role("menuitem", name=name)).to_have_count(1)
    expect(menu.get_by_role("menuitem").first).to_be_focused()
    page.screenshot(animations="disabled", path=str(screenshots / "image-menu-output.png"))
    axe_check(page, "image-menu-output")

    # A press outside closes it; a scroll too.
    page.get_by_role("heading", name="Create an image").click()
    expect(menu).to_have_count(0)
    image.click(button="right")
    expect(menu).to_be_visible()
    page.mouse.wheel(0, 200)
    expect(menu).to_have_count(0)

    # The hover toolbar's "…" opens the same menu; Esc gives focus back to it.
    card.locator(".output").first.hover()
    more = card.get_by_role("group", name="Image actions").get_by_role("button", name="More actions")
    expect(more).to_have_attribute("aria-expanded", "false")
    more.click()
    expect(menu).to_be_visible()
    expect(more).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("menuitem", name="Quick Look")).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_have_count(0)
    expect(more).to_be_focused()
    expect(more).to_have_attribute("aria-expanded", "false")
    # Closed by the wheel, the menu gives focus back too (not to the page's body).
    more.click()
    expect(menu.get_by_role("menuitem", name="Quick Look")).to_be_focused()
    page.mouse.wheel(0, 200)
    expect(menu).to_have_count(0)
    expect(more).to_be_focused()

    # The recent list's row carries the menu for the job's first image (no Quick Look there).
    row = page.locator(".recent .job-row", has_text="e2e menu").locator(".job-row__summary")
    row.click(button="right")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("menuitem", name="Quick Look")).to_have_count(0)
    expect(menu.get_by_role("menuitem", name="Copy link")).to_have_count(1)
    page.keyboard.press("Escape")
    expect(menu).to_have_count(0)
    expect(row).to_have_attribute("aria-expanded", "false")

    image.click(button="right")
    menu.get_by_role("menuitem", name="Edit with this image and prompt").click()
    expect(page.get_by_role("heading", name="Edit images")).to_be_visible()
    edit = page.locator('[data-screen="edit"]')
    expect(edit.get_by_test_id("ref-thumb")).to_have_count(1)
    expect(edit.get_by_label("Prompt")).to_have_value(prompt)
    assert page.evaluate("() => location.hash") == "#/edit"


def test_keyboard_menu_on_gallery_drawer_and_quick_look(page: Any, live_server: Any, artwork: Any,
                                                        screenshots: Path) -> None:
    url = live_server.url
    ids = [submit(url, "Two kites over a dune, e2e kites", n=2), submit(url, "A single kite, e2e lone")]
    wait_final(url, ids)
    kites = ids[0]
    page.goto(url + "/#/tasks")
    cards = page.locator('[data-screen="tasks"] .job-card')
    expect(cards).to_have_count(2)
    card = cards.filter(has_text="e2e kites")
    button = card.locator(".job-card__button")

    # Shift+F10 on the focused card: the menu opens with the first item focused; arrows, Home/End move.
    button.focus()
    page.keyboard.press("Shift+F10")
    menu = _menu(page)
    expect(menu).to_be_visible()
    items = menu.get_by_role("menuitem")
    expect(items.first).to_have_accessible_name("Quick Look")
    expect(items.first).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(menu.get_by_role("menuitem", name="Open in a new tab")).to_be_focused()
    page.keyboard.press("End")
    expect(menu.get_by_role("menuitem", name="Delete job")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(items.first).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(menu.get_by_role("menuitem", name="Delete job")).to_be_focused()
    _inside_viewport(page, menu)
    axe_check(page, "image-menu-tasks")
    # Esc closes it and gives focus back to the card.
    page.keyboard.press("Escape")
    expect(menu).to_have_count(0)
    expect(button).to_be_focused()

    # Enter chooses: Copy link puts the image's address on the clipboard.
    page.keyboard.press("Shift+F10")
    expect(menu).to_be_visible()
    for _ in range(4):
        page.keyboard.press("ArrowDown")
    expect(menu.get_by_role("menuitem", name="Copy link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("toast").filter(has_text="Link copied")).to_be_visible()
    expect(menu).to_have_count(0)
    assert page.evaluate("() => navigator.clipboard.readText()") == f"{url}/api/jobs/{kites}/outputs/0"

    # The drawer's image: the menu opens inside the modal drawer, without "Show job in history";
    # the shared previous/next buttons switch images.
    button.click()
    drawer = page.get_by_role("dialog", name="Image A · 1 / 2")
    expect(drawer).to_be_visible()
    drawer.get_by_role("button", name="Next image").click()
    drawer = page.get_by_role("dialog", name="Image B · 2 / 2")
    expect(drawer).to_be_visible()
    drawer_image = drawer.locator(".drawer-image img")
    drawer_image.click(button="right")
    expect(drawer.get_by_role("menu", name="Image menu")).to_be_visible()
    expect(menu.get_by_role("menuitem", name="Show job in history")).to_have_count(0)
    page.screenshot(animations="disabled", path=str(screenshots / "image-menu-drawer.png"))
    axe_check(page, "image-menu-drawer")
    page.keyboard.press("Escape")
    expect(menu).to_have_count(0)
    expect(drawer).to_be_visible()  # Esc closed the menu, not the drawer

    # Quick Look from the menu; there the image carries the menu too, and Esc closes one layer at a time.
    drawer_image.click(button="right")
    menu.get_by_role("menuitem", name="Quick Look").click()
    viewer = page.get_by_role("dialog", name="Quick Look")
    expect(viewer.get_by_test_id("quick-look")).to_have_attribute("data-index", "1")
    viewer.locator(".quick-look__img").click(button="right")
    expect(viewer.get_by_role("menu", name="Image menu")).to_be_visible()
    expect(menu.get_by_role("menuitem", name="Quick Look")).to_have_count(0)
    page.keyboard.press("ArrowRight")  # moves in the menu, not to the other image
    expect(viewer.get_by_test_id("quick-look")).to_have_attribute("data-index", "1")
    axe_check(page, "image-menu-quick-look")
    page.keyboard.press("Escape")
    expect(menu).to_have_count(0)
    expect(viewer).to_be_visible()
    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()

    # Delete from the card's menu asks first, then the job is gone.
    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    card = cards.filter(has_text="e2e lone")
    card.locator(".job-card__button").click(button="right")
    menu.get_by_role("menuitem", name="Delete job").click()
    page.get_by_role("dialog", name="Delete this job?").get_by_role("button", name="Delete", exact=True).click()
    expect(page.get_by_test_id("toast").filter(has_text="Job deleted")).to_be_visible()
    expect(cards).to_have_count(1)


def test_finished_job_toast_shows_its_image(page: Any, live_server: Any, screenshots: Path) -> None:
    url = live_server.url
    live_server.fake_openai.latency = 4.0
    job = submit(url, "A lantern in the rain, e2e toast")
    page.goto(url + "/#/tasks")
    toast = page.get_by_test_id("toast").filter(has_text="Generation finished")
    expect(toast).to_be_visible(timeout=20_000)
    thumb = toast.locator("img")
    expect(thumb).to_have_count(1)
    expect(thumb).to_have_attribute("src", re.compile(rf"/api/jobs/{job}/outputs/0$"))
    expect(thumb).to_have_attribute("alt", "")
    page.wait_for_function(
        "() => { const i = document.querySelector('[data-testid=toast] img'); return i && i.complete && i.naturalWidth > 0; }")
    status = httpx.get(f"{url}/api/jobs/{job}", timeout=5).json()["job"]["status"]
    assert status == "completed"
    toast.screenshot(animations="disabled", path=str(screenshots / "toast-thumbnail.png"))
    axe_check(page, "toast-thumbnail")
