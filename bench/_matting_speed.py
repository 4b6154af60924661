"""Speed/memory half of the matting benchmark.

In-process timings run the same library calls as our CLI's in-process path
(:mod:`gpt_image_2.transparent.local`): extract = decode + extract + encode +
verify + atomic write, verify = decode + verify, in a process whose allocator
is tuned like the service's (:func:`gpt_image_2.memory.keep_freed_memory`).
Whole-process timings run our CLI and the reference CLI as child processes,
alternating them so machine load
hits both alike, and read each child's peak RSS and CPU time (user + sys) from
``os.wait4``; CPU time is the steadier number on a loaded machine.
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

from gpt_image_2.memory import keep_freed_memory
from gpt_image_2.transparent.local import (
    ExtractParams,
    Source,
    extract,
    verify_envelope,
    write_output,
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
    ours_cli_cpu_s: float = float("nan")
    ref_cli_cpu_s: float = float("nan")
    ours_inproc_cpu_s: float = float("nan")

    @property
    def inproc_ratio(self) -> float:
        return self.ours_inproc_s / self.ref_cli_s

    @property
    def cli_ratio(self) -> float:
        return self.ours_cli_s / self.ref_cli_s

    @property
    def inproc_cpu_ratio(self) -> float:
        return self.ours_inproc_cpu_s / self.ref_cli_cpu_s

    @property
    def cli_cpu_ratio(self) -> float:
        return self.ours_cli_cpu_s / self.ref_cli_cpu_s

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "inproc_ratio": self.inproc_ratio, "cli_ratio": self.cli_ratio,
                "cli_cpu_ratio": self.cli_cpu_ratio, "inproc_cpu_ratio": self.inproc_cpu_ratio}


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


def _child(cmd: Sequence[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MiB) and CPU seconds of one child, via the lean launcher."""
    proc = subprocess.run(
        [sys.executable, "-S", "-I", str(_LAUNCHER), *cmd],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    fields = proc.stdout.split()
    if proc.returncode != 0 or len(fields) != 4 or fields[2] != "0":
        raise RuntimeError(f"{cmd[0]} failed: {proc.stdout[-300:]} {proc.stderr[-300:]}")
    return float(fields[0]), int(fields[1]) / 1024.0, float(fields[3])


def _timed(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds (all threads of this process) of one call."""
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


def _inproc(
    task: str, paths: dict[str, Path], out: Path, verify_input: Path
) -> Callable[[], object]:
    label = str(out)

    def chroma() -> object:
        source = Source(str(paths["chroma"]), str(paths["chroma"]))
        done = extract(ExtractParams("chroma"), input=source, output_label=label)
        write_output(out, done.png)
        return done

    def dual() -> object:
        dark = Source(str(paths["dark"]), str(paths["dark"]))
        light = Source(str(paths["light"]), str(paths["light"]))
        done = extract(ExtractParams("dual"), dark=dark, light=light, output_label=label)
        write_output(out, done.png)
        return done

    def check() -> object:
        source = Source(str(verify_input), str(verify_input))
        return verify_envelope(source, "icon", "green")

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
    """Time chroma, dual and verify for every (width, height, noise) in ``sizes``.

    The in-process timings run in this process with the allocator tuned as the
    ``serve`` command tunes the service (:mod:`gpt_image_2.memory`).
    """
    keep_freed_memory()
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
        _child([*ours_cli, *_cli_args("verify", paths, our_out, ref_out)], env)  # warm caches
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
            inproc_t, inproc_c = [], []
            ours_t, ours_m, ours_c, ref_t, ref_m, ref_c = [], [], [], [], [], []
            for _ in range(runs):
                # Interleaved, so that background load hits every variant alike.
                t, m, c = _child(ref_args, env)
                ref_t.append(t)
                ref_m.append(m)
                ref_c.append(c)
                wall, cpu = _timed(fn)
                inproc_t.append(wall)
                inproc_c.append(cpu)
                t, m, c = _child(ours_args, env)
                ours_t.append(t)
                ours_m.append(m)
                ours_c.append(c)
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
                    statistics.median(ours_c),
                    statistics.median(ref_c),
                    statistics.median(inproc_c),
                )
            )
    return rows
