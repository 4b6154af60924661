"""The ``verification`` object: gate, warnings and scores (spec §2.3-§2.6)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from .profiles import (
    MIN_OPAQUE_ALPHA,
    MIN_TRANSPARENT_RATIO,
    NONTRANSPARENT_ALPHA_MIN,
    TRANSPARENT_ALPHA_MAX,
    Profile,
)

if TYPE_CHECKING:
    from .verifier import Measurements

__all__ = ["WARNINGS", "VerifyReport", "build_report"]

WARNINGS = {
    "edge": "nontransparent pixels reach the image edge; consider adding margin before extraction",
    "no_partial": "no semi-transparent pixels detected",
    "checkerboard": "checkerboard-like pattern detected; visual transparency is not enough",
    "not_scrubbed": (
        "fully transparent pixels contain non-zero RGB values; "
        "scrub them to avoid compositing artifacts"
    ),
    "residue": "possible matte-color residue on semi-transparent edge pixels",
    "unchecked": (
        "matte residue was not checked; pass --expected-matte-color when verifying chroma outputs"
    ),
}


@dataclass(frozen=True)
class VerifyReport:
    """Every field of the reference's ``verification`` object, with its JSON type."""

    path: str
    profile: str
    width: int
    height: int
    is_png: bool
    color_type: str
    has_alpha: bool
    input_has_alpha: bool
    alpha_min: int
    alpha_max: int
    transparent_pixels: int
    partial_pixels: int
    opaque_pixels: int
    nontransparent_pixels: int
    transparent_ratio: float
    partial_ratio: float
    opaque_ratio: float
    edge_nontransparent_pixels: int
    edge_nontransparent_ratio: float
    touches_edge: bool
    edge_margin_px: int | None
    component_count: int
    largest_component_pixels: int
    stray_pixel_count: int
    largest_component_ratio: float
    alpha_noise_score: float
    matte_residue_score: float | None
    matte_residue_checked: bool
    halo_score: float
    transparent_rgb_scrubbed: bool
    checkerboard_detected: bool
    alpha_health_score: float
    residue_score: float
    quality_score: float
    bbox: dict[str, int] | None
    passed: bool
    failure_reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object, keys sorted as the reference prints them."""
        return dict(sorted(asdict(self).items()))


def _ratio(part: int, total: int) -> float:
    return part / total if total else 0.0


def _clamp01(value: float) -> float:
    return min(max(value, 0.0), 1.0)


def _failures(m: Measurements, spec: Profile, is_png: bool, has_alpha: bool) -> list[str]:
    n = m.pixels
    transparent_ratio = _ratio(m.transparent_pixels, n)
    nontransparent = m.nontransparent_pixels
    reasons: list[str] = []
    base = [
        ("not_png", not is_png),
        ("missing_alpha_channel", not has_alpha),
        ("checkerboard_detected", m.checkerboard_detected),
        ("empty_subject", nontransparent == 0),
        ("no_fully_transparent_pixels", m.alpha_min > TRANSPARENT_ALPHA_MAX),
        ("alpha_range_too_low", m.alpha_max < NONTRANSPARENT_ALPHA_MIN),
        ("transparent_area_too_small", transparent_ratio < MIN_TRANSPARENT_RATIO),
        ("transparent_rgb_not_scrubbed", not m.transparent_rgb_scrubbed),
    ]
    reasons.extend(code for code, hit in base if hit)
    if spec.requires_opaque and m.alpha_max < MIN_OPAQUE_ALPHA:
        reasons.append("profile_requires_opaque_pixels")
    if spec.requires_partial and m.partial_pixels == 0:
        reasons.append("profile_requires_partial_alpha")
    if spec.min_transparent_ratio is not None and transparent_ratio < spec.min_transparent_ratio:
        reasons.append("profile_transparent_area_too_small")
    if spec.edge_reason is not None and _touches(m):
        reasons.append(spec.edge_reason)
    if spec.max_noise is not None and nontransparent > 0:
        # Fix (quirk §5.8): an empty image is `empty_subject`, not also stray pixels.
        largest_ratio = _ratio(m.largest_component_pixels, nontransparent)
        noise = _ratio(nontransparent - m.largest_component_pixels, nontransparent)
        too_small = spec.min_largest_ratio is not None and largest_ratio < spec.min_largest_ratio
        if too_small or noise > spec.max_noise:
            reasons.append("too_many_stray_pixels")
    if (
        spec.max_matte_residue is not None
        and m.matte_residue_score is not None
        and m.matte_residue_score > spec.max_matte_residue
    ):
        reasons.append("matte_residue_too_high")
    return reasons


def _touches(m: Measurements) -> bool:
    return _margin(m) == 0


def _margin(m: Measurements) -> int | None:
    if m.bbox is None:
        return None
    x, y, w, h = m.bbox
    return min(x, y, m.width - (x + w), m.height - (y + h))


def _warnings(m: Measurements, spec: Profile, residue_checked: bool) -> list[str]:
    edge_ratio = _ratio(m.edge_nontransparent_pixels, m.perimeter)
    out: list[str] = []
    if _touches(m) or edge_ratio > 0.15:
        out.append(WARNINGS["edge"])
    if m.partial_pixels == 0:
        out.append(WARNINGS["no_partial"])
    if m.checkerboard_detected:
        out.append(WARNINGS["checkerboard"])
    if not m.transparent_rgb_scrubbed:
        out.append(WARNINGS["not_scrubbed"])
    if m.matte_residue_score is not None and m.matte_residue_score > 0.12:
        out.append(WARNINGS["residue"])
    if not residue_checked and spec.solid and m.partial_pixels > 0:
        out.append(WARNINGS["unchecked"])
    return out


def _alpha_health(m: Measurements, is_png: bool, has_alpha: bool) -> float:
    score = 1.0
    penalties = [
        (not is_png, 0.2),
        (not has_alpha, 0.45),
        (m.nontransparent_pixels == 0, 0.35),
        (m.alpha_min > TRANSPARENT_ALPHA_MAX, 0.2),
        (m.alpha_max < NONTRANSPARENT_ALPHA_MIN, 0.25),
        (_ratio(m.transparent_pixels, m.pixels) < MIN_TRANSPARENT_RATIO, 0.2),
        (m.checkerboard_detected, 0.35),
        (not m.transparent_rgb_scrubbed, 0.12),
    ]
    for hit, penalty in penalties:
        if hit:
            score -= penalty
    return _clamp01(score)


def build_report(
    m: Measurements,
    spec: Profile,
    *,
    path: str,
    is_png: bool,
    color_type: str,
    has_alpha: bool,
    residue_checked: bool,
) -> VerifyReport:
    """Apply ``spec`` to the measurements and assemble the report."""
    n = m.pixels
    nontransparent = m.nontransparent_pixels
    stray = nontransparent - m.largest_component_pixels
    noise = _ratio(stray, nontransparent)
    residue = m.matte_residue_score
    touches = _touches(m)
    reasons = _failures(m, spec, is_png, has_alpha)
    passed = not reasons

    residue_score = 1.0 - 0.35 * min(noise, 1.0)
    residue_score -= 0.35 * min(residue or 0.0, 1.0)
    residue_score -= 0.15 * min(m.halo_score, 1.0)
    if touches:
        residue_score -= 0.15
    quality = 1.0 if passed else 0.65
    if touches:
        quality -= 0.2
    if m.checkerboard_detected:
        quality -= 0.45
    if not m.transparent_rgb_scrubbed:
        quality -= 0.2
    quality -= 0.25 * min(noise, 1.0)
    quality -= 0.25 * min(residue or 0.0, 1.0)
    quality -= 0.10 * min(m.halo_score, 1.0)

    bbox = None
    if m.bbox is not None:
        x, y, w, h = m.bbox
        bbox = {"x": x, "y": y, "width": w, "height": h}
    return VerifyReport(
        path=path,
        profile=spec.name,
        width=m.width,
        height=m.height,
        is_png=is_png,
        color_type=color_type,
        has_alpha=has_alpha,
        input_has_alpha=has_alpha,
        alpha_min=m.alpha_min,
        alpha_max=m.alpha_max,
        transparent_pixels=m.transparent_pixels,
        partial_pixels=m.partial_pixels,
        opaque_pixels=m.opaque_pixels,
        nontransparent_pixels=nontransparent,
        transparent_ratio=_ratio(m.transparent_pixels, n),
        partial_ratio=_ratio(m.partial_pixels, n),
        opaque_ratio=_ratio(m.opaque_pixels, n),
        edge_nontransparent_pixels=m.edge_nontransparent_pixels,
        edge_nontransparent_ratio=_ratio(m.edge_nontransparent_pixels, m.perimeter),
        touches_edge=touches,
        edge_margin_px=_margin(m),
        component_count=m.component_count,
        largest_component_pixels=m.largest_component_pixels,
        stray_pixel_count=stray,
        largest_component_ratio=_ratio(m.largest_component_pixels, nontransparent),
        alpha_noise_score=noise,
        matte_residue_score=residue,
        matte_residue_checked=residue_checked,
        halo_score=m.halo_score,
        transparent_rgb_scrubbed=m.transparent_rgb_scrubbed,
        checkerboard_detected=m.checkerboard_detected,
        alpha_health_score=_alpha_health(m, is_png, has_alpha),
        residue_score=_clamp01(residue_score),
        quality_score=_clamp01(quality),
        bbox=bbox,
        passed=passed,
        failure_reasons=reasons,
        warnings=_warnings(m, spec, residue_checked),
    )
