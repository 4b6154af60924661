"""``POST /api/transparent/generate``: the queued job against the matte-aware fake upstream."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import cv2
import httpx
import numpy as np
import pytest

from gpt_image_2.fsutil import epoch_seconds
from tests.fakes.matte import MatteOpenAI


async def run_job(api: httpx.AsyncClient, body: dict[str, Any]) -> tuple[dict[str, Any],
                                                                          list[dict[str, Any]]]:
    """Submit, follow the SSE stream to its end, return (job, events)."""
    r = await api.post("/api/transparent/generate", json=body)
    assert r.status_code == 200, r.text
    job_id = r.json()["job_id"]
    assert r.json()["job"]["command"] == "transparent generate"
    events: list[dict[str, Any]] = []
    async with api.stream("GET", f"/api/jobs/{job_id}/events") as stream:
        async for line in stream.aiter_lines():
            if line.startswith("data:"):
                events.append(json.loads(line[5:]))
    job = (await api.get(f"/api/jobs/{job_id}")).json()["job"]
    return job, events


def job_dir(job: dict[str, Any]) -> Path:
    return Path(job["metadata"]["recovery"]["job_dir"])


async def test_generate_job_events_outputs_and_report(
    tp_api: httpx.AsyncClient, matte_openai: MatteOpenAI
) -> None:
    job, events = await run_job(tp_api, {"prompt": "a red badge", "profile": "icon",
                                         "matte_color": "magenta", "size": "1024x1024"})
    assert job["status"] == "completed", job["error"]
    types = [e["type"] for e in events]
    expected = ["job.queued", "job.running", "request.started", "request_started",
                "request_completed", "source_saved", "extraction_completed",
                "verification_completed", "output_saved", "job.completed"]
    assert types == expected
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    percents = [e["data"]["percent"] for e in events if "percent" in e["data"]]
    assert percents == sorted(percents) and percents[-1] == 100  # never backwards
    by_type = {e["type"]: e["data"] for e in events}
    assert by_type["source_saved"]["message"] == "Controlled transparent-PNG source image saved."
    assert by_type["extraction_completed"]["matte_color"] == "#ff00ff"
    assert by_type["verification_completed"]["passed"] is True

    # the provider was asked for the controlled matte, opaque PNG (spec §3.2 steps 7-9)
    sent = matte_openai.requests[-1]["json"]
    assert sent["prompt"].startswith("a red badge\n\nExtraction setup: ")
    assert "matte background of pure #ff00ff." in sent["prompt"]
    assert (sent["background"], sent["output_format"], sent["size"]) == ("opaque", "png",
                                                                         "1024x1024")

    meta = job["metadata"]
    folder = job_dir(job)
    assert job["outputs"][0]["path"] == str(folder / "out.png")
    png = await tp_api.get(f"/api/jobs/{job['id']}/outputs/0")
    rgba = cv2.imdecode(np.frombuffer(png.content, np.uint8), cv2.IMREAD_UNCHANGED)
    assert rgba.shape == (192, 192, 4) and rgba[0, 0, 3] == 0 and rgba[96, 96, 3] == 255
    assert meta["verification"]["passed"] is True
    assert meta["extraction"]["matte_color_source"] == "auto-sampled"
    req = meta["transparent_request"]
    assert (req["requested_matte_color"], req["matte_color"], req["method"]) == (
        "#ff00ff", "#ff00ff", "chroma")
    source = meta["source"]
    assert source["kept"] is False and not Path(source["path"]).exists()
    assert source["generation"]["events"]["count"] == 4  # as the reference counts them
    assert source["generation"]["request"]["background"] == "opaque"
    report = json.loads((folder / "report.json").read_text())
    assert report["command"] == "transparent generate"
    assert {"request", "source", "extraction", "verification", "output",
            "provider_selection"} <= set(report)
    assert report["history"] == {"job_id": job["id"]}
    nosource = await tp_api.get(f"/api/transparent/jobs/{job['id']}/source")
    assert nosource.status_code == 404 and nosource.json()["error"]["code"] == "output_not_found"


async def test_keep_source_serves_the_source(tp_api: httpx.AsyncClient) -> None:
    job, _ = await run_job(tp_api, {"prompt": "a badge", "keep_source": True,
                                    "material": "sticker", "threshold": 40})
    assert job["status"] == "completed"
    source = job["metadata"]["source"]
    assert source["kept"] is True and Path(source["path"]).name == "source.png"
    r = await tp_api.get(f"/api/transparent/jobs/{job['id']}/source")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert r.content == Path(source["path"]).read_bytes()
    ext = job["metadata"]["extraction"]
    assert (ext["material"], ext["threshold"], ext["softness"]) == ("sticker", 40.0, 38.0)


async def test_strict_gate_fails_the_job_and_keeps_the_files(tp_api: httpx.AsyncClient) -> None:
    job, events = await run_job(tp_api, {"prompt": "EDGE badge", "profile": "icon"})
    assert job["status"] == "failed"
    err = job["error"]
    assert err["code"] == "transparent_verification_failed"
    assert err["message"] == "Transparent PNG verification failed."
    assert set(err["detail"]) == {"source", "output", "verification"}
    assert "subject_touches_edge" in err["detail"]["verification"]["failure_reasons"]
    assert events[-1]["type"] == "job.failed"
    assert events[-1]["data"]["error"]["code"] == "transparent_verification_failed"
    # the PNG, the report and the source stay for inspection
    assert Path(err["detail"]["output"]).is_file() and Path(err["detail"]["source"]).is_file()
    assert (job_dir(job) / "report.json").is_file()
    assert (await tp_api.get(f"/api/jobs/{job['id']}/outputs/0")).status_code == 200
    assert (await tp_api.get(f"/api/transparent/jobs/{job['id']}/source")).status_code == 200


async def test_non_strict_completes_and_reports_the_failed_gate(
    tp_api: httpx.AsyncClient,
) -> None:
    job, _ = await run_job(tp_api, {"prompt": "EDGE badge", "profile": "icon", "strict": False})
    assert job["status"] == "completed"
    assert job["metadata"]["verification"]["passed"] is False


async def test_source_prompt_replaces_the_prompt(tp_api: httpx.AsyncClient,
                                                 matte_openai: MatteOpenAI) -> None:
    job, _ = await run_job(tp_api, {"prompt": "ignored", "source_prompt": "exactly this"})
    assert matte_openai.requests[-1]["json"]["prompt"] == "exactly this"
    assert job["metadata"]["transparent_request"]["source_prompt"] == "exactly this"


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"method": "dual"}, 400, "unsupported_option"),
    ({"matte_color": "auto"}, 400, "invalid_argument"),
    ({"matte_color": "#+f+f+f"}, 400, "invalid_argument"),
    ({"prompt": "  "}, 400, "invalid_argument"),
    ({"size": "999x999"}, 400, "invalid_argument"),
    ({"instructions": "be brief"}, 400, "unsupported_option"),
    ({"material": "chrome"}, 422, "invalid_argument"),
])
async def test_generate_validation(tp_api: httpx.AsyncClient, matte_openai: MatteOpenAI,
                                   body: dict[str, Any], status: int, code: str) -> None:
    r = await tp_api.post("/api/transparent/generate", json={"prompt": "a badge", **body})
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code
    assert matte_openai.requests == []  # refused before any provider call


async def test_upstream_errors_fail_the_job(tp_api: httpx.AsyncClient) -> None:
    job, _ = await run_job(tp_api, {"prompt": "NOIMAGE badge"})
    assert job["status"] == "failed"
    assert job["error"]["code"] == "missing_image_result"
    job, _ = await run_job(tp_api, {"prompt": "REJECT badge"})
    assert job["status"] == "failed" and job["error"]["code"] != "internal_error"


async def test_queued_jobs_are_requeued_on_start(tp_api: httpx.AsyncClient) -> None:
    service = tp_api.app.state.service  # type: ignore[attr-defined]
    await service.repo.upsert_job(
        job_id="job-1-1", command="transparent generate", provider="openai", status="queued",
        output_path=None, created_at=epoch_seconds(), metadata={"prompt": "x"})
    submitted: list[str] = []
    service.queue.submit = submitted.append
    await service.recover_on_start()
    assert "job-1-1" in submitted


async def test_a_finished_job_can_be_run_again(tp_api: httpx.AsyncClient,
                                               matte_openai: MatteOpenAI) -> None:
    job, _ = await run_job(tp_api, {"prompt": "EDGE badge", "profile": "icon",
                                    "matte_color": "cyan"})
    assert job["status"] == "failed"
    r = await tp_api.post(f"/api/jobs/{job['id']}/retry")
    assert r.status_code == 200, r.text
    again = r.json()["job"]
    assert again["command"] == "transparent generate" and again["id"] != job["id"]
    assert "verification" not in again["metadata"] and "source" not in again["metadata"]
    events: list[dict[str, Any]] = []
    async with tp_api.stream("GET", f"/api/jobs/{again['id']}/events") as stream:
        async for line in stream.aiter_lines():
            if line.startswith("data:"):
                events.append(json.loads(line[5:]))
    assert events[-1]["type"] == "job.failed"  # same prompt, same gate
    final = (await tp_api.get(f"/api/jobs/{again['id']}")).json()["job"]
    assert final["metadata"]["requested_matte_color"] == "#00ffff"
    assert "matte background of pure #00ffff." in matte_openai.requests[-1]["json"]["prompt"]
