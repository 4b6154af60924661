"""The Transparent PNG screen against the real `/api/transparent/*` routes.

The screen (and each of its modes) only shows when the server's OpenAPI
document lists the route; older servers are simulated by removing the routes
from the document in the page.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.artwork import subject_on_matte_png
from tests.e2e.conftest import PHONE, axe_check, no_horizontal_overflow, open_app

pytestmark = pytest.mark.e2e


DONE_TIMEOUT = 30_000


def _hide_routes(page: Any, *names: str) -> None:
    """Serve the app an OpenAPI document without some transparent routes (an older server)."""

    def openapi(route: Any) -> None:
        response = route.fetch()
        doc = response.json()
        for name in names:
            doc["paths"].pop(f"/api/transparent/{name}", None)
        route.fulfill(response=response, json=doc)

    page.route("**/api/openapi.json", openapi)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {"cutout": tmp_path / "cutout.png", "matte": tmp_path / "on-green.png"}
    out["cutout"].write_bytes(subject_on_matte_png(256, alpha=True))
    out["matte"].write_bytes(subject_on_matte_png(256, alpha=False))
    return out


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context, page, errors = open_app(browser, live_server.url)
    yield page
    context.close()
    assert errors == [], f"uncaught errors in the page: {errors}"


def _open(page: Any, url: str) -> None:
    page.goto(url + "/#/transparent")
    expect(page.get_by_role("heading", name="Transparent PNG")).to_be_visible()


def test_hidden_on_a_server_without_the_routes(page: Any, live_server: Any) -> None:
    _hide_routes(page, "generate", "extract", "verify", "jobs/{job_id}/source")
    page.goto(live_server.url + "/")
    expect(page.get_by_role("link", name="Tasks")).to_be_visible()
    expect(page.get_by_role("link", name="Transparent")).to_have_count(0)
    page.goto(live_server.url + "/#/transparent")  # falls back to Generate
    expect(page.get_by_role("heading", name="Create an image")).to_be_visible()


def test_only_the_advertised_modes_show(page: Any, live_server: Any) -> None:
    _hide_routes(page, "generate", "extract")
    _open(page, live_server.url)
    expect(page.get_by_role("radio", name="Verify")).to_be_checked()
    expect(page.get_by_role("radio", name="Generate")).to_have_count(0)
    expect(page.get_by_role("radio", name="Extract")).to_have_count(0)


def test_verify_explains_the_report(page: Any, live_server: Any, files: dict[str, Path], screenshots: Path) -> None:
    expected = httpx.post(f"{live_server.url}/api/transparent/verify", timeout=10, json={
        "input": {"name": "x.png", "data_base64": base64.b64encode(files["cutout"].read_bytes()).decode()},
        "profile": "sticker"}).json()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Transparent").click()
    expect(page.get_by_role("heading", name="Transparent PNG")).to_be_visible()
    page.get_by_role("radio", name="Verify").check()
    page.get_by_test_id("tp-input").set_input_files(str(files["cutout"]))
    page.get_by_label("Quality profile").select_option("sticker")
    with page.expect_request("**/api/transparent/verify") as request_info:
        page.get_by_role("button", name="Verify", exact=True).click()
    body = request_info.value.post_data_json
    assert body["profile"] == "sticker" and body["input"]["name"] == "cutout.png"
    assert base64.b64decode(body["input"]["data_base64"]) == files["cutout"].read_bytes()

    report = page.get_by_test_id("verify-report")
    expect(report).to_contain_text("Passed" if expected["passed"] else "Did not pass")
    quality = round(expected["verification"]["quality_score"] * 100)
    expect(report.get_by_role("meter", name="Quality")).to_have_attribute("aria-valuenow", str(quality))
    for code in expected["verification"]["failure_reasons"]:
        expect(report).to_contain_text(code)
    page.screenshot(animations="disabled", path=str(screenshots / "transparent-verify.png"), full_page=True)
    axe_check(page, "transparent-verify")


def test_extract_previews_on_three_backgrounds(page: Any, live_server: Any, files: dict[str, Path], screenshots: Path) -> None:
    _open(page, live_server.url)
    page.get_by_role("radio", name="Extract").check()
    page.get_by_test_id("tp-input").set_input_files(str(files["matte"]))
    page.get_by_label("Quality profile").select_option("icon")
    page.get_by_label("Material").select_option("flat-icon")
    expect(page.get_by_text("Threshold 32 · softness 28 · spill 0.75")).to_be_visible()
    page.get_by_label("Detect from the corners").uncheck()
    page.get_by_label("Matte colour as hex").fill("#0f0")
    with page.expect_request("**/api/transparent/extract") as request_info:
        page.get_by_role("button", name="Extract", exact=True).click()
    body = request_info.value.post_data_json
    assert body["method"] == "chroma" and body["material"] == "flat-icon" and body["matte_color"] == "#00ff00"

    preview = page.get_by_test_id("tp-preview")
    for name in ("Checkerboard", "Dark", "Light"):
        expect(preview.get_by_role("img", name=f"Result on a {name} background")).to_be_visible()
    page.wait_for_function(
        "() => { const i = [...document.querySelectorAll('.tp-preview img')];"
        " return i.length === 3 && i.every((x) => x.complete && x.naturalWidth === 256); }"
    )
    expect(page.get_by_test_id("verify-report")).to_be_visible()
    page.screenshot(animations="disabled", path=str(screenshots / "transparent-extract.png"), full_page=True)
    axe_check(page, "transparent-extract")

    # The PNG is kept as a finished job: it shows in Tasks as a transparent job.
    page.get_by_role("link", name="Tasks").click()
    page.get_by_label("Filter by kind").select_option("transparent")
    expect(page.locator('[data-screen="tasks"] .job-card')).to_have_count(1)


def test_generate_follows_the_job_then_shows_the_cutout(
    page: Any, live_server: Any, screenshots: Path
) -> None:
    fake = live_server.fake_openai
    original = fake.image
    fake.image = subject_on_matte_png(512, alpha=False)
    fake.latency = 1.0
    try:
        _open(page, live_server.url)
        page.get_by_label("Prompt").fill("A glossy red disc icon, e2e transparent")
        page.get_by_label("Quality profile").select_option("icon")
        page.get_by_role("button", name="Generate PNG").click()
        expect(page.get_by_role("progressbar")).to_be_visible()
        preview = page.get_by_test_id("tp-preview")
        expect(preview).to_be_visible(timeout=DONE_TIMEOUT)
        expect(page.get_by_test_id("verify-report")).to_be_visible()
        page.wait_for_function(
            "() => [...document.querySelectorAll('.tp-preview img')].every((x) => x.complete && x.naturalWidth === 512)"
        )
        upstream = [r["json"] for r in fake.requests if r.get("json")]
        assert upstream and upstream[-1]["background"] == "opaque" and upstream[-1]["output_format"] == "png"
        assert "#00ff00" in upstream[-1]["prompt"]
        page.screenshot(animations="disabled", path=str(screenshots / "transparent-generate.png"), full_page=True)
    finally:
        fake.image = original


def test_transparent_on_a_phone(browser: Any, live_server: Any, screenshots: Path) -> None:
    context, page, errors = open_app(browser, live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        _open(page, live_server.url)
        no_horizontal_overflow(page)
        page.screenshot(animations="disabled", path=str(screenshots / "transparent-phone.png"), full_page=True)
        assert errors == []
    finally:
        context.close()
