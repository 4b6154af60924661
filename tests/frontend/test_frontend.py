"""The SPA's own checks, run from pytest so one CI command covers everything.

* ``npm run typecheck`` and ``npm test`` (Vitest) must pass.
* The generated API client must be fresh: ``frontend/openapi.json`` equals the
  schema exported by ``python -m gpt_image_2.web.openapi``, and
  ``frontend/src/api/schema.d.ts`` is exactly what openapi-typescript makes of
  it. Fix a failure with ``cd frontend && npm run sync:api``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FRONTEND = REPO / "frontend"
SYNC_HINT = "the API client is stale: run `cd frontend && npm run sync:api` and commit the result"


def _run(cmd: list[str], *, cwd: Path = FRONTEND, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)


def _report(proc: subprocess.CompletedProcess[str]) -> str:
    return f"exit {proc.returncode}\n--- stdout ---\n{proc.stdout[-8000:]}\n--- stderr ---\n{proc.stderr[-8000:]}"


@pytest.fixture(scope="module")
def npm() -> str:
    """npm, with the locked dependencies installed (``npm ci`` when node_modules is missing)."""
    exe = shutil.which("npm")
    has_modules = (FRONTEND / "node_modules").is_dir()
    if exe is None:
        if not has_modules:
            pytest.skip("frontend/node_modules is missing and npm is not installed")
        pytest.fail("frontend/node_modules exists but npm is not on PATH")
    if not has_modules:
        proc = _run([exe, "ci", "--no-audit", "--no-fund"])
        assert proc.returncode == 0, "npm ci failed\n" + _report(proc)
    return exe


def test_typecheck(npm: str) -> None:
    proc = _run([npm, "run", "typecheck"])
    assert proc.returncode == 0, "TypeScript errors\n" + _report(proc)


def test_unit_tests(npm: str) -> None:
    proc = _run([npm, "test"])
    assert proc.returncode == 0, "Vitest failed\n" + _report(proc)
    assert "passed" in proc.stdout, _report(proc)


@pytest.fixture(scope="module")
def exported_schema(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("openapi") / "openapi.json"
    proc = _run([sys.executable, "-m", "gpt_image_2.web.openapi", str(out)], cwd=REPO)
    assert proc.returncode == 0, "schema export failed\n" + _report(proc)
    return out


def test_openapi_json_matches_export(exported_schema: Path) -> None:
    committed = (FRONTEND / "openapi.json").read_text(encoding="utf-8")
    assert committed == exported_schema.read_text(encoding="utf-8"), SYNC_HINT


def test_generated_client_matches_schema(npm: str, exported_schema: Path, tmp_path: Path) -> None:
    generated = tmp_path / "schema.d.ts"
    cli = FRONTEND / "node_modules" / ".bin" / "openapi-typescript"
    proc = _run([str(cli), str(exported_schema), "--output", str(generated)])
    assert proc.returncode == 0, "openapi-typescript failed\n" + _report(proc)
    committed = (FRONTEND / "src" / "api" / "schema.d.ts").read_bytes()
    assert committed == generated.read_bytes(), SYNC_HINT
