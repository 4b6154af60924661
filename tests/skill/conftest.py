"""Skill fixtures: the environments the evals run in (embedded CLI, fake upstreams)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import TEST_KEY
from tests.fakes.codex import FakeCodex
from tests.fakes.fixtures import write_auth
from tests.fakes.images import png_bytes
from tests.fakes.openai import FakeOpenAI
from tests.skill.harness import base_env, embedded_cli

UNREACHABLE = "http://127.0.0.1:9"
"""The discard port on loopback: connections are refused, nothing leaves the machine."""


def _env(tmp_path: Path, fake_openai: FakeOpenAI, codex_endpoint: str,
         token_url: str) -> dict[str, str]:
    return base_env(
        GPT_IMAGE_2_CLI=embedded_cli(),
        CODEX_HOME=str(tmp_path / "codex"),
        OPENAI_API_KEY=TEST_KEY,
        GPT_IMAGE_2_OPENAI_API_BASE=fake_openai.api_base,
        GPT_IMAGE_2_CODEX_ENDPOINT=codex_endpoint,
        GPT_IMAGE_2_CODEX_TOKEN_URL=token_url,
        GPT_IMAGE_2_RETRY_DELAY_SECONDS="0.01",
        GPT_IMAGE_2_REQUEST_TIMEOUT_SECONDS="10",
    )


@pytest.fixture
def skill_env(tmp_path: Path, fake_openai: FakeOpenAI) -> dict[str, str]:
    """Signed out of Codex: OpenAI is the fake, the Codex endpoint is unreachable."""
    return _env(tmp_path, fake_openai, f"{UNREACHABLE}/backend-api/codex/responses",
                f"{UNREACHABLE}/oauth/token")


@pytest.fixture
def signed_in_env(tmp_path: Path, fake_openai: FakeOpenAI,
                  fake_codex: FakeCodex) -> Iterator[dict[str, str]]:
    """Signed in to Codex (auth.json from the fake Codex), OpenAI key present too."""
    access, refresh = fake_codex.issue()
    write_auth(tmp_path / "codex" / "auth.json", access, refresh)
    original = fake_codex.image
    fake_codex.image = png_bytes(96, 96, (10, 120, 200))  # a realistic > 1 KiB result
    try:
        yield _env(tmp_path, fake_openai, fake_codex.endpoint, fake_codex.token_url)
    finally:
        fake_codex.image = original
