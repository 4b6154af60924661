"""Flags of ``gpt-image-2 transparent extract|verify|generate`` (the reference's, spec §1.1-§3.1).

Only argparse and constants: both the full CLI parser and the in-process fast
path (:mod:`.transparent_local`) build their subcommands from here.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import Any

from ..transparent.options import (
    DEFAULT_GENERATE_MATTE,
    MATERIAL_CHOICES,
    METHODS,
    PROFILE_NAMES,
)

__all__ = ["QUALITIES", "add_transparent_commands", "f32_value", "spill_value"]

QUALITIES = ["auto", "low", "medium", "high", "xhigh", "max"]
_F32_MAX = 3.4028234663852886e38


def spill_value(text: str) -> float:
    """``--spill-suppression``: a float in [0, 1] (else a usage error, exit 2)."""
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"invalid float value: {text!r}") from exc
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def f32_value(text: str) -> float:
    """``--threshold``/``--softness``: any finite float32 (negative allowed)."""
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"invalid float value: {text!r}") from exc
    if not math.isfinite(value) or abs(value) > _F32_MAX:
        raise argparse.ArgumentTypeError("must be a finite 32-bit float")
    return value


def _int_range(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"invalid integer: {text!r}") from exc
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not in {low}..={high}")
        return value

    return parse


def _chroma_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--method", choices=METHODS, default="auto")
    parser.add_argument("--profile", choices=PROFILE_NAMES, default="generic")
    parser.add_argument("--material", choices=MATERIAL_CHOICES)
    parser.add_argument("--threshold", type=f32_value, help="background distance (any float)")
    parser.add_argument("--softness", type=f32_value, help="width of the alpha transition")
    parser.add_argument("--spill-suppression", type=spill_value, help="0..1")


def add_transparent_commands(sub: Any) -> None:
    tp = sub.add_parser("transparent", help="transparent PNGs: extract, verify, generate")
    tsub = tp.add_subparsers(dest="subcommand", required=True)

    ext = tsub.add_parser("extract", help="key a matte source or a dark/light pair into RGBA")
    ext.add_argument("--input", help="source on a flat matte (chroma)")
    ext.add_argument("--dark-image", help="the subject on black (dual)")
    ext.add_argument("--light-image", help="the same subject on white (dual)")
    ext.add_argument("--out", required=True, help="output PNG (.png appended if no extension)")
    _chroma_flags(ext)
    ext.add_argument("--matte-color", help="name, #rrggbb or auto (default: auto-sample)")
    ext.add_argument("--strict", action="store_true", help="fail when verification fails")

    ver = tsub.add_parser("verify", help="gate a PNG with a quality profile")
    ver.add_argument("--input", required=True)
    ver.add_argument("--profile", choices=PROFILE_NAMES, default="generic")
    ver.add_argument("--expected-matte-color", help="matte the image was keyed from")
    ver.add_argument("--strict", action="store_true", help="fail when verification fails")

    gen = tsub.add_parser("generate", help="generate a source on a matte, extract and verify")
    gen.add_argument("--prompt", required=True)
    gen.add_argument("--out", required=True, help="output PNG (.png appended if no extension)")
    gen.add_argument("-m", "--model")
    gen.add_argument("--instructions", help="Codex only: system instructions")
    gen.add_argument("--size", help="auto, 2K, 4K or WIDTHxHEIGHT")
    gen.add_argument("--quality", choices=QUALITIES)
    gen.add_argument("--compression", type=_int_range(0, 100), help="0..100")
    gen.add_argument("--moderation", choices=["auto", "low"], help="OpenAI only")
    _chroma_flags(gen)
    gen.add_argument("--matte-color", default=DEFAULT_GENERATE_MATTE,
                     help="matte requested in the prompt: name or #rrggbb")
    gen.add_argument("--source-prompt", help="replaces the whole source prompt")
    gen.add_argument("--source-out", help="save the source image here")
    gen.add_argument("--report-dir", help="save source.png and report.json here")
    gen.add_argument("--keep-sources", "--keep-source", dest="keep_sources",
                     action="store_true", help="keep the source image")
    gen.add_argument("--strict", action=argparse.BooleanOptionalAction, default=True,
                     help="fail when verification fails (default; --no-strict reports it)")
