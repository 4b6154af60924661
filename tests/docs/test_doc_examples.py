"""docs/cli.md and docs/configuration.md: their examples run, and nothing is undocumented.

Every line starting with ``gpt-image-2`` inside a ```sh block is run, in order, against
the fake upstreams in a prepared folder. A trailing ``# exit N: code`` names the
expected failure; other examples must succeed. ``$SERVER`` becomes a live server's URL.
"""

from __future__ import annotations

import argparse
import base64
import json
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest

from gpt_image_2.cli.main import build_parser, main
from tests.conftest import REPO, TEST_KEY, server_env
from tests.fakes.codex import FakeCodex
from tests.fakes.fixtures import write_auth
from tests.fakes.images import jpeg_bytes, png_bytes
from tests.fakes.openai import FakeOpenAI
from tests.fakes.process import ServerProcess

DOCS = {name: REPO / "docs" / name for name in ("cli.md", "configuration.md")}
EXPECT = re.compile(r"\s+#\s*exit\s+(\d+):\s*([a-z_]+)\s*$")


def examples(path: Path) -> list[str]:
    """Runnable examples; ``transparent`` ones are run by the imaging tests instead."""
    lines, inside = [], False
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    for line in text.splitlines():
        if line.startswith("```"):
            inside = line.strip() == "```sh" if not inside else False
            continue
        if inside and line.startswith("gpt-image-2 ") and " transparent " not in line:
            lines.append(line)
    return lines


@pytest.fixture
def sandbox(tmp_path: Path, fake_openai: FakeOpenAI, fake_codex: FakeCodex,
            monkeypatch: pytest.MonkeyPatch, no_keyring: None
            ) -> Iterator[tuple[Path, dict[str, str], str]]:
    home = tmp_path / "home"
    access, refresh = fake_codex.issue()
    write_auth(home / "auth.json", access, refresh)
    work = tmp_path / "work"
    work.mkdir()
    (work / "ref.png").write_bytes(png_bytes())
    (work / "photo.jpg").write_bytes(jpeg_bytes())
    (work / "mask.png").write_bytes(png_bytes(alpha=True))
    (work / "body.json").write_text(json.dumps({
        "model": "gpt-5.4", "stream": True, "store": False,
        "input": [{"role": "user", "content": [{"type": "input_text", "text": "raw"}]}],
        "tools": [{"type": "image_generation", "action": "generate"}]}))
    data_url = "data:image/png;base64," + base64.b64encode(png_bytes()).decode()
    (work / "edit-body.json").write_text(json.dumps({
        "model": "gpt-image-2", "prompt": "raw edit", "images": ["ref.png", data_url]}))
    env = {"CODEX_HOME": str(home), "OPENAI_API_KEY": TEST_KEY,
           "GPT_IMAGE_2_OPENAI_API_BASE": fake_openai.api_base,
           "GPT_IMAGE_2_CODEX_ENDPOINT": fake_codex.endpoint,
           "GPT_IMAGE_2_CODEX_TOKEN_URL": fake_codex.token_url,
           "GPT_IMAGE_2_RETRY_DELAY_SECONDS": "0.01"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(work)
    server = ServerProcess(server_env(tmp_path / "server-home", fake_openai),
                           log=tmp_path / "server.log").start()
    try:
        yield work, env, server.url
    finally:
        server.stop()


@pytest.mark.parametrize("doc", sorted(DOCS))
def test_examples_run(doc: str, sandbox: tuple[Path, dict[str, str], str],
                      capsys: pytest.CaptureFixture[str]) -> None:
    """In-process runs (fast); the CLI's subprocess path is covered by tests/cli."""
    _work, _env, server = sandbox
    found = examples(DOCS[doc])
    assert len(found) >= 10, f"{doc} has too few runnable examples"
    for line in found:
        expect = EXPECT.search(line)
        command = EXPECT.sub("", line).replace("$SERVER", server)
        capsys.readouterr()
        code = main(shlex.split(command)[1:])
        out = capsys.readouterr().out
        payload = json.loads(out)
        if expect is None:
            assert code == 0 and "error" not in payload, (line, payload)
        else:
            assert code == int(expect.group(1)), (line, payload)
            assert payload["error"]["code"] == expect.group(2), (line, payload)


def _options(parser: argparse.ArgumentParser, path: str = "") -> Iterator[tuple[str, str]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _options(sub, f"{path} {name}".strip())
        else:
            for option in action.option_strings:
                yield path, option


def test_every_command_and_flag_is_documented() -> None:
    text = DOCS["cli.md"].read_text(encoding="utf-8")
    missing = sorted({f"{path}: {option}" for path, option in _options(build_parser())
                      if f"`{option}" not in text and f"{option} " not in text
                      and path.split(" ")[0] not in ("serve", "transparent")})
    assert missing == []
    for command in ("images generate", "images edit", "request create", "doctor",
                    "auth inspect", "models list", "history list", "history show",
                    "history delete", "config path", "config inspect",
                    "config list-providers", "config add-provider", "config remove-provider",
                    "config set-default", "config test-provider", "secret set", "secret get",
                    "secret delete"):
        assert f"`{command}" in text, command


def test_every_error_code_is_documented() -> None:
    text = DOCS["cli.md"].read_text(encoding="utf-8")
    codes: set[str] = set()
    for package in ("cli", "console", "config", "providers", "jobs"):
        for source in (REPO / "backend" / "gpt_image_2" / package).rglob("*.py"):
            codes |= set(re.findall(r"(?:AppError|NotFound|ConflictError)\(\s*\"([a-z_]+)\"",
                                    source.read_text(encoding="utf-8")))
    assert len(codes) > 30
    assert sorted(c for c in codes if f"`{c}`" not in text) == []


def test_every_setting_is_documented() -> None:
    from gpt_image_2.settings import Settings

    text = DOCS["configuration.md"].read_text(encoding="utf-8")
    skip = {"embedded", "codex_home", "openai_api_key"}
    missing = []
    for name in Settings.model_fields:
        if name in skip or name.startswith(("relay_", "web_")):
            continue
        if f"GPT_IMAGE_2_{name.upper()}" not in text:
            missing.append(name)
    assert missing == []
