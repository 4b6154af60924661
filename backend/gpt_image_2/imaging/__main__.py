"""A tiny stand-in CLI for benchmarks: ``python -m gpt_image_2.imaging``.

``extract --input SRC | --dark-image D --light-image L --out OUT
[--matte-color C] [--material M] [--profile P]`` and ``verify --input X
[--profile P] [--expected-matte-color C]``. It mirrors the reference's work per
command (decode, extract, encode, write, verify) and prints a one-line JSON
summary. The real command surface lives in ``gpt_image_2.cli``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import AppError
from . import (
    decode_image,
    decode_images,
    encode_png,
    extract_chroma,
    extract_dual,
    parse_matte_color,
    resolve_chroma_settings,
    verify,
    verify_rgba,
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gpt_image_2.imaging")
    sub = parser.add_subparsers(dest="command", required=True)
    ext = sub.add_parser("extract")
    ext.add_argument("--input")
    ext.add_argument("--dark-image")
    ext.add_argument("--light-image")
    ext.add_argument("--out", required=True)
    ext.add_argument("--matte-color")
    ext.add_argument("--material")
    ext.add_argument("--profile", default="generic")
    ver = sub.add_parser("verify")
    ver.add_argument("--input", required=True)
    ver.add_argument("--profile", default="generic")
    ver.add_argument("--expected-matte-color")
    return parser


def _extract(args: argparse.Namespace) -> dict[str, object]:
    expected = None
    if args.dark_image or args.light_image:
        dark, light = decode_images(args.dark_image, args.light_image)
        rgba = extract_dual(dark.rgba, light.rgba, paths=(args.dark_image, args.light_image)).rgba
    else:
        matte = parse_matte_color(args.matte_color or "auto", allow_auto=True)
        settings = resolve_chroma_settings(args.material, matte=matte)
        result = extract_chroma(decode_image(args.input).rgba, settings)
        rgba, expected = result.rgba, result.matte
    Path(args.out).write_bytes(encode_png(rgba))
    report = verify_rgba(rgba, args.profile, expected_matte=expected, path=args.out)
    return {"ok": True, "command": "extract", "passed": report.passed}


def _verify(args: argparse.Namespace) -> dict[str, object]:
    expected = None
    if args.expected_matte_color:
        expected = parse_matte_color(args.expected_matte_color)
    report = verify(
        decode_image(args.input), args.profile, expected_matte=expected, path=args.input
    )
    return {"ok": True, "command": "verify", "verification": report.to_dict()}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        body = _extract(args) if args.command == "extract" else _verify(args)
    except AppError as exc:
        print(json.dumps({"ok": False, "error": exc.to_dict()}))
        return 1
    print(json.dumps(body))
    return 0


if __name__ == "__main__":
    sys.exit(main())
