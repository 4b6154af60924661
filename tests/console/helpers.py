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


# -- coverage of every command and route (tests/console/test_no_leaks.py) ------------------


def cli_commands() -> set[str]:
    """Every leaf command of the real argparse tree: ``"images generate"``, ``"doctor"``…"""
    import argparse

    from gpt_image_2.cli.main import build_parser

    found: set[str] = set()

    def walk(parser: argparse.ArgumentParser, prefix: list[str]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    walk(child, [*prefix, name])
                return
        found.add(" ".join(prefix))

    walk(build_parser(), [])
    return found


def command_of(argv: list[str]) -> str:
    """The leaf command an argument list runs (global flags skipped), as in :func:`cli_commands`."""
    from gpt_image_2.cli.main import build_parser

    args = build_parser().parse_args(argv)
    return " ".join(p for p in (args.command, getattr(args, "subcommand", None)) if p)


class RouteRecorder:
    """Every (method, path template) of an app; ``hook`` (an httpx response hook) records
    which of them a client reached, matched the way the router matches (first match wins)."""

    def __init__(self, app: Any) -> None:
        from fastapi.routing import iter_route_contexts
        from starlette.routing import compile_path

        self.table: list[tuple[Any, str, set[str]]] = []
        for route in iter_route_contexts(app.routes):
            if route.path is not None and route.methods:
                regex = compile_path(route.path)[0]
                self.table.append((regex, route.path, set(route.methods)))
        self.routes = {(m, path) for _, path, methods in self.table for m in methods}
        self.reached: set[tuple[str, str]] = set()

    def match(self, method: str, path: str) -> tuple[str, str] | None:
        for regex, template, methods in self.table:
            if method in methods and regex.match(path):
                return method, template
        return None

    def record(self, method: str, path: str) -> None:
        found = self.match(method, path)
        assert found is not None, f"no route for {method} {path}"
        self.reached.add(found)
