"""Several processes sharing one data root: config updates and token refreshes take turns.

The CLI and the server (or two CLIs) may run at once against the same
``config.json`` and ``auth.json``. A read-modify-write must not lose another
process's update, and two refreshes must never spend the same single-use
refresh token (the fake token endpoint rejects a reused one, as OAuth servers do).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.fakes.codex import FakeCodex
from tests.fakes.fixtures import CodexAuth


def spawn(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "gpt_image_2.cli.main", "--json", *args],
                            env={**os.environ, **env}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(procs: list[subprocess.Popen[str]]) -> list[dict[str, object]]:
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, (out, err)
        results.append(json.loads(out))
    return results


def test_concurrent_config_writers_lose_nothing(codex_home: Path) -> None:
    env = {"CODEX_HOME": str(codex_home)}
    names = [f"gw{i}" for i in range(6)]
    finish([spawn(["config", "add-provider", "--name", name, "--api-base",
                   f"http://127.0.0.1:9/{name}", "--api-key", f"sk-{name}-0123456789"], env)
            for name in names])
    doc = json.loads((codex_home / "gpt-image-2-skill" / "config.json").read_text())
    assert sorted(doc["providers"]) == names
    assert not list((codex_home / "gpt-image-2-skill").glob("*.tmp"))


def test_concurrent_refreshes_never_reuse_a_refresh_token(
    codex_home: Path, codex_auth: CodexAuth, fake_codex: FakeCodex
) -> None:
    fake_codex.token_delay = 1.0  # the first refresh is still in flight when the others ask
    env = {"CODEX_HOME": str(codex_home), "GPT_IMAGE_2_CODEX_TOKEN_URL": fake_codex.token_url,
           "GPT_IMAGE_2_CODEX_ENDPOINT": fake_codex.endpoint}
    results = finish([spawn(["auth", "refresh"], env) for _ in range(4)])
    assert all(r["refreshed"] is True for r in results)
    spent = [r["json"]["refresh_token"] for r in fake_codex.token_requests]
    assert len(spent) == len(set(spent)) >= 1  # every request used a token nobody used before
    tokens = codex_auth.read()["tokens"]
    assert isinstance(tokens, dict)
    assert tokens["access_token"] in fake_codex.valid_tokens
    assert tokens["refresh_token"] in fake_codex.refresh_tokens
