"""Our ``transparent`` commands next to the reference CLI (gpt-image-2-skill 0.7.4).

Both CLIs run on the same files, each in its own data root. We compare exit
codes, error codes and messages, and envelope keys (ours must contain every key
the reference prints). Pixel values differ on purpose (decision 0002); the
deliberate CLI differences are in docs/decisions/0005-transparent-cli.md.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.compat.sides import Result, Side, key_gaps
from tests.conftest import TEST_KEY
from tests.fakes.matte import MatteOpenAI
from tests.reference import reference_cli
from tests.transparent.images import write_samples

pytestmark = pytest.mark.reference


@pytest.fixture
def sides(tmp_path: Path) -> Iterator[tuple[Side, Side]]:
    reference_cli()  # skips with a reason when the reference cannot be installed
    samples = write_samples(tmp_path / "samples")
    pair = (Side("ours", tmp_path / "ours"), Side("reference", tmp_path / "reference"))
    for side in pair:
        side.home.mkdir(parents=True)
        for path in samples.values():
            shutil.copy(path, side.cwd / path.name)
    yield pair


def both(sides: tuple[Side, Side], *args: str, env: dict[str, str] | None = None
         ) -> tuple[Result, Result]:
    ours, theirs = sides
    return ours.run(*args, env=env), theirs.run(*args, env=env)


def same_shape(ours: Result, theirs: Result) -> None:
    assert ours.code == theirs.code, (ours.payload, theirs.payload)
    assert ours.payload["ok"] == theirs.payload["ok"]
    assert key_gaps(ours.payload, theirs.payload) == [], (ours.payload, theirs.payload)


def same_error(ours: Result, theirs: Result, *, message: bool = True) -> None:
    assert (ours.code, ours.payload["ok"]) == (theirs.code, theirs.payload["ok"]) == (
        ours.code, False), (ours.payload, theirs.payload)
    a, b = ours.payload["error"], theirs.payload["error"]
    assert a["code"] == b["code"], (a, b)
    if message:
        assert a["message"] == b["message"]
    if isinstance(b.get("detail"), dict):
        assert set(a.get("detail") or {}) >= set(b["detail"]), (a, b)


def test_verify_envelopes(sides: tuple[Side, Side]) -> None:
    for args in (["--input", "clean.png", "--profile", "icon"],
                 ["--input", "clean.png", "--profile", "sticker", "--expected-matte-color",
                  "GREEN"],
                 ["--input", "opaque.jpg", "--profile", "icon"],
                 ["--input", "green.png"]):
        ours, theirs = both(sides, "transparent", "verify", *args)
        same_shape(ours, theirs)
        assert set(ours.payload) == set(theirs.payload)
        assert set(ours.payload["verification"]) == set(theirs.payload["verification"])
        assert ours.payload["verification"]["path"] == theirs.payload["verification"]["path"]
        for key in ("passed", "failure_reasons", "color_type", "is_png", "has_alpha"):
            assert ours.payload["verification"][key] == theirs.payload["verification"][key], key


def test_extract_envelopes(sides: tuple[Side, Side]) -> None:
    runs = (
        ["--input", "green.png", "--out", "chroma", "--profile", "icon"],
        ["--input", "magenta.png", "--out", "out/m.png", "--material", "soft3d",
         "--matte-color", "magenta", "--threshold=-5"],
        ["--dark-image", "dark.png", "--light-image", "light.png", "--out", "dual",
         "--material", "glow"],
    )
    for args in runs:
        ours, theirs = both(sides, "transparent", "extract", *args)
        same_shape(ours, theirs)
        a, b = ours.payload, theirs.payload
        assert set(a) == set(b)
        assert set(a["extraction"]) == set(b["extraction"])
        for key in ("method", "material", "profile", "output"):
            if key == "output":
                assert a[key]["path"] == b[key]["path"]
            else:
                assert a[key] == b[key], key
        ea, eb = a["extraction"], b["extraction"]
        for key in ("inputs", "method", "matte_color_source", "threshold", "softness",
                    "spill_suppression", "material", "matte_decontamination_applied"):
            assert ea[key] == eb[key], key
        assert a["verification"]["path"] == b["verification"]["path"]
        assert a["history"]["job_id"].startswith("job-")


@pytest.mark.parametrize("args", [
    ["verify", "--input", "missing.png"],
    ["verify", "--input", "notes.txt"],
    ["verify", "--input", "missing.png", "--expected-matte-color", "red"],
    ["verify", "--input", "clean.png", "--expected-matte-color", "auto"],
    ["verify", "--input", "opaque.jpg", "--profile", "icon", "--strict"],
    ["extract", "--out", "o"],
    ["extract", "--input", "green.png", "--dark-image", "dark.png", "--out", "o"],
    ["extract", "--method", "dual", "--dark-image", "dark.png", "--out", "o"],
    ["extract", "--method", "dual", "--light-image", "light.png", "--out", "o"],
    ["extract", "--method", "chroma", "--dark-image", "dark.png", "--out", "o"],
    ["extract", "--input", "green.png", "--out", "o", "--matte-color", "red"],
    ["extract", "--input", "missing.png", "--out", "o"],
    ["extract", "--dark-image", "small-dark.png", "--light-image", "light.png", "--out", "o"],
    ["extract", "--input", "edge.png", "--out", "o", "--profile", "icon", "--strict",
     "--matte-color", "green"],
])
def test_error_codes(sides: tuple[Side, Side], args: list[str]) -> None:
    ours, theirs = both(sides, "transparent", *args)
    same_error(ours, theirs)


@pytest.mark.parametrize("args", [
    ["verify"],
    ["verify", "--input", "clean.png", "--profile", "poster"],
    ["extract", "--input", "green.png"],
    ["extract", "--input", "green.png", "--out", "o", "--spill-suppression", "2"],
    ["extract", "--input", "green.png", "--out", "o", "--method", "magic"],
])
def test_usage_errors(sides: tuple[Side, Side], args: list[str]) -> None:
    ours, theirs = both(sides, "transparent", *args)
    same_error(ours, theirs, message=False)  # usage texts come from different parsers
    assert ours.code == 2


def test_generate_envelopes(sides: tuple[Side, Side], matte_server: MatteOpenAI) -> None:
    env = {"OPENAI_API_KEY": TEST_KEY}
    base = ["--openai-api-base", matte_server.api_base, "transparent", "generate"]
    ours, theirs = both(sides, *base, "--prompt", "a red badge", "--out", "gen",
                        "--profile", "icon", "--keep-sources", env=env)
    same_shape(ours, theirs)
    a, b = ours.payload, theirs.payload
    assert set(a) == set(b)
    assert a["request"] == {**b["request"]}  # the same prompt, matte and settings
    assert a["output"]["path"] == b["output"]["path"] == "gen.png"
    assert a["source"]["kept"] is b["source"]["kept"] is True
    assert a["source"]["generation"]["events"] == b["source"]["generation"]["events"]
    ours, theirs = both(sides, *base, "--prompt", "EDGE badge", "--out", "edge",
                        "--profile", "icon", env=env)
    same_error(ours, theirs)
    for args in (["--method", "dual"], ["--matte-color", "auto"]):
        ours, theirs = both(sides, *base, "--prompt", "x", "--out", "y", *args, env=env)
        same_error(ours, theirs)
