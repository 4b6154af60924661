"""The Tasks screen: gallery, filters, search, infinite scroll, the detail drawer and
its actions, ZIP export of a selection, cancel, and the live queue indicator."""

from __future__ import annotations

import base64
import io
import re
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.artwork import landscape_png
from tests.e2e.conftest import PHONE, axe_check, no_horizontal_overflow, open_app

pytestmark = pytest.mark.e2e


TERMINAL = {"completed", "partial_failed", "failed", "cancelled", "canceled"}



def _jobs_query(url: str) -> dict[str, list[str]]:
    """The query of a ``GET /api/jobs`` request ({} for any other URL)."""
    parts = urlsplit(url)
    return parse_qs(parts.query) if parts.path == "/api/jobs" else {}

def submit(url: str, prompt: str, **fields: Any) -> str:
    body = {"prompt": prompt, "provider": "openai", **fields}
    response = httpx.post(f"{url}/api/images/generate", json=body, timeout=10)
    response.raise_for_status()
    return str(response.json()["job_id"])


def submit_edit(url: str, prompt: str, seeds: tuple[int, ...] = (9,)) -> str:
    refs = [{"name": f"input-{i + 1}.png", "data_base64": base64.b64encode(landscape_png(256, seed=seed)).decode()}
            for i, seed in enumerate(seeds)]
    response = httpx.post(f"{url}/api/images/edit", json={"prompt": prompt, "provider": "openai", "refs": refs}, timeout=10)
    response.raise_for_status()
    return str(response.json()["job_id"])


def wait_final(url: str, ids: list[str], timeout: float = 30) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    status: dict[str, str] = {}
    while time.monotonic() < deadline:
        status = {i: httpx.get(f"{url}/api/jobs/{i}", timeout=5).json()["job"]["status"] for i in ids}
        if all(s in TERMINAL for s in status.values()):
            return status
        time.sleep(0.1)
    raise AssertionError(f"jobs did not finish: {status}")


@pytest.fixture
def history(live_server: Any, artwork: Any) -> dict[str, str]:
    url = live_server.url
    relay = {"type": "openai-compatible", "api_base": live_server.fake_openai.api_base,
             "credentials": {"api_key": {"source": "file", "value": "sk-relay-e2e-0123456789"}}}
    httpx.put(f"{url}/api/providers/relay", json=relay, timeout=10).raise_for_status()
    ids = {
        "fox": submit(url, "A red fox in fresh snow, e2e fox"),
        "whale": submit(url, "A blue whale under the aurora, e2e whale", size="1536x1024", quality="high"),
        "forest": submit(url, "A green forest trail in fog, e2e forest", n=2),
        "rejected": submit(url, "REJECT a picture the upstream refuses, e2e rejected"),
        "relay": submit(url, "Through the relay, e2e relay", provider="relay"),
        "edit": submit_edit(url, "Winter version of this scene, e2e edit"),
    }
    status = wait_final(url, list(ids.values()))
    assert status[ids["whale"]] == "completed" and status[ids["rejected"]] == "failed", status
    return ids


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context, page, errors = open_app(browser, live_server.url, permissions=["clipboard-read", "clipboard-write"])
    yield page
    context.close()
    assert errors == [], f"uncaught errors in the page: {errors}"


def _cards(page: Any) -> Any:
    return page.locator('[data-screen="tasks"] .job-card')


def test_filters_search_and_the_drawer(page: Any, live_server: Any, history: dict[str, str], screenshots: Path) -> None:
    page.goto(live_server.url + "/#/tasks")
    cards = _cards(page)
    expect(cards).to_have_count(6)
    expect(page.locator(".count-pill")).to_have_text("6 jobs")
    expect(page.get_by_test_id("queue-panel")).to_contain_text("0 running")
    page.screenshot(animations="disabled", path=str(screenshots / "tasks.png"), full_page=True)
    axe_check(page, "tasks")

    # Every filter runs on the server: status, provider, kind (its commands) and search;
    # the total in the pill is the filtered total.
    page.get_by_role("radio", name="Failed").check()
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("e2e rejected")
    expect(cards.first).to_contain_text("Failed")
    page.get_by_role("radio", name="All", exact=True).check()
    with page.expect_request(lambda r: _jobs_query(r.url).get("provider") == ["relay"]):
        page.get_by_label("Filter by provider").select_option("relay")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("e2e relay")
    expect(page.locator(".count-pill")).to_have_text("1 job")
    page.get_by_label("Filter by provider").select_option("")
    with page.expect_request(lambda r: _jobs_query(r.url).get("command") == ["images edit"]):
        page.get_by_label("Filter by kind").select_option("edit")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Image edit")
    expect(page.locator(".count-pill")).to_have_text("1 job")
    page.get_by_label("Filter by kind").select_option("")
    page.get_by_label("Search jobs").fill("whale")
    expect(cards).to_have_count(1)
    expect(page).to_have_url(f"{live_server.url}/#/tasks")

    # The drawer: image, parameters, timeline, actions.
    cards.first.locator(".job-card__button").click()
    expect(page).to_have_url(f"{live_server.url}/#/tasks/{history['whale']}")
    drawer = page.get_by_test_id("job-drawer")
    expect(drawer).to_have_attribute("data-job-id", history["whale"])
    page.wait_for_function("() => { const i = document.querySelector('.drawer-image img'); return i && i.naturalWidth > 0; }")
    expect(drawer.get_by_test_id("timeline")).to_contain_text("job.completed")
    expect(drawer).to_contain_text("1536x1024")
    dialog = page.get_by_role("dialog", name="Image details")
    expect(dialog.get_by_role("button", name="Run again")).to_have_count(1)  # POST /api/jobs/{id}/retry exists
    page.screenshot(animations="disabled", path=str(screenshots / "tasks-drawer.png"))
    axe_check(page, "tasks-drawer")

    with page.expect_download() as download_info:
        dialog.get_by_role("button", name="Download").click()
    download = download_info.value
    assert download.suggested_filename == f"{history['whale']}-1.png"
    assert Path(download.path()).read_bytes() == live_server.fake_openai.image

    dialog.get_by_role("button", name="Copy image").click()
    expect(page.get_by_test_id("toast").filter(has_text="Image copied")).to_be_visible()
    types = page.evaluate("async () => (await navigator.clipboard.read()).flatMap((item) => item.types)")
    assert "image/png" in types
    dialog.get_by_role("button", name="Copy prompt").click()
    assert page.evaluate("() => navigator.clipboard.readText()") == "A blue whale under the aurora, e2e whale"

    # Delete, after confirming.
    dialog.get_by_role("button", name="Delete").click()
    confirm = page.get_by_role("dialog", name="Delete this job?")
    expect(confirm).to_be_visible()
    confirm.get_by_role("button", name="Delete").click()
    expect(page.get_by_test_id("toast").filter(has_text="Job deleted")).to_be_visible()
    page.get_by_label("Search jobs").fill("")
    expect(cards).to_have_count(5)
    assert httpx.get(f"{live_server.url}/api/jobs/{history['whale']}").status_code == 404


def test_send_to_edit_and_generate_again(page: Any, live_server: Any, history: dict[str, str]) -> None:
    page.goto(f"{live_server.url}/#/tasks/{history['fox']}")
    dialog = page.get_by_role("dialog", name="Image details")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Send to Edit").click()
    expect(page.get_by_role("heading", name="Edit images")).to_be_visible()
    expect(page.get_by_test_id("ref-thumb")).to_have_count(1)

    page.goto(f"{live_server.url}/#/tasks/{history['forest']}")
    dialog = page.get_by_role("dialog", name="Image A · 1 / 2")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Next image").click()
    expect(page.get_by_role("dialog", name="Image B · 2 / 2")).to_be_visible()
    page.get_by_role("dialog").get_by_role("button", name="Generate again").click()
    expect(page.get_by_role("heading", name="Create an image")).to_be_visible()
    generate = page.locator('[data-screen="generate"]')
    expect(generate.get_by_label("Prompt")).to_have_value("A green forest trail in fog, e2e forest")
    expect(generate.get_by_label("Count")).to_have_value("2")



def _clip_right(page: Any) -> float:
    """How much of the input the before/after wipe hides on the right, in percent."""
    clip = page.evaluate("() => document.querySelector('.before-after__before').style.clipPath")
    return float(clip.split("(")[1].split()[1].rstrip("%"))


def test_before_after_slider_and_run_again(page: Any, live_server: Any, artwork: Any, screenshots: Path) -> None:
    url = live_server.url
    edit = submit_edit(url, "Winter version of these scenes, e2e compare", seeds=(9, 21))
    assert wait_final(url, [edit])[edit] == "completed"
    page.goto(f"{url}/#/tasks/{edit}")
    dialog = page.get_by_role("dialog", name="Image details")
    compare = dialog.get_by_test_id("before-after")
    expect(compare).to_be_visible()

    # Pick the reference to compare: the first one by default, then the second.
    first, second = compare.get_by_role("button", name="Compare with reference 1"), compare.get_by_role("button", name="Compare with reference 2")
    expect(first).to_have_attribute("aria-pressed", "true")
    expect(compare.get_by_role("img", name="Input reference 1")).to_have_attribute("src", f"/api/jobs/{edit}/refs/0")
    second.click()
    expect(second).to_have_attribute("aria-pressed", "true")
    expect(first).to_have_attribute("aria-pressed", "false")
    expect(compare.get_by_role("img", name="Input reference 2")).to_have_attribute("src", f"/api/jobs/{edit}/refs/1")

    slider = compare.get_by_role("slider", name="Compare input and output")
    expect(slider).to_have_attribute("aria-valuenow", "50")
    assert _clip_right(page) == 50

    # Drag with the mouse: from 20 % to 80 % of the image.
    page.wait_for_function("() => [...document.querySelectorAll('.before-after img')].every((i) => i.complete && i.naturalWidth > 0)")
    compare.locator(".before-after__stage").scroll_into_view_if_needed()
    box = compare.locator(".before-after__stage").bounding_box()
    assert box is not None
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.2, y)
    page.mouse.down()
    expect(slider).to_have_attribute("aria-valuenow", "20")
    page.mouse.move(box["x"] + box["width"] * 0.8, y, steps=5)
    page.mouse.up()
    expect(slider).to_have_attribute("aria-valuenow", "80")
    assert _clip_right(page) == 20
    expect(slider).to_be_focused()

    # And with the keyboard.
    slider.press("ArrowLeft")
    slider.press("ArrowLeft")
    expect(slider).to_have_attribute("aria-valuenow", "70")
    assert _clip_right(page) == 30
    expect(slider).to_have_attribute("aria-valuetext", "70% input, 30% output")
    slider.press("Home")
    expect(slider).to_have_attribute("aria-valuenow", "0")
    assert _clip_right(page) == 100
    slider.press("PageUp")
    slider.press("ArrowRight")
    expect(slider).to_have_attribute("aria-valuenow", "30")
    slider.press("End")
    assert _clip_right(page) == 0
    slider.press("PageDown")
    expect(slider).to_have_attribute("aria-valuenow", "75")
    page.screenshot(animations="disabled", path=str(screenshots / "tasks-before-after.png"))
    axe_check(page, "tasks-before-after")

    # Run again: a new job with copies of the inputs runs to completion.
    before = {j["id"] for j in httpx.get(f"{url}/api/jobs", timeout=5).json()["jobs"]}
    dialog.get_by_role("button", name="Run again").click()
    expect(page.get_by_test_id("toast").filter(has_text="Queued again")).to_be_visible()
    page.wait_for_url(lambda u: f"/#/tasks/{edit}" not in u and "/#/tasks/" in u)
    retried = page.url.rsplit("/", 1)[1]
    assert retried not in before and retried != edit
    expect(page.get_by_test_id("job-drawer")).to_have_attribute("data-job-id", retried)
    assert wait_final(url, [retried])[retried] == "completed"
    expect(page.get_by_test_id("job-drawer").locator(".badge").first).to_have_text("Completed", timeout=10_000)
    original = httpx.get(f"{url}/api/jobs/{edit}", timeout=5).json()["job"]
    again = httpx.get(f"{url}/api/jobs/{retried}", timeout=5).json()["job"]
    assert again["command"] == "images edit" and again["provider"] == original["provider"]
    assert again["metadata"]["prompt"] == original["metadata"]["prompt"]
    assert again["metadata"]["retry_of"] == edit
    assert len(again["reference_images"]) == 2 and len(again["outputs"]) == 1
    for i in range(2):  # copies of the inputs, not links to the old job's files
        copied = httpx.get(f"{url}/api/jobs/{retried}/refs/{i}", timeout=5)
        assert copied.status_code == 200
        assert copied.content == httpx.get(f"{url}/api/jobs/{edit}/refs/{i}", timeout=5).content
    assert again["reference_images"][0]["path"] != original["reference_images"][0]["path"]
    assert live_server.fake_openai.calls["Winter version of these scenes, e2e compare"] == 2



def test_clean_up_finished_jobs(page: Any, live_server: Any, history: dict[str, str], screenshots: Path) -> None:
    url = live_server.url
    page.goto(url + "/#/tasks")
    cards = _cards(page)
    expect(cards).to_have_count(6)

    # Clean up follows the filter: only the loaded (here: failed) finished jobs go.
    page.get_by_role("radio", name="Failed").check()
    expect(cards).to_have_count(1)
    page.get_by_role("button", name="Clean up").click()
    confirm = page.get_by_role("dialog", name="Clean up job history?")
    expect(confirm).to_contain_text("1 loaded completed, failed or cancelled job leaves the history")
    page.screenshot(animations="disabled", path=str(screenshots / "tasks-cleanup.png"))
    axe_check(page, "tasks-cleanup")
    confirm.get_by_role("button", name="Cancel").click()
    expect(confirm).to_be_hidden()
    assert httpx.get(f"{url}/api/jobs/{history['rejected']}", timeout=5).status_code == 200
    page.get_by_role("button", name="Clean up").click()
    confirm.get_by_role("button", name="Clean up").click()
    expect(page.get_by_test_id("toast").filter(has_text="Removed 1 job")).to_be_visible()
    assert httpx.get(f"{url}/api/jobs/{history['rejected']}", timeout=5).status_code == 404
    expect(page.get_by_role("button", name="Clean up")).to_be_disabled()

    # A running job is never cleaned up.
    live_server.fake_openai.latency = 4.0
    running = submit(url, "Still rendering, e2e cleanup")
    page.get_by_role("radio", name="All", exact=True).check()
    expect(cards).to_have_count(6)
    expect(cards.filter(has_text="e2e cleanup")).to_have_attribute("data-status", re.compile("queued|running"))
    page.get_by_role("button", name="Clean up").click()
    expect(confirm).to_contain_text("5 loaded completed, failed or cancelled jobs leave the history")
    confirm.get_by_role("button", name="Clean up").click()
    expect(page.get_by_test_id("toast").filter(has_text="Removed 5 jobs")).to_be_visible()
    expect(cards).to_have_count(1)
    remaining = httpx.get(f"{url}/api/jobs", timeout=5).json()["jobs"]
    assert [j["id"] for j in remaining] == [running]
    wait_final(url, [running])



def test_quick_look_hover_toolbar_and_image_shortcuts(page: Any, live_server: Any, history: dict[str, str],
                                                       screenshots: Path) -> None:
    url = live_server.url
    page.goto(url + "/#/tasks")
    cards = _cards(page)
    expect(cards).to_have_count(6)
    forest = cards.filter(has_text="e2e forest")

    # The hover toolbar: Quick Look, use as reference, copy, download, open in a new tab.
    forest.hover()
    toolbar = forest.get_by_role("group", name="Image actions")
    expect(toolbar).to_be_visible()
    for name in ("Quick Look", "Use as reference", "Copy image", "Download image"):
        expect(toolbar.get_by_role("button", name=name)).to_be_visible()
    expect(toolbar.get_by_role("link", name="Open in a new tab")).to_have_attribute("href", f"/api/jobs/{history['forest']}/outputs/0")
    page.screenshot(animations="disabled", path=str(screenshots / "tasks-hover-toolbar.png"))
    with page.expect_download() as download_info:
        toolbar.get_by_role("button", name="Download image").click()
    assert download_info.value.suggested_filename == f"{history['forest']}-1.png"
    expect(page.get_by_test_id("toast").filter(has_text="Download started")).to_be_visible()

    # Space on a focused card opens Quick Look with the job's images; the arrows switch.
    forest.locator(".job-card__button").focus()
    page.keyboard.press("Space")
    viewer = page.get_by_role("dialog", name="Quick Look")
    expect(viewer).to_be_visible()
    expect(page).to_have_url(f"{url}/#/tasks")  # not the drawer
    look = viewer.get_by_test_id("quick-look")
    expect(look).to_have_attribute("data-index", "0")
    expect(viewer).to_contain_text("Image A · 1 / 2")
    page.keyboard.press("ArrowRight")
    expect(look).to_have_attribute("data-index", "1")
    expect(viewer).to_contain_text("Image B · 2 / 2")
    expect(viewer.get_by_role("button", name="Image B")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("ArrowRight")
    expect(look).to_have_attribute("data-index", "0")
    page.keyboard.press("ArrowLeft")
    expect(look).to_have_attribute("data-index", "1")
    page.wait_for_function("() => { const i = document.querySelector('.quick-look__img'); return i && i.complete && i.naturalWidth > 0; }")
    page.screenshot(animations="disabled", path=str(screenshots / "tasks-quick-look.png"))
    axe_check(page, "tasks-quick-look")
    # Focus stays in the viewer (a modal dialog): Tab cycles through its controls only.
    for _ in range(12):
        page.keyboard.press("Tab")
        assert page.evaluate("() => !!document.activeElement.closest('dialog.quick-look')")
    viewer.get_by_test_id("quick-look").locator(".quick-look__stage").focus()
    # Ctrl+C copies the shown image.
    page.keyboard.press("Control+c")
    expect(page.get_by_test_id("toast").filter(has_text="Image copied")).to_be_visible()
    types = page.evaluate("async () => (await navigator.clipboard.read()).flatMap((item) => item.types)")
    assert "image/png" in types
    # Space closes and gives focus back to the card; Esc closes too.
    page.keyboard.press("Space")
    expect(viewer).to_be_hidden()
    expect(forest.locator(".job-card__button")).to_be_focused()
    page.keyboard.press("Space")
    expect(viewer).to_be_visible()
    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    expect(page).to_have_url(f"{url}/#/tasks")

    # Keyboard users reach the toolbar with Tab from the card.
    page.mouse.move(0, 0)
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    expect(forest.locator(".job-card__button")).to_be_focused()
    page.keyboard.press("Tab")
    expect(toolbar.get_by_role("button", name="Quick Look")).to_be_focused()
    page.keyboard.press("Enter")
    expect(viewer).to_be_visible()
    page.keyboard.press("Escape")

    # The toolbar's Quick Look button, and the close button.
    forest.hover()
    toolbar.get_by_role("button", name="Quick Look").click()
    expect(viewer).to_be_visible()
    viewer.get_by_role("button", name="Close").click()
    expect(viewer).to_be_hidden()

    # Shortcuts act on the hovered image: copy image, copy prompt, delete (after a confirm).
    fox = cards.filter(has_text="e2e fox")
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    fox.hover()
    page.keyboard.press("Control+Shift+C")
    expect(page.get_by_test_id("toast").filter(has_text="Prompt copied")).to_be_visible()
    assert page.evaluate("() => navigator.clipboard.readText()") == "A red fox in fresh snow, e2e fox"
    page.keyboard.press("Control+Delete")
    confirm = page.get_by_role("dialog", name="Delete this job?")
    expect(confirm).to_be_visible()
    confirm.get_by_role("button", name="Cancel").click()
    assert httpx.get(f"{url}/api/jobs/{history['fox']}", timeout=5).status_code == 200
    fox.hover()
    page.keyboard.press("Control+Backspace")
    confirm.get_by_role("button", name="Delete").click()
    expect(page.get_by_test_id("toast").filter(has_text="Job deleted")).to_be_visible()
    expect(cards).to_have_count(5)
    assert httpx.get(f"{url}/api/jobs/{history['fox']}", timeout=5).status_code == 404

    # In the drawer, the large image opens Quick Look over it; Esc closes only the viewer.
    cards.filter(has_text="e2e whale").locator(".job-card__button").click()
    drawer = page.get_by_role("dialog", name="Image details")
    expect(drawer).to_be_visible()
    drawer.get_by_role("button", name="Image A").click()
    expect(viewer).to_be_visible()
    expect(viewer).to_contain_text("A blue whale under the aurora")
    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    expect(drawer).to_be_visible()



def test_quick_look_from_job_outputs(page: Any, live_server: Any, artwork: Any, screenshots: Path) -> None:
    """The outputs of a job card (Generate, Edit, Transparent) share the toolbar and Quick Look."""
    page.goto(live_server.url + "/#/generate")
    page.get_by_label("Prompt").fill("Two lighthouses at dusk, e2e outputs")
    page.get_by_role("button", name="One more image").click()
    page.get_by_label("Prompt").press("Control+Enter")
    card = page.locator("article.live-card").first
    expect(card).to_have_attribute("data-status", "completed", timeout=20_000)
    outputs = card.locator(".output")
    expect(outputs).to_have_count(2)
    outputs.nth(1).hover()
    toolbar = outputs.nth(1).get_by_role("group", name="Image actions")
    expect(toolbar).to_be_visible()
    page.screenshot(animations="disabled", path=str(screenshots / "generate-output-toolbar.png"))
    # Typing in the prompt keeps Space for the text; the toolbar and the image open Quick Look.
    toolbar.get_by_role("button", name="Quick Look").click()
    viewer = page.get_by_role("dialog", name="Quick Look")
    expect(viewer.get_by_test_id("quick-look")).to_have_attribute("data-index", "1")
    page.keyboard.press("ArrowLeft")
    expect(viewer.get_by_test_id("quick-look")).to_have_attribute("data-index", "0")
    axe_check(page, "generate-quick-look")
    page.keyboard.press("Space")
    expect(viewer).to_be_hidden()
    outputs.first.locator("button.output__link").click()
    expect(viewer.get_by_test_id("quick-look")).to_have_attribute("data-index", "0")
    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    # Space typed into the prompt stays text even while an image is hovered.
    page.get_by_label("Prompt").fill("a")
    page.get_by_label("Prompt").focus()
    outputs.first.hover()
    page.keyboard.type(" b")
    expect(page.get_by_label("Prompt")).to_have_value("a b")
    expect(viewer).to_be_hidden()


def test_zip_export_of_a_selection(page: Any, live_server: Any, history: dict[str, str]) -> None:
    page.goto(live_server.url + "/#/tasks")
    cards = _cards(page)
    expect(cards).to_have_count(6)
    page.get_by_role("button", name="Select").click()
    cards.filter(has_text="e2e forest").locator(".job-card__button").click()
    cards.filter(has_text="e2e fox").locator(".job-card__button").click()
    expect(page.get_by_text("2 selected")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download ZIP").click()
    data = Path(download_info.value.path()).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        names = sorted(archive.namelist())
        assert len(names) == 3, names  # forest has two images, fox one
        assert any(n.endswith(f"{history['fox']}/{history['fox']}-1.png") for n in names), names
        assert sum(f"-{history['forest']}/" in n for n in names) == 2, names
        for name in names:
            assert archive.read(name) == live_server.fake_openai.image
    expect(page.get_by_test_id("toast").filter(has_text="ZIP downloaded (3 images)")).to_be_visible()


def test_cancel_a_queued_job_and_the_queue_indicator(page: Any, live_server: Any, screenshots: Path) -> None:
    live_server.fake_openai.latency = 3.0
    url = live_server.url
    ids = [submit(url, f"Slow job {i}, e2e queue") for i in range(4)]
    page.goto(url + "/#/tasks")
    chip = page.get_by_test_id("queue-chip")
    expect(chip).to_contain_text("2 running · 2 queued", timeout=10_000)
    expect(page.get_by_test_id("queue-panel")).to_contain_text("2 queued")
    expect(page.locator('[data-screen-link="tasks"] .tab__badge')).to_have_text("4")
    page.screenshot(animations="disabled", path=str(screenshots / "tasks-queue.png"))

    page.goto(f"{url}/#/tasks/{ids[-1]}")
    dialog = page.get_by_role("dialog", name="Image details")
    dialog.get_by_role("button", name="Cancel job").click()
    # the action's own confirmation; the job notifier also announces the cancelled job
    expect(page.locator('[data-testid="toast"].toast--success').filter(
        has_text="Job cancelled")).to_be_visible()
    expect(page.locator('[data-testid="toast"].toast--info').filter(
        has_text="Job cancelled")).to_be_visible()
    expect(dialog.locator(".badge").first).to_have_text("Cancelled")
    assert httpx.get(f"{url}/api/jobs/{ids[-1]}").json()["job"]["status"] in ("canceled", "cancelled")
    wait_final(url, ids[:-1])
    expect(chip).to_have_count(0, timeout=10_000)


def test_infinite_scroll_loads_every_page(page: Any, live_server: Any) -> None:
    url = live_server.url
    ids = [submit(url, f"Bulk job {i:02d}, e2e scroll") for i in range(45)]
    wait_final(url, ids, timeout=60)
    page.goto(url + "/#/tasks")
    cards = _cards(page)
    expect(cards).to_have_count(40)
    expect(page.get_by_text("Showing 40 of 45")).to_be_visible()
    page.mouse.wheel(0, 20_000)
    expect(cards).to_have_count(45)
    expect(page.get_by_text("Showing 45 of 45")).to_be_visible()
    expect(page.get_by_role("button", name="Load more")).to_have_count(0)


def test_tasks_on_a_phone(browser: Any, live_server: Any, history: dict[str, str], screenshots: Path) -> None:
    context, page, errors = open_app(browser, live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page.goto(live_server.url + "/#/tasks")
        expect(_cards(page)).to_have_count(6)
        no_horizontal_overflow(page)
        page.screenshot(animations="disabled", path=str(screenshots / "tasks-phone.png"), full_page=True)
        _cards(page).first.locator(".job-card__button").click()
        expect(page.get_by_test_id("job-drawer")).to_be_visible()
        page.screenshot(animations="disabled", path=str(screenshots / "tasks-drawer-phone.png"))
        assert errors == []
    finally:
        context.close()


# A stand-in for the browser's Notification API: permission granted, every notification recorded.
NOTIFICATION_STUB = """
window.__notifications = [];
class RecordedNotification {
  constructor(title, options) { window.__notifications.push({ title, body: (options || {}).body || "" }); }
  close() {}
}
RecordedNotification.permission = "granted";
RecordedNotification.requestPermission = async () => "granted";
window.Notification = RecordedNotification;
"""


def test_notifications_follow_the_server_config(page: Any, live_server: Any) -> None:
    url = live_server.url
    config = {"enabled": True, "on_completed": True, "on_failed": False, "on_cancelled": True,
              "toast": {"enabled": True}, "system": {"enabled": True, "mode": "browser"}}
    httpx.put(f"{url}/api/notifications", json=config, timeout=10).raise_for_status()
    saved = httpx.get(f"{url}/api/notifications", timeout=10).json()
    assert saved["on_failed"] is False and saved["system"]["enabled"] is True, saved
    page.add_init_script(NOTIFICATION_STUB)
    live_server.fake_openai.latency = 4.0
    done = submit(url, "A lighthouse at dusk, e2e notify done")
    rejected = submit(url, "REJECT this one, e2e notify failed")
    looked_up: list[str] = []
    page.on("request", lambda r: looked_up.append(urlsplit(r.url).path))
    page.goto(url + "/#/tasks")
    # Both jobs are seen running, then finish: the notifier fetches each one's final state.
    expect(page.get_by_test_id("toast").filter(has_text="Generation finished")).to_be_visible(timeout=20_000)
    wait_final(url, [done, rejected])
    deadline = time.monotonic() + 10
    while f"/api/jobs/{rejected}" not in looked_up and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert f"/api/jobs/{rejected}" in looked_up, "the notifier never saw the failed job finish"
    page.wait_for_timeout(500)
    # Failures are switched off: no toast and no system notification for the rejected job.
    expect(page.get_by_test_id("toast").filter(has_text="Generation failed")).to_have_count(0)
    notes = page.evaluate("() => window.__notifications")
    assert [n["title"] for n in notes] == ["Generation finished"], notes
    assert "openai" in notes[0]["body"] and "1 image" in notes[0]["body"], notes
