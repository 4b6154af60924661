"""Chroma settings and the five material presets (spec/transparent.md §1.3).

``threshold``, ``softness`` and ``spill_suppression`` keep the reference's
names, defaults and float32 JSON widening. Their meaning in our unmixing
extractor (docs/decisions/0002-transparent-chroma-unmix.md):

* ``threshold`` caps the background tolerance: pixels whose channels are all
  within the tolerance of the matte are background. The tolerance actually used
  is estimated from the matte's noise and never exceeds ``threshold / sqrt(3)``
  per channel.
* ``softness`` is the width, on the matte-hue scale (0-255), of the
  transition from "see-through tint of the matte" to "solid colour".
* ``spill_suppression`` (0-1) is how strongly matte hue left in the colour of
  partial pixels is removed. Opaque pixels are never recoloured.

Each material also sets ``solid_level``: the matte-hue alpha bound above which
a colour counts as solid. Glow-like materials lean towards translucency.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..errors import AppError
from .matte import RGB

__all__ = ["MATERIALS", "ChromaSettings", "Material", "resolve_chroma_settings", "widen_f32"]


@dataclass(frozen=True)
class Material:
    """A named preset: the reference's three values plus our solidity prior."""

    name: str
    threshold: float
    softness: float
    spill_suppression: float
    solid_level: float


MATERIALS: dict[str, Material] = {
    "standard": Material("standard", 28.0, 34.0, 0.85, 0.72),
    "soft-3d": Material("soft-3d", 60.0, 40.0, 0.20, 0.80),
    "flat-icon": Material("flat-icon", 32.0, 28.0, 0.75, 0.60),
    "sticker": Material("sticker", 45.0, 38.0, 0.45, 0.60),
    "glow": Material("glow", 18.0, 62.0, 0.15, 0.97),
}
_ALIASES = {"soft3d": "soft-3d"}


def widen_f32(value: float) -> float:
    """A setting as the reference reports it: rounded to float32, widened to double."""
    return float(np.float32(value))


@dataclass(frozen=True)
class ChromaSettings:
    """Resolved chroma settings. ``matte`` ``None`` means auto-sample."""

    threshold: float = 28.0
    softness: float = 34.0
    spill_suppression: float = 0.85
    material: str | None = None
    matte: RGB | None = None
    solid_level: float = MATERIALS["standard"].solid_level

    def with_matte(self, matte: RGB | None) -> ChromaSettings:
        return replace(self, matte=matte)


def resolve_chroma_settings(
    material: str | None = None,
    *,
    threshold: float | None = None,
    softness: float | None = None,
    spill_suppression: float | None = None,
    matte: RGB | None = None,
) -> ChromaSettings:
    """Start from the material preset (or the defaults) and override value by value.

    Values are rounded to float32 like the reference. An unknown material or a
    spill value outside [0, 1] raises ``invalid_argument``.
    """
    name = None
    preset = MATERIALS["standard"]
    if material is not None:
        key = _ALIASES.get(material, material)
        if key not in MATERIALS:
            raise AppError(
                "invalid_argument",
                f"Unknown material `{material}`.",
                {"value": material, "allowed": [*MATERIALS, *_ALIASES]},
            )
        preset, name = MATERIALS[key], key
    spill = preset.spill_suppression if spill_suppression is None else spill_suppression
    if not 0.0 <= spill <= 1.0:
        raise AppError(
            "invalid_argument", "spill_suppression must be between 0 and 1.", {"value": spill}
        )
    return ChromaSettings(
        threshold=widen_f32(preset.threshold if threshold is None else threshold),
        softness=widen_f32(preset.softness if softness is None else softness),
        spill_suppression=widen_f32(spill),
        material=name,
        matte=matte,
        solid_level=preset.solid_level,
    )
