"""Dual-background extraction: the same subject on a dark and a light matte (spec §1.5).

Per pixel ``D = a*F + (1 - a)*Bd`` and ``L = a*F + (1 - a)*Bl``, so
``L - D = (1 - a)(Bl - Bd)``. Fixes over the reference (decision 0002):

* the two backgrounds are sampled from the image borders instead of assumed to
  be pure black and white (off-black renders no longer bias alpha and colour);
* alpha is the least-squares solution over the three channels and the colour
  is recovered from *both* images, halving the rounding noise;
* pixels within the noise of the background (or of an opaque subject) snap to
  exactly 0 (or 255), so sensor noise does not produce speckle or 253s;
* pixels with alpha <= 5 keep their alpha and get RGB 0 instead of vanishing;
* pairs whose partial pixels contradict the model (misregistered or different
  content) are refused with ``transparent_input_mismatch``.

Only pixels that are neither background nor opaque are computed in float32.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from ..errors import AppError
from ._types import flat_indices, gather_px, in_halves, in_range, scatter_px, u8
from .alignment import AlignmentReport, alignment_report
from .matte import RGB, sample_matte
from .unmix import round_u8

__all__ = ["DualResult", "extract_dual"]

U8 = npt.NDArray[np.uint8]
F32 = npt.NDArray[np.float32]
_MIN_BACKGROUND_GAP = 64.0
_MIN_COVERAGE = 0.5
_MISMATCH_RATIO = 0.02
_MISMATCH_MIN_PIXELS = 32


@dataclass(frozen=True)
class DualResult:
    """(H, W, 4) uint8 RGBA output, the alignment report and the backgrounds used."""

    rgba: U8
    alignment: AlignmentReport
    dark_background: RGB
    light_background: RGB
    inconsistent_ratio: float


def _size(img: U8) -> dict[str, int]:
    return {"width": int(img.shape[1]), "height": int(img.shape[0])}


def _mismatch(
    message: str, dark: U8, light: U8, paths: tuple[str, str], **extra: object
) -> AppError:
    detail: dict[str, object] = {
        "dark_image": paths[0],
        "light_image": paths[1],
        "dark_size": _size(dark),
        "light_size": _size(light),
    }
    detail.update(extra)
    return AppError("transparent_input_mismatch", message, detail)


def _background(img: U8, nominal: RGB) -> tuple[RGB, float]:
    est = sample_matte(img)
    if est.coverage >= _MIN_COVERAGE:
        return est.color, est.noise
    return nominal, est.noise


def _in_box(img: U8, centre: RGB, tol: float) -> U8:
    lo = (*(max(0.0, c - tol) for c in centre), 0.0)
    hi = (*(min(255.0, c + tol) for c in centre), 255.0)
    return in_range(img, lo, hi)


def extract_dual(dark: U8, light: U8, *, paths: tuple[str, str] = ("", "")) -> DualResult:
    """Recover RGBA from (H, W, 4) uint8 dark- and light-background renders.

    Input alpha is ignored. ``paths`` only feed the error detail. Raises
    ``transparent_input_mismatch`` when sizes differ, the backgrounds do not
    differ, or the partial pixels contradict each other.
    """
    if dark.shape != light.shape:
        raise _mismatch(
            "Dual-background images must have identical dimensions.", dark, light, paths
        )
    dark = np.ascontiguousarray(dark)
    light = np.ascontiguousarray(light)
    # The advisory alignment report needs only the inputs: it runs on the other core.
    with ThreadPoolExecutor(1) as pool:
        return _extract(dark, light, paths, pool.submit(alignment_report, dark, light))


def _extract(
    dark: U8, light: U8, paths: tuple[str, str], alignment: Future[AlignmentReport]
) -> DualResult:
    bd, noise_d = _background(dark, (0, 0, 0))
    bl, noise_l = _background(light, (255, 255, 255))
    gap = np.array(bl, np.float32) - np.array(bd, np.float32)
    if float(np.sqrt((gap * gap).sum())) < _MIN_BACKGROUND_GAP:
        raise _mismatch(
            "Dual-background images must be rendered on clearly different backgrounds.",
            dark,
            light,
            paths,
            dark_background=list(bd),
            light_background=list(bl),
        )
    noise = max(noise_d, noise_l)
    tol = max(1.0, 4.5 * noise)
    background = u8(cv2.bitwise_and(_in_box(dark, bd, tol), _in_box(light, bl, tol)))
    # calloc'd output: only the pages that get opaque pixels are ever touched.
    out = np.zeros(dark.shape, np.uint8)
    # Rows with nothing but background stay (0, 0, 0, 0): the rest works on the band
    # of rows holding the subject (contiguous views, no copies).
    _, top, _, rows = cv2.boundingRect(cv2.bitwise_not(background))
    band = slice(top, top + rows)
    bad, partial = 0, 0
    if rows:
        bad, partial = _band(dark[band], light[band], background[band], out[band],
                             bd, bl, gap, tol, noise)
    partial = max(partial, 1)
    ratio = bad / partial
    if bad >= _MISMATCH_MIN_PIXELS and ratio > _MISMATCH_RATIO:
        raise _mismatch(
            "Dual-background images do not show the same aligned subject.",
            dark,
            light,
            paths,
            inconsistent_ratio=ratio,
            inconsistent_pixels=bad,
        )
    return DualResult(
        rgba=out,
        alignment=alignment.result(),
        dark_background=bd,
        light_background=bl,
        inconsistent_ratio=ratio,
    )


def _band(
    dark: U8, light: U8, background: U8, out: U8, bd: RGB, bl: RGB, gap: F32, tol: float,
    noise: float,
) -> tuple[int, int]:
    """Key rows of the pair (contiguous (h, W, 4) views) into the zeroed ``out`` rows;
    (contradicting pixels, partial pixels)."""
    same = cv2.inRange(cv2.absdiff(dark, light), (0, 0, 0, 0), (tol, tol, tol, 255))
    opaque = cv2.bitwise_and(same, cv2.bitwise_not(background))
    mean = cv2.addWeighted(dark, 0.5, light, 0.5, 0.0)
    if cv2.copyTo(mean, opaque, out) is not out:  # pragma: no cover - OpenCV reallocated
        out[...] = u8(cv2.bitwise_and(mean, mean, mask=opaque))
    del mean
    out[..., 3] = opaque
    idx = flat_indices(u8(cv2.bitwise_not(cv2.bitwise_or(background, opaque))))
    if not idx.size:
        return 0, 0
    bad = in_halves(lambda part: _solve(dark, light, out, part, bd, bl, gap, tol, noise), idx)
    return sum(bad), int(idx.size)


def _solve(
    dark: U8,
    light: U8,
    out: U8,
    idx: npt.NDArray[np.intp],
    bd: RGB,
    bl: RGB,
    gap: F32,
    tol: float,
    noise: float,
) -> int:
    """Alpha/colour of pixels ``idx``; returns how many contradict the model.

    Works column by column on (n,) float32 arrays (faster than (n, 3) broadcasting).
    """
    dpx = gather_px(dark, idx)
    lpx = gather_px(light, idx)
    d = [dpx[:, c].astype(np.float32) for c in range(3)]
    lt = [lpx[:, c].astype(np.float32) for c in range(3)]
    g = [np.float32(v) for v in gap]
    norm = np.float32(sum(float(v) * float(v) for v in gap))
    delta = [lt[c] - d[c] for c in range(3)]
    beta = (delta[0] * g[0] + delta[1] * g[1] + delta[2] * g[2]) / norm  # 1 - alpha
    np.clip(beta, 0.0, 1.0, out=beta)
    alpha = np.float32(1.0) - beta
    if noise > 0:
        # Alpha noise is about noise/255 per pixel: drop what it alone can explain.
        floor = np.float32(3.0 * noise / 255.0)
        alpha[alpha < floor] = 0.0
        alpha[alpha > np.float32(1.0) - floor] = 1.0
        beta = np.float32(1.0) - alpha
    err2 = np.zeros(idx.size, np.float32)
    for c in range(3):
        r = delta[c] - beta * g[c]
        err2 += r * r
    limit = np.float32(24.0 + 4.0 * tol)
    bad = int(np.count_nonzero((err2 > limit * limit) & (alpha >= np.float32(0.05))))
    half_inv = np.float32(0.5) / np.maximum(alpha, np.float32(1.0 / 255.0))
    a8 = round_u8(alpha * np.float32(255.0))
    result = np.empty((idx.size, 4), np.uint8)
    for c in range(3):
        base = np.float32(bd[c] + bl[c])
        colour = (d[c] + lt[c] - beta * base) * half_inv
        result[:, c] = round_u8(np.clip(colour, 0.0, 255.0))
    result[:, 3] = a8
    result[a8 <= 5, :3] = 0
    scatter_px(out, idx, result)
    return bad
