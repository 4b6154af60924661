"""Running the CLI in-process (fast) for console tests."""

from __future__ import annotations

import io
import json
import sys
from typing import Any

import pytest

from gpt_image_2.cli.main import main

__all__ = ["Cli"]


class Cli:
    """``cli("config", "path")`` → (exit code, parsed stdout); JSONL events in ``events``."""

    def __init__(self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                 *global_args: str) -> None:
        self.capsys = capsys
        self.monkeypatch = monkeypatch
        self.global_args = list(global_args)
        self.events: list[dict[str, Any]] = []
        self.stderr = ""

    def __call__(self, *args: str, stdin: str | None = None) -> tuple[int, dict[str, Any]]:
        if stdin is not None:
            self.monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        self.capsys.readouterr()
        code = main(["--json", *self.global_args, *args])
        out, err = self.capsys.readouterr()
        self.stderr = err
        self.events = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
        assert out.endswith("\n") and out.count("\n{") == 0, out
        return code, json.loads(out)
