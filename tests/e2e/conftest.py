"""Headless Chromium for the browser tests (Debian's chromium; no browser downloads).

Also: an axe-core check (``axe_check``), nicer upstream images for screenshots
(``artwork``), and helpers shared by the screen tests.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.artwork import landscape_png

CHROMIUM = Path(os.environ.get("GPT_IMAGE_2_CHROMIUM", "/usr/bin/chromium"))
# The browser tests are part of the suite: a machine without Chromium fails them with
# the install hint instead of passing quietly. GPT_IMAGE_2_SKIP_BROWSER=1 (read here,
# before the per-test environment is cleared) skips them on purpose.
SKIP_BROWSER = os.environ.get("GPT_IMAGE_2_SKIP_BROWSER", "") in {"1", "true", "yes"}
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-results" / "screenshots"
AXE_RESULTS = REPO / "test-results" / "axe"
AXE_JS = REPO / "frontend" / "node_modules" / "axe-core" / "axe.min.js"

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # Module scope, not session: Playwright's sync API keeps an asyncio loop running in
    # this thread while it is open, which would break every async test collected after
    # the browser tests.
    if SKIP_BROWSER:
        pytest.skip("GPT_IMAGE_2_SKIP_BROWSER is set")
    from playwright import sync_api  # a locked dependency: its absence is a broken install

    if not CHROMIUM.exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: install Debian's `chromium` package "
                    "(.ci/run does), point GPT_IMAGE_2_CHROMIUM at one, or set "
                    "GPT_IMAGE_2_SKIP_BROWSER=1 to skip the browser tests on purpose",
                    pytrace=False)
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def artwork(fake_openai: Any) -> Iterator[Any]:
    """The fake upstream answers with a 512 px landscape instead of a 64 px gradient."""
    original = fake_openai.image
    fake_openai.image = landscape_png(512, seed=3)
    try:
        yield fake_openai
    finally:
        fake_openai.image = original


def axe_check(page: Any, name: str, *, include: str | None = None) -> list[dict[str, Any]]:
    """Run axe-core in the page; fail on serious or critical violations.

    The full result (every violation, any impact) is written to
    ``test-results/axe/<name>.json`` for review.
    """
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci` in frontend/ (axe-core is a dev dependency)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async (include) => {
          const r = await window.axe.run(include ? document.querySelector(include) : document, {
            resultTypes: ["violations"],
            runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
          });
          return r.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map((n) => ({ target: n.target, summary: n.failureSummary })),
          }));
        }""",
        include,
    )
    AXE_RESULTS.mkdir(parents=True, exist_ok=True)
    (AXE_RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    serious = [v for v in result if v["impact"] in ("serious", "critical")]
    assert serious == [], f"axe found serious/critical violations on {name}: {json.dumps(serious, indent=2)}"
    return result


def no_horizontal_overflow(page: Any) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the viewport"


def open_app(browser: Any, url: str, *, viewport: dict[str, int] | None = None, scheme: str = "light",
             locale: str = "en-US", permissions: list[str] | None = None, **kwargs: Any) -> tuple[Any, Any, list[str]]:
    """A new context and page on ``url``; returns (context, page, page errors)."""
    context = browser.new_context(viewport=viewport or DESKTOP, locale=locale, color_scheme=scheme,
                                  accept_downloads=True, **kwargs)
    if permissions:
        context.grant_permissions(permissions, origin=url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page, errors
