"""Matting benchmark: accuracy, speed and memory against the reference CLI.

    uv run python bench/matting.py            # full run (several minutes)
    uv run python bench/matting.py --quick    # defaults only, green matte, 1024^2 + 4K

Accuracy: synthetic ground-truth RGBA assets (icon with holes and greenish
tones, glow, glass with a rim, soft shadow, multi-part sticker) are composited
on matte colours and on black/white, extracted by us (in process) and by the
reference CLI (``transparent extract``), and scored by alpha MAE (0-255), SAD
(thousands, alpha 0-1) and colour error on opaque pixels.

Speed/memory: chroma, dual and verify at 1024^2, 2048^2 and 3840x2160 (4K
also with sensor-like noise), in process and as whole CLI processes. Our CLI
is the real ``gpt-image-2 --json transparent`` (``--our-cli`` takes another
command that accepts the reference's ``extract``/``verify`` flags, e.g.
``--our-cli "python -m gpt_image_2.imaging"`` for the bare stand-in);
``--sizes 4k`` limits the sizes. Results go to bench/out/matting.{json,md};
the speed part also prints each target of the issue with PASS/FAIL
(``_matting_targets``) and writes tables and verdicts into docs/performance.md
between ``<!-- bench:matting -->`` markers (``--no-doc`` skips that).
No network is used; the reference CLI must already be installed or
installable by its wrapper.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import sys
import time
from pathlib import Path

from _matting_accuracy import AccuracyRow, best_rows, run_accuracy
from _matting_speed import SpeedRow, run_speed
from _matting_targets import judge, render_verdicts, write_doc_section

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"


def _reference_cli() -> list[str]:
    override = os.environ.get("GPT_IMAGE_2_REFERENCE_CLI")
    path = Path(override) if override else (ROOT / "../shared/tools/reference-cli").resolve()
    if not path.is_file():
        sys.exit(f"reference CLI not found at {path} (set GPT_IMAGE_2_REFERENCE_CLI)")
    return [str(path)]


def _fmt(value: float, digits: int = 3) -> str:
    return "n/a" if value != value else f"{value:.{digits}f}"


def accuracy_table(rows: list[AccuracyRow]) -> list[str]:
    lines = [
        "| asset | method | background | setting | ref MAE | ours MAE | ratio | ref SAD k "
        "| ours SAD k | ref colour err | ours colour err |",
        "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.asset} | {r.method} | {r.background} | {r.setting} | {_fmt(r.ref.mae)} "
            f"| {_fmt(r.ours.mae)} | {_fmt(r.ratio)} | {_fmt(r.ref.sad_k, 2)} "
            f"| {_fmt(r.ours.sad_k, 2)} | {_fmt(r.ref.colour, 2)} | {_fmt(r.ours.colour, 2)} |"
        )
    return lines


def best_table(rows: list[AccuracyRow]) -> list[str]:
    lines = [
        "| asset | matte | ref best setting | ref MAE | our best setting | ours MAE | ratio |",
        "|---|---|---|---:|---|---:|---:|",
    ]
    for asset, bg, ref, ours in best_rows(rows):
        ratio = ours.ours.mae / ref.ref.mae if ref.ref.mae else float("nan")
        lines.append(
            f"| {asset} | {bg} | {ref.setting} | {_fmt(ref.ref.mae)} | {ours.setting} "
            f"| {_fmt(ours.ours.mae)} | {_fmt(ratio)} |"
        )
    return lines


def speed_table(rows: list[SpeedRow]) -> list[str]:
    lines = [
        "| task | size | noise | ours in-process s | ours in-process CPU s | ours CLI s "
        "| ours CLI CPU s | ours RSS MiB | ref CLI s | ref CLI CPU s | ref RSS MiB "
        "| in-process / ref | in-process CPU / ref CPU | CLI / ref | CLI CPU / ref CPU |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.task} | {r.size} | {r.noise:g} | {r.ours_inproc_s:.3f} "
            f"| {r.ours_inproc_cpu_s:.3f} | {r.ours_cli_s:.3f} | {r.ours_cli_cpu_s:.3f} "
            f"| {r.ours_cli_rss_mib:.0f} | {r.ref_cli_s:.3f} | {r.ref_cli_cpu_s:.3f} "
            f"| {r.ref_cli_rss_mib:.0f} | {r.inproc_ratio:.2f} | {r.inproc_cpu_ratio:.2f} "
            f"| {r.cli_ratio:.2f} | {r.cli_cpu_ratio:.2f} |"
        )
    return lines


def _our_cli_default() -> str:
    """Our real CLI: the ``gpt-image-2`` script of this interpreter's environment."""
    script = Path(sys.executable).with_name("gpt-image-2")
    command = [str(script)] if script.is_file() else [sys.executable, "-m",
                                                       "gpt_image_2.cli.main"]
    return shlex.join([*command, "--json", "transparent"])


_SIZES = {
    "1k": (1024, 1024, 0.0),
    "2k": (2048, 2048, 0.0),
    "4k": (3840, 2160, 0.0),
    "4k-noise": (3840, 2160, 3.0),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small subset")
    parser.add_argument("--our-cli", default=_our_cli_default(),
                        help="our CLI command, before the extract/verify arguments")
    parser.add_argument("--sizes", default=None,
                        help=f"comma list of {', '.join(_SIZES)} (default: by --quick)")
    parser.add_argument("--runs", type=int, default=None, help="timed runs per case (median)")
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--no-doc", action="store_true",
                        help="do not rewrite the matting section of docs/performance.md")
    args = parser.parse_args(argv)

    reference = _reference_cli()
    load_before = os.getloadavg()[0]
    OUT.mkdir(parents=True, exist_ok=True)
    work = OUT / "work"
    work.mkdir(exist_ok=True)
    report: dict[str, object] = {
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_before": os.getloadavg(),
        },
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    md: list[str] = [f"# Matting benchmark ({report['started']}, {os.cpu_count()} CPUs)", ""]

    if not args.skip_accuracy:
        acc = run_accuracy(reference, work / "accuracy", args.quick)
        report["accuracy"] = [r.to_dict() for r in acc]
        md += ["## Accuracy (512x512)", "", *accuracy_table(acc), ""]
        if not args.quick:
            md += ["### Best setting per asset (chroma)", "", *best_table(acc), ""]
        print("\n".join(md))

    if not args.skip_speed:
        names = (
            args.sizes.split(",") if args.sizes
            else ["1k", "4k"] if args.quick else ["1k", "2k", "4k", "4k-noise"]
        )
        sizes = [_SIZES[name.strip()] for name in names]
        runs = args.runs or (3 if args.quick else 5)
        speed = run_speed(reference, shlex.split(args.our_cli), work / "speed", sizes, runs)
        report["speed"] = [r.to_dict() for r in speed]
        table = [
            f"## Speed and memory (median of {runs}, alternating runs; load "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs at the end)",
            "",
            *speed_table(speed),
            "",
        ]
        verdicts = judge(speed)
        report["targets"] = [vars(v) for v in verdicts]
        table += ["### Targets", "", *render_verdicts(verdicts), ""]
        md += table
        print("\n".join(table))
        if not args.no_doc:
            command = "uv run python bench/matting.py " + " ".join(argv or sys.argv[1:])
            write_doc_section(ROOT / "docs" / "performance.md", [
                "## Transparent PNG pipeline (matting benchmark)",
                "",
                f"Measured {report['started']} with `{command.strip()}` on "
                f"{platform.machine()}, {os.cpu_count()} cores, Python "
                f"{platform.python_version()}, load average {load_before:.1f} "
                "at the start, against the reference CLI (gpt-image-2-skill "
                "0.7.4). In-process = decode + work + encode (+ verify and atomic write for "
                "extract) in one warm process with the allocator tuned like the service's "
                "(`gpt_image_2.memory`); CLI = a whole `gpt-image-2 --json transparent` "
                "process; ratios divide by the reference's whole-process wall time on the same "
                "file. The machine is shared, so single runs vary by about ±20 %.",
                "",
                *("#" + line if line.startswith("##") else line for line in table),
            ])
            print("updated docs/performance.md")

    report["machine"]["load_after"] = os.getloadavg()  # type: ignore[index]
    (OUT / "matting.json").write_text(json.dumps(report, indent=2))
    (OUT / "matting.md").write_text("\n".join(md) + "\n")
    print(f"wrote {OUT / 'matting.json'} and {OUT / 'matting.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
