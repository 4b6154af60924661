"""The job queue: concurrency limit, SSE replay and live follow, cancel, restart."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from gpt_image_2.settings import Settings
from tests.conftest import app_client
from tests.fakes.openai import FakeOpenAI
from tests.web.test_generate_flow import wait_done


async def sse_events(api: httpx.AsyncClient, job_id: str, **headers: str) -> list[dict[str, Any]]:
    events = []
    ids = []
    async with api.stream("GET", f"/api/jobs/{job_id}/events", headers=headers) as response:
        async for line in response.aiter_lines():
            if line.startswith("id:"):
                ids.append(int(line[3:].strip()))
            if line.startswith("data:"):
                events.append(json.loads(line[5:].strip()))
    assert ids == [e["seq"] for e in events]  # the SSE id is the event's seq
    return events


@pytest.mark.parametrize(("jobs", "limit"), [(6, 2), (5, 1)])
async def test_never_more_than_limit_in_flight(
    settings: Settings, fake_openai: FakeOpenAI, jobs: int, limit: int
) -> None:
    fake_openai.latency = 0.15
    async with app_client(settings.model_copy(update={"max_parallel": limit})) as api:
        ids = [
            (await api.post("/api/images/generate", json={"prompt": f"p{i}"})).json()["job_id"]
            for i in range(jobs)
        ]
        queue = (await api.get("/api/queue")).json()
        assert queue["max_parallel"] == limit
        assert queue["running"] <= limit
        results = await asyncio.gather(*(wait_done(api, j) for j in ids))
    assert all(r[-1]["type"] == "job.completed" for r in results)
    assert len(fake_openai.requests) == jobs
    assert fake_openai.max_in_flight == limit


async def test_sse_replays_after_last_event_id(api: httpx.AsyncClient) -> None:
    job_id = (await api.post("/api/images/generate", json={"prompt": "x"})).json()["job_id"]
    full = await sse_events(api, job_id)
    assert len(full) >= 5
    tail = await sse_events(api, job_id, **{"Last-Event-ID": "3"})
    assert tail == full[3:]
    by_query = (await api.get(f"/api/jobs/{job_id}/events?after={len(full) - 1}"))
    assert by_query.status_code == 200
    assert '"job.completed"' in by_query.text
    assert '"job.queued"' not in by_query.text
    # the poller's view carries the same events
    detail = (await api.get(f"/api/jobs/{job_id}")).json()
    assert detail["events"] == full


async def test_live_subscribers_see_every_event_in_order(
    api: httpx.AsyncClient, fake_openai: FakeOpenAI
) -> None:
    fake_openai.latency = 0.3
    job_id = (await api.post("/api/images/generate", json={"prompt": "live"})).json()["job_id"]
    streams = await asyncio.gather(*(sse_events(api, job_id) for _ in range(5)))
    first = streams[0]
    assert [e["seq"] for e in first] == list(range(1, len(first) + 1))
    assert first[-1]["type"] == "job.completed"
    assert all(s == first for s in streams)


async def test_cancel_queued_and_running(settings: Settings, fake_openai: FakeOpenAI) -> None:
    fake_openai.latency = 1.0
    async with app_client(settings.model_copy(update={"max_parallel": 1})) as api:
        first = (await api.post("/api/images/generate", json={"prompt": "a"})).json()["job_id"]
        second = (await api.post("/api/images/generate", json={"prompt": "b"})).json()["job_id"]
        cancelled = await api.post(f"/api/jobs/{second}/cancel")
        assert cancelled.status_code == 200
        assert cancelled.json()["status"] == "cancelled"
        while (await api.get(f"/api/jobs/{first}")).json()["job"]["status"] != "running":
            await asyncio.sleep(0.02)
        while not fake_openai.requests:  # "running" comes before the upstream call goes out
            await asyncio.sleep(0.02)
        running = await api.post(f"/api/jobs/{first}/cancel")
        assert running.json()["status"] == "cancelled"
        events = await sse_events(api, first)
        assert events[-1]["type"] == "job.cancelled"
        again = await api.post(f"/api/jobs/{first}/cancel")
        assert again.status_code == 409
        assert again.json()["error"]["code"] == "job_not_cancellable"
        job_dir = Path((await api.get(f"/api/jobs/{first}")).json()["job"]["metadata"]["recovery"]
                       ["job_dir"])
        assert not list(job_dir.glob("out*"))
    assert [r["json"]["prompt"] for r in fake_openai.requests] == ["a"]


async def test_restart_runs_queued_jobs_and_marks_running_interrupted(
    settings: Settings, fake_openai: FakeOpenAI
) -> None:
    fake_openai.latency = 2.0
    slow = settings.model_copy(update={"max_parallel": 1})
    async with app_client(slow) as api:
        running = (await api.post("/api/images/generate", json={"prompt": "r"})).json()["job_id"]
        queued = (await api.post("/api/images/generate", json={"prompt": "q"})).json()["job_id"]
        while (await api.get(f"/api/jobs/{running}")).json()["job"]["status"] != "running":
            await asyncio.sleep(0.02)
        service = api.app.state.service  # type: ignore[attr-defined]
        service.queue.close = _abrupt_close(service.queue)  # simulate the process dying
    fake_openai.latency = 0.0
    async with app_client(slow) as api:
        interrupted = (await api.get(f"/api/jobs/{running}")).json()["job"]
        assert interrupted["status"] == "failed"
        assert interrupted["metadata"]["interrupted_reason"] == "process_killed"
        events = await wait_done(api, queued)
        assert events[-1]["type"] == "job.completed"
        prompts = [e["data"]["status"] for e in events if e["type"].startswith("job.")]
        assert prompts[0] == "queued" and prompts[-1] == "completed"


def _abrupt_close(queue: Any) -> Any:
    async def close(grace_seconds: float = 0.0) -> None:
        queue._closed = True
        queue._pending.clear()
        for task in list(queue._running.values()):
            task.cancel()
        await asyncio.gather(*queue._running.values(), return_exceptions=True)

    return close


async def test_follow_keeps_an_event_published_right_after_the_backlog_read(
    api: httpx.AsyncClient,
) -> None:
    service = api.app.state.service  # type: ignore[attr-defined]
    repo = service.repo
    await repo.upsert_job(job_id="job-race", command="images generate", provider="openai",
                          status="running", output_path=None, created_at="1700000000",
                          metadata={"prompt": "race"})
    await service.bus.emit("job-race", "local", "job.queued", {"status": "queued"})
    await service.bus.emit("job-race", "local", "job.running", {"status": "running"})
    original = repo.events_after

    async def backlog_then_finish(job_id: str, after_seq: int = 0) -> Any:
        rows = await original(job_id, after_seq)
        await repo.update_job(job_id, status="completed")
        await service.bus.emit(job_id, "local", "job.completed", {"status": "completed"})
        return rows

    repo.events_after = backlog_then_finish
    try:
        seen = [e.type async for e in service.follow("job-race")]
    finally:
        repo.events_after = original
    assert seen == ["job.queued", "job.running", "job.completed"]


async def test_concurrent_submissions_never_hit_database_is_locked(
    settings: Settings, fake_openai: FakeOpenAI
) -> None:
    async with app_client(settings.model_copy(update={"max_parallel": 4})) as api:
        responses = await asyncio.gather(*(
            api.post("/api/images/generate", json={"prompt": f"burst {i}"}) for i in range(40)))
        assert [r.status_code for r in responses] == [200] * 40
        done = await asyncio.gather(*(wait_done(api, r.json()["job_id"]) for r in responses))
    assert all(events[-1]["type"] == "job.completed" for events in done)


async def test_server_recovery_leaves_cli_jobs_alone(settings: Settings) -> None:
    async with app_client(settings) as api:
        repo = api.app.state.service.repo  # type: ignore[attr-defined]
        for job_id, status, runner in (("job-cli-run", "running", "cli"),
                                       ("job-cli-wait", "queued", "cli"),
                                       ("job-srv-run", "running", "server")):
            await repo.upsert_job(job_id=job_id, command="images generate", provider="openai",
                                  status=status, output_path=None, created_at="1700000000",
                                  metadata={"prompt": "p", "runner": runner})
    async with app_client(settings) as api:
        status = {j: (await api.get(f"/api/jobs/{j}")).json()["job"]["status"]
                  for j in ("job-cli-run", "job-cli-wait", "job-srv-run")}
    assert status == {"job-cli-run": "running", "job-cli-wait": "queued",
                      "job-srv-run": "failed"}
