"""``kill -9`` while a request is with the provider, then recovery (spec/web.md §7.8, §11)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import server_env
from tests.fakes.openai import FakeOpenAI
from tests.fakes.process import ServerProcess


async def test_kill_9_in_flight_is_ambiguous_and_never_finished_for_free(
    tmp_path: Path, fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "codex"
    env = server_env(home, fake_openai, GPT_IMAGE_2_REQUEST_TIMEOUT_SECONDS="30")
    monkeypatch.setattr(fake_openai, "slow_seconds", 2.0)  # the fake is session-wide
    server = ServerProcess(env, log=tmp_path / "server.log").start()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            job_id = (await client.post("/api/images/generate",
                                        json={"prompt": "SLOW kill me"})).json()["job_id"]
            deadline = time.monotonic() + 10
            while not fake_openai.requests and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            assert fake_openai.in_flight == 1
    finally:
        server.kill()  # SIGKILL while the provider holds the request
    state = home / "gpt-image-2-skill" / "jobs" / job_id / "recovery_state.json"
    assert '"stage": "submitted"' in state.read_text()

    server = ServerProcess(env, log=tmp_path / "server.log").start()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            interrupted = (await client.get("/api/jobs/interrupted")).json()["jobs"]
            assert [d["job_id"] for d in interrupted] == [job_id]
            desc = interrupted[0]
            assert desc["recoverability"] == "ambiguous.remote_maybe_accepted"
            assert desc["evidence"]["request_started"] is True
            assert desc["evidence"]["raw_response_present"] is False
            assert desc["primary_action"]["id"] == "resubmit"
            assert desc["primary_action"]["billable"] is True
            assert desc["primary_action"]["warning"]
            free = await client.post(f"/api/jobs/{job_id}/resume",
                                     json={"action": "continue_save"})
            assert free.status_code == 409
            assert free.json()["error"]["code"] == "recovery_action_unavailable"
            gone = await client.post(f"/api/jobs/{job_id}/resume", json={"action": "discard"})
            assert gone.status_code == 200 and gone.json()["discarded"] is True
            assert (await client.get("/api/jobs/interrupted")).json()["jobs"] == []
            assert (await client.get("/api/jobs/active")).json()["jobs"] == []
    finally:
        server.stop()
    assert len(fake_openai.requests) == 1  # recovery sent nothing upstream
