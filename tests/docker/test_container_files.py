"""The container files against the code they configure (no container engine needed).

The image itself is built and run by ``docker/test-image.sh`` (a step of
``.ci/run``, needs root and podman). These checks are the fast part: the health
probe against a real server process, and every variable name in the Dockerfile,
the compose files and ``docker/env.example`` against the settings that read them.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gpt_image_2.settings import Settings
from tests.fakes.process import ServerProcess, free_port

REPO = Path(__file__).resolve().parents[2]
PROBE = REPO / "docker" / "healthcheck.py"
# Variables only compose reads (interpolation), not the app.
COMPOSE_ONLY = {
    "GPT_IMAGE_2_PUBLISH", "GPT_IMAGE_2_IMAGE", "GPT_IMAGE_2_UID", "GPT_IMAGE_2_GID",
    "GPT_IMAGE_2_HOST_CODEX_HOME",
}


def _app_variables() -> set[str]:
    names = {"CODEX_HOME", "OPENAI_API_KEY"}
    for name, field in Settings.model_fields.items():
        if field.validation_alias is None:
            names.add(f"GPT_IMAGE_2_{name.upper()}")
    return names


def _probe(port: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GPT_IMAGE_2_WEB_PORT": str(port), "HTTP_PROXY": "http://127.0.0.1:9"}
    return subprocess.run([sys.executable, str(PROBE)], env=env, capture_output=True, text=True,
                          timeout=30, check=False)


def test_health_probe_passes_against_a_token_protected_server(tmp_path: Path) -> None:
    server = ServerProcess({"CODEX_HOME": str(tmp_path / "codex"),
                            "GPT_IMAGE_2_WEB_TOKEN": "probe-token-0123456789"}).start()
    try:
        result = _probe(server.port)
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr


def test_health_probe_fails_when_nothing_listens() -> None:
    result = _probe(free_port())
    assert result.returncode == 1
    assert "unhealthy" in result.stderr


def _dockerfile_env() -> dict[str, str]:
    text = (REPO / "Dockerfile").read_text().replace("\\\n", " ")
    env: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            env.update(re.findall(r"([A-Z_][A-Z0-9_]*)=(\S+)", line))
    return env


def test_dockerfile_sets_the_container_settings_the_app_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = _dockerfile_env()
    unknown = {k for k in env if k.startswith("GPT_IMAGE_2_")} - _app_variables()
    assert not unknown, f"Dockerfile sets variables the app does not read: {unknown}"
    for key, value in env.items():
        if key.startswith("GPT_IMAGE_2_") or key == "CODEX_HOME":
            monkeypatch.setenv(key, value)
    settings = Settings()
    assert settings.codex_home == Path("/data/codex")
    assert (settings.web_host, settings.web_port) == ("0.0.0.0", 8787)
    assert settings.web_dist == Path("/app/public")
    assert settings.web_token is None  # so the image refuses to start until one is given


def _compose_variables() -> set[str]:
    names: set[str] = set()
    for name in ("compose.yaml", "compose.host-codex.yaml"):
        names |= set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", (REPO / name).read_text()))
    return names


def _env_example_names() -> set[str]:
    text = (REPO / "docker" / "env.example").read_text()
    return set(re.findall(r"^#?([A-Z_][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_env_example_lists_only_real_variables() -> None:
    names = _env_example_names()
    assert {"GPT_IMAGE_2_WEB_TOKEN", "OPENAI_API_KEY"} <= names
    unknown = names - _app_variables() - COMPOSE_ONLY
    assert not unknown, f"docker/env.example names unknown variables: {unknown}"


def test_compose_variables_are_known_and_documented() -> None:
    used = _compose_variables() - {"HOME"}
    unknown = used - _app_variables() - COMPOSE_ONLY
    assert not unknown, f"compose files use unknown variables: {unknown}"
    undocumented = used - _env_example_names()
    assert not undocumented, f"compose variables missing from docker/env.example: {undocumented}"


@pytest.mark.parametrize("name", sorted(COMPOSE_ONLY))
def test_compose_only_variables_are_used_by_compose(name: str) -> None:
    assert name in _compose_variables()
