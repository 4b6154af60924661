"""Reliability against a real ``gpt-image-2 serve`` subprocess (spec/web.md §7.8)."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import TEST_KEY, server_env
from tests.fakes.openai import FakeOpenAI
from tests.fakes.process import ServerProcess


async def follow(client: httpx.AsyncClient, job_id: str) -> list[dict[str, Any]]:
    events = []
    async with client.stream("GET", f"/api/jobs/{job_id}/events") as response:
        assert response.status_code == 200
        async for line in response.aiter_lines():
            if line.startswith("data:"):
                events.append(json.loads(line[5:]))
    return events


# Drop idle pooled connections well before uvicorn's 5 s keep-alive timeout closes them,
# so a request never lands on a connection the server is closing at that moment.
LIMITS = httpx.Limits(max_connections=300, keepalive_expiry=1.0)


def statuses(home: Path) -> dict[str, str]:
    con = sqlite3.connect(home / "gpt-image-2-skill" / "history.sqlite")
    try:
        return dict(con.execute("select id, status from jobs").fetchall())
    finally:
        con.close()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "codex"


def start(home: Path, fake: FakeOpenAI, tmp_path: Path, **env: str) -> ServerProcess:
    return ServerProcess(server_env(home, fake, **env), log=tmp_path / "server.log").start()


async def test_kill_9_mid_jobs_loses_nothing_and_runs_nothing_twice(
    home: Path, fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    fake_openai.latency = 1.0
    server = start(home, fake_openai, tmp_path, GPT_IMAGE_2_MAX_PARALLEL="2")
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        ids = [(await client.post("/api/images/generate", json={"prompt": f"job {i}"})
                ).json()["job_id"] for i in range(8)]
        deadline = time.monotonic() + 10
        while len(fake_openai.requests) < 2 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
    server.kill()  # SIGKILL while two jobs are in flight
    before = statuses(home)
    assert set(before) == set(ids)
    assert list(before.values()).count("running") == 2

    fake_openai.latency = 0.0
    server = start(home, fake_openai, tmp_path, GPT_IMAGE_2_MAX_PARALLEL="2")
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            finals = {}
            for job_id in ids:
                events = await follow(client, job_id)
                finals[job_id] = events[-1]["type"]
                seqs = [e["seq"] for e in events]
                assert seqs == list(range(1, len(seqs) + 1)), job_id
            jobs = {j: (await client.get(f"/api/jobs/{j}")).json()["job"] for j in ids}
    finally:
        server.stop()
    interrupted = [j for j in ids if jobs[j]["status"] == "failed"]
    assert len(interrupted) == 2
    assert all(jobs[j]["metadata"]["interrupted_reason"] == "process_killed" for j in interrupted)
    assert all(jobs[j]["status"] == "completed" for j in ids if j not in interrupted)
    assert all(finals[j] == f"job.{jobs[j]['status']}" for j in ids)
    prompts = [r["json"]["prompt"] for r in fake_openai.requests]
    assert sorted(prompts) == sorted(set(prompts))  # no job was sent upstream twice
    assert len(prompts) == len(ids)


async def test_200_jobs_at_concurrency_4(home: Path, fake_openai: FakeOpenAI,
                                         tmp_path: Path) -> None:
    fake_openai.latency = 0.2
    server = start(home, fake_openai, tmp_path, GPT_IMAGE_2_MAX_PARALLEL="4")
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=120,
                                     limits=LIMITS) as client:
            responses = await asyncio.gather(*(
                client.post("/api/images/generate", json={"prompt": f"bulk {i}"})
                for i in range(200)))
            assert all(r.status_code == 200 for r in responses)
            ids = [r.json()["job_id"] for r in responses]
            done = await asyncio.gather(*(follow(client, j) for j in ids))
    finally:
        server.stop()
    assert all(events[-1]["type"] == "job.completed" for events in done)
    assert len(fake_openai.requests) == 200
    assert fake_openai.max_in_flight == 4
    assert set(statuses(home).values()) == {"completed"}


async def test_50_sse_subscribers_get_every_event_in_order(
    home: Path, fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    fake_openai.latency = 0.5
    server = start(home, fake_openai, tmp_path)
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=60,
                                     limits=LIMITS) as client:
            job_id = (await client.post("/api/images/generate", json={"prompt": "watched"})
                      ).json()["job_id"]
            streams = await asyncio.gather(*(follow(client, job_id) for _ in range(50)))
            stored = (await client.get(f"/api/jobs/{job_id}")).json()["events"]
    finally:
        server.stop()
    assert stored[-1]["type"] == "job.completed"
    for events in streams:
        assert events == stored


def test_cli_and_server_write_history_at_once(home: Path, fake_openai: FakeOpenAI,
                                              tmp_path: Path) -> None:
    fake_openai.latency = 0.05
    server = start(home, fake_openai, tmp_path, GPT_IMAGE_2_MAX_PARALLEL="4")
    try:
        env = {**os.environ, "CODEX_HOME": str(home), "OPENAI_API_KEY": TEST_KEY}
        cli = [subprocess.Popen(
            [sys.executable, "-m", "gpt_image_2.cli.main", "--json", "--openai-api-base",
             fake_openai.api_base, "images", "generate", "--prompt", f"cli {i}", "--out",
             str(tmp_path / f"cli-{i}.png")], env=env, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True) for i in range(4)]
        with httpx.Client(base_url=server.url, timeout=30) as client:
            server_ids = [client.post("/api/images/generate",
                                      json={"prompt": f"server {i}"}).json()["job_id"]
                          for i in range(20)]
        outs = [p.communicate(timeout=120) for p in cli]
        assert all(p.returncode == 0 for p in cli), [o[0] for o in outs]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if all(statuses(home).get(j) == "completed" for j in server_ids):
                break
            time.sleep(0.1)
    finally:
        server.stop()
    final = statuses(home)
    assert len(final) == 24
    assert set(final.values()) == {"completed"}
    log = (tmp_path / "server.log").read_text()
    assert "database is locked" not in log
    assert all("database is locked" not in o[0] + o[1] for o in outs)
