"""The wrapper: how it finds the CLI, that it forwards everything, and how it fails."""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
from pathlib import Path

import pytest

from tests.skill.harness import base_env, embedded_cli, run_wrapper

FAKE_CLI = """#!{python}
import json, sys
args = sys.argv[1:]
if args == ["--json", "--version"]:
    print(json.dumps({{"ok": True, "command": "version", "version": "fake"}}))
    raise SystemExit(0)
sys.stderr.write("fake-stderr\\n")
print(json.dumps({{"ok": True, "command": "echo", "argv": args, "cli": {label!r}}}))
raise SystemExit(7)
"""

IMPOSTER = """#!/bin/sh
echo "I am some other gpt-image-2"
exit 0
"""


def _script(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def _fake_cli(folder: Path, name: str, label: str) -> Path:
    return _script(folder, name, FAKE_CLI.format(python=sys.executable, label=label))


def _isolated(tmp_path: Path, path_dirs: list[Path], **extra: str) -> dict[str, str]:
    """No GPT_IMAGE_2_CLI, a PATH of our own, and a repo root that is not a checkout."""
    env = base_env(PATH=os.pathsep.join(str(p) for p in path_dirs),
                   GPT_IMAGE_2_REPO_ROOT=str(tmp_path / "not-a-checkout"))
    env.pop("GPT_IMAGE_2_CLI", None)
    env.update(extra)
    return env


def test_env_override_wins_and_every_argument_is_forwarded(tmp_path: Path) -> None:
    cli = _fake_cli(tmp_path / "bin", "anything", "env")
    _fake_cli(tmp_path / "path", "gpt-image-2", "path")
    env = _isolated(tmp_path, [tmp_path / "path"], GPT_IMAGE_2_CLI=f"{cli}")
    args = ["--json", "images", "generate", "--prompt", "a 'quoted' \"cat\" ; $(rm -rf /)",
            "--out", "/tmp/with space/猫.png", "", "--flag=value"]
    proc = run_wrapper(args, env)
    assert proc.returncode == 7  # the CLI's own exit status
    payload = json.loads(proc.stdout)
    assert payload["cli"] == "env"
    assert payload["argv"] == args
    assert proc.stderr == "fake-stderr\n"  # the CLI's stderr passes through untouched


def test_env_override_may_be_a_command_line(tmp_path: Path) -> None:
    env = _isolated(tmp_path, [], GPT_IMAGE_2_CLI=embedded_cli(),
                    CODEX_HOME=str(tmp_path / "codex"))
    proc = run_wrapper(["--json", "--version"], env)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["command"] == "version"


def test_broken_env_override_is_reported_not_skipped(tmp_path: Path) -> None:
    _fake_cli(tmp_path / "path", "gpt-image-2", "path")
    env = _isolated(tmp_path, [tmp_path / "path"],
                    GPT_IMAGE_2_CLI=str(tmp_path / "missing-cli"))
    proc = run_wrapper(["--json", "doctor"], env)
    assert proc.returncode == 1
    error = json.loads(proc.stdout)["error"]
    assert error["code"] == "runtime_unavailable"
    assert error["detail"]["attempts"][0]["resolver"] == "env"


def test_path_is_next_and_imposters_are_skipped(tmp_path: Path) -> None:
    _script(tmp_path / "first", "gpt-image-2", IMPOSTER)
    _fake_cli(tmp_path / "second", "gpt-image-2-skill", "alias")
    env = _isolated(tmp_path, [tmp_path / "first", tmp_path / "second"])
    proc = run_wrapper(["--json", "doctor"], env)
    assert proc.returncode == 7
    assert json.loads(proc.stdout) == {"ok": True, "command": "echo",
                                       "argv": ["--json", "doctor"], "cli": "alias"}


def test_nothing_found_prints_runtime_unavailable_with_install_hint(tmp_path: Path) -> None:
    env = _isolated(tmp_path, [tmp_path / "empty"])
    for args in (["--json", "doctor"], ["doctor"]):  # stdout is a pipe: JSON either way
        proc = run_wrapper(args, env)
        assert proc.returncode == 1
        payload = json.loads(proc.stdout)
        assert payload["ok"] is False
        error = payload["error"]
        assert error["code"] == "runtime_unavailable"
        assert "uv tool install" in error["message"] and "GPT_IMAGE_2_CLI" in error["message"]
        assert [a["resolver"] for a in error["detail"]["attempts"]] == ["path", "path", "repo"]
        assert proc.stderr == ""


@pytest.mark.skipif(shutil.which("uv") is None, reason="uv is not installed")
def test_repository_checkout_is_run_through_uv(tmp_path: Path) -> None:
    uv = Path(shutil.which("uv") or "uv")
    repo = Path(__file__).resolve().parents[2]
    env = _isolated(tmp_path, [uv.parent, Path("/usr/bin"), Path("/bin")],
                    GPT_IMAGE_2_REPO_ROOT=str(repo))
    env["PATH"] = os.pathsep.join(
        p for p in env["PATH"].split(os.pathsep)
        if not (Path(p) / "gpt-image-2").exists() and not (Path(p) / "gpt-image-2-skill").exists()
    ) or str(uv.parent)
    if shutil.which("gpt-image-2", path=env["PATH"]):
        pytest.skip("gpt-image-2 sits next to uv on PATH; the repo resolver is not reached")
    proc = run_wrapper(["--json", "--version"], env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(proc.stdout)["command"] == "version"


def test_resolve_reports_the_repo_command(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "skills/gpt-image-2/scripts"))
    try:
        import gpt_image_2_cli
    finally:
        sys.path.pop(0)
    repo = Path(__file__).resolve().parents[2]
    fake_uv = _script(tmp_path / "uvbin", "uv", "#!/bin/sh\nexit 0\n")
    found = gpt_image_2_cli.resolve({"PATH": str(fake_uv.parent),
                                     "GPT_IMAGE_2_REPO_ROOT": str(repo),
                                     "VIRTUAL_ENV": "/somewhere"})
    assert found.resolver == "repo"
    assert found.command == [str(fake_uv), "run", "--quiet", "--project", str(repo),
                             "gpt-image-2"]
    assert "VIRTUAL_ENV" not in found.env  # uv must use the project's own environment
