"""SSE against a real ``gpt-image-2 serve`` process: drop the stream mid-job, come back
with ``Last-Event-ID``, get the missed events, then the live ones, then the end."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.fakes.openai import FakeOpenAI
from tests.fakes.process import ServerProcess


def _read(response: httpx.Response, *, stop_after: str | None = None) -> list[dict[str, Any]]:
    """The events of one SSE response, checking that each ``id:`` is its event's seq."""
    events: list[dict[str, Any]] = []
    last_id: int | None = None
    for line in response.iter_lines():
        if line.startswith("id:"):
            last_id = int(line[3:].strip())
        elif line.startswith("data:"):
            event = json.loads(line[5:].strip())
            assert event["seq"] == last_id
            events.append(event)
            if stop_after is not None and event["type"] == stop_after:
                break
    return events


def test_reconnect_mid_job_replays_the_gap_then_follows_live(
    server_process: ServerProcess, fake_openai: FakeOpenAI
) -> None:
    fake_openai.latency = 1.5
    with httpx.Client(base_url=server_process.url, timeout=30) as client:
        job_id = client.post("/api/images/generate", json={"prompt": "reconnect"}).json()["job_id"]
        with client.stream("GET", f"/api/jobs/{job_id}/events") as first:
            assert first.headers["content-type"].startswith("text/event-stream")
            before = _read(first, stop_after="request_started")
        # the client went away while the upstream was still answering
        assert client.get(f"/api/jobs/{job_id}").json()["job"]["status"] == "running"
        # skip back one event, as a client that missed the last one would
        last_seen = before[-2]["seq"]
        with client.stream("GET", f"/api/jobs/{job_id}/events",
                           headers={"Last-Event-ID": str(last_seen)}) as second:
            after = _read(second)
        stored = client.get(f"/api/jobs/{job_id}").json()

    assert after[0]["seq"] == last_seen + 1  # the replay starts right after the given id
    assert after[0] == before[-1]  # ...with the event this client missed
    assert after[-1]["type"] == "job.completed"  # then live, until the job ends
    joined = before[:-1] + after
    assert [e["seq"] for e in joined] == list(range(1, len(joined) + 1))
    assert joined == stored["events"]
    assert stored["job"]["status"] == "completed"
