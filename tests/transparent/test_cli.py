"""``gpt-image-2 transparent extract|verify|generate``: fast path, API path, remote, errors."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gpt_image_2.cli import main as cli_main
from gpt_image_2.cli import transparent_local
from gpt_image_2.settings import Settings
from tests.conftest import TEST_KEY, app_client
from tests.fakes.matte import MatteOpenAI
from tests.fakes.process import ServerProcess

Run = Callable[..., tuple[int, dict[str, Any], str]]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        codex_home: Path, samples: dict[str, Path]) -> Run:
    """Run ``main(argv)`` in this process from the samples folder; (exit, envelope, stderr)."""
    monkeypatch.setenv("CODEX_HOME", str(codex_home))
    monkeypatch.chdir(samples["green"].parent)

    def run(*argv: str, fast: bool = True) -> tuple[int, dict[str, Any], str]:
        capsys.readouterr()
        with monkeypatch.context() as patch:
            if not fast:  # decline the fast path: the command goes through the API
                patch.setattr(transparent_local, "run_local", lambda *_: None)
            code = cli_main.main(["--json", *argv])
        out, err = capsys.readouterr()
        return code, json.loads(out), err

    return run


def history_rows(codex_home: Path) -> list[tuple[Any, ...]]:
    db = codex_home / "gpt-image-2-skill" / "history.sqlite"
    if not db.exists():
        return []
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT id, command, provider, status, output_path FROM jobs "
                            "ORDER BY created_at").fetchall()


def test_verify_fast_path_equals_the_api_path(cli: Run) -> None:
    args = ("transparent", "verify", "--input", "clean.png", "--profile", "icon",
            "--expected-matte-color", "green")
    fast = cli(*args)
    slow = cli(*args, fast=False)
    assert fast[0] == slow[0] == 0
    assert fast[1] == slow[1]
    assert fast[1]["command"] == "transparent verify" and fast[1]["passed"] is True
    assert fast[1]["verification"]["path"] == "clean.png"


def test_extract_fast_path_equals_the_api_path(cli: Run, samples: dict[str, Path],
                                               codex_home: Path) -> None:
    folder = samples["green"].parent
    fast = cli("transparent", "extract", "--input", "green.png", "--out", "fast/out",
               "--profile", "icon")
    slow = cli("transparent", "extract", "--input", "green.png", "--out", "slow/out",
               "--profile", "icon", fast=False)
    assert fast[0] == slow[0] == 0
    a, b = fast[1], slow[1]
    assert a["output"]["path"] == "fast/out.png" and b["output"]["path"] == "slow/out.png"
    assert (folder / "fast/out.png").read_bytes() == (folder / "slow/out.png").read_bytes()
    assert a["extraction"]["output"] == a["output"] and b["extraction"]["output"] == b["output"]
    assert a["verification"]["path"] == "fast/out.png"
    for payload in (a, b):
        payload["output"] = payload["extraction"]["output"] = None
        payload["verification"]["path"] = None
        payload["history"] = {"job_id": bool(payload["history"]["job_id"])}
    assert a == b
    assert [r[1:4] for r in history_rows(codex_home)] == [
        ("transparent extract", "local", "completed")] * 2


def test_fast_path_loads_no_web_stack(samples: dict[str, Path], codex_home: Path) -> None:
    code = (
        "import json, sys\n"
        "from gpt_image_2.cli.main import main\n"
        "rc = main(sys.argv[1:])\n"
        "heavy = {'fastapi', 'starlette', 'sqlalchemy', 'httpx', 'pydantic', 'anyio', 'uvicorn',\n"
        "         'asyncio'}\n"
        "print(json.dumps(sorted(heavy & {m.split('.')[0] for m in sys.modules})),"
        " file=sys.stderr)\n"
        "sys.exit(rc)\n"
    )
    env = {**os.environ, "CODEX_HOME": str(codex_home)}
    for argv in (["transparent", "verify", "--input", str(samples["clean"])],
                 ["transparent", "extract", "--input", str(samples["green"]), "--out",
                  str(samples["green"].parent / "x.png")]):
        proc = subprocess.run([sys.executable, "-c", code, "--json", *argv], env=env,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert json.loads(proc.stdout)["ok"] is True
        assert json.loads(proc.stderr.strip().splitlines()[-1]) == []


async def test_fast_path_history_rows_are_read_by_the_server(
    samples: dict[str, Path], codex_home: Path, tp_settings: Settings
) -> None:
    env = {**os.environ, "CODEX_HOME": str(codex_home)}
    out = samples["green"].parent / "hist.png"
    proc = subprocess.run([sys.executable, "-m", "gpt_image_2.cli.main", "--json", "transparent",
                           "extract", "--input", str(samples["green"]), "--out", str(out)],
                          env=env, capture_output=True, text=True, timeout=120)
    job_id = json.loads(proc.stdout)["history"]["job_id"]
    async with app_client(tp_settings) as api:
        job = (await api.get(f"/api/jobs/{job_id}")).json()["job"]
        assert (job["command"], job["provider"], job["status"]) == (
            "transparent extract", "local", "completed")
        assert job["output_path"] == str(out)
        assert job["metadata"]["verification"]["passed"] is True
        found = (await api.get("/api/jobs", params={"q": "transparent extract"})).json()
        assert job_id in [j["id"] for j in found["jobs"]]


def test_extract_strict_failure_keeps_the_output_and_records_nothing(
    cli: Run, samples: dict[str, Path], codex_home: Path
) -> None:
    code, payload, _ = cli("transparent", "extract", "--input", "edge.png", "--out", "edge-out",
                           "--profile", "icon", "--strict")
    assert code == 1
    err = payload["error"]
    assert err["code"] == "transparent_verification_failed"
    assert set(err["detail"]) == {"output", "verification"}
    assert err["detail"]["output"] == "edge-out.png"
    assert (samples["edge"].parent / "edge-out.png").is_file()
    assert history_rows(codex_home) == []


def test_verify_strict(cli: Run) -> None:
    code, payload, _ = cli("transparent", "verify", "--input", "opaque.jpg", "--strict")
    assert code == 1
    assert payload["error"]["code"] == "transparent_verification_failed"
    assert set(payload["error"]["detail"]) == {"verification"}
    code, payload, _ = cli("transparent", "verify", "--input", "opaque.jpg")
    assert code == 0 and payload["passed"] is False


@pytest.mark.parametrize(("argv", "exit_code", "code"), [
    (["verify", "--input", "missing.png"], 1, "image_read_failed"),
    (["verify", "--input", "notes.txt"], 1, "image_decode_failed"),
    (["verify", "--input", "bomb.png"], 1, "image_decode_failed"),
    (["verify", "--input", "truncated.png"], 1, "image_decode_failed"),
    (["extract", "--input", "bomb.png", "--out", "o.png"], 1, "image_decode_failed"),
    (["extract", "--input", "truncated.png", "--out", "o.png"], 1, "image_decode_failed"),
    (["extract", "--dark-image", "bomb.png", "--light-image", "light.png", "--out", "o.png"], 1,
     "image_decode_failed"),
    (["verify", "--input", "missing.png", "--expected-matte-color", "red"], 1,
     "invalid_argument"),
    (["verify", "--input", "clean.png", "--expected-matte-color", "auto"], 1,
     "invalid_argument"),
    (["verify"], 2, "invalid_command"),
    (["verify", "--input", "clean.png", "--profile", "poster"], 2, "invalid_command"),
    (["extract", "--input", "green.png"], 2, "invalid_command"),
    (["extract", "--input", "green.png", "--out", "o", "--spill-suppression", "2"], 2,
     "invalid_command"),
    (["extract", "--input", "green.png", "--out", "o", "--threshold", "1e39"], 2,
     "invalid_command"),
    (["extract", "--out", "o"], 1, "invalid_argument"),
    (["extract", "--dark-image", "dark.png", "--out", "o"], 1, "invalid_argument"),
    (["extract", "--input", "green.png", "--out", "o.jpg"], 1, "output_write_failed"),
    (["extract", "--input", "green.png", "--out", "o", "--matte-color", "#+f+f+f"], 1,
     "invalid_argument"),
    (["extract", "--dark-image", "small-dark.png", "--light-image", "light.png", "--out", "o"],
     1, "transparent_input_mismatch"),
])
@pytest.mark.parametrize("fast", [True, False])
def test_error_codes(cli: Run, argv: list[str], exit_code: int, code: str, fast: bool) -> None:
    before = set(Path.cwd().iterdir())
    got_exit, payload, _ = cli("transparent", *argv, fast=fast)
    assert (got_exit, payload["ok"], payload["error"]["code"]) == (exit_code, False, code)
    assert set(Path.cwd().iterdir()) == before  # no output, partial or temporary file


def test_negative_numbers_and_usage_text(cli: Run) -> None:
    for flags in (["--threshold=-5"], ["--threshold", "-5"]):
        code, payload, _ = cli("transparent", "extract", "--input", "green.png", "--out", "neg",
                               *flags)
        assert code == 0 and payload["extraction"]["threshold"] == -5.0
    code, payload, _ = cli("transparent", "extract", "--input", "green.png", "--out", "o",
                           "--spill-suppression", "1.5")
    assert code == 2 and "must be between 0 and 1" in payload["error"]["message"]


def test_remote_server(server_process: ServerProcess, samples: dict[str, Path],
                       tmp_path: Path) -> None:
    folder = samples["green"].parent
    env = {**os.environ, "CODEX_HOME": str(tmp_path / "client-home")}

    def run(*argv: str) -> tuple[int, dict[str, Any]]:
        proc = subprocess.run([sys.executable, "-m", "gpt_image_2.cli.main", "--json",
                               "--server", server_process.url, "transparent", *argv],
                              env=env, cwd=folder, capture_output=True, text=True, timeout=120)
        return proc.returncode, json.loads(proc.stdout)

    code, payload = run("verify", "--input", "clean.png", "--profile", "icon")
    assert code == 0 and payload["passed"] is True
    assert payload["verification"]["path"] == "clean.png"
    code, payload = run("extract", "--input", "green.png", "--out", "remote/x")
    assert code == 0, payload
    assert payload["output"]["path"] == "remote/x.png"
    assert (folder / "remote/x.png").stat().st_size == payload["output"]["bytes"]
    assert payload["extraction"]["inputs"] == {"input": "green.png"}
    assert "job" not in payload and payload["history"]["job_id"]
    server_jobs = server_process.codex_home / "gpt-image-2-skill" / "jobs"  # type: ignore[attr-defined]
    assert (server_jobs / payload["history"]["job_id"] / "out.png").is_file()
    code, payload = run("extract", "--input", "edge.png", "--out", "remote/edge", "--profile",
                        "icon", "--strict")
    assert code == 1
    assert payload["error"]["code"] == "transparent_verification_failed"
    assert payload["error"]["detail"]["output"] == "remote/edge.png"
    assert (folder / "remote/edge.png").is_file()
    code, payload = run("verify", "--input", "notes.txt")
    assert (code, payload["error"]["code"]) == (1, "image_decode_failed")


@pytest.fixture
def gen(cli: Run, monkeypatch: pytest.MonkeyPatch, matte_openai: MatteOpenAI) -> Run:
    def run(*argv: str) -> tuple[int, dict[str, Any], str]:
        monkeypatch.setenv("OPENAI_API_KEY", TEST_KEY)
        monkeypatch.setenv("GPT_IMAGE_2_RETRY_DELAY_SECONDS", "0.01")
        return cli("--json-events", "--openai-api-base", matte_openai.api_base, "transparent",
                   "generate", *argv)

    return run


def test_generate(gen: Run, samples: dict[str, Path], codex_home: Path) -> None:
    code, payload, err = gen("--prompt", "a red badge", "--out", "gen/badge", "--profile", "icon")
    assert code == 0, payload
    assert {"ok", "command", "provider", "provider_selection", "request", "source", "extraction",
            "verification", "output", "history"} <= set(payload)
    folder = samples["green"].parent
    assert payload["output"]["path"] == "gen/badge.png"
    assert (folder / "gen/badge.png").stat().st_size == payload["output"]["bytes"]
    assert payload["verification"]["path"] == "gen/badge.png" and payload["verification"]["passed"]
    assert payload["extraction"]["output"] == payload["output"]
    assert payload["source"]["kept"] is False
    assert payload["request"]["requested_matte_color"] == "#00ff00"
    assert payload["source"]["generation"]["events"]["count"] == 4
    events = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    types = [e["type"] for e in events]
    assert {"source_saved", "extraction_completed", "verification_completed"} <= set(types)
    assert types[-1] == "job.completed"
    assert TEST_KEY not in json.dumps(payload) + err
    rows = history_rows(codex_home)
    assert [(r[1], r[3]) for r in rows] == [("transparent generate", "completed")]


def test_generate_keeps_sources_where_asked(gen: Run, samples: dict[str, Path]) -> None:
    folder = samples["green"].parent
    code, payload, _ = gen("--prompt", "badge", "--out", "k1", "--keep-sources")
    assert code == 0 and payload["source"]["kept"] is True
    kept = Path(payload["source"]["path"])
    assert kept.is_absolute() and kept.is_file()
    code, payload, _ = gen("--prompt", "badge", "--out", "k2", "--source-out", "src/k2")
    assert code == 0 and payload["source"]["path"] == "src/k2.png"
    assert (folder / "src/k2.png").read_bytes().startswith(b"\x89PNG")
    assert payload["extraction"]["inputs"] == {"input": "src/k2.png"}
    code, payload, _ = gen("--prompt", "badge", "--out", "k3", "--report-dir", "rep")
    assert code == 0 and payload["source"]["path"] == "rep/source.png"
    assert sorted(p.name for p in (folder / "rep").iterdir()) == ["report.json", "source.png"]
    assert json.loads((folder / "rep/report.json").read_text()) == payload


def test_generate_gate(gen: Run, samples: dict[str, Path]) -> None:
    code, payload, _ = gen("--prompt", "EDGE badge", "--out", "edge-gen", "--profile", "icon")
    assert code == 1
    err = payload["error"]
    assert err["code"] == "transparent_verification_failed"
    assert set(err["detail"]) == {"source", "output", "verification"}
    assert err["detail"]["output"] == "edge-gen.png"
    assert (samples["green"].parent / "edge-gen.png").is_file()
    code, payload, _ = gen("--prompt", "EDGE badge", "--out", "edge-gen2", "--profile", "icon",
                           "--no-strict")
    assert code == 0 and payload["verification"]["passed"] is False


@pytest.mark.parametrize(("argv", "exit_code", "code"), [
    (["--method", "dual"], 1, "unsupported_option"),
    (["--matte-color", "auto"], 1, "invalid_argument"),
    (["--out", "x.webp"], 1, "output_write_failed"),
    (["--compression", "101"], 2, "invalid_command"),
])
def test_generate_errors(gen: Run, matte_openai: MatteOpenAI, argv: list[str], exit_code: int,
                         code: str) -> None:
    base = ["--prompt", "badge", "--out", "never"]
    got, payload, _ = gen(*base, *argv)
    assert (got, payload["error"]["code"]) == (exit_code, code)
    assert matte_openai.requests == []


def test_global_flags_of_the_fast_path_match_the_full_parser() -> None:
    full = cli_main.build_parser()
    local = transparent_local.build_local_parser()

    def flags(parser: Any) -> set[str]:
        return {s for a in parser._actions for s in a.option_strings} - {"-h", "--help"}

    assert flags(full) == flags(local)


def test_cli_lists_match_the_imaging_lists() -> None:
    from gpt_image_2 import imaging
    from gpt_image_2.transparent import options

    assert options.PROFILE_NAMES == imaging.PROFILE_NAMES
    assert set(options.MATERIAL_CHOICES) == {*imaging.MATERIALS, "soft3d"}


@pytest.mark.parametrize("value", [
    "green", " Chroma-Green ", "#00FF00", "00ff00", "#0f0", "#+f+f+f", "red", "auto", "SAMPLE",
    "auto_sample", "#00ff0g", "#00ff000", "", "#", "ff00ff ",
])
@pytest.mark.parametrize("allow_auto", [True, False])
def test_client_side_matte_check_matches_the_parser(value: str, allow_auto: bool) -> None:
    from gpt_image_2.errors import AppError
    from gpt_image_2.imaging import parse_matte_color
    from gpt_image_2.transparent.options import check_matte_color

    def outcome(fn: Callable[[], object]) -> str:
        try:
            fn()
        except AppError as exc:
            return exc.code
        return "ok"

    assert outcome(lambda: check_matte_color(value, allow_auto=allow_auto)) == outcome(
        lambda: parse_matte_color(value, allow_auto=allow_auto))


def test_console_script_prints_the_whole_envelope_and_records_history(
    samples: dict[str, Path], codex_home: Path
) -> None:
    """The installed script ends without interpreter teardown: nothing may be lost."""
    script = Path(sys.executable).with_name("gpt-image-2")
    if not script.is_file():
        pytest.skip("console script not installed next to this interpreter")
    env = {**os.environ, "CODEX_HOME": str(codex_home)}
    out = samples["green"].parent / "script-out.png"
    runs = {
        "verify": ([str(script), "--json", "transparent", "verify", "--input",
                    str(samples["clean"])], 0),
        "extract": ([str(script), "--json", "transparent", "extract", "--input",
                     str(samples["green"]), "--out", str(out)], 0),
        "missing": ([str(script), "--json", "transparent", "verify", "--input",
                     str(samples["green"].parent / "nope.png")], 1),
    }
    for name, (argv, expected) in runs.items():
        proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
        assert proc.returncode == expected, (name, proc.stdout, proc.stderr)
        payload = json.loads(proc.stdout)
        assert payload["ok"] is (expected == 0)
    assert out.is_file()
    job_id = json.loads(subprocess.run(runs["extract"][0], env=env, capture_output=True,
                                       text=True, timeout=120).stdout)["history"]["job_id"]
    db = codex_home / "gpt-image-2-skill" / "history.sqlite"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM jobs WHERE id = ?", (job_id,)).fetchone() == (1,)


def test_fast_path_tunes_only_a_fresh_process(samples: dict[str, Path], codex_home: Path) -> None:
    code = (
        "import json, os, sys\n"
        "from gpt_image_2.cli.transparent_local import run_local\n"
        "rc = run_local(sys.argv[1:], 'embedded')\n"  # not the console script: no fast exit
        "print(json.dumps([os.environ.get(k) for k in ('OPENBLAS_NUM_THREADS',"
        " 'NUMPY_MADVISE_HUGEPAGE')]), file=sys.stderr)\n"
        "sys.exit(rc)\n"
    )
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENBLAS_NUM_THREADS", "NUMPY_MADVISE_HUGEPAGE")}
    env["CODEX_HOME"] = str(codex_home)
    proc = subprocess.run([sys.executable, "-c", code, "--json", "transparent", "verify",
                           "--input", str(samples["clean"])], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["ok"] is True
    assert json.loads(proc.stderr.strip().splitlines()[-1]) == ["1", "0"]


def test_background_import_never_hides_the_decode_error() -> None:
    from gpt_image_2.errors import AppError
    from gpt_image_2.transparent.local import _loading

    with pytest.raises(AppError), _loading("gpt_image_2.no_such_module"):
        raise AppError("image_decode_failed", "Unable to decode image file.")
    with pytest.raises(ModuleNotFoundError), _loading("gpt_image_2.no_such_module"):
        pass  # with nothing else going wrong, a failed import is reported
