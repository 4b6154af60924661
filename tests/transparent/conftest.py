"""Fixtures for the transparent commands: the matte-aware fake upstream and sample images."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from gpt_image_2.settings import Settings
from tests.conftest import TEST_KEY, app_client
from tests.fakes.matte import MatteOpenAI
from tests.transparent.images import write_samples


@pytest.fixture(scope="session")
def matte_server() -> Iterator[MatteOpenAI]:
    fake = MatteOpenAI().start()
    yield fake
    fake.stop()


@pytest.fixture
def matte_openai(matte_server: MatteOpenAI) -> MatteOpenAI:
    matte_server.reset()
    return matte_server


@pytest.fixture
def tp_settings(codex_home: Path, matte_openai: MatteOpenAI) -> Settings:
    return Settings(
        codex_home=codex_home,
        openai_api_key=TEST_KEY,
        openai_api_base=matte_openai.api_base,
        retry_delay_seconds=0.01,
        request_timeout_seconds=5,
    )


@pytest.fixture
async def tp_api(tp_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(tp_settings) as client:
        yield client


@pytest.fixture
def samples(tmp_path: Path) -> dict[str, Path]:
    """``green.png`` (subject on green), ``dark.png``/``light.png`` (a pair), ``clean.png``
    (a good transparent PNG), ``opaque.jpg``, ``notes.txt`` in ``tmp_path / "in"``."""
    return write_samples(tmp_path / "in")
