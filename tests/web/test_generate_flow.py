"""POST /api/images/generate end to end against the fake OpenAI upstream."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import TEST_KEY
from tests.fakes.openai import FakeOpenAI


async def wait_done(api: httpx.AsyncClient, job_id: str) -> list[dict[str, Any]]:
    """Follow the SSE stream to the end; return the events."""
    events = []
    async with api.stream("GET", f"/api/jobs/{job_id}/events") as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        async for line in response.aiter_lines():
            if line.startswith("data:"):
                events.append(json.loads(line[5:].strip()))
    return events


async def test_generate_completes_with_output_history_and_events(
    api: httpx.AsyncClient, fake_openai: FakeOpenAI, codex_home: Path
) -> None:
    response = await api.post(
        "/api/images/generate",
        json={"prompt": "a red apple", "size": "2K", "quality": "high", "format": "png"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    job_id = body["job_id"]
    assert body["queued"] is True
    assert body["job"]["status"] == "queued"
    assert body["events"][0]["type"] == "job.queued"

    events = await wait_done(api, job_id)
    types = [e["type"] for e in events]
    assert types[0] == "job.queued"
    assert types[-1] == "job.completed"
    assert "request_started" in types and "output_saved" in types
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))

    sent = fake_openai.requests[-1]
    assert sent["path"] == "/v1/images/generations"
    assert sent["headers"]["authorization"] == f"Bearer {TEST_KEY}"
    assert sent["json"] == {
        "model": "gpt-image-2", "prompt": "a red apple", "background": "auto",
        "size": "2048x2048", "quality": "high", "output_format": "png",
    }

    detail = (await api.get(f"/api/jobs/{job_id}")).json()
    job = detail["job"]
    assert job["status"] == "completed"
    assert job["provider"] == "openai"
    out = Path(job["outputs"][0]["path"])
    assert out == codex_home / "gpt-image-2-skill" / "jobs" / job_id / "out.png"
    assert out.read_bytes() == fake_openai.image
    assert job["metadata"]["response"]["revised_prompts"] == ["revised: a red apple"]
    assert [e["seq"] for e in detail["events"]] == [e["seq"] for e in events]

    image = await api.get(f"/api/jobs/{job_id}/outputs/0")
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert image.content == fake_openai.image

    listing = (await api.get("/api/jobs")).json()
    assert listing["jobs"][0]["id"] == job_id
    assert listing["total"] == 1
    # nothing but the output, the raw response spool and the recovery evidence
    names = sorted(p.name for p in out.parent.iterdir())
    assert names == ["out.png", "raw_response.json", "recovery_state.json"]
    state = json.loads((out.parent / "recovery_state.json").read_text())
    assert state["stage"] == "response_received"
    assert [a["raw_response_path"] for a in state["attempts"]] == ["raw_response.json"]
