"""The nine verification profiles (spec/transparent.md §2.4) as data.

A profile adds checks after the base gate. Each rule is a field here so that
:mod:`verify` evaluates every profile with one code path.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import AppError

__all__ = [
    "MIN_OPAQUE_ALPHA",
    "MIN_TRANSPARENT_RATIO",
    "NONTRANSPARENT_ALPHA_MIN",
    "PROFILES",
    "PROFILE_NAMES",
    "TRANSPARENT_ALPHA_MAX",
    "Profile",
    "get_profile",
]

TRANSPARENT_ALPHA_MAX = 5
NONTRANSPARENT_ALPHA_MIN = 20
MIN_OPAQUE_ALPHA = 250
MIN_TRANSPARENT_RATIO = 0.005
_STRICT_MIN_TRANSPARENT_RATIO = 0.05
_EFFECT_MIN_TRANSPARENT_RATIO = 0.02


@dataclass(frozen=True)
class Profile:
    """Extra gate rules of one profile; ``None`` disables a rule.

    * ``requires_opaque`` adds ``profile_requires_opaque_pixels`` (alpha_max < 250).
    * ``requires_partial`` adds ``profile_requires_partial_alpha`` (no partial pixels).
    * ``min_transparent_ratio`` adds ``profile_transparent_area_too_small``.
    * ``edge_reason`` is the code added when the subject touches the edge.
    * ``min_largest_ratio``/``max_noise`` drive ``too_many_stray_pixels``.
    * ``max_matte_residue`` drives ``matte_residue_too_high`` (only when checked).
    * ``solid`` profiles warn when matte residue was not checked.
    """

    name: str
    solid: bool = False
    requires_opaque: bool = False
    requires_partial: bool = False
    min_transparent_ratio: float | None = None
    edge_reason: str | None = None
    min_largest_ratio: float | None = None
    max_noise: float | None = None
    max_matte_residue: float | None = None


def _solid(name: str, largest: float | None, noise: float, residue: float) -> Profile:
    return Profile(
        name=name,
        solid=True,
        requires_opaque=True,
        min_transparent_ratio=_STRICT_MIN_TRANSPARENT_RATIO,
        edge_reason="subject_touches_edge",
        min_largest_ratio=largest,
        max_noise=noise,
        max_matte_residue=residue,
    )


def _soft(name: str) -> Profile:
    return Profile(
        name=name,
        requires_partial=True,
        min_transparent_ratio=_EFFECT_MIN_TRANSPARENT_RATIO,
        edge_reason="effect_touches_edge",
    )


PROFILES: dict[str, Profile] = {
    "generic": Profile(name="generic"),
    "icon": _solid("icon", 0.92, 0.08, 0.18),
    "product": _solid("product", 0.92, 0.08, 0.18),
    "sticker": _solid("sticker", 0.75, 0.25, 0.22),
    "seal": _solid("seal", None, 0.60, 0.24),
    "translucent": _soft("translucent"),
    "glow": _soft("glow"),
    "shadow": _soft("shadow"),
    "effect": Profile(
        name="effect",
        min_transparent_ratio=_EFFECT_MIN_TRANSPARENT_RATIO,
        edge_reason="effect_touches_edge",
    ),
}
PROFILE_NAMES: tuple[str, ...] = tuple(PROFILES)


def get_profile(name: str) -> Profile:
    """Look a profile up by name; unknown names raise ``invalid_argument``."""
    try:
        return PROFILES[name]
    except KeyError:
        raise AppError(
            "invalid_argument",
            f"Unknown transparent profile `{name}`.",
            {"value": name, "allowed": list(PROFILE_NAMES)},
        ) from None
