"""Speed/memory half of the matting benchmark.

In-process timings (decode + work + encode, and decode + verify) run in this
process; whole-process timings run our CLI and the reference CLI as child
processes, alternating them so machine load hits both alike, and read each
child's peak RSS from ``os.wait4``.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np
from _matting_accuracy import child_env
from _matting_assets import scene

from gpt_image_2.imaging import (
    decode_image,
    decode_images,
    encode_png,
    extract_chroma,
    extract_dual,
    resolve_chroma_settings,
    verify,
)

__all__ = ["SpeedRow", "prepare_inputs", "run_speed"]

GREEN = (0, 255, 0)


@dataclass(frozen=True)
class SpeedRow:
    task: str  # chroma | dual | verify
    size: str
    noise: float
    ours_inproc_s: float
    ours_cli_s: float
    ours_cli_rss_mib: float
    ref_cli_s: float
    ref_cli_rss_mib: float

    @property
    def inproc_ratio(self) -> float:
        return self.ours_inproc_s / self.ref_cli_s

    @property
    def cli_ratio(self) -> float:
        return self.ours_cli_s / self.ref_cli_s

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "inproc_ratio": self.inproc_ratio, "cli_ratio": self.cli_ratio}


def _write_rgb_png(path: Path, rgba: np.ndarray) -> None:
    """Inputs are written by OpenCV/libpng defaults, like any third-party PNG."""
    if not cv2.imwrite(str(path), cv2.cvtColor(rgba, cv2.COLOR_RGBA2BGR)):
        raise RuntimeError(f"could not write {path}")


def prepare_inputs(work: Path, width: int, height: int, noise: float) -> dict[str, Path]:
    tag = f"{width}x{height}-n{noise:g}"
    paths = {
        "chroma": work / f"speed-{tag}-green.png",
        "dark": work / f"speed-{tag}-dark.png",
        "light": work / f"speed-{tag}-light.png",
    }
    if not all(p.exists() for p in paths.values()):
        work.mkdir(parents=True, exist_ok=True)
        _write_rgb_png(paths["chroma"], scene(width, height, GREEN, noise))
        _write_rgb_png(paths["dark"], scene(width, height, (0, 0, 0), noise))
        _write_rgb_png(paths["light"], scene(width, height, (255, 255, 255), noise))
    return paths


_LAUNCHER = Path(__file__).with_name("_matting_launch.py")


def _child(cmd: Sequence[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one child process, via the lean launcher."""
    proc = subprocess.run(
        [sys.executable, "-S", "-I", str(_LAUNCHER), *cmd],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    fields = proc.stdout.split()
    if proc.returncode != 0 or len(fields) != 3 or fields[2] != "0":
        raise RuntimeError(f"{cmd[0]} failed: {proc.stdout[-300:]} {proc.stderr[-300:]}")
    return float(fields[0]), int(fields[1]) / 1024.0


def _median_time(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _inproc(
    task: str, paths: dict[str, Path], out: Path, verify_input: Path
) -> Callable[[], object]:
    settings = resolve_chroma_settings()

    def chroma() -> object:
        result = extract_chroma(decode_image(paths["chroma"]).rgba, settings)
        return out.write_bytes(encode_png(result.rgba))

    def dual() -> object:
        dark, light = decode_images(paths["dark"], paths["light"])
        return out.write_bytes(encode_png(extract_dual(dark.rgba, light.rgba).rgba))

    def check() -> object:
        return verify(decode_image(verify_input), "icon", expected_matte=GREEN)

    return {"chroma": chroma, "dual": dual, "verify": check}[task]


def _cli_args(task: str, paths: dict[str, Path], out: Path, verify_input: Path) -> list[str]:
    if task == "chroma":
        return ["extract", "--input", str(paths["chroma"]), "--out", str(out)]
    if task == "dual":
        return [
            "extract",
            "--dark-image",
            str(paths["dark"]),
            "--light-image",
            str(paths["light"]),
            "--out",
            str(out),
        ]
    return [
        "verify",
        "--input",
        str(verify_input),
        "--profile",
        "icon",
        "--expected-matte-color",
        "green",
    ]


def run_speed(
    reference: Sequence[str],
    ours_cli: Sequence[str],
    work: Path,
    sizes: Sequence[tuple[int, int, float]],
    runs: int,
) -> list[SpeedRow]:
    """Time chroma, dual and verify for every (width, height, noise) in ``sizes``."""
    work.mkdir(parents=True, exist_ok=True)
    env = child_env(work)
    rows: list[SpeedRow] = []
    for width, height, noise in sizes:
        paths = prepare_inputs(work, width, height, noise)
        size = f"{width}x{height}"
        ref_out = work / f"speed-ref-{size}-n{noise:g}.png"
        our_out = work / f"speed-ours-{size}-n{noise:g}.png"
        # The verify input is the reference's own chroma output (not our format).
        _child(
            [*reference, "--json", "transparent", *_cli_args("chroma", paths, ref_out, ref_out)],
            env,
        )
        for task in ("chroma", "dual", "verify"):
            fn = _inproc(task, paths, our_out, ref_out)
            fn()  # warm up imports and allocator
            ref_args = [
                *reference,
                "--json",
                "transparent",
                *_cli_args(task, paths, ref_out, ref_out),
            ]
            ours_args = [*ours_cli, *_cli_args(task, paths, our_out, ref_out)]
            inproc_t, ours_t, ours_m, ref_t, ref_m = [], [], [], [], []
            for _ in range(runs):
                # Interleaved, so that background load hits every variant alike.
                t, m = _child(ref_args, env)
                ref_t.append(t)
                ref_m.append(m)
                inproc_t.append(_median_time(fn, 1))
                t, m = _child(ours_args, env)
                ours_t.append(t)
                ours_m.append(m)
            inproc = statistics.median(inproc_t)
            rows.append(
                SpeedRow(
                    task,
                    size,
                    noise,
                    inproc,
                    statistics.median(ours_t),
                    max(ours_m),
                    statistics.median(ref_t),
                    max(ref_m),
                )
            )
    return rows
