"""Subset helpers shared by the extractors: band colours, projection, final pixels.

All functions work on a subset of pixels given by flat indices ``idx`` into an
(H, W) image; per-pixel arrays are (n,) or (n, 3) float32 unless stated.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from ._types import scatter_px
from .matte import RGB, matte_channels

__all__ = ["band_colours", "finish_pixels", "near_core", "project_alpha", "round_u8"]

U8 = npt.NDArray[np.uint8]
F32 = npt.NDArray[np.float32]
BoolArr = npt.NDArray[np.bool_]
_BAND_RADIUS = 2
_MIN_FIT_CONTRAST = 20.0


def round_u8(values: F32) -> U8:
    """Round half away from zero (values are >= 0 here), clip to 0..255, as uint8."""
    return np.clip(np.floor(values + np.float32(0.5)), 0, 255).astype(np.uint8)  # type: ignore[no-any-return]


def near_core(core: U8) -> U8:
    """(H, W) mask of pixels within the band radius of a core pixel of ``core`` (H, W)."""
    size = 2 * _BAND_RADIUS + 1
    return cv2.dilate(core, np.ones((size, size), np.uint8))  # type: ignore[return-value]


def band_colours(
    px: U8, idx: npt.NDArray[np.intp], core: U8, rgba: U8, near_map: U8 | None = None
) -> tuple[F32, BoolArr]:
    """Mean colour of solid-core pixels within 2 px of each pixel in ``idx``.

    ``px`` is (n, 4) uint8, ``core`` an (H, W) 0/255 mask, ``rgba`` (H, W, 4),
    ``near_map`` :func:`near_core` of ``core`` (computed when not given).
    Returns (n, 3) float32 colours (0 where no core pixel is near) and a (n,)
    bool mask of pixels that have one.
    """
    height, width = core.shape
    if near_map is None:
        near_map = near_core(core)
    near = near_map.reshape(-1)[idx] > 0
    colour = np.zeros((idx.size, 3), np.float32)
    if not near.any():
        return colour, near
    sel = idx[near]
    ys, xs = np.divmod(sel, width)
    flat_core = core.reshape(-1)
    flat_rgb = rgba.reshape(-1, 4)
    total = np.zeros((sel.size, 3), np.float32)
    count = np.zeros(sel.size, np.float32)
    for dy in range(-_BAND_RADIUS, _BAND_RADIUS + 1):
        yy = np.clip(ys + dy, 0, height - 1)
        for dx in range(-_BAND_RADIUS, _BAND_RADIUS + 1):
            xx = np.clip(xs + dx, 0, width - 1)
            nb = yy * width + xx
            hit = flat_core[nb] > 0
            count += hit
            total += flat_rgb[nb, :3] * hit[:, None]
    colour[near] = total / np.maximum(count, 1.0)[:, None]
    found = np.zeros(idx.size, bool)
    found[near] = count > 0
    return colour, found


def project_alpha(px: U8, colour: F32, matte: RGB, noise: float) -> tuple[F32, BoolArr]:
    """Coverage of each pixel (n, 4) along the matte -> neighbour-colour (n, 3) line.

    Returns (alpha (n,), ok (n,)): ``ok`` marks pixels whose neighbour colour is far
    enough from the matte and that lie close to that line, so that
    ``C = a*F' + (1 - a)*M`` explains them.
    """
    m = np.array(matte, np.float32)
    v = px[:, :3].astype(np.float32) - m
    u = colour - m
    uu = np.einsum("ij,ij->i", u, u)
    vu = np.einsum("ij,ij->i", v, u)
    alpha = np.clip(vu / np.maximum(uu, np.float32(1.0)), 0.0, 1.0).astype(np.float32)
    resid = v - alpha[:, None] * u
    err = np.sqrt(np.einsum("ij,ij->i", resid, resid))
    vlen = np.sqrt(np.einsum("ij,ij->i", v, v))
    tol = np.float32(10.0 + 6.0 * noise) + np.float32(0.1) * vlen
    ok = (uu >= _MIN_FIT_CONTRAST**2) & (err <= tol)
    return alpha, ok


def finish_pixels(
    out: U8,
    idx: npt.NDArray[np.intp],
    px: U8,
    alpha: F32,
    colour: F32,
    use_colour: BoolArr,
    spill: F32,
    matte: RGB,
) -> None:
    """Write RGBA for the pixels ``idx`` of ``out`` (H, W, 4).

    Colours are un-mixed from the matte, and matte hue left in them is reduced by
    ``spill`` (n,); where ``use_colour`` they lean on the neighbour colour
    ``colour`` at low alpha. The output alpha never exceeds the source alpha;
    alpha <= 5 gets RGB 0. Works channel-major, (3, n), so that every array
    operation is contiguous.
    """
    a = np.clip(alpha, 0.0, 1.0)
    inv = np.float32(1.0) / np.maximum(a, np.float32(1.0 / 255.0))
    rgb = np.empty((3, idx.size), np.float32)
    for c in range(3):
        channel = rgb[c]
        np.subtract(px[:, c], np.float32(matte[c]), out=channel, dtype=np.float32)
        channel *= inv
        channel += np.float32(matte[c])
    np.clip(rgb, 0.0, 255.0, out=rgb)
    split = matte_channels(matte)
    if split is not None:
        dominant, other = split
        ref = rgb[other[0]].copy()
        for c in other[1:]:
            np.maximum(ref, rgb[c], out=ref)
        for c in dominant:
            excess = np.maximum(rgb[c] - ref, np.float32(0.0))
            rgb[c] -= excess * spill
    if use_colour.any():
        # Band pixels: trust the neighbour colour at low coverage, the un-mixed one at high.
        sel = np.flatnonzero(use_colour)
        w = np.clip((a[sel] - np.float32(0.25)) * np.float32(2.0), 0.0, 1.0)
        for c in range(3):
            rgb[c, sel] = w * rgb[c, sel] + (np.float32(1.0) - w) * colour[sel, c]
    a8 = np.minimum(_round_unit(a * np.float32(255.0)), px[:, 3])
    keep = a8 > 5
    result = np.empty((idx.size, 4), np.uint8)
    for c in range(3):
        # 0 <= value <= 255 here, so truncating value + 0.5 is round-half-up (= round_u8).
        result[:, c] = _round_unit(rgb[c]) * keep
    result[:, 3] = a8
    scatter_px(out, idx, result)


def _round_unit(values: F32) -> U8:
    """``round_u8`` for values already in [0, 255] (no clipping pass needed)."""
    return (values + np.float32(0.5)).astype(np.uint8)
