"""The Edit screen: references by file picker, drag and drop and paste; reordering;
the mask canvas; the request the server receives; the result."""

from __future__ import annotations

import base64
import json
import re
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
    apply = page.get_by_role("button", name="Apply")
    expect(apply).to_be_disabled()
    expect(page.get_by_test_id("submit-blocked")).to_have_text("Add a reference image first")
    # the shortcut still says why instead of sending anything
    page.get_by_label("Prompt").press("Control+Enter")
    expect(page.get_by_test_id("toast").filter(has_text="Add a reference image first")).to_be_visible()
    assert not [r for r in live_server.fake_openai.requests if r["path"].endswith("/images/edits")]


def test_apply_is_disabled_with_the_reason_until_the_edit_can_go(
    page: Any, live_server: Any, images: dict[str, Path]
) -> None:
    """spec/ui.md §5.4, as Generate does it: a request that would be refused cannot be
    sent, and the reason shows under the button (and describes it)."""
    import httpx

    saved = httpx.put(f"{live_server.url}/api/providers/plain", json={
        "type": "openai-compatible", "api_base": live_server.fake_openai.api_base,
        "credentials": {"api_key": {"source": "file", "value": "sk-plain-0123456789"}},
        "edit_region_mode": "none"}, timeout=10)
    assert saved.status_code == 200, saved.text
    page.reload()
    apply = page.get_by_role("button", name="Apply")
    reason = page.get_by_test_id("submit-blocked")
    expect(apply).to_be_disabled()
    expect(reason).to_have_text("Add a reference image first")
    expect(apply).to_have_attribute("aria-describedby", reason.get_attribute("id") or "missing")

    page.get_by_test_id("file-input").set_input_files([str(images["land"])])
    expect(reason).to_have_text("Write a prompt to apply")
    expect(apply).to_be_disabled()

    page.get_by_label("Prompt").fill("a winter scene")
    expect(reason).to_have_count(0)
    expect(apply).to_be_enabled()
    expect(apply).not_to_have_attribute("aria-describedby", re.compile("."))

    # an invalid custom size: the size field says what is wrong, Apply says why it waits
    page.get_by_label("Size", exact=True).select_option("custom")
    page.get_by_label("Width").fill("1000")
    expect(page.get_by_test_id("size-hint")).to_be_visible()
    expect(apply).to_be_disabled()
    expect(reason).to_have_text("Fix the image size to apply")
    page.get_by_label("Width").fill("1024")
    expect(apply).to_be_enabled()
    axe_check(page, "edit-apply-reason")

    # Region mode on a provider without region edits: a mask it cannot take is not sent.
    page.get_by_test_id("provider-select").select_option("plain")
    page.get_by_role("radio", name="Paint a region").check()
    expect(apply).to_be_disabled()
    expect(reason).to_have_text("This provider can't edit regions — pick another or use Whole image")
    page.get_by_role("radio", name="Whole image").check()
    expect(apply).to_be_enabled()
    assert not [r for r in live_server.fake_openai.requests if r["path"].endswith("/images/edits")]


def test_edit_on_a_phone(browser: Any, live_server: Any, images: dict[str, Path], screenshots: Path) -> None:
    context, page, errors = open_app(browser, live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page.goto(live_server.url + "/#/edit")
        page.get_by_test_id("file-input").set_input_files([str(images["photo"]), str(images["land"])])
        page.get_by_role("radio", name="Paint a region").check()
        expect(page.get_by_test_id("mask-canvas")).to_be_visible()
        # Every mask tool stays on screen and usable at 375 px (icons, names kept for AT).
        tools = page.get_by_role("toolbar", name="Mask tools")
        for name in ["Brush", "Eraser", "Rectangle", "Ellipse", "Pan", "Undo", "Redo", "Invert", "Clear",
                     "Zoom out", "Zoom in", "Fit"]:
            button = tools.get_by_role("button", name=name, exact=True)
            expect(button).to_be_visible()
            bb = button.bounding_box()
            assert bb is not None and bb["x"] >= 0 and bb["x"] + bb["width"] <= PHONE["width"], (name, bb)
            assert bb["width"] >= 24 and bb["height"] >= 24, (name, bb)
        fitted = page.get_by_test_id("mask-zoom").inner_text()
        tools.get_by_role("button", name="Zoom in", exact=True).tap()
        expect(page.get_by_test_id("mask-zoom")).not_to_have_text(fitted)
        no_horizontal_overflow(page)
        tools.get_by_role("button", name="Fit", exact=True).tap()
        expect(page.get_by_test_id("mask-zoom")).to_have_text(fitted)
        no_horizontal_overflow(page)
        page.screenshot(animations="disabled", path=str(screenshots / "edit-phone.png"), full_page=True)
        assert errors == []
    finally:
        context.close()


def _decode_png(data: bytes) -> Any:
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    assert image is not None and image.ndim == 3 and image.shape[2] == 4, "not an RGBA PNG"
    return image


def _submit_for_mask(page: Any) -> Any:
    """Apply, and return the alpha channel of the mask the browser sends (H x W, uint8)."""
    with page.expect_request("**/api/images/edit") as request_info:
        page.get_by_role("button", name="Apply").click()
    body = json.loads(request_info.value.post_data)
    mask = _decode_png(base64.b64decode(body["mask"]["data_base64"]))
    assert set(np.unique(mask[..., :3])) == {255}  # white everywhere; only alpha speaks
    return mask[..., 3]


def _upstream_mask(page: Any, live_server: Any) -> Any:
    """Once the one edit job completes: the alpha of the mask the fake upstream received."""
    card = page.locator("article.live-card").first
    expect(card).to_have_attribute("data-status", "completed", timeout=DONE_TIMEOUT)
    edits = [r for r in live_server.fake_openai.requests if r["path"].endswith("/images/edits")]
    assert len(edits) == 1
    [mask_file] = [f for f in edits[0]["files"] if f["field"] == "mask"]
    alpha = _decode_png(mask_file["data"])[..., 3]
    assert alpha.shape == (640, 640)
    return alpha


def _run_length(column: Any, at: int) -> int:
    """Length of the transparent run through index ``at`` of a 1-D alpha column."""
    assert column[at] == 0
    lo = at
    while lo > 0 and column[lo - 1] == 0:
        lo -= 1
    hi = at
    while hi < len(column) - 1 and column[hi + 1] == 0:
        hi += 1
    return hi - lo + 1


def _open_region(page: Any, image: Path, prompt: str) -> Any:
    page.get_by_test_id("file-input").set_input_files([str(image)])
    expect(page.get_by_test_id("ref-thumb")).to_have_count(1)
    page.get_by_role("radio", name="Paint a region").check()
    expect(page.get_by_text("The mask is exported at 640 × 640")).to_be_visible()
    page.get_by_label("What should the painted area become?").fill(prompt)
    return page.get_by_test_id("mask-canvas")


def test_mask_tools_change_the_exported_mask(page: Any, images: dict[str, Path]) -> None:
    """Brush, eraser, size, invert, clear and undo, each checked on the mask the API gets
    (spec/ui.md §5.3-5.4: alpha 0 = the area to repaint, 255 = kept)."""
    canvas = _open_region(page, images["photo"], "a glass orb, tools")
    tools = page.get_by_role("toolbar", name="Mask tools")
    coverage = page.get_by_test_id("mask-coverage")
    box = canvas.bounding_box()
    assert box is not None
    scale = 640 / box["width"]  # image pixels per CSS pixel: the brush size is in CSS pixels
    px = lambda f: int(640 * f)  # noqa: E731 - a fraction of the canvas in image pixels

    # Brush (the default size, 36 CSS px): a horizontal stroke at 30 % height.
    tools.get_by_role("button", name="Brush").click()
    expect(tools.get_by_role("button", name="Brush")).to_have_attribute("aria-pressed", "true")
    _paint(page, canvas, [(0.2, 0.3), (0.5, 0.3), (0.8, 0.3)])
    brushed = _submit_for_mask(page)
    assert brushed.shape == (640, 640)
    assert brushed[px(0.3), px(0.5)] == 0 and brushed[px(0.3), px(0.25)] == 0
    assert brushed[0, 0] == 255 and brushed[px(0.7), px(0.7)] == 255 and brushed[639, 639] == 255
    thin = _run_length(brushed[:, px(0.25)], px(0.3))
    assert abs(thin - 36 * scale) <= 4, (thin, 36 * scale)

    # Eraser: a vertical stroke through the middle gives that part back.
    tools.get_by_role("button", name="Eraser").click()
    expect(tools.get_by_role("button", name="Eraser")).to_have_attribute("aria-pressed", "true")
    expect(tools.get_by_role("button", name="Brush")).to_have_attribute("aria-pressed", "false")
    _paint(page, canvas, [(0.5, 0.15), (0.5, 0.3), (0.5, 0.45)])
    erased = _submit_for_mask(page)
    assert erased[px(0.3), px(0.5)] == 255  # erased: kept again
    assert erased[px(0.3), px(0.25)] == 0 and erased[px(0.3), px(0.75)] == 0  # the rest stays
    assert not ((erased == 0) & (brushed != 0)).any()  # erasing never selects

    # A bigger brush paints a thicker stroke.
    tools.get_by_role("slider").fill("90")
    tools.get_by_role("button", name="Brush").click()
    _paint(page, canvas, [(0.6, 0.7), (0.7, 0.7), (0.8, 0.7)])
    sized = _submit_for_mask(page)
    thick = _run_length(sized[:, px(0.7)], px(0.7))
    assert abs(thick - 90 * scale) <= 4, (thick, 90 * scale)
    assert 2.2 <= thick / thin <= 2.8
    assert sized[px(0.3), px(0.25)] == 0 and sized[px(0.3), px(0.5)] == 255

    # Invert swaps the area to repaint and the area to keep.
    tools.get_by_role("button", name="Invert").click()
    inverted = _submit_for_mask(page)
    for y, x in [(px(0.3), px(0.25)), (px(0.7), px(0.7))]:
        assert sized[y, x] == 0 and inverted[y, x] == 255
    for y, x in [(0, 0), (639, 639), (px(0.3), px(0.5))]:
        assert sized[y, x] == 255 and inverted[y, x] == 0
    flipped = (inverted == 0) == (sized == 255)
    assert flipped.mean() > 0.99  # all but the soft edge of the strokes

    # Clear empties the selection: nothing is sent, the user is told why.
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.url.endswith("/api/images/edit") else None)
    tools.get_by_role("button", name="Clear").click()
    expect(coverage).to_contain_text("Paint over the area")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_test_id("toast").filter(has_text="Paint the area to change first")).to_be_visible()
    assert sent == []

    # Undo brings back exactly what was there: first the inverted mask, then the one before.
    tools.get_by_role("button", name="Undo").click()
    expect(coverage).to_contain_text("% of the image will be repainted")
    assert np.array_equal(_submit_for_mask(page), inverted)
    tools.get_by_role("button", name="Undo").click()
    assert np.array_equal(_submit_for_mask(page), sized)


def test_mask_by_keyboard_alone_reaches_the_upstream(
    page: Any, live_server: Any, images: dict[str, Path], screenshots: Path
) -> None:
    """spec/ui.md §5.3: on the focused canvas the arrow keys move a virtual cursor (16 px,
    Shift 48 px, image pixels), Space/Enter stamp, Delete clears, Esc leaves; ⌘/Ctrl+Z and
    ⇧⌘/Ctrl+Z or Ctrl+Y work outside text fields."""
    canvas = _open_region(page, images["photo"], "a glass orb, keyboard")
    tools = page.get_by_role("toolbar", name="Mask tools")
    coverage = page.get_by_test_id("mask-coverage")
    redo = tools.get_by_role("button", name="Redo")
    cursor = page.get_by_test_id("mask-key-cursor")

    # The canvas is named and described, and the description names the keys.
    expect(canvas).to_have_accessible_name(re.compile("Mask canvas"))
    expect(canvas).to_have_accessible_description(re.compile("arrow keys move the cursor.*Space or Enter"))

    tools.get_by_role("button", name="Fit").focus()  # the toolbar's last button
    page.keyboard.press("Tab")
    expect(canvas).to_be_focused()
    expect(cursor).to_be_visible()
    expect(cursor).to_have_attribute("data-x", "320")
    expect(cursor).to_have_attribute("data-y", "320")
    expect(page.get_by_text("With the canvas focused")).to_be_visible()

    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowDown")
    expect(cursor).to_have_attribute("data-x", "352")
    expect(cursor).to_have_attribute("data-y", "368")
    page.keyboard.press("Space")
    expect(coverage).to_contain_text("% of the image will be repainted")

    page.keyboard.press("Delete")
    expect(coverage).to_contain_text("Paint over the area")
    page.keyboard.press("Control+z")
    expect(coverage).to_contain_text("% of the image will be repainted")
    expect(redo).to_be_enabled()

    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    expect(cursor).to_have_attribute("data-x", "448")
    page.keyboard.press("Enter")
    expect(redo).to_be_disabled()  # a new stamp starts a new history branch
    page.screenshot(animations="disabled", path=str(screenshots / "edit-mask-keyboard.png"))

    page.keyboard.press("Escape")
    expect(canvas).not_to_be_focused()
    expect(tools.get_by_role("button", name="Brush")).to_be_focused()  # not dropped to the page
    expect(cursor).to_have_count(0)
    # Outside the canvas and outside text fields the history shortcuts still work.
    page.keyboard.press("Control+z")
    expect(redo).to_be_enabled()
    page.keyboard.press("Control+y")
    expect(redo).to_be_disabled()
    page.keyboard.press("Control+z")
    expect(redo).to_be_enabled()
    page.keyboard.press("Control+Shift+Z")
    expect(redo).to_be_disabled()
    # In the prompt, Ctrl+Z belongs to the text (it takes back the typing, not a stamp).
    prompt = page.get_by_label("What should the painted area become?")
    prompt.focus()
    page.keyboard.press("Control+z")
    expect(redo).to_be_disabled()

    prompt.fill("a glass orb, keyboard")
    prompt.press("Control+Enter")
    alpha = _upstream_mask(page, live_server)
    assert alpha[368, 352] == 0 and alpha[368, 448] == 0  # the two stamps: to repaint
    assert alpha[320, 320] == 255 and alpha[0, 0] == 255 and alpha[368, 400] == 255  # kept
    box = canvas.bounding_box()
    assert box is not None
    radius = 36 * 640 / box["width"] / 2  # the default brush, 36 CSS px, in image pixels
    assert abs(int((alpha == 0).sum()) - 2 * np.pi * radius**2) < 0.1 * 2 * np.pi * radius**2


def _alpha_at(page: Any, testid: str, x: int, y: int) -> int:
    """Alpha of one pixel of a canvas in the page (its own pixels, not the screen's)."""
    return int(page.evaluate(
        """([id, x, y]) => document.querySelector(`[data-testid="${id}"]`)
             .getContext("2d").getImageData(x, y, 1, 1).data[3]""",
        [testid, x, y],
    ))


def test_rectangle_selection_is_an_outline_on_the_mask_upstream(
    page: Any, live_server: Any, images: dict[str, Path], screenshots: Path
) -> None:
    """spec/ui.md §5.3: the rectangle and ellipse tools mark a boundary as wide as the
    brush; the inside is not selected. Previewed while dragging, undoable like a stroke."""
    canvas = _open_region(page, images["photo"], "a glass orb, rectangle")
    tools = page.get_by_role("toolbar", name="Mask tools")
    coverage = page.get_by_test_id("mask-coverage")
    tools.get_by_role("button", name="Rectangle").click()
    expect(tools.get_by_role("button", name="Rectangle")).to_have_attribute("aria-pressed", "true")
    expect(tools.get_by_role("button", name="Brush")).to_have_attribute("aria-pressed", "false")
    box = canvas.bounding_box()
    assert box is not None
    lw = 36 * 640 / box["width"]  # the default brush, 36 CSS px, in image pixels
    at = lambda fx, fy: (box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)  # noqa: E731

    # While dragging, the outline shows on the preview layer; nothing is selected yet.
    page.mouse.move(*at(0.25, 0.25))
    page.mouse.down()
    page.mouse.move(*at(0.5, 0.6), steps=4)
    page.mouse.move(*at(0.75, 0.75), steps=4)
    assert _alpha_at(page, "mask-preview", 160, 320) > 0  # the left edge, previewed
    assert _alpha_at(page, "mask-preview", 320, 320) == 0  # not filled
    assert _alpha_at(page, "mask-canvas", 160, 320) == 0  # not committed yet
    expect(coverage).to_contain_text("Paint over the area")
    page.mouse.up()
    expect(coverage).to_contain_text("% of the image will be repainted")
    assert _alpha_at(page, "mask-preview", 160, 320) == 0  # the preview is gone
    page.screenshot(animations="disabled", path=str(screenshots / "edit-mask-rectangle.png"))

    # Undoable like a stroke.
    tools.get_by_role("button", name="Undo").click()
    expect(coverage).to_contain_text("Paint over the area")
    tools.get_by_role("button", name="Redo").click()
    expect(coverage).to_contain_text("% of the image will be repainted")

    # An ellipse is an outline too (checked on the canvas, then taken back).
    tools.get_by_role("button", name="Ellipse").click()
    _paint(page, canvas, [(0.1, 0.1), (0.2, 0.2), (0.3, 0.3)])
    assert _alpha_at(page, "mask-canvas", 128, 64) > 0  # top of the ellipse in (64..192)²
    assert _alpha_at(page, "mask-canvas", 128, 128) == 0  # its middle is not selected
    tools.get_by_role("button", name="Undo").click()
    assert _alpha_at(page, "mask-canvas", 128, 64) == 0

    page.get_by_role("button", name="Apply").click()
    alpha = _upstream_mask(page, live_server)
    # The outline (x and y from 160 to 480) is transparent: to repaint ...
    for y, x in [(320, 160), (320, 480), (160, 320), (480, 320), (160, 160), (480, 480)]:
        assert alpha[y, x] == 0, (y, x)
    # ... the inside and the outside are opaque: kept.
    for y, x in [(320, 320), (250, 250), (400, 400), (40, 40), (600, 600), (320, 60)]:
        assert alpha[y, x] == 255, (y, x)
    # The outline is as wide as the brush, centred on the rectangle's edge.
    left = _run_length(alpha[320, :], 160)
    assert abs(left - lw) <= 3, (left, lw)
    assert alpha[320, int(160 + lw / 2 + 3)] == 255 and alpha[320, int(160 - lw / 2 - 3)] == 255
    outside = int(480 + lw / 2 + 3)
    assert (alpha[:, outside:] == 255).all() and (alpha[outside:, :] == 255).all()  # nothing beyond it


def test_zoom_pan_and_fit_keep_the_stroke_under_the_pointer(
    page: Any, images: dict[str, Path], screenshots: Path
) -> None:
    """spec/ui.md §5.3: zoom 8 %–400 % (buttons ×1.14/×0.88, ⌘/Ctrl+wheel ×1.08), pan (Pan
    tool, middle button, held Space), Fit; a stroke lands where the pointer is."""
    canvas = _open_region(page, images["photo"], "a glass orb, zoomed")
    tools = page.get_by_role("toolbar", name="Mask tools")
    coverage = page.get_by_test_id("mask-coverage")
    viewport = page.get_by_test_id("mask-viewport")
    label = page.get_by_test_id("mask-zoom")
    viewport.scroll_into_view_if_needed()
    fit_box = canvas.bounding_box()
    assert fit_box is not None
    fit_label = label.inner_text()
    assert re.fullmatch(r"Zoom \d+%", fit_label.replace("\n", " ").strip()), fit_label
    fit_percent = int(re.findall(r"\d+", fit_label)[0])
    scroll = lambda: viewport.evaluate("v => [v.scrollLeft, v.scrollTop]")  # noqa: E731
    assert scroll() == [0, 0]

    # Zoom in by the button: ×1.14 a press.
    for _ in range(5):
        tools.get_by_role("button", name="Zoom in").click()
    zoomed = canvas.bounding_box()
    assert zoomed is not None
    assert abs(zoomed["width"] - fit_box["width"] * 1.14**5) <= 1.5, (zoomed["width"], fit_box["width"])
    expect(label).to_contain_text(f"{round(fit_percent * 1.14**5)}%")
    tools.get_by_role("button", name="Zoom out").click()
    out = canvas.bounding_box()
    assert out is not None and abs(out["width"] - zoomed["width"] * 0.88) <= 1.5

    # ⌘/Ctrl + wheel zooms ×1.08 per step up, without zooming the page.
    vb = viewport.bounding_box()
    assert vb is not None
    middle = (vb["x"] + vb["width"] / 2, vb["y"] + vb["height"] / 2)
    page.mouse.move(*middle)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -100)
    page.keyboard.up("Control")
    page.wait_for_function(
        "w => Math.abs(document.querySelector('[data-testid=mask-canvas]').getBoundingClientRect().width - w) < 1.5",
        arg=out["width"] * 1.08,
    )
    assert page.evaluate("window.visualViewport.scale") == 1

    # Pan with the middle button: the view moves, nothing is painted.
    before = scroll()
    page.mouse.move(*middle)
    page.mouse.down(button="middle")
    page.mouse.move(middle[0] - 60, middle[1] - 40, steps=4)
    page.mouse.up(button="middle")
    after = scroll()
    assert after[0] > before[0] and after[1] > before[1], (before, after)

    # The Pan tool: a primary-button drag moves the view.
    tools.get_by_role("button", name="Pan").click()
    expect(tools.get_by_role("button", name="Pan")).to_have_attribute("aria-pressed", "true")
    _paint(page, viewport, [(0.5, 0.5), (0.6, 0.6)])
    panned = scroll()
    assert panned[0] < after[0] and panned[1] < after[1], (after, panned)
    tools.get_by_role("button", name="Pan").click()
    expect(tools.get_by_role("button", name="Pan")).to_have_attribute("aria-pressed", "false")

    # Held Space (focus on the page, not the canvas or a text field) pans too.
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.mouse.move(*middle)
    page.keyboard.down("Space")
    page.mouse.down()
    page.mouse.move(middle[0] + 30, middle[1] + 30, steps=3)
    page.mouse.up()
    page.keyboard.up("Space")
    spaced = scroll()
    assert spaced[0] < panned[0] and spaced[1] < panned[1], (panned, spaced)
    expect(coverage).to_contain_text("Paint over the area")  # none of that painted
    axe_check(page, "edit-mask-zoomed")

    # Paint a short horizontal stroke in the middle of the view; it lands under the pointer.
    page.mouse.move(*middle)
    page.mouse.down()
    page.mouse.move(middle[0] + 40, middle[1], steps=4)
    page.mouse.up()
    expect(coverage).to_contain_text("% of the image will be repainted")
    cb = canvas.bounding_box()
    assert cb is not None
    per_css = 640 / cb["width"]  # image pixels per CSS pixel at this zoom
    assert per_css < 640 / fit_box["width"]  # zoomed in: a finer brush in image pixels
    x0 = (middle[0] - cb["x"]) * per_css
    x1 = (middle[0] + 40 - cb["x"]) * per_css
    y = (middle[1] - cb["y"]) * per_css
    page.screenshot(animations="disabled", path=str(screenshots / "edit-mask-zoomed.png"))

    # Fit restores the fitted view.
    tools.get_by_role("button", name="Fit").click()
    expect(label).to_have_text(fit_label)
    refit = canvas.bounding_box()
    assert refit is not None
    assert abs(refit["width"] - fit_box["width"]) <= 0.5 and abs(refit["x"] - fit_box["x"]) <= 0.5
    assert scroll() == [0, 0]

    alpha = _submit_for_mask(page)
    row, col = round(y), round((x0 + x1) / 2)
    assert alpha[row, col] == 0
    radius = 36 * per_css / 2
    across = _run_length(alpha[:, col], row)
    assert abs(across - 2 * radius) <= 3, (across, 2 * radius)
    along = _run_length(alpha[row, :], col)
    assert abs(along - (x1 - x0 + 2 * radius)) <= 4, (along, x1 - x0 + 2 * radius)
    lo = int(np.flatnonzero(alpha[row, :] == 0)[0])  # where the stroke starts, measured
    hi = int(np.flatnonzero(alpha[row, :] == 0)[-1])
    assert abs(lo - (x0 - radius)) <= 3, (lo, x0 - radius)
    assert abs(hi - (x1 + radius)) <= 3, (hi, x1 + radius)
    top = int(np.flatnonzero(alpha[:, col] == 0)[0])
    assert abs(top - (y - radius)) <= 3, (top, y - radius)
    assert int((alpha == 0).sum()) < 1.3 * (along * across)  # nothing painted elsewhere


def test_a_focused_mask_button_that_becomes_disabled_hands_focus_to_its_partner(
    page: Any, images: dict[str, Path]
) -> None:
    """Undo with no history left gives focus to Redo (and back); Zoom in at 400 % to Zoom out:
    a keyboard user is never dropped to the page's body."""
    canvas = _open_region(page, images["photo"], "a glass orb, focus")
    tools = page.get_by_role("toolbar", name="Mask tools")
    undo = tools.get_by_role("button", name="Undo")
    redo = tools.get_by_role("button", name="Redo")
    _paint(page, canvas, [(0.3, 0.3), (0.6, 0.3)])
    undo.focus()
    page.keyboard.press("Enter")
    expect(undo).to_be_disabled()
    expect(redo).to_be_focused()
    page.keyboard.press("Enter")
    expect(redo).to_be_disabled()
    expect(undo).to_be_focused()

    zoom_in = tools.get_by_role("button", name="Zoom in")
    zoom_out = tools.get_by_role("button", name="Zoom out")
    zoom_in.focus()
    for _ in range(60):
        if not zoom_in.evaluate("b => b === document.activeElement"):
            break  # focus moved on the press that reached the limit
        page.keyboard.press("Enter")
    expect(page.get_by_test_id("mask-zoom")).to_contain_text("400%")
    expect(zoom_in).to_be_disabled()
    expect(zoom_out).to_be_focused()


def test_a_second_finger_takes_back_the_stroke_in_progress(
    browser: Any, live_server: Any, artwork: Any, images: dict[str, Path]
) -> None:
    """A stroke follows the finger that started it; a second finger landing mid-stroke (the start
    of a gesture, not a mark) takes the stroke back, and its moves never paint."""
    context, page, errors = open_app(browser, live_server.url, has_touch=True)
    try:
        page.goto(live_server.url + "/#/edit")
        canvas = _open_region(page, images["photo"], "a glass orb, touch")
        coverage = page.get_by_test_id("mask-coverage")
        undo = page.get_by_role("toolbar", name="Mask tools").get_by_role("button", name="Undo")
        box = canvas.bounding_box()
        assert box is not None
        at = lambda fx, fy, i: {"x": box["x"] + box["width"] * fx, "y": box["y"] + box["height"] * fy, "id": i}  # noqa: E731
        cdp = context.new_cdp_session(page)
        touch = lambda kind, points: cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})  # noqa: E731

        # One finger paints.
        touch("touchStart", [at(0.2, 0.3, 0)])
        touch("touchMove", [at(0.5, 0.3, 0)])
        touch("touchEnd", [])
        expect(coverage).to_contain_text("% of the image will be repainted")
        painted = coverage.inner_text()

        # A second stroke, then a second finger: that stroke is taken back, the first one stays,
        # and neither finger paints afterwards.
        touch("touchStart", [at(0.2, 0.7, 0)])
        touch("touchMove", [at(0.5, 0.7, 0)])
        touch("touchStart", [at(0.5, 0.7, 0), at(0.8, 0.2, 1)])
        touch("touchMove", [at(0.6, 0.8, 0), at(0.8, 0.5, 1)])
        touch("touchEnd", [])
        expect(coverage).to_have_text(painted)
        mask = _submit_for_mask(page)
        px = lambda f: int(640 * f)  # noqa: E731
        assert mask[px(0.3), px(0.35)] == 0  # the first stroke
        assert mask[px(0.7), px(0.35)] == 255 and mask[px(0.35), px(0.8)] == 255 and mask[px(0.8), px(0.6)] == 255
        # The taken-back stroke left no step in the history: one undo empties the mask.
        undo.click()
        expect(coverage).to_contain_text("Paint over the area")
        expect(undo).to_be_disabled()
        assert errors == []
    finally:
        context.close()


def test_the_mask_survives_a_trip_to_whole_image_mode(page: Any, images: dict[str, Path]) -> None:
    """Each reference keeps its mask while the page is open (spec/ui.md §5.3), also when
    the editor is left for whole-image mode and opened again."""
    canvas = _open_region(page, images["photo"], "a glass orb, mode trip")
    _paint(page, canvas, [(0.2, 0.3), (0.5, 0.3), (0.8, 0.3)])
    coverage = page.get_by_test_id("mask-coverage")
    painted = coverage.inner_text()
    page.get_by_role("radio", name="Whole image").check()
    expect(page.get_by_test_id("mask-canvas")).to_have_count(0)
    page.get_by_role("radio", name="Paint a region").check()
    expect(coverage).to_have_text(painted)
    mask = _submit_for_mask(page)
    assert mask[int(640 * 0.3), 320] == 0 and mask[int(640 * 0.7), 320] == 255
