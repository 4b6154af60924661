"""Every task of ``evals/evals.json`` through the wrapper, the embedded CLI and the fakes.

A task whose command the CLI does not have fails with a message naming it;
only a task marked ``"requires": "<command>"`` is skipped, with that reason.
Tasks with several acceptable outcomes (the Codex task: an image, or an auth
error) run twice: signed in to the fake Codex they must take the first
outcome, signed out one of the others.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from tests.fakes.openai import FakeOpenAI
from tests.skill.harness import check_outcome, inspect_command, load_evals, run_wrapper, substitute

EVALS = load_evals()
BRANCHING = [e for e in EVALS if len(e["run"]["expect"]) > 1]


def matte_source(size: int = 512) -> bytes:
    """What a provider returns for a transparent source: one subject on flat #00ff00."""
    image = np.zeros((size, size, 3), np.uint8)
    image[:] = (0, 255, 0)  # BGR green
    cv2.circle(image, (size // 2, size // 2), size // 4, (40, 40, 210), -1, cv2.LINE_AA)
    cv2.circle(image, (size // 2, size // 2 - size // 5), size // 20, (30, 90, 40), -1,
               cv2.LINE_AA)
    ok, buf = cv2.imencode(".png", image)
    assert ok
    return bytes(buf)


@pytest.fixture
def provider_image(fake_openai: FakeOpenAI) -> Iterator[FakeOpenAI]:
    original = fake_openai.image
    yield fake_openai
    fake_openai.image = original


def run_task(task: dict[str, Any], env: dict[str, str], tmp_path: Path,
             fake_openai: FakeOpenAI) -> tuple[int | None, str]:
    """Run one task; (index of the first matching outcome or None, failure report)."""
    args = substitute(task["run"]["args"], tmp_path)
    found = inspect_command(args)
    if found.missing is not None:
        if task.get("requires"):
            pytest.skip(f"eval {task['name']!r} requires `{task['requires']}`, "
                        "which the gpt-image-2 CLI does not have yet")
        pytest.fail(f"eval {task['name']!r}: the gpt-image-2 CLI has no `{found.missing}` "
                    f"command (args: {' '.join(args)})")
    assert not found.unknown_flags, f"eval {task['name']!r} uses unknown flags: " \
        f"{found.unknown_flags}"
    if found.command[:2] == ["transparent", "generate"]:
        fake_openai.image = matte_source()
    seen = len(fake_openai.requests)
    proc: subprocess.CompletedProcess[str] = run_wrapper(args, env, cwd=tmp_path)
    received = fake_openai.requests[seen:]
    reports = [check_outcome(o, proc, received)
               for o in substitute(task["run"]["expect"], tmp_path)]
    matched = next((i for i, problems in enumerate(reports) if not problems), None)
    details = "\n".join(f"  outcome {i + 1}: {'; '.join(p) or 'matched'}"
                        for i, p in enumerate(reports))
    report = (f"eval {task['name']!r}:\n{details}\nexit {proc.returncode}\n"
              f"stdout: {proc.stdout[:3000]}\nstderr: {proc.stderr[-2000:]}")
    return matched, report


@pytest.mark.parametrize("task", EVALS, ids=[e["name"] for e in EVALS])
def test_eval_task(task: dict[str, Any], tmp_path: Path, signed_in_env: dict[str, str],
                   provider_image: FakeOpenAI) -> None:
    matched, report = run_task(task, signed_in_env, tmp_path, provider_image)
    assert matched == 0, f"expected the first outcome to match\n{report}"


@pytest.mark.parametrize("task", BRANCHING, ids=[e["name"] for e in BRANCHING])
def test_eval_task_other_branch(task: dict[str, Any], tmp_path: Path,
                                skill_env: dict[str, str], provider_image: FakeOpenAI) -> None:
    matched, report = run_task(task, skill_env, tmp_path, provider_image)
    assert matched is not None and matched > 0, f"expected a later outcome to match\n{report}"
