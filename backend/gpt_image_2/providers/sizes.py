"""Size rules for ``--size`` / ``size`` (spec/providers.md §6.1).

Each failure names the rule it broke; the checks run in the spec's order.
"""

from __future__ import annotations

import re

from ..errors import AppError

__all__ = ["MAX_EDGE", "MAX_PIXELS", "MIN_PIXELS", "normalize_size"]

MAX_EDGE = 3840
MIN_PIXELS = 655_360
MAX_PIXELS = 8_294_400
MAX_ASPECT = 3.0
_ALIASES = {"auto": "auto", "2k": "2048x2048", "4k": "3840x2160"}
_UINT = re.compile(r"^\+?[0-9]+$")
FORMAT_MESSAGE = "Image size must be auto, 2K, 4K, or WIDTHxHEIGHT."


def _fail(message: str, rule: str, value: str) -> AppError:
    return AppError("invalid_argument", message, {"rule": rule, "size": value})


def normalize_size(value: str) -> str:
    """Return ``auto`` or ``"{w}x{h}"``; raise ``invalid_argument`` naming the broken rule."""
    text = value.strip().lower()
    if not text:
        raise _fail(FORMAT_MESSAGE, "format", value)
    if text in _ALIASES:
        text = _ALIASES[text]
        if text == "auto":
            return text
    width_text, sep, height_text = text.partition("x")
    if not sep or not _UINT.match(width_text) or not _UINT.match(height_text):
        raise _fail(FORMAT_MESSAGE, "format", value)
    width, height = int(width_text), int(height_text)
    if width <= 0 or height <= 0:
        raise _fail("Image size must use positive width and height values.", "positive", value)
    if width % 16 or height % 16:
        raise _fail(
            "Image size must use width and height values that are multiples of 16.",
            "multiple_of_16",
            value,
        )
    if max(width, height) > MAX_EDGE:
        raise _fail(f"Image size supports a maximum edge of {MAX_EDGE}px.", "max_edge", value)
    pixels = width * height
    if pixels < MIN_PIXELS:
        raise _fail(f"Image size supports at least {MIN_PIXELS} total pixels.", "min_pixels",
                    value)
    if pixels > MAX_PIXELS:
        raise _fail(f"Image size supports up to {MAX_PIXELS} total pixels.", "max_pixels", value)
    if max(width, height) / min(width, height) > MAX_ASPECT:
        raise _fail("Image size supports a maximum aspect ratio of 3:1.", "max_aspect", value)
    return f"{width}x{height}"
