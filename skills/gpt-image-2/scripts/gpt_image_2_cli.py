#!/usr/bin/env python3
"""Find the gpt-image-2 CLI and run it with every argument this script was given.

Resolution order (the first that works wins):

1. ``GPT_IMAGE_2_CLI`` - a command line (split like a shell would), e.g.
   ``/opt/venv/bin/gpt-image-2`` or ``uv run --project /src/gpt-image-2 gpt-image-2``.
   When set it must work: a broken override is reported, never skipped.
2. ``gpt-image-2`` on ``PATH``, then its alias ``gpt-image-2-skill``.
3. The repository this skill lives in (or ``GPT_IMAGE_2_REPO_ROOT``), through
   ``uv run --project <repo> gpt-image-2``.

Candidates 1 and 2 must pass a self-check: ``<cli> --json --version`` exits 0
and prints ``{"ok": true, "command": "version", ...}``. That tells our CLI
apart from an unrelated program of the same name (or the reference Rust CLI,
which answers ``--version`` with ``invalid_command``).

If nothing is found the script prints one JSON envelope
``{"ok": false, "error": {"code": "runtime_unavailable", ...}}`` on stdout
(or a plain message on stderr when ``--json`` is absent and stdout is a
terminal) and exits 1. Standard library only; Python 3.8+.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

SKILL_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REPO_ROOT = SKILL_ROOT.parent.parent
PATH_NAMES = ("gpt-image-2", "gpt-image-2-skill")
CHECK_TIMEOUT = 120.0
INSTALL_HINT = (
    "Install the CLI from a gpt-image-2 checkout with `uv tool install <checkout>` "
    "(or `pipx install <checkout>`), or set GPT_IMAGE_2_CLI to a command that runs it, "
    "e.g. GPT_IMAGE_2_CLI=\"uv run --project /path/to/gpt-image-2 gpt-image-2\"."
)


class Resolution(NamedTuple):
    command: list[str] | None
    resolver: str | None
    attempts: list[dict[str, str]]
    env: dict[str, str]


def self_check(command: list[str], env: dict[str, str]) -> str | None:
    """None when ``command`` is our CLI, else the reason it is not."""
    try:
        proc = subprocess.run(
            [*command, "--json", "--version"], capture_output=True, text=True,
            timeout=CHECK_TIMEOUT, env=env, stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"could not run: {exc}"
    try:
        payload = json.loads(proc.stdout)
    except ValueError:
        return f"--version did not print JSON (exit {proc.returncode})"
    if proc.returncode != 0 or not isinstance(payload, dict) or payload.get("ok") is not True \
            or payload.get("command") != "version":
        return f"not the gpt-image-2 CLI (--version exit {proc.returncode})"
    return None


def _repo_command(root: Path, search_path: str | None) -> list[str] | None:
    pyproject = root / "pyproject.toml"
    if not (root / "backend" / "gpt_image_2" / "cli" / "main.py").is_file():
        return None
    try:
        if 'name = "gpt-image-2"' not in pyproject.read_text(encoding="utf-8"):
            return None
    except OSError:
        return None
    uv = shutil.which("uv", path=search_path)
    if uv is None:
        return None
    return [uv, "run", "--quiet", "--project", str(root), "gpt-image-2"]


def resolve(environ: dict[str, str] | None = None) -> Resolution:
    env = dict(os.environ if environ is None else environ)
    attempts: list[dict[str, str]] = []
    override = env.get("GPT_IMAGE_2_CLI", "").strip()
    if override:
        command = shlex.split(override)
        found = shutil.which(command[0], path=env.get("PATH")) if command else None
        reason = "not an executable" if found is None else self_check(command, env)
        if reason is None:
            return Resolution(command, "env", attempts, env)
        attempts.append({"resolver": "env", "candidate": override, "reason": reason})
        return Resolution(None, None, attempts, env)
    for name in PATH_NAMES:
        found = shutil.which(name, path=env.get("PATH"))
        if found is None:
            attempts.append({"resolver": "path", "candidate": name, "reason": "not on PATH"})
            continue
        reason = self_check([found], env)
        if reason is None:
            return Resolution([found], "path", attempts, env)
        attempts.append({"resolver": "path", "candidate": found, "reason": reason})
    root = Path(env.get("GPT_IMAGE_2_REPO_ROOT") or DEFAULT_REPO_ROOT).expanduser().resolve()
    command = _repo_command(root, env.get("PATH"))
    if command is not None:
        repo_env = {k: v for k, v in env.items() if k != "VIRTUAL_ENV"}
        return Resolution(command, "repo", attempts, repo_env)
    attempts.append({"resolver": "repo", "candidate": str(root),
                     "reason": "no gpt-image-2 checkout with uv available"})
    return Resolution(None, None, attempts, env)


def unavailable(args: list[str], attempts: list[dict[str, str]]) -> int:
    message = f"The gpt-image-2 CLI was not found. {INSTALL_HINT}"
    if "--json" in args or not sys.stdout.isatty():
        envelope = {"ok": False, "error": {
            "code": "runtime_unavailable", "message": message,
            "detail": {"attempts": attempts, "install": INSTALL_HINT}}}
        sys.stdout.write(json.dumps(envelope, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    else:
        sys.stderr.write(message + "\n")
    return 1


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    found = resolve()
    if found.command is None:
        return unavailable(args, found.attempts)
    command = [*found.command, *args]
    sys.stdout.flush()
    if os.name == "posix":
        os.execvpe(command[0], command, found.env)
    return subprocess.call(command, env=found.env)


if __name__ == "__main__":
    raise SystemExit(main())
