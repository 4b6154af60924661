"""The issue's speed/memory targets, judged on the speed rows, and the docs/performance.md section.

Targets (each compared with the reference CLI's whole-process time on the same file):

* in-process extract (chroma and dual) at 4K: ours <= 0.5x the reference;
* in-process verify at 4K: ours <= 0.5x the reference;
* a whole ``gpt-image-2 transparent verify`` process: <= 2x the reference's,
  judged at 4K; smaller sizes are listed too (there the fixed cost of starting
  Python and importing numpy dominates);
* peak RSS of a whole 4K extract process: <= 400 MB (10^6 bytes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from _matting_speed import SpeedRow

__all__ = ["Verdict", "judge", "render_verdicts", "write_doc_section"]

BEGIN = "<!-- bench:matting -->"
END = "<!-- /bench:matting -->"
_MB_PER_MIB = 1.048576
_4K = "3840x2160"


@dataclass(frozen=True)
class Verdict:
    target: str
    case: str
    value: str
    limit: str
    passed: bool
    judged: bool = True  # False: listed for information, not part of the target


def _case(row: SpeedRow) -> str:
    noise = f", noise {row.noise:g}" if row.noise else ""
    return f"{row.task} {row.size}{noise}"


def judge(rows: Sequence[SpeedRow]) -> list[Verdict]:
    out: list[Verdict] = []
    for row in rows:
        if row.size == _4K and row.task in ("chroma", "dual"):
            out.append(Verdict("in-process extract <= 0.5x ref", _case(row),
                               f"{row.inproc_ratio:.2f}x ({row.ours_inproc_s:.3f} s vs "
                               f"{row.ref_cli_s:.3f} s)", "0.50x", row.inproc_ratio <= 0.5))
        if row.size == _4K and row.task == "verify":
            out.append(Verdict("in-process verify <= 0.5x ref", _case(row),
                               f"{row.inproc_ratio:.2f}x ({row.ours_inproc_s:.3f} s vs "
                               f"{row.ref_cli_s:.3f} s)", "0.50x", row.inproc_ratio <= 0.5))
    for row in rows:
        if row.task == "verify":
            out.append(Verdict("whole verify process <= 2x ref", _case(row),
                               f"{row.cli_ratio:.2f}x ({row.ours_cli_s:.3f} s vs "
                               f"{row.ref_cli_s:.3f} s)", "2.00x", row.cli_ratio <= 2.0,
                               judged=row.size == _4K))
    for row in rows:
        if row.size == _4K and row.task in ("chroma", "dual"):
            mb = row.ours_cli_rss_mib * _MB_PER_MIB
            out.append(Verdict("4K extract peak RSS <= 400 MB", _case(row), f"{mb:.0f} MB",
                               "400 MB", mb <= 400.0))
    return out


def render_verdicts(verdicts: Sequence[Verdict]) -> list[str]:
    lines = ["| target | case | measured | limit | result |", "|---|---|---:|---:|---|"]
    for v in verdicts:
        result = ("PASS" if v.passed else "FAIL") if v.judged else (
            "(pass, not judged)" if v.passed else "(fail, not judged)")
        lines.append(f"| {v.target} | {v.case} | {v.value} | {v.limit} | {result} |")
    judged = [v for v in verdicts if v.judged]
    failed = [v for v in judged if not v.passed]
    lines += ["", f"**{len(judged) - len(failed)} of {len(judged)} judged targets pass.**"
              + ("" if not failed else " Failing: "
                 + "; ".join(f"{v.target} ({v.case})" for v in failed) + ".")]
    return lines


def write_doc_section(doc: Path, body: Sequence[str]) -> None:
    """Replace the text between our markers in ``doc`` (append the section if absent)."""
    section = "\n".join([BEGIN, *body, END])
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Performance\n"
    if BEGIN in text and END in text and text.index(BEGIN) < text.index(END):
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(text, encoding="utf-8")
