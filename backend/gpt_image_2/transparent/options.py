"""Flag values and the argument rules of the transparent commands (no numpy, no I/O).

Everything here runs before any file is read, in the order of
spec/transparent.md §1.2 and §3.2, with the reference's codes and messages.
"""

from __future__ import annotations

import os
from typing import Any

from ..errors import AppError

__all__ = [
    "DEFAULT_GENERATE_MATTE",
    "MATERIAL_CHOICES",
    "METHODS",
    "PROFILE_NAMES",
    "VERIFICATION_FAILED",
    "build_source_prompt",
    "canonical_material",
    "check_generate_method",
    "check_matte_color",
    "normalize_out",
    "resolve_method",
    "verification_failed",
]

# Mirrors gpt_image_2.imaging.PROFILE_NAMES / MATERIALS (a test keeps them equal);
# spelled out here so that building the CLI parser never imports numpy.
PROFILE_NAMES: tuple[str, ...] = (
    "generic", "icon", "product", "sticker", "seal", "translucent", "glow", "shadow", "effect",
)
MATERIAL_CHOICES: tuple[str, ...] = ("standard", "soft-3d", "soft3d", "flat-icon", "sticker",
                                     "glow")
METHODS: tuple[str, ...] = ("auto", "chroma", "dual")
DEFAULT_GENERATE_MATTE = "#00ff00"
VERIFICATION_FAILED = "Transparent PNG verification failed."
# A failed gate is not a malformed request: 422, like other well-formed-but-refused input.
_GATE_STATUS = 422

_DUAL_UNSUPPORTED = (
    "transparent generate does not generate aligned dual-background sources. Generate the "
    "source pair explicitly, then call transparent extract --method dual."
)
_EXTRACTION_SETUP = (
    "Extraction setup: render exactly one isolated asset, centered with a clear margin, on a "
    "perfectly flat uniform matte background of pure {matte}. Do not use gradients, texture, "
    "vignette, shadows, reflections, contact shadows, scenery, props, labels, frames, or "
    "background-colored details. Keep the full subject visible and separated from the matte."
)


def canonical_material(name: str | None) -> str | None:
    """The preset name the reference reports for ``--material`` (``soft3d`` → ``soft-3d``)."""
    return "soft-3d" if name == "soft3d" else name


def resolve_method(method: str, *, has_input: bool, has_dark: bool, has_light: bool) -> str:
    """``chroma`` or ``dual`` from ``--method`` and the given inputs (spec §1.2)."""
    if method == "chroma":
        if not has_input:
            raise AppError("invalid_argument",
                           "transparent extract --method chroma requires --input.")
        return "chroma"
    if method == "dual":
        if not has_dark:
            raise AppError("invalid_argument",
                           "transparent extract --method dual requires --dark-image.")
        if not has_light:
            raise AppError("invalid_argument",
                           "transparent extract --method dual requires --light-image.")
        return "dual"
    if method != "auto":
        raise AppError("invalid_argument", f"Unknown extraction method `{method}`.",
                       {"value": method, "allowed": list(METHODS)})
    if has_dark or has_light:
        if not (has_dark and has_light):
            raise AppError("invalid_argument",
                           "Dual extraction needs both --dark-image and --light-image.")
        return "dual"
    if has_input:
        return "chroma"
    raise AppError("invalid_argument",
                   "transparent extract needs --input or a --dark-image/--light-image pair.")


def check_generate_method(method: str) -> None:
    """``transparent generate`` only makes chroma sources (spec §3.1)."""
    if method == "dual":
        raise AppError("unsupported_option", _DUAL_UNSUPPORTED)
    if method not in METHODS:
        raise AppError("invalid_argument", f"Unknown extraction method `{method}`.",
                       {"value": method, "allowed": list(METHODS)})


_NAMED_MATTES = frozenset({"black", "white", "green", "chroma-green", "magenta", "cyan", "blue"})
_AUTO = frozenset({"auto", "sample", "auto-sample", "auto_sample"})
_HEX = frozenset("0123456789abcdef")


def check_matte_color(value: str, *, allow_auto: bool = False) -> None:
    """Refuse a bad matte colour before any file is read, without loading numpy.

    The same rules as :func:`gpt_image_2.imaging.parse_matte_color` (a test
    keeps them equal); surfaces that talk to the API use it to keep the
    reference's order of checks (a bad colour wins over a missing file).
    """
    text = value.strip().lower()
    digits = text.removeprefix("#")
    if (allow_auto and text in _AUTO) or text in _NAMED_MATTES:
        return
    if len(digits) == 6 and set(digits) <= _HEX:
        return
    raise AppError("invalid_argument", "Matte color must be a named color or #RRGGBB.",
                   {"value": value})


def normalize_out(out: str) -> str:
    """``--out`` with ``.png`` appended when it has no extension.

    Outputs are always PNG: another extension is refused up front with the
    reference's ``output_write_failed`` code instead of after the work (the
    reference leaves an empty ``.jpg`` or writes a WebP that then fails
    ``not_png``; decision 0005).
    """
    ext = os.path.splitext(out)[1]
    if not ext:
        return out + ".png"
    if ext.lower() != ".png":
        raise AppError("output_write_failed", "Unable to write transparent PNG.", {
            "error": f"transparent outputs are always PNG; `{ext}` is not a .png extension",
            "path": out,
        })
    return out


def build_source_prompt(prompt: str, matte_hex: str, source_prompt: str | None = None) -> str:
    """The prompt sent to the provider (spec §3.2 step 7)."""
    if source_prompt is not None:
        return source_prompt
    return f"{prompt}\n\n{_EXTRACTION_SETUP.format(matte=matte_hex)}"


def verification_failed(detail: dict[str, Any]) -> AppError:
    """``transparent_verification_failed`` (exit 1, HTTP 422) with the given detail."""
    return AppError("transparent_verification_failed", VERIFICATION_FAILED, detail,
                    http_status=_GATE_STATUS)
