"""The Edit screen: references by file picker, drag and drop and paste; reordering;
the mask canvas; the request the server receives; the result."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from playwright.sync_api import expect

from tests.e2e.artwork import landscape_png, photo_png
from tests.e2e.conftest import PHONE, axe_check, no_horizontal_overflow, open_app

pytestmark = pytest.mark.e2e


DONE_TIMEOUT = 30_000


@pytest.fixture
def images(tmp_path: Path) -> dict[str, Path]:
    files = {
        "photo": (tmp_path / "product-photo.png", photo_png(640)),
        "land": (tmp_path / "landscape.png", landscape_png(512, seed=7)),
        "land2": (tmp_path / "dusk.png", landscape_png(512, seed=11)),
    }
    for path, data in files.values():
        path.write_bytes(data)
    return {k: v[0] for k, v in files.items()}


@pytest.fixture
def page(browser: Any, live_server: Any, artwork: Any) -> Iterator[Any]:
    context, page, errors = open_app(browser, live_server.url)
    page.goto(live_server.url + "/#/edit")
    expect(page.get_by_role("heading", name="Edit images")).to_be_visible()
    yield page
    context.close()
    assert errors == [], f"uncaught errors in the page: {errors}"


def _drop_files(page: Any, target: str, files: list[tuple[str, bytes]]) -> None:
    """Drop real files on an element, as a drag from the desktop would."""
    page.evaluate(
        """([selector, files]) => {
          const dt = new DataTransfer();
          for (const [name, b64] of files) {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            dt.items.add(new File([bytes], name, { type: name.endsWith(".txt") ? "text/plain" : "image/png" }));
          }
          const el = document.querySelector(selector);
          el.dispatchEvent(new DragEvent("dragover", { dataTransfer: dt, bubbles: true, cancelable: true }));
          el.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
        }""",
        [target, [[n, base64.b64encode(d).decode()] for n, d in files]],
    )


def _paste_image(page: Any, name: str, data: bytes) -> None:
    page.evaluate(
        """([name, b64]) => {
          const dt = new DataTransfer();
          const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          dt.items.add(new File([bytes], name, { type: "image/png" }));
          document.body.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }));
        }""",
        [name, base64.b64encode(data).decode()],
    )


def _paint(page: Any, canvas: Any, points: list[tuple[float, float]]) -> None:
    box = canvas.bounding_box()
    assert box is not None
    x0, y0 = points[0]
    page.mouse.move(box["x"] + box["width"] * x0, box["y"] + box["height"] * y0)
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(box["x"] + box["width"] * x, box["y"] + box["height"] * y, steps=4)
    page.mouse.up()


def test_region_edit_sends_references_in_order_and_a_mask_of_the_first_ones_size(
    page: Any, live_server: Any, images: dict[str, Path], screenshots: Path
) -> None:
    # Add by file picker, then by drag and drop (a non-image is skipped), then by paste.
    page.get_by_test_id("file-input").set_input_files([str(images["land"]), str(images["photo"])])
    thumbs = page.get_by_test_id("ref-thumb")
    expect(thumbs).to_have_count(2)
    _drop_files(page, '[data-testid="drop-zone"]', [("notes.txt", b"hello"), ("dusk.png", images["land2"].read_bytes())])
    expect(thumbs).to_have_count(3)
    expect(page.get_by_test_id("toast").filter(has_text="not images")).to_be_visible()
    _paste_image(page, "image.png", landscape_png(256, seed=5))
    expect(thumbs).to_have_count(4)
    expect(page.get_by_test_id("ref-count")).to_have_text("4 / 16")
    expect(thumbs.nth(3).get_by_role("button", name="clipboard-")).to_be_visible()

    # Reorder: the product photo becomes the first (target) image; remove the pasted one.
    page.get_by_role("button", name="Move reference 2 earlier").click()
    expect(thumbs.first.get_by_role("button").first).to_have_attribute("aria-label", "Reference 1: product-photo.png")
    page.get_by_role("button", name="Remove reference 4").click()
    expect(thumbs).to_have_count(3)

    # Paint a region on the first reference; undo and redo work; the hint follows.
    page.get_by_role("radio", name="Paint a region").check()
    canvas = page.get_by_test_id("mask-canvas")
    expect(canvas).to_be_visible()
    expect(page.get_by_text("The mask is exported at 640 × 640")).to_be_visible()
    _paint(page, canvas, [(0.40, 0.35), (0.55, 0.40), (0.60, 0.55), (0.45, 0.60)])
    expect(page.get_by_test_id("mask-coverage")).to_contain_text("% of the image will be repainted")
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_test_id("mask-coverage")).to_contain_text("Paint over the area")
    page.get_by_role("button", name="Redo").click()
    expect(page.get_by_test_id("mask-coverage")).to_contain_text("% of the image will be repainted")

    prompt = "Turn the sphere into a glass orb, e2e edit"
    page.get_by_label("What should the painted area become?").fill(prompt)
    page.get_by_role("group", name="Input fidelity").get_by_role("radio", name="High", exact=True).check()
    page.screenshot(animations="disabled", path=str(screenshots / "edit-region.png"))
    axe_check(page, "edit-region")

    with page.expect_request("**/api/images/edit") as request_info:
        page.get_by_label("What should the painted area become?").press("Control+Enter")
    body = json.loads(request_info.value.post_data)
    assert [r["name"] for r in body["refs"]] == ["product-photo.png", "landscape.png", "dusk.png"]
    assert body["prompt"] == prompt and body["input_fidelity"] == "high"
    mask = cv2.imdecode(np.frombuffer(base64.b64decode(body["mask"]["data_base64"]), np.uint8), cv2.IMREAD_UNCHANGED)
    assert mask.shape == (640, 640, 4)  # the first reference's size, with alpha
    assert mask[0, 0, 3] == 255 and mask[639, 639, 3] == 255  # untouched: opaque (kept)
    assert mask[int(640 * 0.40), int(640 * 0.52), 3] == 0  # painted: transparent (to edit)
    assert set(np.unique(mask[..., :3])) == {255}

    card = page.locator("article.live-card").first
    expect(card).to_have_attribute("data-status", "completed", timeout=DONE_TIMEOUT)
    expect(card.locator(".output img")).to_be_visible()
    edits = [r for r in live_server.fake_openai.requests if r["path"].endswith("/images/edits")]
    assert len(edits) == 1
    assert [f["field"] for f in edits[0]["files"]].count("image[]") == 3
    assert any(f["field"] == "mask" for f in edits[0]["files"])
    page.screenshot(animations="disabled", path=str(screenshots / "edit-done.png"), full_page=True)


def test_soft_selection_provider_gets_the_painted_target_as_one_more_reference(
    browser: Any, live_server: Any, artwork: Any, images: dict[str, Path]
) -> None:
    """spec/ui.md §5.4: an OpenAI-compatible provider without precise masks edits a
    region by soft selection: no mask, the target with green strokes appended."""
    import httpx

    saved = httpx.put(f"{live_server.url}/api/providers/gw", json={
        "type": "openai-compatible", "api_base": live_server.fake_openai.api_base,
        "credentials": {"api_key": {"source": "file", "value": "sk-gw-soft-0123456789"}},
        "set_default": True}, timeout=10)
    assert saved.status_code == 200, saved.text
    context, page, errors = open_app(browser, live_server.url)
    try:
        page.goto(live_server.url + "/#/edit")
        page.get_by_test_id("file-input").set_input_files([str(images["photo"])])
        expect(page.get_by_test_id("ref-thumb")).to_have_count(1)
        page.get_by_role("radio", name="Paint a region").check()
        expect(page.get_by_text("Soft selection (hint)")).to_be_visible()
        canvas = page.get_by_test_id("mask-canvas")
        _paint(page, canvas, [(0.40, 0.35), (0.55, 0.40), (0.60, 0.55), (0.45, 0.60)])
        page.get_by_label("What should the painted area become?").fill("a glass orb, soft")
        with page.expect_request("**/api/images/edit") as request_info:
            page.get_by_label("What should the painted area become?").press("Control+Enter")
        body = json.loads(request_info.value.post_data)
        assert "mask" not in body
        hint = cv2.imdecode(np.frombuffer(base64.b64decode(body["selection_hint"]["data_base64"]),
                                          np.uint8), cv2.IMREAD_UNCHANGED)
        assert hint.shape[:2] == (640, 640)
        b, g, r = (int(v) for v in hint[int(640 * 0.40), int(640 * 0.52), :3])
        assert g > 150 and g > r + 60 and g > b + 60  # painted: green over the target
        card = page.locator("article.live-card").first
        expect(card).to_have_attribute("data-status", "completed", timeout=DONE_TIMEOUT)
        edits = [r for r in live_server.fake_openai.requests
                 if r["path"].endswith("/images/edits")]
        assert [f["field"] for f in edits[-1]["files"]] == ["image[]", "image[]"]
    finally:
        context.close()
    assert errors == [], f"uncaught errors in the page: {errors}"


def test_whole_image_edit_and_the_tasks_drawer_shows_the_references(
    page: Any, live_server: Any, images: dict[str, Path]
) -> None:
    page.get_by_test_id("file-input").set_input_files([str(images["land"])])
    page.get_by_label("Prompt").fill("Make it a winter scene, e2e whole")
    page.get_by_role("button", name="Apply").click()
    card = page.locator("article.live-card").first
    expect(card).to_have_attribute("data-status", "completed", timeout=DONE_TIMEOUT)
    edits = [r for r in live_server.fake_openai.requests if r["path"].endswith("/images/edits")]
    assert not any(f["field"] == "mask" for f in edits[-1]["files"])

    page.get_by_role("link", name="Tasks").click()
    page.locator('[data-screen="tasks"] .job-card').first.get_by_role("button").click()
    drawer = page.get_by_test_id("job-drawer")
    expect(drawer).to_contain_text("Input references (1)")
    expect(drawer.get_by_test_id("timeline")).to_contain_text("job.completed")


def test_no_reference_no_request(page: Any, live_server: Any) -> None:
    page.get_by_label("Prompt").fill("nothing to edit")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_test_id("toast").filter(has_text="Add a reference image first")).to_be_visible()
    assert not [r for r in live_server.fake_openai.requests if r["path"].endswith("/images/edits")]


def test_edit_on_a_phone(browser: Any, live_server: Any, images: dict[str, Path], screenshots: Path) -> None:
    context, page, errors = open_app(browser, live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page.goto(live_server.url + "/#/edit")
        page.get_by_test_id("file-input").set_input_files([str(images["photo"]), str(images["land"])])
        page.get_by_role("radio", name="Paint a region").check()
        expect(page.get_by_test_id("mask-canvas")).to_be_visible()
        no_horizontal_overflow(page)
        page.screenshot(animations="disabled", path=str(screenshots / "edit-phone.png"), full_page=True)
        assert errors == []
    finally:
        context.close()
