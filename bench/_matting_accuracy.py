"""Accuracy half of the matting benchmark: ours vs the reference CLI on ground truth."""

from __future__ import annotations

import math
import os
import subprocess
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from _matting_assets import ASSETS, composite, make_asset

from gpt_image_2.imaging import (
    MATERIALS,
    decode_image,
    encode_png,
    extract_chroma,
    extract_dual,
    resolve_chroma_settings,
)

__all__ = ["AccuracyRow", "Metrics", "child_env", "run_accuracy"]

U8 = np.ndarray
MATTES = {"green": (0, 255, 0), "magenta": (255, 0, 255)}


@dataclass(frozen=True)
class Metrics:
    """Alpha MAE (0-255, all pixels), alpha SAD (thousands, alpha in 0-1), colour error."""

    mae: float
    sad_k: float
    colour: float  # mean RGB distance where the truth is opaque (alpha >= 250); nan if none


@dataclass(frozen=True)
class AccuracyRow:
    asset: str
    method: str  # "chroma" | "dual"
    background: str
    setting: str  # material name or "default"
    ref: Metrics
    ours: Metrics

    @property
    def ratio(self) -> float:
        return self.ours.mae / self.ref.mae if self.ref.mae > 0 else math.nan

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "ratio": self.ratio}


def child_env(home: Path) -> dict[str, str]:
    """Environment for CLI children: ours, minus credentials, with a scratch CODEX_HOME
    and a bytecode cache."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("GPT_IMAGE_2_") and k not in ("OPENAI_API_KEY", "CODEX_HOME")
    }
    env["CODEX_HOME"] = str(home / "codex-home")
    # Time our CLI as installed, with compiled bytecode (pip, `uv tool` and the image
    # compile it); kept out of the source tree.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(home / "pycache")
    return env


def metrics(result: U8, truth: U8) -> Metrics:
    diff = np.abs(result[..., 3].astype(np.float64) - truth[..., 3])
    opaque = truth[..., 3] >= 250
    colour = math.nan
    if opaque.any():
        delta = result[..., :3].astype(np.float64) - truth[..., :3]
        colour = float(np.sqrt((delta**2).sum(axis=2))[opaque].mean())
    return Metrics(float(diff.mean()), float(diff.sum() / 255.0 / 1000.0), colour)


def _reference(reference: Sequence[str], args: list[str], home: Path) -> U8:
    out = Path(args[args.index("--out") + 1])
    proc = subprocess.run(
        [*reference, "--json", "transparent", "extract", *args],
        capture_output=True,
        text=True,
        env=child_env(home),
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"reference extract failed: {proc.stdout[-400:]}{proc.stderr[-400:]}")
    return decode_image(out).rgba


def _chroma_rows(reference: Sequence[str], work: Path, quick: bool) -> list[AccuracyRow]:
    rows: list[AccuracyRow] = []
    settings: list[str | None] = [None] if quick else [None, *MATERIALS]
    mattes = {"green": MATTES["green"]} if quick else MATTES
    for name in ASSETS:
        truth = make_asset(name, 512)
        for bg_name, bg in mattes.items():
            src = work / f"{name}-{bg_name}.png"
            src.write_bytes(encode_png(composite(truth, bg)))
            source = decode_image(src).rgba
            for material in settings:
                out = work / f"ref-{name}-{bg_name}-{material or 'default'}.png"
                args = ["--input", str(src), "--out", str(out)]
                if material:
                    args += ["--material", material]
                ref = _reference(reference, args, work)
                ours = extract_chroma(source, resolve_chroma_settings(material)).rgba
                rows.append(
                    AccuracyRow(
                        name,
                        "chroma",
                        bg_name,
                        material or "default",
                        metrics(ref, truth),
                        metrics(ours, truth),
                    )
                )
    return rows


def _dual_rows(reference: Sequence[str], work: Path) -> list[AccuracyRow]:
    rows: list[AccuracyRow] = []
    for name in ASSETS:
        truth = make_asset(name, 512)
        dark, light = work / f"{name}-dark.png", work / f"{name}-light.png"
        dark_rgba, light_rgba = composite(truth, (0, 0, 0)), composite(truth, (255, 255, 255))
        dark.write_bytes(encode_png(dark_rgba))
        light.write_bytes(encode_png(light_rgba))
        out = work / f"ref-{name}-dual.png"
        args = ["--dark-image", str(dark), "--light-image", str(light), "--out", str(out)]
        ref = _reference(reference, args, work)
        ours = extract_dual(dark_rgba, light_rgba).rgba
        rows.append(
            AccuracyRow(
                name, "dual", "black/white", "default", metrics(ref, truth), metrics(ours, truth)
            )
        )
    return rows


def run_accuracy(reference: Sequence[str], work: Path, quick: bool) -> list[AccuracyRow]:
    """All accuracy rows (chroma per asset/matte/setting, then dual per asset)."""
    work.mkdir(parents=True, exist_ok=True)
    return _chroma_rows(reference, work, quick) + _dual_rows(reference, work)


def best_rows(rows: Sequence[AccuracyRow]) -> list[tuple[str, str, AccuracyRow, AccuracyRow]]:
    """Per (asset, matte): the reference's best setting vs our best setting (chroma only)."""
    groups: dict[tuple[str, str], list[AccuracyRow]] = {}
    for row in rows:
        if row.method == "chroma":
            groups.setdefault((row.asset, row.background), []).append(row)
    out = []
    for (asset, bg), group in groups.items():
        ref_best = min(group, key=lambda r: r.ref.mae)
        ours_best = min(group, key=lambda r: r.ours.mae)
        out.append((asset, bg, ref_best, ours_best))
    return out
