"""Run our CLI and the reference CLI on the same inputs, each in its own data root."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.reference import reference_cli

__all__ = ["Result", "Side", "key_gaps"]


@dataclass
class Result:
    code: int
    payload: dict[str, Any]
    events: list[dict[str, Any]]
    stderr: str


@dataclass
class Side:
    name: str
    root: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def cwd(self) -> Path:
        path = self.root / "work"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def command(self) -> list[str]:
        if self.name == "reference":
            return [str(reference_cli())]
        return [sys.executable, "-m", "gpt_image_2.cli.main"]

    def run(self, *args: str, env: dict[str, str] | None = None, timeout: float = 90) -> Result:
        base = {k: v for k, v in os.environ.items()
                if not k.startswith("GPT_IMAGE_2_") and k not in ("OPENAI_API_KEY",)}
        full = {**base, "CODEX_HOME": str(self.home), **self.env, **(env or {})}
        proc = subprocess.run([*self.command(), "--json", *args], env=full, cwd=self.cwd,
                              capture_output=True, text=True, timeout=timeout)
        try:
            payload = json.loads(proc.stdout)
        except ValueError as exc:
            raise AssertionError(f"{self.name} printed no JSON for {args}: {proc.stdout!r} "
                                 f"{proc.stderr[-2000:]!r}") from exc
        events = [json.loads(line) for line in proc.stderr.splitlines()
                  if line.startswith("{")]
        return Result(proc.returncode, payload, events, proc.stderr)


def key_gaps(ours: Any, theirs: Any, path: str = "") -> list[str]:
    """Paths of keys the reference has and we lack (objects compared recursively)."""
    gaps: list[str] = []
    if isinstance(ours, dict) and isinstance(theirs, dict):
        for key, value in theirs.items():
            where = f"{path}.{key}" if path else key
            if key not in ours:
                gaps.append(where)
            else:
                gaps += key_gaps(ours[key], value, where)
    elif isinstance(ours, list) and isinstance(theirs, list) and ours and theirs:
        gaps += key_gaps(ours[0], theirs[0], f"{path}[0]")
    return gaps
