"""Running the skill's wrapper and checking eval expectations (``evals/evals.json``)."""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gpt_image_2.cli.main import build_parser

__all__ = [
    "EVALS_DIR",
    "SKILL_DIR",
    "WRAPPER",
    "CommandCheck",
    "base_env",
    "check_outcome",
    "embedded_cli",
    "inspect_command",
    "load_evals",
    "run_wrapper",
    "substitute",
]

REPO = Path(__file__).resolve().parents[2]
SKILL_DIR = REPO / "skills" / "gpt-image-2"
WRAPPER = SKILL_DIR / "scripts" / "gpt_image_2_cli.py"
SELFTEST = SKILL_DIR / "scripts" / "selftest.py"
EVALS_DIR = SKILL_DIR / "evals"


def embedded_cli() -> str:
    """A ``GPT_IMAGE_2_CLI`` value running this checkout's CLI with the test interpreter."""
    return f"{shlex.quote(sys.executable)} -m gpt_image_2.cli.main"


def run_wrapper(args: list[str], env: dict[str, str], *, cwd: Path | None = None,
                script: Path = WRAPPER, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(script), *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def load_evals() -> list[dict[str, Any]]:
    data = json.loads((EVALS_DIR / "evals.json").read_text(encoding="utf-8"))
    evals: list[dict[str, Any]] = data["evals"]
    return evals


def substitute(value: Any, tmp: Path) -> Any:
    if isinstance(value, str):
        return value.replace("{tmp}", str(tmp)).replace("{files}", str(EVALS_DIR / "files"))
    if isinstance(value, list):
        return [substitute(v, tmp) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, tmp) for k, v in value.items()}
    return value


# -- the CLI's own parser: which commands and flags exist ---------------------------------

def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction[Any] | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return None


@dataclass
class CommandCheck:
    command: list[str]
    """The command path found in the arguments, e.g. ``["images", "edit"]``."""
    missing: str | None
    """The first command word the CLI does not know, as ``"transparent generate"``."""
    unknown_flags: list[str]


def inspect_command(args: list[str]) -> CommandCheck:
    """Walk ``args`` through the CLI's argparse tree without running anything."""
    parser: argparse.ArgumentParser = build_parser()
    path: list[str] = []
    unknown: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("-"):
            name = arg.split("=", 1)[0]
            action = parser._option_string_actions.get(name)
            if action is None:
                unknown.append(f"{' '.join(path) or '(global)'} {name}")
            elif action.nargs != 0 and "=" not in arg:
                i += 1
            i += 1
            continue
        sub = _subparsers(parser)
        if sub is None:
            i += 1  # a positional argument of the leaf command
            continue
        if arg not in sub.choices:
            return CommandCheck(path, " ".join([*path, arg]), unknown)
        path.append(arg)
        parser = sub.choices[arg]
        i += 1
    return CommandCheck(path, None, unknown)


# -- expectations ----------------------------------------------------------------------

def _lookup(payload: Any, path: str) -> tuple[bool, Any]:
    value = payload
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return False, None
    return True, value


_TYPES = {"string": str, "array": list, "object": dict, "boolean": bool, "number": (int, float)}


def _check_field(payload: Any, rule: dict[str, Any]) -> str | None:
    found, value = _lookup(payload, rule["path"])
    where = rule["path"]
    if "exists" in rule:
        return None if found == rule["exists"] else f"{where}: exists is {found}"
    if not found:
        return f"{where}: missing"
    if "equals" in rule and value != rule["equals"]:
        return f"{where}: {value!r} != {rule['equals']!r}"
    if "in" in rule and value not in rule["in"]:
        return f"{where}: {value!r} not in {rule['in']!r}"
    if "min" in rule and not (isinstance(value, int | float) and value >= rule["min"]):
        return f"{where}: {value!r} < {rule['min']!r}"
    if "matches" in rule and not (isinstance(value, str) and re.search(rule["matches"], value)):
        return f"{where}: {value!r} does not match {rule['matches']!r}"
    if "type" in rule and not isinstance(value, _TYPES[rule["type"]]):
        return f"{where}: {value!r} is not a {rule['type']}"
    return None


def _check_events(stderr: str, payload: Any, rule: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    records = []
    for line in stderr.splitlines():
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except ValueError:
            problems.append(f"stderr line is not JSON: {line[:120]}")
    if any(set(r) != {"seq", "kind", "type", "data"} for r in records):
        problems.append("an event does not have exactly seq/kind/type/data")
    if [r.get("seq") for r in records] != list(range(1, len(records) + 1)):
        problems.append("event seq values are not 1..n")
    # image commands report the number of lines; transparent generate reports only its
    # source request's count under source.generation (spec transparent.md §3.3)
    found, count = _lookup(payload, "events.count")
    if found and count != len(records):
        problems.append(f"events.count {count} != {len(records)} lines on stderr")
    types = {r.get("type") for r in records}
    problems += [f"no {t!r} event" for t in rule.get("types_include", []) if t not in types]
    return problems


def _check_output(rule: dict[str, Any]) -> list[str]:
    path = Path(rule["path"])
    if rule.get("absent"):
        return [f"{path} exists"] if path.exists() else []
    if not path.is_file():
        return [f"{path} was not written"]
    data = path.read_bytes()
    problems = []
    if len(data) < rule.get("min_bytes", 1):
        problems.append(f"{path} has {len(data)} bytes < {rule.get('min_bytes', 1)}")
    if rule.get("png") and not data.startswith(b"\x89PNG\r\n\x1a\n"):
        problems.append(f"{path} is not a PNG")
    if "alpha" in rule:
        import cv2
        import numpy as np

        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
        alpha = image[..., 3] if image is not None and image.ndim == 3 and \
            image.shape[2] == 4 else None
        if rule["alpha"] == "opaque" and alpha is not None and int(alpha.min()) < 255:
            problems.append(f"{path} has transparent pixels")
        if rule["alpha"] == "transparent" and (alpha is None or int(alpha.min()) > 0):
            problems.append(f"{path} has no fully transparent pixels")
    return problems


def _check_upstream(requests: list[dict[str, Any]] | None,
                    rules: list[dict[str, Any]]) -> list[str]:
    """Rules on the last request the fake upstream received (``form.x`` or ``json.x``)."""
    if requests is None:
        return ["upstream rules given but no upstream requests were recorded"]
    if not requests:
        return ["the upstream received no request"]
    last = requests[-1]
    return [p for rule in rules if (p := _check_field(last, rule)) is not None]


def check_outcome(outcome: dict[str, Any], proc: subprocess.CompletedProcess[str],
                  upstream: list[dict[str, Any]] | None = None) -> list[str]:
    """Everything in ``outcome`` that ``proc`` did not satisfy (empty: it matched).

    ``upstream`` is what the fake provider received during the run, for ``upstream``
    rules: they prove a flag reached the provider, not only the CLI's echo of it.
    """
    problems: list[str] = []
    exits = outcome.get("exit_code", 0)
    exits = exits if isinstance(exits, list) else [exits]
    if proc.returncode not in exits:
        problems.append(f"exit code {proc.returncode} not in {exits}")
    try:
        payload = json.loads(proc.stdout)
    except ValueError:
        return [*problems, f"stdout is not one JSON document: {proc.stdout[:200]!r}"]
    if proc.stdout != json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n":
        problems.append("stdout is not the canonical pretty, sorted JSON envelope")
    for rule in outcome.get("stdout", []):
        if (problem := _check_field(payload, rule)) is not None:
            problems.append(problem)
    if "events" in outcome:
        problems += _check_events(proc.stderr, payload, outcome["events"])
    for rule in outcome.get("outputs", []):
        problems += _check_output(rule)
    if "upstream" in outcome:
        problems += _check_upstream(upstream, outcome["upstream"])
    return problems


def base_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env.update(extra)
    return env
