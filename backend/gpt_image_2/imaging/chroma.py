"""Chroma-key extraction by matte unmixing (spec §1.4, fixes in decision 0002).

The reference keys on the distance to the matte alone, so edges come out
nearly binary and translucent subjects come out opaque and matte-tinted. Here
every pixel is read as ``C = a*F + (1 - a)*M`` and ``a`` is estimated from two
bounds plus the neighbourhood:

* ``a_lo``, the *cube bound*: the smallest ``a`` for which ``F`` stays inside
  the RGB cube. Exact whenever ``F`` touches the cube boundary (bright,
  saturated glows and glass; black shadows).
* ``a_hi``, the *matte-hue bound*: ``1 - e(C)/e(M)`` with ``e`` the excess of
  the matte's dominant channels over the others. Under the prior that the
  subject itself is not matte-hued (the generation prompt forbids it), ``a``
  cannot exceed it.
* Colours whose ``a_hi`` is above the material's ``solid_level`` are solid
  (``a = 1``). Their antialiased rim (the *band*, up to 2 px outside a solid
  core) gets ``a`` by projecting ``C - M`` onto ``F' - M``, where ``F'`` is the
  mean colour of the nearby core pixels, so edges follow real coverage.
* Everything else is translucent: ``a`` is the midpoint of the two bounds,
  blended to 1 over ``softness`` as the colour approaches ``solid_level``.

Colours of partial pixels are un-mixed (``F = M + (C - M)/a``) and any matte
hue left over is reduced by ``spill_suppression``; solid pixels keep their
colour exactly. Pixels within the noise tolerance of the matte are
``(0, 0, 0, 0)``; pixels with alpha <= 5 get RGB 0 (scrubbed) but keep alpha.
Work on partial pixels is done on the subset only, in float32.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from ._types import flat_indices, gather_px, in_halves, in_range, scatter_px, u8
from .matte import RGB, border_noise, matte_channels, sample_matte
from .presets import ChromaSettings
from .profiles import TRANSPARENT_ALPHA_MAX
from .unmix import band_colours, finish_pixels, near_core, project_alpha

__all__ = ["ChromaResult", "extract_chroma"]

U8 = npt.NDArray[np.uint8]
F32 = npt.NDArray[np.float32]
_PRIOR_WEIGHT = np.float32(0.5)
_MIN_HUE_CONTRAST = 96
# Below this matte-hue alpha bound a colour is always a see-through tint.
_STRONG_TINT_LEVEL = 0.45
_MARGIN = 4
# Solid pixels this close to a non-solid one are re-measured by projection.
_CORE_KERNEL = np.ones((3, 3), np.uint8)
# 8-neighbourhood without the centre: dilating with it marks pixels that have a neighbour.
_RING_KERNEL = np.array([[1, 1, 1], [1, 0, 1], [1, 1, 1]], np.uint8)
# Look for lone noise pixels when the subject's box covers more than this share.
_LONE_CHECK_SHARE = 0.25
_SQRT3 = float(np.sqrt(3.0))


@dataclass(frozen=True)
class ChromaResult:
    """Output of :func:`extract_chroma`: (H, W, 4) uint8 RGBA and the matte used."""

    rgba: U8
    matte: RGB
    matte_source: str  # "provided" | "auto-sampled"
    tolerance: float  # per-channel background tolerance actually used


def _tolerance(noise: float, threshold: float) -> float:
    cap = max(threshold, 0.0) / _SQRT3
    return float(min(max(2.0, 3.5 * noise + 2.0), cap))


def _cube_luts(matte: RGB) -> F32:
    """(3, 256) float32: per-channel lower bound on alpha for each sample value."""
    v = np.arange(256, dtype=np.float32)
    out = np.zeros((3, 256), np.float32)
    for c, m in enumerate(matte):
        up = (v - m) / np.float32(255 - m) if m < 255 else np.zeros(256, np.float32)
        down = (m - v) / np.float32(m) if m > 0 else np.zeros(256, np.float32)
        out[c] = np.where(v > m, up, down)
    return out


def _hue_excess(planes: list[U8], split: tuple[tuple[int, ...], tuple[int, ...]]) -> U8:
    """min over dominant channels minus max over the others, saturated at 0 (H, W) uint8."""
    dominant, other = split
    top = planes[dominant[0]]
    for c in dominant[1:]:
        top = u8(cv2.min(top, planes[c]))
    base = planes[other[0]]
    for c in other[1:]:
        base = u8(cv2.max(base, planes[c]))
    return u8(cv2.subtract(top, base))


def _distance_u8(rgba: U8, matte: RGB) -> U8:
    """Euclidean distance to the matte, rounded and clipped to 255, (H, W) uint8."""
    diff = rgba[..., :3].astype(np.int32) - np.array(matte, np.int32)
    dist = np.sqrt((diff * diff).sum(axis=2).astype(np.float32))
    return u8(np.minimum(dist + 0.5, 255).astype(np.uint8))


def _background(rgba: U8, matte: RGB, tol: float) -> U8:
    """(H, W) 0/255 mask of pixels whose channels are all within ``tol`` of the matte."""
    lo = (*(max(0.0, m - tol) for m in matte), 0.0)
    hi = (*(min(255.0, m + tol) for m in matte), 255.0)
    return in_range(rgba, lo, hi)


def _close_enclosed(solid: U8, moderate: U8, background: U8) -> None:
    """Mark moderately matte-hued pixels solid when no see-through path reaches the matte.

    A tint of the matte must show the matte around it; a matte-ish colour fully
    enclosed by solid colour (a green emblem on a badge) is a subject colour.
    Works in place on ``solid`` (H, W) 0/255.
    """
    mod_idx = flat_indices(moderate)
    if mod_idx.size == 0:
        return
    undecided = cv2.bitwise_not(cv2.bitwise_or(solid, background))
    count, labels = cv2.connectedComponents(undecided, connectivity=8)
    # Components that touch the background (8-neighbourhood) are open.
    ring = cv2.bitwise_and(cv2.dilate(background, np.ones((3, 3), np.uint8)), undecided)
    flat = labels.reshape(-1)
    open_label = np.zeros(count, bool)
    open_label[flat[flat_indices(ring)]] = True
    closed = mod_idx[~open_label[flat[mod_idx]]]
    solid.reshape(-1)[closed] = 255


def _classify(
    rgba: U8, matte: RGB, background: U8, settings: ChromaSettings, *, enclosure: bool = True
) -> tuple[U8, U8, float, int]:
    """Solid mask, per-pixel score, score->a_hi scale and the matte's hue range.

    For saturated mattes the score is the matte-hue excess ``e`` and
    ``a_hi = 1 + scale*e``; otherwise it is the distance to the matte (scale 0).
    ``enclosure=False`` skips :func:`_close_enclosed` (for lone pixels, which
    always touch the matte).
    """
    split = matte_channels(matte)
    hue_range = 0
    if split is not None:
        hue_range = min(matte[c] for c in split[0]) - max(matte[c] for c in split[1])
    if split is None or hue_range < _MIN_HUE_CONTRAST:
        # Black, white, grey or weak mattes carry no hue: fall back to distance.
        score = _distance_u8(rgba, matte)
        solid_min = min(max(settings.threshold + max(settings.softness, 1.0), 1.0), 254.0)
        _, solid = cv2.threshold(score, solid_min, 255, cv2.THRESH_BINARY)
        return u8(cv2.bitwise_and(solid, cv2.bitwise_not(background))), score, 0.0, 0
    needed = {*split[0], *split[1]}
    planes = [u8(cv2.extractChannel(rgba, c)) if c in needed else rgba[..., c] for c in range(3)]
    score = _hue_excess(planes, split)
    solid_max = int((1.0 - settings.solid_level) * hue_range)
    strong_max = int((1.0 - _STRONG_TINT_LEVEL) * hue_range)
    _, solid = cv2.threshold(score, solid_max, 255, cv2.THRESH_BINARY_INV)
    solid = u8(cv2.bitwise_and(solid, cv2.bitwise_not(background)))
    if enclosure and strong_max > solid_max:
        moderate = cv2.inRange(score, solid_max + 1, strong_max)
        moderate = u8(cv2.bitwise_and(moderate, cv2.bitwise_not(background)))
        _close_enclosed(solid, moderate, background)
    return solid, score, -1.0 / hue_range, hue_range


def _lone_split(subject: U8) -> tuple[tuple[int, int, int, int], U8 | None]:
    """Bounding box of the non-matte pixels that have a non-matte 8-neighbour, plus the rest.

    Sensor noise leaves a few pixels just outside the matte tolerance all over
    the frame, so the plain bounding box is the whole image. A *lone* pixel
    (all 8 neighbours are matte) is keyed from its own colour only (it is never
    solid core, never enclosed, and has no core pixel within the band radius
    once it lies outside the margin), so lone pixels outside the box are solved
    on their own and the box shrinks back to the subject.
    """
    has_neighbour = u8(cv2.dilate(subject, _RING_KERNEL))
    joined = u8(cv2.bitwise_and(subject, has_neighbour))
    box = cv2.boundingRect(joined)
    lone = u8(cv2.bitwise_and(subject, cv2.bitwise_not(has_neighbour)))
    return (int(box[0]), int(box[1]), int(box[2]), int(box[3])), lone


def _solve_lone(
    rgba: U8, out: U8, flat_idx: npt.NDArray[np.intp], matte: RGB, noise: float, tol: float,
    settings: ChromaSettings,
) -> None:
    """Key lone pixels (flat indices into (H, W)) as a 1-row strip, written into ``out``."""
    strip = gather_px(rgba, flat_idx).reshape(1, flat_idx.size, 4)
    no_matte = np.zeros((1, flat_idx.size), np.uint8)
    _, score, scale, _ = _classify(strip, matte, no_matte, settings, enclosure=False)
    strip_out = np.zeros_like(strip)
    _solve(strip, strip_out, np.arange(flat_idx.size), no_matte, score, scale, matte, noise,
           tol, settings)
    scatter_px(out, flat_idx, strip_out[0])


def extract_chroma(rgba: U8, settings: ChromaSettings) -> ChromaResult:
    """Key an (H, W, 4) uint8 RGBA image shot on a flat matte into RGBA (H, W, 4) uint8."""
    if rgba.ndim != 3 or rgba.shape[2] != 4 or rgba.dtype != np.uint8:
        raise ValueError("extract_chroma expects an (H, W, 4) uint8 array")
    rgba = np.ascontiguousarray(rgba)
    height, width = int(rgba.shape[0]), int(rgba.shape[1])
    if settings.matte is None:
        est = sample_matte(rgba)
        matte, source, noise = est.color, "auto-sampled", est.noise
    else:
        matte, source = settings.matte, "provided"
        noise = border_noise(rgba, matte)
    tol = _tolerance(noise, settings.threshold)
    out = np.zeros(rgba.shape, np.uint8)  # calloc: untouched pages cost nothing
    background = _background(rgba, matte, tol)
    subject = u8(cv2.bitwise_not(background))
    x, y, w, h = cv2.boundingRect(subject)
    lone: U8 | None = None
    if w * h > _LONE_CHECK_SHARE * height * width:
        (x, y, w, h), lone = _lone_split(subject)
    if w > 0 and h > 0:
        # Work on the bounding box of non-background pixels plus a margin.
        x0, y0 = max(x - _MARGIN, 0), max(y - _MARGIN, 0)
        x1, y1 = min(x + w + _MARGIN, width), min(y + h + _MARGIN, height)
        _key_box(rgba, out, background, (x0, y0, x1, y1), matte, noise, tol, settings)
        if lone is not None:
            lone[y0:y1, x0:x1] = 0  # lone pixels inside the box were keyed with it
    if lone is not None:
        idx = flat_indices(lone)
        if idx.size:
            _solve_lone(rgba, out, idx, matte, noise, tol, settings)
    return ChromaResult(rgba=out, matte=matte, matte_source=source, tolerance=tol)


def _key_box(
    rgba: U8, out: U8, background: U8, box: tuple[int, int, int, int], matte: RGB,
    noise: float, tol: float, settings: ChromaSettings,
) -> None:
    """Key the pixels of ``box`` (x0, y0, x1, y1) of ``rgba`` into the zeroed ``out``.

    A box spanning the full width is a contiguous block of rows, worked on in
    place (no copies of the input or the output).
    """
    x0, y0, x1, y1 = box
    full_width = x0 == 0 and x1 == rgba.shape[1]
    if full_width:
        roi, roi_bg, roi_out = rgba[y0:y1], background[y0:y1], out[y0:y1]
    else:
        roi = np.ascontiguousarray(rgba[y0:y1, x0:x1])
        roi_bg = np.ascontiguousarray(background[y0:y1, x0:x1])
        roi_out = np.zeros_like(roi)
    solid, score, scale, _ = _classify(roi, matte, roi_bg, settings)
    core = u8(cv2.erode(solid, _CORE_KERNEL, borderType=cv2.BORDER_REPLICATE))
    kept = cv2.bitwise_and(roi, roi, dst=roi_out, mask=core)
    if kept is not roi_out:  # OpenCV wrote a new array instead of the view
        roi_out[...] = kept
    todo = cv2.bitwise_not(cv2.bitwise_or(core, roi_bg))
    idx = flat_indices(todo)
    if idx.size:
        near = near_core(core)
        in_halves(lambda part: _solve(roi, roi_out, part, core, score, scale, matte, noise,
                                      tol, settings, near), idx)
    if int(cv2.minMaxLoc(cv2.extractChannel(roi, 3))[0]) <= TRANSPARENT_ALPHA_MAX:
        # Source alpha can lower opaque pixels into the transparent class: scrub them.
        roi_out[roi_out[..., 3] <= TRANSPARENT_ALPHA_MAX, :3] = 0
    if not full_width:
        out[y0:y1, x0:x1] = roi_out


def _solve(
    rgba: U8,
    out: U8,
    idx: npt.NDArray[np.intp],
    core: U8,
    score: U8,
    scale: float,
    matte: RGB,
    noise: float,
    tol: float,
    settings: ChromaSettings,
    near: U8 | None = None,
) -> None:
    """Alpha and colour of the undecided pixels ``idx`` (flat indices), written into ``out``
    (``near``: :func:`~.unmix.near_core` of ``core``, computed when not given)."""
    px = gather_px(rgba, idx)
    luts = _cube_luts(matte)
    a_lo = np.maximum(np.maximum(luts[0][px[:, 0]], luts[1][px[:, 1]]), luts[2][px[:, 2]])
    s = score.reshape(-1)[idx].astype(np.float32)
    if scale < 0:
        a_hi = np.clip(np.float32(1.0) + s * np.float32(scale), 0.0, 1.0).astype(np.float32)
        top = np.float32(settings.solid_level)
        width = np.float32(max(settings.softness / 255.0, 0.02))
        solid_w = np.clip((a_hi - (top - width)) / width, 0.0, 1.0)
    else:
        a_hi = np.ones_like(a_lo)
        start = np.float32(max(settings.threshold, 0.0))
        width = np.float32(max(settings.softness, 1.0))
        solid_w = np.clip((s - start) / width, 0.0, 1.0)
    solid_w = solid_w * solid_w * (np.float32(3.0) - np.float32(2.0) * solid_w)
    a_t = a_lo + _PRIOR_WEIGHT * np.maximum(a_hi - a_lo, np.float32(0.0))
    # Noise just outside the background tolerance must not become faint specks.
    floor = np.float32(1.5 * max(tol - 2.0, 0.0) / 255.0)
    if floor > 0:
        a_t = np.where(a_t < floor, np.float32(0.0), a_t)
    alpha = solid_w + (np.float32(1.0) - solid_w) * a_t

    colour, fitted = band_colours(px, idx, core, rgba, near)
    fit_ok = np.zeros(idx.size, bool)
    sel = np.flatnonzero(fitted)
    if sel.size:
        fit_alpha, ok = project_alpha(px[sel], colour[sel], matte, noise)
        alpha[sel[ok]] = fit_alpha[ok]
        fit_ok[sel[ok]] = True
    spill = (np.float32(settings.spill_suppression) * (np.float32(1.0) - solid_w)).astype(
        np.float32
    )
    spill[fit_ok] = 0.0
    finish_pixels(out, idx, px, alpha, colour, fit_ok, spill, matte)
