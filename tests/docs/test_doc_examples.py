"""docs/cli.md and docs/configuration.md: every shell example runs as documented.

Every line of every ```sh block is a ``gpt-image-2`` command; they are run in order
against the fake upstreams (OpenAI drawing on the matte its prompt asks for, Codex) in a
prepared folder. A trailing ``# exit N: code`` names the expected failure; every other
example must exit 0 with ``ok: true``, except that ``# ok: false`` marks a report of a
problem (``doctor``, ``config test-provider``: exit 0, ``ok: false``). ``$SERVER``
becomes a live server's URL, ``$PORT`` a free port, ``$LAST_JOB`` the job made by the
last example that made one.

CLI commands run in-process (the subprocess path is covered by tests/cli); ``serve`` runs
as a real subprocess, answers one request and is stopped.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import httpx
import numpy as np
import pytest

from gpt_image_2.cli.main import main
from tests.conftest import REPO, TEST_KEY, server_env
from tests.docs.markdown import SHELL, blocks, examples
from tests.fakes.codex import FakeCodex
from tests.fakes.fixtures import write_auth
from tests.fakes.images import jpeg_bytes, png_bytes
from tests.fakes.matte import MatteOpenAI, subject_on_matte
from tests.fakes.process import ServerProcess, free_port

DOCS = {name: REPO / "docs" / name for name in ("cli.md", "configuration.md")}
EXPECT = re.compile(r"\s+#\s*exit\s+(\d+):\s*([a-z_]+)\s*$")
NOT_OK = re.compile(r"\s+#\s*ok:\s*false\s*$")  # a report of a problem: exit 0, ok false
UI_INDEX = "<!doctype html><title>docs example UI</title>"


@dataclass
class Sandbox:
    work: Path
    server: str
    last_job: str | None = None


def _logo_rgba() -> bytes:
    """A transparent PNG: an opaque disc with an antialiased edge on alpha 0."""
    size, scale = 192, 8
    coverage = np.zeros((size * scale, size * scale), np.uint8)
    cv2.circle(coverage, (size * scale // 2,) * 2, int(size * scale * 0.3), 255, -1)
    alpha = cv2.resize(coverage, (size, size), interpolation=cv2.INTER_AREA)
    bgra = np.zeros((size, size, 4), np.uint8)
    bgra[..., 0], bgra[..., 1], bgra[..., 2], bgra[..., 3] = 40, 50, 210, alpha
    bgra[alpha == 0, :3] = 0
    ok, buf = cv2.imencode(".png", bgra)
    assert ok
    return bytes(buf)


@pytest.fixture
def matte_openai() -> Iterator[MatteOpenAI]:
    fake = MatteOpenAI().start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def sandbox(tmp_path: Path, matte_openai: MatteOpenAI, fake_codex: FakeCodex,
            monkeypatch: pytest.MonkeyPatch, no_keyring: None) -> Iterator[Sandbox]:
    home = tmp_path / "home"
    access, refresh = fake_codex.issue()
    write_auth(home / "auth.json", access, refresh)
    work = tmp_path / "work"
    work.mkdir()
    (work / "ref.png").write_bytes(png_bytes())
    (work / "photo.jpg").write_bytes(jpeg_bytes())
    (work / "mask.png").write_bytes(png_bytes(alpha=True))
    (work / "logo.png").write_bytes(_logo_rgba())
    (work / "on-green.png").write_bytes(subject_on_matte((0, 255, 0)))
    (work / "d.png").write_bytes(subject_on_matte((0, 0, 0)))
    (work / "l.png").write_bytes(subject_on_matte((255, 255, 255)))
    (work / "ui").mkdir()
    (work / "ui" / "index.html").write_text(UI_INDEX)
    (work / "body.json").write_text(json.dumps({
        "model": "gpt-5.4", "stream": True, "store": False,
        "input": [{"role": "user", "content": [{"type": "input_text", "text": "raw"}]}],
        "tools": [{"type": "image_generation", "action": "generate"}]}))
    data_url = "data:image/png;base64," + base64.b64encode(png_bytes()).decode()
    (work / "edit-body.json").write_text(json.dumps({
        "model": "gpt-image-2", "prompt": "raw edit", "images": ["ref.png", data_url]}))
    viewer = tmp_path / "bin"  # the "system viewer" of history open-output
    viewer.mkdir()
    for name in ("xdg-open", "open"):
        (viewer / name).write_text("#!/bin/sh\nexit 0\n")
        (viewer / name).chmod(0o755)
    env = {"CODEX_HOME": str(home), "OPENAI_API_KEY": TEST_KEY,
           "GPT_IMAGE_2_OPENAI_API_BASE": matte_openai.api_base,
           "GPT_IMAGE_2_CODEX_ENDPOINT": fake_codex.endpoint,
           "GPT_IMAGE_2_CODEX_TOKEN_URL": fake_codex.token_url,
           "GPT_IMAGE_2_RETRY_DELAY_SECONDS": "0.01",
           "PATH": f"{viewer}{os.pathsep}{os.environ['PATH']}"}
    for key in [k for k in os.environ if k.startswith("GPT_IMAGE_2_")]:
        monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(work)
    server = ServerProcess(server_env(tmp_path / "server-home", matte_openai),
                           log=tmp_path / "server.log").start()
    try:
        yield Sandbox(work, server.url)
    finally:
        server.stop()


def _substitute(line: str, box: Sandbox, port: int) -> list[str]:
    command = NOT_OK.sub("", EXPECT.sub("", line))
    command = command.replace("$SERVER", box.server).replace("$PORT", str(port))
    if "$LAST_JOB" in command:
        assert box.last_job, f"{line}: no earlier example made a job"
        command = command.replace("$LAST_JOB", box.last_job)
    argv = shlex.split(command)
    assert argv[0] == "gpt-image-2", line
    return argv[1:]


def _run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(argv)
    out = capsys.readouterr().out
    return code, json.loads(out)


def _run_serve(argv: list[str], port: int, expect: re.Match[str] | None, line: str) -> None:
    """``serve`` in a subprocess: one GET once it listens, then SIGTERM and a clean exit."""
    proc = subprocess.Popen([sys.executable, "-m", "gpt_image_2.cli.main", *argv],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        if expect is not None:
            _out, err = proc.communicate(timeout=120)
            assert proc.returncode == int(expect.group(1)), (line, err)
            assert f"[{expect.group(2)}]" in err.decode(), (line, err)
            return
        answer, deadline = None, time.monotonic() + 120  # a safety net, not a timing check
        while answer is None and proc.poll() is None and time.monotonic() < deadline:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/api/session", timeout=5)
            except httpx.TransportError:
                time.sleep(0.05)
        assert answer is not None, (line, proc.communicate()[1])
        assert (answer.status_code, answer.json()["authorized"]) == (200, True), line
        if "--static-dir" in argv:
            page = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
            assert (page.status_code, page.text) == (200, UI_INDEX), line
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=60)
        # uvicorn shuts down gracefully, then re-raises the signal it caught
        assert proc.returncode in (0, -signal.SIGTERM), (line, err)
        assert b"Traceback" not in err, (line, err)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


@pytest.mark.parametrize("doc", sorted(DOCS))
def test_examples_run(doc: str, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    found = examples(DOCS[doc])
    assert len(found) >= 10, f"{doc} has too few runnable examples"
    for line in found:
        expect = EXPECT.search(line)
        port = free_port()
        argv = _substitute(line, sandbox, port)
        if "serve" in argv:
            _run_serve(argv, port, expect, line)
            continue
        code, payload = _run_cli(argv, capsys)
        if NOT_OK.search(line):
            assert (code, payload.get("ok")) == (0, False), (line, payload)
            assert "error" not in payload, (line, payload)
        elif expect is None:
            assert (code, payload.get("ok")) == (0, True), (line, payload)
            job = (payload.get("history") or {}).get("job_id")
            sandbox.last_job = job or sandbox.last_job
        else:
            assert (code, payload.get("ok")) == (int(expect.group(1)), False), (line, payload)
            assert payload["error"]["code"] == expect.group(2), (line, payload)


@pytest.mark.parametrize("doc", sorted(DOCS))
def test_shell_blocks_hold_only_commands(doc: str) -> None:
    """Nothing in a shell block is silently skipped, and no command hides in another block."""
    for block in blocks(DOCS[doc]):
        for line in block.lines:
            text = line.strip()
            if block.lang in SHELL:
                assert not text or text.startswith(("#", "gpt-image-2 ")), (doc, line)
            elif text.startswith("gpt-image-2 "):  # a synopsis such as "gpt-image-2 [OPTIONS]"
                assert "[" in text or "<" in text, (doc, block.lang, line)


def test_examples_cover_every_command() -> None:
    """Each documented command has at least one example that is run."""
    from gpt_image_2.cli.main import build_parser
    from tests.docs.test_doc_coverage import _commands

    run = " ".join(" ".join(shlex.split(NOT_OK.sub("", EXPECT.sub("", line))))
                   for line in examples(DOCS["cli.md"]))
    missing = [path for path, _ in _commands(build_parser())
               if path and f" {path} " not in f" {run} "]
    assert missing == []
