"""Task recovery through the API (spec/web.md §6.4, §7.8, §11).

A crash is simulated in process: the provider is held at a fault point (after the
response is spooled, before the request is sent, while it is in flight), the job's
task is dropped without any terminal write (what SIGKILL leaves behind: a row still
``running``), the app is shut down, and a fresh app over the same data root runs
its start-up recovery. ``tests/reliability`` does the same with a real ``kill -9``.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from gpt_image_2.paths import DataPaths
from gpt_image_2.providers.openai import OpenAIImagesProvider
from gpt_image_2.settings import Settings
from tests.conftest import app_client
from tests.fakes.codex import FakeCodex
from tests.fakes.openai import FakeOpenAI
from tests.web.test_generate_flow import wait_done


async def crash_at(settings: Settings, monkeypatch: pytest.MonkeyPatch, method: str,
                   body: dict[str, Any]) -> str:
    """Run a job until ``OpenAIImagesProvider.<method>`` is reached, then drop the process."""
    reached = asyncio.Event()

    async def hang(*_args: Any, **_kwargs: Any) -> Any:
        reached.set()
        await asyncio.Event().wait()

    with monkeypatch.context() as patch:
        patch.setattr(OpenAIImagesProvider, method, hang)
        async with app_client(settings) as api:
            response = await api.post("/api/images/generate", json=body)
            assert response.status_code == 200, response.text
            job_id = str(response.json()["job_id"])
            await asyncio.wait_for(reached.wait(), 10)
            service = api.app.state.service  # type: ignore[attr-defined]
            service.queue.cancel_running(job_id)  # no terminal state is written
            while service.queue.is_running(job_id):
                await asyncio.sleep(0.01)
            row = (await api.get(f"/api/jobs/{job_id}")).json()["job"]
            assert row["status"] == "running"
    return job_id


def assert_envelope(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    assert "Traceback" not in response.text
    return dict(error)


async def test_crash_after_spool_continue_save_never_calls_the_provider(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, fake_openai: FakeOpenAI
) -> None:
    job_id = await crash_at(settings, monkeypatch, "decode", {"prompt": "spooled then crash"})
    assert len(fake_openai.requests) == 1
    async with app_client(settings) as api:
        interrupted = (await api.get("/api/jobs/interrupted")).json()["jobs"]
        assert [d["job_id"] for d in interrupted] == [job_id]
        desc = interrupted[0]
        assert desc["recoverability"] == "recoverable.local_response_cached"
        assert desc["primary_action"]["id"] == "continue_save"
        assert desc["primary_action"]["billable"] is False
        assert desc["primary_action"]["endpoint"] == f"/jobs/{job_id}/resume"
        assert [a["id"] for a in desc["secondary_actions"]] == ["resubmit"]
        assert desc["secondary_actions"][0]["billable"] is True
        evidence = desc["evidence"]
        assert evidence["raw_response_present"] is True and evidence["raw_response_bytes"] > 0
        assert evidence["outputs_present"] == 0 and evidence["outputs_expected"] == 1
        assert evidence["stage"] == "response_received"
        assert evidence["interrupted_reason"] == "process_killed"
        assert (await api.get(f"/api/jobs/{job_id}/recovery")).json() == desc
        stored = (await api.get(f"/api/jobs/{job_id}")).json()["job"]
        assert stored["metadata"]["recoverability"] == "recoverable.local_response_cached"

        resumed = await api.post(f"/api/jobs/{job_id}/resume", json={"action": "continue_save"})
        assert resumed.status_code == 200, resumed.text
        body = resumed.json()
        assert body["recovered"] is True and body["job_id"] == job_id
        job = body["job"]
        assert job["status"] == "completed" and job["error"] is None
        assert [e["type"] for e in body["events"]] == ["job.completed"]
        assert Path(job["output_path"]).read_bytes() == fake_openai.image
        image = await api.get(f"/api/jobs/{job_id}/outputs/0")
        assert image.status_code == 200 and image.content == fake_openai.image
        events = (await api.get(f"/api/jobs/{job_id}")).json()["events"]
        assert events[-1]["type"] == "job.completed"
        assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
        assert (await api.get("/api/jobs/interrupted")).json()["jobs"] == []
        after = (await api.get(f"/api/jobs/{job_id}/recovery")).json()
        assert after["recoverability"] is None and after["primary_action"] is None
        again = await api.post(f"/api/jobs/{job_id}/resume", json={"action": "continue_save"})
        assert_envelope(again, 409, "recovery_action_unavailable")
        state = json.loads((Path(job["output_path"]).parent / "recovery_state.json").read_text())
        assert state["stage"] == "completed"
    assert len(fake_openai.requests) == 1  # the provider never saw a second request


async def test_spool_without_its_saved_mark_is_still_a_cached_answer(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, fake_openai: FakeOpenAI
) -> None:
    """The "response saved" mark is written without fsync; after a power cut the state
    may still say "submitted" while the (fsynced) spool is there: no new request."""
    job_id = await crash_at(settings, monkeypatch, "decode", {"prompt": "mark lost"})
    state_file = DataPaths.from_settings(settings).job_dir(job_id) / "recovery_state.json"
    state = json.loads(state_file.read_text())
    assert state["attempts"][-1]["response_body_completed_at"]
    for attempt in state["attempts"]:  # what the last fsynced write ("submitted") held
        attempt.pop("response_body_completed_at", None)
        attempt.pop("raw_response_path", None)
    state["stage"] = "submitted"
    state_file.write_text(json.dumps(state))
    async with app_client(settings) as api:
        desc = (await api.get(f"/api/jobs/{job_id}/recovery")).json()
        assert desc["recoverability"] == "recoverable.local_response_cached"
        assert desc["primary_action"]["id"] == "continue_save"
        resumed = await api.post(f"/api/jobs/{job_id}/resume", json={"action": "continue_save"})
        assert resumed.status_code == 200, resumed.text
        assert resumed.json()["job"]["status"] == "completed"
    assert len(fake_openai.requests) == 1


async def test_never_dispatched_resubmit_creates_a_linked_job(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, fake_openai: FakeOpenAI
) -> None:
    job_id = await crash_at(settings, monkeypatch, "call", {"prompt": "never sent"})
    assert fake_openai.requests == []
    async with app_client(settings) as api:
        desc = (await api.get(f"/api/jobs/{job_id}/recovery")).json()
        assert desc["recoverability"] == "recoverable.never_dispatched"
        assert desc["primary_action"]["id"] == "resubmit"
        assert desc["primary_action"]["billable"] is True
        assert desc["evidence"]["request_started"] is False
        cached = await api.post(f"/api/jobs/{job_id}/resume", json={"action": "continue_save"})
        assert_envelope(cached, 409, "recovery_action_unavailable")

        resumed = await api.post(f"/api/jobs/{job_id}/resume", json={"action": "resubmit"})
        assert resumed.status_code == 200, resumed.text
        body = resumed.json()
        new_id = body["job_id"]
        assert new_id != job_id and body["queued"] is True
        assert body["job"]["metadata"]["retry_of"] == job_id
        assert (await wait_done(api, new_id))[-1]["type"] == "job.completed"
        old = (await api.get(f"/api/jobs/{job_id}")).json()["job"]
        assert old["status"] == "failed" and old["metadata"]["resubmitted_as"] == new_id
        assert (await api.get("/api/jobs/interrupted")).json()["jobs"] == []
        warning = (await api.get(f"/api/jobs/{job_id}/recovery")).json()["primary_action"]
        assert new_id in warning["warning"]
    assert [r["json"]["prompt"] for r in fake_openai.requests] == ["never sent"]


async def test_request_in_flight_is_ambiguous_and_warns_before_resubmit(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    job_id = await crash_at(settings, monkeypatch, "_send", {"prompt": "in flight"})
    async with app_client(settings) as api:
        desc = (await api.get(f"/api/jobs/{job_id}/recovery")).json()
    assert desc["recoverability"] == "ambiguous.remote_maybe_accepted"
    assert desc["evidence"]["request_started"] is True
    assert desc["evidence"]["raw_response_present"] is False
    assert desc["primary_action"]["id"] == "resubmit"
    assert "may already have accepted" in desc["primary_action"]["warning"]
    assert desc["secondary_actions"] == []


async def test_discard_stamps_the_job_and_leaves_the_interrupted_list(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    job_id = await crash_at(settings, monkeypatch, "call", {"prompt": "forget me"})
    async with app_client(settings) as api:
        assert len((await api.get("/api/jobs/interrupted")).json()["jobs"]) == 1
        response = await api.post(f"/api/jobs/{job_id}/resume", json={"action": "discard"})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["discarded"] is True and body["job"]["status"] == "failed"
        assert body["job"]["metadata"]["discarded_at"]
        assert (await api.get("/api/jobs/interrupted")).json()["jobs"] == []
        desc = (await api.get(f"/api/jobs/{job_id}/recovery")).json()
        assert desc["discarded_at"] == body["job"]["metadata"]["discarded_at"]
        retried = (await api.post(f"/api/jobs/{job_id}/retry")).json()
        assert "discarded_at" not in retried["job"]["metadata"]


async def test_fill_missing_reuses_cached_slots_and_bills_only_the_gaps(
    api: httpx.AsyncClient, fake_openai: FakeOpenAI
) -> None:
    relay = {"type": "openai-compatible", "api_base": fake_openai.api_base,
             "credentials": {"api_key": {"source": "file", "value": "sk-relay-0123456789abcd"}}}
    assert (await api.put("/api/providers/relay", json=relay)).status_code == 200
    # FLAKY: the first upstream call fails; without retries one of three slots is lost.
    queued = await api.post("/api/images/generate",
                            json={"prompt": "FLAKY batch", "provider": "relay", "n": 3},
                            headers={"x-gpt-image-2-retries": "0"})
    job_id = queued.json()["job_id"]
    assert (await wait_done(api, job_id))[-1]["type"] == "job.partial_failed"
    assert len(fake_openai.requests) == 3

    desc = (await api.get(f"/api/jobs/{job_id}/recovery")).json()
    assert desc["recoverability"] == "recoverable.partial_outputs"
    action = desc["primary_action"]
    assert action["id"] == "fill_missing" and action["billable"] is True
    assert action["count"] == 1 and action["label"] == "Generate the 1 missing image"
    states = sorted(s["state"] for s in desc["evidence"]["generation_slots"])
    assert states == ["cached", "cached", "started"]

    response = await api.post(f"/api/jobs/{job_id}/resume", json={"action": "fill_missing"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["recovered"] is True
    job = body["job"]
    assert job["status"] == "completed" and job["error"] is None
    assert [o["index"] for o in job["outputs"]] == [0, 1, 2]
    assert all(Path(o["path"]).read_bytes() == fake_openai.image for o in job["outputs"])
    assert len(fake_openai.requests) == 4  # exactly one new request, for the lost slot
    assert fake_openai.requests[-1]["json"].get("n") is None
    assert body["events"][-1]["type"] == "job.completed"


async def test_failures_that_offer_no_free_action(api: httpx.AsyncClient) -> None:
    rejected = (await api.post("/api/images/generate", json={"prompt": "REJECT this"})).json()
    broken = (await api.post("/api/images/generate", json={"prompt": "BADJSON body"})).json()
    await wait_done(api, rejected["job_id"])
    await wait_done(api, broken["job_id"])
    desc = (await api.get(f"/api/jobs/{rejected['job_id']}/recovery")).json()
    assert desc["recoverability"] == "terminal.provider_rejected"
    assert desc["primary_action"] is None and desc["secondary_actions"] == []
    desc = (await api.get(f"/api/jobs/{broken['job_id']}/recovery")).json()
    assert desc["evidence"]["raw_response_present"] is True
    assert desc["recoverability"] == "terminal.local_recovery_unavailable"
    assert desc["primary_action"] is None
    assert [a["id"] for a in desc["secondary_actions"]] == ["resubmit"]
    refused = await api.post(f"/api/jobs/{rejected['job_id']}/resume",
                             json={"action": "resubmit"})
    assert_envelope(refused, 409, "recovery_action_unavailable")


async def test_resume_errors_are_enveloped(api: httpx.AsyncClient) -> None:
    job = (await api.post("/api/images/generate", json={"prompt": "fine"})).json()
    await wait_done(api, job["job_id"])
    url = f"/api/jobs/{job['job_id']}/resume"
    error = assert_envelope(await api.post(url, json={"action": "explode"}), 400,
                            "invalid_argument")
    assert error["message"] == "Unsupported recovery action."
    assert_envelope(await api.post(url, json={"action": "reupload"}), 409, "not_recoverable")
    assert_envelope(await api.post(url, json={"action": "continue_save"}), 409,
                    "recovery_action_unavailable")
    assert_envelope(await api.post(url, json={}), 422, "invalid_argument")
    assert_envelope(await api.post("/api/jobs/nope/resume", json={"action": "discard"}), 404,
                    "history_not_found")
    assert_envelope(await api.get("/api/jobs/nope/recovery"), 404, "history_not_found")
    desc = (await api.get(f"/api/jobs/{job['job_id']}/recovery")).json()
    assert desc["recoverability"] is None and desc["evidence"]["outputs_present"] == 1


async def test_active_lists_running_jobs_and_literal_routes_win(
    api: httpx.AsyncClient, fake_openai: FakeOpenAI
) -> None:
    empty = await api.get("/api/jobs/active")
    assert empty.status_code == 200 and empty.json()["jobs"] == []
    assert empty.json()["history_file"].endswith("history.sqlite")
    fake_openai.latency = 0.5
    ids = [(await api.post("/api/images/generate", json={"prompt": f"busy {i}"})).json()["job_id"]
           for i in range(2)]
    active = (await api.get("/api/jobs/active")).json()["jobs"]
    assert [j["id"] for j in active] == ids[::-1]
    assert {j["status"] for j in active} <= {"queued", "running"}
    for job_id in ids:
        await wait_done(api, job_id)
    assert (await api.get("/api/jobs/active")).json()["jobs"] == []


async def test_interrupted_pages_through_every_failed_job(api: httpx.AsyncClient) -> None:
    repo = api.app.state.repo  # type: ignore[attr-defined]
    for i in range(130):
        meta: dict[str, Any] = {"prompt": f"old {i}", "interrupted_reason": "process_killed"}
        if i % 10 == 0:
            meta["discarded_at"] = "1"
        await repo.upsert_job(job_id=f"job-old-{i:03d}", command="images generate",
                              provider="openai", status="failed", output_path=None,
                              created_at=str(1_700_000_000 + i), metadata=meta)
    await repo.upsert_job(job_id="job-plain-failure", command="images generate",
                          provider="openai", status="failed", output_path=None,
                          created_at="1800000000", metadata={"prompt": "x"})
    jobs = (await api.get("/api/jobs/interrupted")).json()["jobs"]
    assert len(jobs) == 117
    assert jobs[0]["job_id"] == "job-old-129" and jobs[-1]["job_id"] == "job-old-001"
    assert all(d["recoverability"] == "recoverable.never_dispatched" for d in jobs)


async def test_history_filters_by_provider_and_command(api: httpx.AsyncClient) -> None:
    repo = api.app.state.repo  # type: ignore[attr-defined]
    rows = [("a", "openai", "images generate", "completed"),
            ("b", "relay", "images generate", "completed"),
            ("c", "relay", "images edit", "failed"),
            ("d", "relay", "images edit", "completed"),
            ("e", "codex", "images edit", "completed"),
            ("f", "local", "transparent extract", "completed")]
    for i, (name, provider, command, status) in enumerate(rows):
        await repo.upsert_job(job_id=f"job-{name}", command=command, provider=provider,
                              status=status, output_path=None, created_at=str(1000 + i),
                              metadata={"prompt": f"prompt {name} cat"})

    async def ids(**params: str | list[str]) -> list[str]:
        page = (await api.get("/api/jobs", params=params)).json()
        assert page["total"] == len(page["jobs"])
        return [j["id"] for j in page["jobs"]]

    assert await ids(provider="relay") == ["job-d", "job-c", "job-b"]
    assert await ids(command="images edit") == ["job-e", "job-d", "job-c"]
    assert await ids(provider="relay", command="images edit") == ["job-d", "job-c"]
    assert await ids(provider="relay", command="images edit", status="failed") == ["job-c"]
    assert await ids(provider="relay", q="prompt b") == ["job-b"]
    assert await ids(provider="rel") == []  # exact match, not a substring
    # a repeated command matches any of them (the SPA's kind filter: all transparent commands)
    assert await ids(command=["transparent generate", "transparent extract"]) == ["job-f"]
    assert await ids(command=["images generate", "transparent extract"],
                     q="cat") == ["job-f", "job-b", "job-a"]
    assert await ids(command=["images generate", "images edit"], provider="relay") == [
        "job-d", "job-c", "job-b"]


async def test_codex_answer_is_spooled_and_finished_without_a_second_request(
    codex_settings: Settings, codex_auth: Any, fake_codex: FakeCodex,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A Codex stream is spooled (as one Responses API object) before its images are
    decoded: a crash right after the stream ended is finished locally, for free."""
    import gpt_image_2.providers.codex as codex_module

    reached = asyncio.Event()

    def hang(_data: str) -> bytes:
        reached.set()
        raise asyncio.CancelledError  # the task dies here, as under SIGKILL

    with monkeypatch.context() as patch:
        patch.setattr(codex_module, "decode_b64_image", hang)
        async with app_client(codex_settings) as api:
            response = await api.post("/api/images/generate",
                                      json={"prompt": "codex then crash", "provider": "codex"})
            assert response.status_code == 200, response.text
            job_id = str(response.json()["job_id"])
            await asyncio.wait_for(reached.wait(), 10)
            service = api.app.state.service  # type: ignore[attr-defined]
            while service.queue.is_running(job_id):
                await asyncio.sleep(0.01)
    assert len(fake_codex.requests) == 1
    spool = DataPaths.from_settings(codex_settings).job_dir(job_id) / "raw_response.json"
    saved = json.loads(spool.read_text())
    assert saved["object"] == "response" and saved["output"][0]["type"] == "image_generation_call"

    async with app_client(codex_settings) as api:
        desc = (await api.get(f"/api/jobs/{job_id}/recovery")).json()
        assert desc["recoverability"] == "recoverable.local_response_cached", desc
        assert desc["primary_action"]["id"] == "continue_save"
        assert desc["primary_action"]["billable"] is False
        resumed = await api.post(f"/api/jobs/{job_id}/resume", json={"action": "continue_save"})
        assert resumed.status_code == 200, resumed.text
        job = resumed.json()["job"]
        assert job["status"] == "completed"
        assert Path(job["output_path"]).read_bytes() == fake_codex.image
        assert job["metadata"]["response"]["image_count"] == 1
        assert job["metadata"]["response"]["response_id"] == saved["id"]
    assert len(fake_codex.requests) == 1  # the provider never saw a second request
