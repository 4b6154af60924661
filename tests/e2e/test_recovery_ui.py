"""Recovering an interrupted job from the task drawer (spec/web.md §11).

The job runs for real against the fake upstream, so its folder holds the runner's own
``raw_response.json`` and ``recovery_state.json``. Its row is then put back into the
state a ``kill -9`` between spooling and decoding leaves after the restart recovery:
``failed`` with ``interrupted_reason`` and no output file.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_check, open_app

pytestmark = pytest.mark.e2e


def finished_job(url: str, prompt: str) -> dict[str, Any]:
    job_id = httpx.post(f"{url}/api/images/generate", json={"prompt": prompt}, timeout=10).json()["job_id"]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job: dict[str, Any] = httpx.get(f"{url}/api/jobs/{job_id}", timeout=5).json()["job"]
        if job["status"] == "completed":
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not complete")


def interrupt(home: Path, job: dict[str, Any]) -> None:
    """What the restart recovery leaves when the process died after spooling the answer."""
    Path(job["output_path"]).unlink()
    db = sqlite3.connect(home / "gpt-image-2-skill" / "history.sqlite")
    try:
        meta = json.loads(db.execute("select metadata from jobs where id = ?", (job["id"],)).fetchone()[0])
        for key in ("output", "response", "request", "retry"):
            meta.pop(key, None)
        meta.update(interrupted_reason="process_killed",
                    error={"code": "interrupted", "message": "The server stopped while this job was running."})
        db.execute("update jobs set status = 'failed', output_path = NULL, metadata = ? where id = ?",
                   (json.dumps(meta), job["id"]))
        db.commit()
    finally:
        db.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context, page, errors = open_app(browser, live_server.url)
    yield page
    context.close()
    assert errors == [], f"uncaught errors in the page: {errors}"


def test_continue_save_from_the_drawer(page: Any, live_server: Any, artwork: Any, screenshots: Path) -> None:
    url = live_server.url
    job = finished_job(url, "A lighthouse at dusk, e2e recovery")
    interrupt(live_server.codex_home, job)
    sent = len(live_server.fake_openai.requests)
    assert httpx.get(f"{url}/api/jobs/interrupted", timeout=5).json()["jobs"][0]["job_id"] == job["id"]

    page.goto(f"{url}/#/tasks/{job['id']}")
    drawer = page.get_by_test_id("job-drawer")
    panel = drawer.get_by_test_id("recovery")
    expect(panel).to_have_attribute("data-recoverability", "recoverable.local_response_cached")
    expect(panel).to_contain_text("without a new request")
    primary = panel.locator('[data-action="continue_save"]')
    expect(primary).to_contain_text("Finish saving")
    expect(primary).to_contain_text("Free")
    expect(panel.locator('[data-action="resubmit"]')).to_contain_text("Billed")
    expect(panel.locator('[data-action="discard"]')).to_be_visible()
    page.screenshot(animations="disabled", path=str(screenshots / "tasks-drawer-recovery.png"))
    axe_check(page, "tasks-drawer-recovery", include='[data-testid="job-drawer"]')

    primary.click()
    expect(page.get_by_text("Job recovered")).to_be_visible()
    expect(panel).to_have_count(0)
    page.wait_for_function("() => { const i = document.querySelector('.drawer-image img'); return i && i.naturalWidth > 0; }")
    expect(drawer.get_by_test_id("timeline")).to_contain_text("job.completed")
    recovered = httpx.get(f"{url}/api/jobs/{job['id']}", timeout=5).json()["job"]
    assert recovered["status"] == "completed"
    assert Path(recovered["output_path"]).read_bytes() == live_server.fake_openai.image
    assert len(live_server.fake_openai.requests) == sent  # finished without calling the provider
    assert httpx.get(f"{url}/api/jobs/interrupted", timeout=5).json()["jobs"] == []


def test_billable_resubmit_asks_first_and_dismiss_in_chinese(browser: Any, live_server: Any) -> None:
    url = live_server.url
    job = finished_job(url, "A quiet harbour, e2e resubmit")
    interrupt(live_server.codex_home, job)
    sent = len(live_server.fake_openai.requests)
    context, page, errors = open_app(browser, url, locale="zh-CN")
    try:
        page.goto(f"{url}/#/tasks/{job['id']}")
        panel = page.get_by_test_id("recovery")
        resubmit = panel.locator('[data-action="resubmit"]')
        expect(resubmit).to_contain_text("重新生成")
        expect(resubmit).to_contain_text("计费")
        resubmit.click()
        dialog = page.get_by_role("dialog", name="发送新的计费请求？")
        expect(dialog).to_be_visible()
        dialog.get_by_role("button", name="取消").click()
        assert len(live_server.fake_openai.requests) == sent  # nothing sent without consent
        panel.locator('[data-action="discard"]').click()
        expect(page.get_by_text("已忽略")).to_be_visible()
        expect(panel.locator('[data-action="discard"]')).to_have_count(0)
        assert httpx.get(f"{url}/api/jobs/interrupted", timeout=5).json()["jobs"] == []
    finally:
        context.close()
    assert errors == []
