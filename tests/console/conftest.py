"""Fixtures shared by the console CLI tests: the environment pointing at the fakes, the
in-process CLI runner, and an OpenAI key in the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import TEST_KEY
from tests.console.helpers import Cli
from tests.fakes.codex import FakeCodex
from tests.fakes.openai import FakeOpenAI


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, codex_home: Path, fake_openai: FakeOpenAI,
        fake_codex: FakeCodex) -> Path:
    monkeypatch.setenv("CODEX_HOME", str(codex_home))
    monkeypatch.setenv("GPT_IMAGE_2_OPENAI_API_BASE", fake_openai.api_base)
    monkeypatch.setenv("GPT_IMAGE_2_CODEX_ENDPOINT", fake_codex.endpoint)
    monkeypatch.setenv("GPT_IMAGE_2_CODEX_TOKEN_URL", fake_codex.token_url)
    monkeypatch.setenv("GPT_IMAGE_2_RETRY_DELAY_SECONDS", "0.01")
    return codex_home


@pytest.fixture
def cli(env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(capsys, monkeypatch)


@pytest.fixture
def keyed(monkeypatch: pytest.MonkeyPatch, env: Path) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", TEST_KEY)
