"""Retry policy end to end (spec/providers.md §4, spec/protocol.md §3.3–3.4).

Jobs run through the API against the fake OpenAI and fake Codex on loopback, with
the *default* policy (3 retries, 1 s base). The loop's wait goes through
``providers.retry.sleep``, which these tests replace with a recorder: the requested
delays are checked as numbers and no test waits for them.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
from collections.abc import AsyncIterator
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from gpt_image_2.providers import retry
from gpt_image_2.settings import Settings
from tests.conftest import TEST_KEY, app_client
from tests.fakes.codex import FakeCodex
from tests.fakes.fixtures import CodexAuth, run_job
from tests.fakes.images import png_bytes
from tests.fakes.openai import FakeOpenAI

UNREACHABLE_BASE = "http://127.0.0.1:9/v1"
RETRY_FIELDS = {"provider", "phase", "status", "message", "retry_number", "max_retries",
                "delay_seconds", "reason", "status_code"}


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every delay the retry loop asks for, in order; nothing actually waits."""
    requested: list[float] = []

    async def record(seconds: float) -> None:
        requested.append(seconds)

    monkeypatch.setattr(retry, "sleep", record)
    return requested


def default_settings(codex_home: Path, **overrides: Any) -> Settings:
    """The shipped retry defaults; only the upstream addresses point at the fakes."""
    return Settings(codex_home=codex_home, **overrides)


@pytest.fixture
async def openai_api(codex_home: Path, fake_openai: FakeOpenAI
                     ) -> AsyncIterator[httpx.AsyncClient]:
    settings = default_settings(codex_home, openai_api_key=TEST_KEY,
                                openai_api_base=fake_openai.api_base)
    async with app_client(settings) as client:
        yield client


@pytest.fixture
async def codex_default_api(codex_home: Path, fake_codex: FakeCodex, codex_auth: CodexAuth
                            ) -> AsyncIterator[httpx.AsyncClient]:
    settings = default_settings(codex_home, codex_endpoint=fake_codex.endpoint,
                                codex_token_url=fake_codex.token_url)
    async with app_client(settings) as client:
        yield client


def provider_events(events: list[dict[str, Any]]) -> list[str]:
    return [e["type"] for e in events if not e["type"].startswith("job.")]


def retries_of(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e["data"] for e in events if e["type"] == "retry_scheduled"]


def http_date(seconds_from_now: float) -> str:
    return format_datetime(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds_from_now),
                           usegmt=True)


def scripted(status: int, **headers: str) -> dict[str, Any]:
    return {"status": status, "headers": headers}


# -- the default policy ---------------------------------------------------------------

async def test_default_policy_is_three_retries_at_1_2_4_seconds(
    openai_api: httpx.AsyncClient, fake_openai: FakeOpenAI, sleeps: list[float]
) -> None:
    job, events = await run_job(openai_api, "/api/images/generate", {"prompt": "FAIL500 always"})
    assert job["status"] == "failed"
    assert (job["error"]["code"], job["error"]["message"]) == ("http_error", "HTTP 500")
    assert len(fake_openai.requests) == 4  # 1 + 3 retries
    assert sleeps == [1, 2, 4]
    # every attempt re-emits request.started/request_started; a retry_scheduled between
    attempt = ["request.started", "request_started"]
    assert provider_events(events) == attempt + ["retry_scheduled", *attempt] * 3
    endpoint = f"{fake_openai.api_base}/images/generations"
    for started in (e for e in events if e["type"] == "request.started"):
        assert started["kind"] == "local"
        assert started["data"] == {"provider": "openai", "endpoint": endpoint}
    for sent in (e for e in events if e["type"] == "request_started"):
        assert sent["kind"] == "progress"
        assert sent["data"]["endpoint"] == endpoint
        assert sent["data"]["message"] == "OpenAI image request sent."
        assert sent["data"]["percent"] == 0
    records = [e for e in events if e["type"] == "retry_scheduled"]
    assert all(r["kind"] == "progress" for r in records)
    for number, data in enumerate(retries_of(events), start=1):
        assert set(data) == RETRY_FIELDS  # no percent
        assert data == {
            "provider": "openai", "phase": "retry_scheduled", "status": "running",
            "message": "Retry scheduled after transient failure.",
            "retry_number": number, "max_retries": 3, "delay_seconds": 2 ** (number - 1),
            "reason": "HTTP 500", "status_code": 500,
        }
        assert type(data["delay_seconds"]) is int  # 1, not 1.0, as the reference writes it
    seqs = [e["seq"] for e in events]
    assert seqs == sorted(seqs)


async def test_500_then_429_then_success_reports_two_retries(
    openai_api: httpx.AsyncClient, fake_openai: FakeOpenAI, sleeps: list[float]
) -> None:
    fake_openai.script[:] = [scripted(500), scripted(429)]
    job, events = await run_job(openai_api, "/api/images/generate", {"prompt": "a fox"})
    assert job["status"] == "completed", job["error"]
    assert job["metadata"]["retry"] == {"count": 2, "max_retries": 3}
    assert [(r["reason"], r["status_code"]) for r in retries_of(events)] == [
        ("HTTP 500", 500), ("HTTP 429", 429)]
    assert sleeps == [1, 2]
    assert len(fake_openai.requests) == 3
    types = provider_events(events)
    assert types.count("request.started") == types.count("request_started") == 3
    assert types[-2:] == ["request_completed", "output_saved"]


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
async def test_429_and_5xx_are_retried_until_the_retries_run_out(
    openai_api: httpx.AsyncClient, fake_openai: FakeOpenAI, sleeps: list[float], status: int
) -> None:
    fake_openai.script[:] = [scripted(status)] * 4
    job, events = await run_job(openai_api, "/api/images/generate", {"prompt": "a fox"})
    assert job["status"] == "failed"
    assert job["error"]["message"] == f"HTTP {status}"
    assert len(fake_openai.requests) == 4
    assert [r["status_code"] for r in retries_of(events)] == [status] * 3
    assert sleeps == [1, 2, 4]


# -- Retry-After ---------------------------------------------------------------------

async def test_retry_after_seconds_and_http_date_are_respected_and_capped(
    openai_api: httpx.AsyncClient, fake_openai: FakeOpenAI, sleeps: list[float]
) -> None:
    fake_openai.script[:] = [
        scripted(429, **{"Retry-After": "7"}),
        scripted(503, **{"Retry-After": "3600"}),           # an hour: capped at 60 s
        scripted(429, **{"Retry-After": http_date(30)}),    # an HTTP date half a minute away
    ]
    job, events = await run_job(openai_api, "/api/images/generate", {"prompt": "a fox"})
    assert job["status"] == "completed", job["error"]
    assert job["metadata"]["retry"] == {"count": 3, "max_retries": 3}
    delays = [r["delay_seconds"] for r in retries_of(events)]
    assert sleeps == delays
    assert delays[:2] == [7, 60]
    # the date has whole-second resolution and is read a moment after it was written
    assert 20 <= delays[2] <= 30
    assert delays[2] != 4  # not the exponential schedule


async def test_retry_after_date_far_ahead_is_capped_and_past_date_is_zero(
    openai_api: httpx.AsyncClient, fake_openai: FakeOpenAI, sleeps: list[float]
) -> None:
    fake_openai.script[:] = [
        scripted(503, **{"Retry-After": http_date(2 * 3600)}),
        scripted(503, **{"Retry-After": http_date(-600)}),
        scripted(503, **{"Retry-After": "not a date"}),      # unreadable: the schedule
    ]
    job, events = await run_job(openai_api, "/api/images/generate", {"prompt": "a fox"})
    assert job["status"] == "completed", job["error"]
    assert sleeps == [60, 0, 4]
    assert [r["delay_seconds"] for r in retries_of(events)] == [60, 0, 4]


# -- not retried ---------------------------------------------------------------------

@pytest.mark.parametrize("status", [400, 401, 403, 404, 413, 422])
async def test_openai_client_errors_are_not_retried(
    openai_api: httpx.AsyncClient, fake_openai: FakeOpenAI, sleeps: list[float], status: int
) -> None:
    fake_openai.script[:] = [scripted(status, **{"Retry-After": "1"})]
    job, events = await run_job(openai_api, "/api/images/generate", {"prompt": "a fox"})
    assert job["status"] == "failed"
    assert (job["error"]["code"], job["error"]["message"]) == ("http_error", f"HTTP {status}")
    assert len(fake_openai.requests) == 1
    assert retries_of(events) == []
    assert sleeps == []
    assert provider_events(events) == ["request.started", "request_started"]


@pytest.mark.parametrize("status", [400, 403, 404, 422])
async def test_codex_client_errors_are_not_retried(
    codex_default_api: httpx.AsyncClient, fake_codex: FakeCodex, sleeps: list[float],
    status: int
) -> None:
    fake_codex.script[:] = [scripted(status)]
    job, events = await run_job(codex_default_api, "/api/images/generate", {"prompt": "a fox"})
    assert job["status"] == "failed"
    assert (job["error"]["code"], job["error"]["message"]) == ("http_error", f"HTTP {status}")
    assert len(fake_codex.requests) == 1
    assert retries_of(events) == [] and sleeps == []


async def test_codex_401_refreshes_once_and_a_second_401_is_not_retried(
    codex_default_api: httpx.AsyncClient, fake_codex: FakeCodex, sleeps: list[float]
) -> None:
    fake_codex.script[:] = [scripted(401), scripted(401)]
    job, events = await run_job(codex_default_api, "/api/images/generate", {"prompt": "a fox"})
    assert job["status"] == "failed"
    assert job["error"]["message"] == "HTTP 401"
    assert len(fake_codex.token_requests) == 1  # the refresh is not a retry
    assert len(fake_codex.requests) == 2
    assert retries_of(events) == [] and sleeps == []
    types = provider_events(events)
    assert types == ["request.started", "request_started", "auth_refresh_started",
                     "auth.refresh.completed", "auth_refresh_completed",
                     "request.started", "request_started"]


# -- Codex retryable -----------------------------------------------------------------

async def test_codex_429_and_5xx_are_retried_with_retry_after(
    codex_default_api: httpx.AsyncClient, fake_codex: FakeCodex, sleeps: list[float]
) -> None:
    fake_codex.script[:] = [scripted(429, **{"Retry-After": "3"}), scripted(502),
                            scripted(503, **{"Retry-After": "86400"})]
    job, events = await run_job(codex_default_api, "/api/images/generate", {"prompt": "a fox"})
    assert job["status"] == "completed", job["error"]
    assert job["metadata"]["retry"] == {"count": 3, "max_retries": 3}
    assert sleeps == [3, 2, 60]
    data = retries_of(events)
    assert [(d["provider"], d["reason"], d["status_code"], d["retry_number"]) for d in data] == [
        ("codex", "HTTP 429", 429, 1), ("codex", "HTTP 502", 502, 2),
        ("codex", "HTTP 503", 503, 3)]
    assert all(set(d) == RETRY_FIELDS for d in data)
    types = provider_events(events)
    assert types.count("request.started") == types.count("request_started") == 4
    assert len(fake_codex.requests) == 4


# -- transport failures --------------------------------------------------------------

async def test_connection_refused_is_retried_with_the_default_schedule(
    codex_home: Path, sleeps: list[float]
) -> None:
    settings = default_settings(codex_home, openai_api_key=TEST_KEY,
                                openai_api_base=UNREACHABLE_BASE)
    async with app_client(settings) as api:
        job, events = await run_job(api, "/api/images/generate", {"prompt": "a fox"})
    assert job["status"] == "failed"
    assert (job["error"]["code"], job["error"]["message"]) == ("network_error",
                                                               "OpenAI request failed.")
    assert sleeps == [1, 2, 4]
    assert [(r["reason"], r["status_code"], r["delay_seconds"]) for r in retries_of(events)] == [
        ("OpenAI request failed.", None, 1), ("OpenAI request failed.", None, 2),
        ("OpenAI request failed.", None, 4)]
    endpoints = [e["data"]["endpoint"] for e in events if e["type"] == "request.started"]
    assert endpoints == [f"{UNREACHABLE_BASE}/images/generations"] * 4


async def test_openai_timeout_is_retried(
    codex_home: Path, fake_openai: FakeOpenAI, sleeps: list[float]
) -> None:
    settings = default_settings(codex_home, openai_api_key=TEST_KEY,
                                openai_api_base=fake_openai.api_base,
                                request_timeout_seconds=0.5)
    fake_openai.script[:] = [{"sleep": 3.0}]
    async with app_client(settings) as api:
        job, events = await run_job(api, "/api/images/generate", {"prompt": "a fox"})
    assert job["status"] == "completed", job["error"]
    assert job["metadata"]["retry"] == {"count": 1, "max_retries": 3}
    assert [(r["reason"], r["status_code"]) for r in retries_of(events)] == [
        ("OpenAI request failed.", None)]
    assert sleeps == [1]
    assert len(fake_openai.requests) == 2
    for _ in range(500):  # let the abandoned first answer finish: the fake is shared
        if fake_openai.in_flight == 0:
            break
        await asyncio.sleep(0.02)
    assert fake_openai.in_flight == 0


async def test_codex_timeout_is_retried(
    codex_home: Path, fake_codex: FakeCodex, codex_auth: CodexAuth, sleeps: list[float]
) -> None:
    settings = default_settings(codex_home, codex_endpoint=fake_codex.endpoint,
                                codex_token_url=fake_codex.token_url,
                                request_timeout_seconds=0.5)
    fake_codex.script[:] = [{"sleep": 3.0}]
    async with app_client(settings) as api:
        job, events = await run_job(api, "/api/images/generate", {"prompt": "a fox"})
    assert job["status"] == "completed", job["error"]
    assert [(r["reason"], r["status_code"]) for r in retries_of(events)] == [
        ("Codex request failed.", None)]
    assert sleeps == [1]
    assert len(fake_codex.requests) == 2


async def test_edit_retries_rebuild_the_multipart_form(
    openai_api: httpx.AsyncClient, fake_openai: FakeOpenAI, sleeps: list[float]
) -> None:
    ref = {"name": "a.png", "data_base64": base64.b64encode(png_bytes()).decode()}
    fake_openai.script[:] = [scripted(500)]
    job, events = await run_job(openai_api, "/api/images/edit",
                                {"prompt": "make it blue", "refs": [ref]})
    assert job["status"] == "completed", job["error"]
    assert sleeps == [1]
    first, second = fake_openai.requests
    assert first["files"] == second["files"] and first["form"] == second["form"]
    assert retries_of(events)[0]["reason"] == "HTTP 500"


# -- the policy as data ------------------------------------------------------------------

def test_parse_retry_after_forms() -> None:
    assert retry.parse_retry_after("12") == 12
    assert retry.parse_retry_after(" 0 ") == 0
    assert retry.parse_retry_after("-5") == 0
    assert retry.parse_retry_after(None) is None
    assert retry.parse_retry_after("") is None
    assert retry.parse_retry_after("soon") is None
    ahead = retry.parse_retry_after(http_date(120))
    assert ahead is not None and 100 <= ahead <= 120
    # "-0000" (UTC, zone not given) parses to a naive time; it must not crash the job
    naive = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=120)).strftime(
        "%a, %d %b %Y %H:%M:%S -0000")
    ahead = retry.parse_retry_after(naive)
    assert ahead is not None and 100 <= ahead <= 120
    assert retry.parse_retry_after("Wed, 21 Oct 2015 07:28:00 -0000") == 0
    policy = retry.RetryPolicy()
    assert (policy.max_retries, policy.base_delay_seconds) == (3, 1)
    assert [policy.delay_for(n, None) for n in (1, 2, 3)] == [1, 2, 4]
    assert policy.delay_for(1, 3600) == 60
    assert policy.delay_for(2, 0.5) == 0.5
    assert policy.delay_for(1, 30) == 30 and type(policy.delay_for(1, 30)) is int
    assert retry.RetryPolicy(base_delay_seconds=0.25).delay_for(3, None) == 1
