"""Locating the reference CLI (gpt-image-2-skill 0.7.4) for side-by-side tests."""

from __future__ import annotations

import os
import subprocess
from functools import cache
from pathlib import Path

import pytest

__all__ = ["reference_cli", "run_reference"]


# Read once at import: the autouse ``_isolated_env`` fixture clears every GPT_IMAGE_2_*
# variable before a test body runs, and this one is for the test run itself.
_OVERRIDE = os.environ.get("GPT_IMAGE_2_REFERENCE_CLI")


@cache
def _find() -> Path | None:
    override = _OVERRIDE
    candidates = [Path(override)] if override else []
    candidates.append(Path(__file__).resolve().parents[2] / "shared" / "tools" / "reference-cli")
    for path in candidates:
        if path.is_file():
            return path
    return None


@cache
def _installed() -> str | None:
    """None when usable, else the reason it is not."""
    path = _find()
    if path is None:
        return "reference CLI wrapper not found (set GPT_IMAGE_2_REFERENCE_CLI)"
    try:
        proc = subprocess.run([str(path), "--json", "config", "path"], capture_output=True,
                              text=True, timeout=300, env={**os.environ, "CODEX_HOME": "/tmp"})
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"reference CLI could not run: {exc}"
    if '"ok": true' not in proc.stdout:
        return f"reference CLI could not be installed: {proc.stderr[-300:]}"
    return None


def reference_cli() -> Path:
    reason = _installed()
    if reason is not None:
        pytest.skip(reason)
    path = _find()
    assert path is not None
    return path


def run_reference(args: list[str], env: dict[str, str], cwd: Path | None = None,
                  timeout: float = 60) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items()
            if not k.startswith("GPT_IMAGE_2_") and k not in ("OPENAI_API_KEY", "CODEX_HOME")}
    return subprocess.run([str(reference_cli()), *args], env={**base, **env},
                          capture_output=True, text=True, timeout=timeout, cwd=cwd)
