"""Shared fixtures: isolated data roots, fake upstreams on loopback, the app, a live server."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from gpt_image_2.cli.asgi import StreamingASGITransport
from gpt_image_2.settings import Settings
from gpt_image_2.web.app import create_app
from tests.fakes.openai import FakeOpenAI
from tests.fakes.process import ServerProcess

# Codex fakes, keyring doubles and their settings, for every test directory.
pytest_plugins = ["tests.fakes.fixtures"]

TEST_KEY = "sk-test-core-0123456789abcdef"
REPO = Path(__file__).resolve().parents[1]
OFFLINE_DEFAULTS = {
    "GPT_IMAGE_2_OPENAI_API_BASE": "http://127.0.0.1:9/v1",
    "GPT_IMAGE_2_CODEX_ENDPOINT": "http://127.0.0.1:9/backend-api/codex/responses",
    "GPT_IMAGE_2_CODEX_TOKEN_URL": "http://127.0.0.1:9/oauth/token",
}


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's keys, Codex home or server settings."""
    for key in list(os.environ):
        if key.startswith("GPT_IMAGE_2_") or key in {"OPENAI_API_KEY", "CODEX_HOME"}:
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    # Defaults point at a closed loopback port so no test (or server subprocess, which
    # inherits this environment) can ever reach the real upstreams, e.g. through doctor.
    for key, value in OFFLINE_DEFAULTS.items():
        monkeypatch.setenv(key, value)


@pytest.fixture(scope="session")
def fake_openai_server() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_openai(fake_openai_server: FakeOpenAI) -> FakeOpenAI:
    fake_openai_server.reset()
    return fake_openai_server


@pytest.fixture
def codex_home(tmp_path: Path) -> Path:
    return tmp_path / "codex"


@pytest.fixture
def settings(codex_home: Path, fake_openai: FakeOpenAI) -> Settings:
    return Settings(
        codex_home=codex_home,
        openai_api_key=TEST_KEY,
        openai_api_base=fake_openai.api_base,
        retry_delay_seconds=0.01,
        request_timeout_seconds=3,
    )




@asynccontextmanager
async def app_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client bound to a fresh app (lifespan running) over the in-process transport."""
    app = create_app(settings, serve_spa=False)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=StreamingASGITransport(app), base_url="http://127.0.0.1"
    ) as client:
        client.app = app  # type: ignore[attr-defined]
        yield client


@pytest.fixture
async def api(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(settings) as client:
        yield client


def server_env(codex_home: Path, fake: FakeOpenAI, **extra: str) -> dict[str, str]:
    return {
        "CODEX_HOME": str(codex_home),
        "OPENAI_API_KEY": TEST_KEY,
        "GPT_IMAGE_2_OPENAI_API_BASE": fake.api_base,
        "GPT_IMAGE_2_RETRY_DELAY_SECONDS": "0.01",
        "GPT_IMAGE_2_REQUEST_TIMEOUT_SECONDS": "5",
        **extra,
    }


@dataclass
class LiveServer:
    url: str
    fake_openai: FakeOpenAI
    codex_home: Path
    process: ServerProcess


@pytest.fixture(scope="session")
def spa_dist() -> Path:
    from gpt_image_2.web.spa import ensure_spa_built

    return ensure_spa_built()


@pytest.fixture
def live_server(
    tmp_path: Path, fake_openai: FakeOpenAI, spa_dist: Path
) -> Iterator[LiveServer]:
    """A real ``gpt-image-2 serve`` subprocess with the built SPA and the fake upstream."""
    home = tmp_path / "live-codex"
    proc = ServerProcess(server_env(home, fake_openai), static_dir=spa_dist,
                         log=tmp_path / "server.log").start()
    try:
        yield LiveServer(proc.url, fake_openai, home, proc)
    finally:
        proc.stop()


@pytest.fixture
def server_process(tmp_path: Path, fake_openai: FakeOpenAI) -> Iterator[ServerProcess]:
    """A real server subprocess without the SPA (for CLI --server tests)."""
    home = tmp_path / "server-codex"
    proc = ServerProcess(server_env(home, fake_openai), log=tmp_path / "server.log").start()
    proc.codex_home = home  # type: ignore[attr-defined]
    try:
        yield proc
    finally:
        proc.stop()
