"""Fixtures for provider/console/compat tests: the fake Codex, Codex auth files, keyrings.

Test packages import these names in their ``conftest.py``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import keyring
import pytest
from keyring.backends import fail

from gpt_image_2.settings import Settings
from tests.conftest import app_client
from tests.fakes.codex import FakeCodex
from tests.fakes.keyring_backend import MemoryKeyring

__all__ = [
    "CodexAuth",
    "codex_api",
    "codex_auth",
    "codex_settings",
    "fake_codex",
    "fake_codex_server",
    "memory_keyring",
    "no_keyring",
    "run_job",
    "write_auth",
]


@pytest.fixture(scope="session")
def fake_codex_server() -> Iterator[FakeCodex]:
    fake = FakeCodex().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_codex(fake_codex_server: FakeCodex) -> FakeCodex:
    fake_codex_server.reset()
    return fake_codex_server


@dataclass
class CodexAuth:
    path: Path
    access: str
    refresh: str

    def read(self) -> dict[str, object]:
        data = json.loads(self.path.read_text())
        assert isinstance(data, dict)
        return data


def write_auth(path: Path, access: str | None, refresh: str | None, **extra: object) -> None:
    """An auth.json shaped like the Codex app's, with extra unknown fields."""
    tokens: dict[str, object] = {"id_token": access, "access_token": access,
                                 "refresh_token": refresh, "account_id": None}
    doc = {"OPENAI_API_KEY": None, "auth_mode": "chatgpt", "tokens": tokens,
           "last_refresh": "2026-01-01T00:00:00Z", "zz_unknown": {"keep": [1, 2]}, **extra}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2) + "\n")


@pytest.fixture
def codex_auth(codex_home: Path, fake_codex: FakeCodex) -> CodexAuth:
    access, refresh = fake_codex.issue()
    path = codex_home / "auth.json"
    write_auth(path, access, refresh)
    return CodexAuth(path, access, refresh)


@pytest.fixture
def codex_settings(codex_home: Path, fake_codex: FakeCodex) -> Settings:
    """Codex only: no OpenAI key, endpoints on the fake."""
    return Settings(
        codex_home=codex_home,
        codex_endpoint=fake_codex.endpoint,
        codex_token_url=fake_codex.token_url,
        retry_delay_seconds=0.01,
        request_timeout_seconds=5,
    )


@pytest.fixture
async def codex_api(codex_settings: Settings, codex_auth: CodexAuth
                    ) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(codex_settings) as client:
        yield client


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """A machine without any keyring backend (headless Linux without Secret Service)."""
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


async def run_job(
    api: httpx.AsyncClient, path: str, body: dict[str, Any], **kwargs: Any
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Submit to ``path``, follow the SSE stream to the end; (job, events). Raises on 4xx."""
    response = await api.post(path, json=body, **kwargs)
    assert response.status_code == 200, response.text
    return await follow_job(api, response.json()["job_id"])


async def follow_job(
    api: httpx.AsyncClient, job_id: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Follow a submitted job's SSE stream to the end; (job, events)."""
    events = []
    async with api.stream("GET", f"/api/jobs/{job_id}/events") as stream:
        async for line in stream.aiter_lines():
            if line.startswith("data:"):
                events.append(json.loads(line[5:].strip()))
    job = (await api.get(f"/api/jobs/{job_id}")).json()["job"]
    return job, events
