"""Bad input and upstream failures: stable codes, failed jobs, nothing half-written."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from gpt_image_2.settings import Settings
from tests.conftest import app_client
from tests.fakes.openai import FakeOpenAI
from tests.web.test_generate_flow import wait_done


def assert_no_trace(response: httpx.Response) -> None:
    assert "Traceback" not in response.text
    assert 'File "' not in response.text


async def submit(api: httpx.AsyncClient, prompt: str, **extra: object) -> dict:
    response = await api.post("/api/images/generate", json={"prompt": prompt, **extra})
    assert response.status_code == 200, response.text
    return response.json()


async def finish(api: httpx.AsyncClient, prompt: str, **extra: object) -> tuple[dict, list]:
    job_id = (await submit(api, prompt, **extra))["job_id"]
    events = await wait_done(api, job_id)
    detail = await api.get(f"/api/jobs/{job_id}")
    assert_no_trace(detail)
    job = detail.json()["job"]
    return job, events


def assert_nothing_half_written(job: dict, *, answered: bool = False) -> None:
    """A failed job's folder holds only the recovery evidence: no output, no temp file.

    ``answered``: the upstream sent a (billable) answer that could not be used; its
    spooled copy stays as evidence for recovery (spec/web.md §11.1).
    """
    assert job["outputs"] == []
    job_dir = Path(job["metadata"]["recovery"]["job_dir"])
    evidence = ["raw_response.json", "recovery_state.json"] if answered \
        else ["recovery_state.json"]
    assert sorted(p.name for p in job_dir.iterdir()) == evidence


@pytest.mark.parametrize("prompt", ["", "   \n"])
async def test_blank_prompt_is_invalid_argument(api: httpx.AsyncClient, prompt: str) -> None:
    response = await api.post("/api/images/generate", json={"prompt": prompt})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_argument"
    assert response.json()["error"]["message"] == "Prompt is required."
    assert (await api.get("/api/jobs")).json()["total"] == 0


@pytest.mark.parametrize(
    ("size", "rule"),
    [("100x100", "multiple_of_16"), ("4096x1024", "max_edge"), ("800x800", "min_pixels"),
     ("2896x2896", "max_pixels"), ("2048x512", "max_aspect"), ("0x1024", "positive"),
     ("1k", "format"), ("1024 x 1024", "format")],
)
async def test_bad_size_names_the_rule(
    api: httpx.AsyncClient, fake_openai: FakeOpenAI, size: str, rule: str
) -> None:
    response = await api.post("/api/images/generate", json={"prompt": "p", "size": size})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_argument"
    assert error["detail"]["rule"] == rule
    assert fake_openai.requests == []


async def test_malformed_json_is_422_in_the_envelope(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/api/images/generate", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_argument"
    assert_no_trace(response)
    wrong_type = await api.post("/api/images/generate", json={"prompt": "p", "n": "many"})
    assert wrong_type.status_code == 422
    assert wrong_type.json()["error"]["message"].startswith("n:")


async def test_upstream_400_fails_the_job_without_retry(
    api: httpx.AsyncClient, fake_openai: FakeOpenAI
) -> None:
    job, events = await finish(api, "please REJECT this")
    assert job["status"] == "failed"
    assert job["error"]["code"] == "http_error"
    assert job["error"]["message"] == "HTTP 400"
    assert "moderation_blocked" in job["error"]["detail"]
    assert events[-1]["type"] == "job.failed"
    assert events[-1]["data"]["error"]["code"] == "http_error"
    assert "retry_scheduled" not in [e["type"] for e in events]
    assert len(fake_openai.requests) == 1
    # no spool and no output; only the recovery evidence (spec/web.md §11.1)
    assert_nothing_half_written(job)


async def test_upstream_500_is_retried_then_fails(
    api: httpx.AsyncClient, fake_openai: FakeOpenAI
) -> None:
    job, events = await finish(api, "FAIL500 always")
    assert job["status"] == "failed"
    assert job["error"]["code"] == "http_error"
    retries = [e for e in events if e["type"] == "retry_scheduled"]
    assert [r["data"]["retry_number"] for r in retries] == [1, 2, 3]
    assert all(r["data"]["status_code"] == 500 for r in retries)
    assert len(fake_openai.requests) == 4
    assert_nothing_half_written(job)


async def test_transient_failures_recover(api: httpx.AsyncClient, fake_openai: FakeOpenAI) -> None:
    job, events = await finish(api, "FLAKY once")
    assert job["status"] == "completed"
    assert job["metadata"]["retry"] == {"count": 1, "max_retries": 3}
    job, events = await finish(api, "RATE limited")
    assert job["status"] == "completed"
    retry = next(e for e in events if e["type"] == "retry_scheduled")
    assert retry["data"]["status_code"] == 429
    assert retry["data"]["delay_seconds"] == 0  # Retry-After: 0 was respected


async def test_invalid_upstream_payloads(api: httpx.AsyncClient) -> None:
    job, _ = await finish(api, "NOIMAGE")
    assert job["error"]["code"] == "missing_image_result"
    assert_nothing_half_written(job, answered=True)
    job, _ = await finish(api, "BADJSON")
    assert job["error"]["code"] == "invalid_json_response"
    assert_nothing_half_written(job, answered=True)


async def test_url_outputs_are_downloaded(api: httpx.AsyncClient, fake_openai: FakeOpenAI) -> None:
    job, _ = await finish(api, "URLMODE please")
    assert job["status"] == "completed"
    assert Path(job["outputs"][0]["path"]).read_bytes() == fake_openai.image


@pytest.mark.parametrize(("url", "code"), [
    ("https://169.254.169.254/latest/meta-data/iam", "storage_remote_blocked"),
    ("https://10.0.0.7/out.png", "storage_remote_blocked"),
    ("https://[::ffff:127.0.0.1]:9/out.png", "storage_remote_blocked"),
    ("http://images.example/out.png", "image_url_insecure"),
])
async def test_foreign_result_urls_are_guarded(api: httpx.AsyncClient, url: str,
                                               code: str) -> None:
    """A result URL off the provider's origin must be public HTTPS; refused before connecting."""
    job, _ = await finish(api, f"FOREIGNURL {url}")
    assert job["status"] == "failed"
    assert job["error"]["code"] == code, job["error"]
    assert job["outputs"] == []


async def test_two_images_are_numbered(api: httpx.AsyncClient) -> None:
    job, _ = await finish(api, "TWO images")
    names = [Path(o["path"]).name for o in job["outputs"]]
    assert names == ["out-1.png", "out-2.png"]
    assert job["output_path"].endswith("out-1.png")


@pytest.fixture
def unreachable_settings(codex_home: Path) -> Settings:
    return Settings(codex_home=codex_home, openai_api_key="sk-test-unreachable-000",
                    openai_api_base="http://127.0.0.1:9/v1", retries=1,
                    retry_delay_seconds=0.01)


async def test_unreachable_upstream_is_network_error(unreachable_settings: Settings) -> None:
    async with app_client(unreachable_settings) as api:
        job, events = await finish(api, "hello")
    assert job["status"] == "failed"
    assert job["error"]["code"] == "network_error"
    assert job["error"]["message"] == "OpenAI request failed."
    assert [e["data"]["reason"] for e in events if e["type"] == "retry_scheduled"] == [
        "OpenAI request failed."
    ]
    assert_nothing_half_written(job)


async def test_timeout_is_network_error(codex_home: Path, fake_openai: FakeOpenAI) -> None:
    fake_openai.slow_seconds = 2.0
    settings = Settings(codex_home=codex_home, openai_api_key="sk-test-timeout-0000",
                        openai_api_base=fake_openai.api_base, retries=0,
                        request_timeout_seconds=0.3)
    async with app_client(settings) as api:
        job, _ = await finish(api, "SLOW down")
    assert job["error"]["code"] == "network_error"
    assert "timed out" in job["error"]["detail"]["error"]
    assert_nothing_half_written(job)


async def test_missing_key_is_refused_at_submit(codex_home: Path) -> None:
    async with app_client(Settings(codex_home=codex_home)) as api:
        response = await api.post("/api/images/generate", json={"prompt": "p"})
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "provider_unavailable"
        response = await api.post("/api/images/generate", json={"prompt": "p",
                                                                 "provider": "openai"})
        assert response.json()["error"]["code"] == "api_key_missing"


async def test_unknown_job_and_output(api: httpx.AsyncClient) -> None:
    for path in ("/api/jobs/nope", "/api/jobs/nope/events", "/api/jobs/nope/outputs/0"):
        response = await api.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "history_not_found"
    job, _ = await finish(api, "ok")
    response = await api.get(f"/api/jobs/{job['id']}/outputs/5")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "output_not_found"
    for evil in ("..%2F..%2Fetc%2Fpasswd", "%2E%2E"):
        response = await api.get(f"/api/jobs/{evil}/outputs/0")
        assert response.status_code in (404, 400)
        assert_no_trace(response)
    unknown = await api.get("/api/does-not-exist")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "not_found"
