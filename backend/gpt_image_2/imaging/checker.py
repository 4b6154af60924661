"""Fake-transparency (painted checkerboard) detection (spec §2.2, quirk §5.7).

Two detectors; the image is flagged when either fires:

* :func:`reference_checkerboard` is the reference's rule, kept exactly: cell
  sizes 8/16/32 on a grid anchored at (0, 0), per-channel floor-mean cell
  colours, two parity classes at least 25 apart and an RMSE below 18. It only
  catches a nearly pure checkerboard.
* :func:`robust_checkerboard` also finds a checkerboard that surrounds a
  subject or sits beside real transparent areas. It works on grey cell means
  of fully opaque cells (from integral images), tries more cell sizes and
  half-cell phases, fits the two parity levels with medians and counts the
  cells that agree with them, so subject cells are outliers instead of
  spoiling the fit.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from .profiles import MIN_OPAQUE_ALPHA, MIN_TRANSPARENT_RATIO

__all__ = ["detect_checkerboard", "reference_checkerboard", "robust_checkerboard"]

U8 = npt.NDArray[np.uint8]
_REF_CELLS = (8, 16, 32)
_ROBUST_CELLS = (8, 10, 12, 16, 20, 24, 32, 40, 48, 64)
_MIN_CONTRAST = 25.0
_MAX_RMSE = 18.0
_INLIER_TOLERANCE = 10.0
_MIN_INLIER_SHARE = 0.3
_MIN_INLIER_CELLS = 24
_ROBUST_MIN_OPAQUE_RATIO = 0.3


def reference_checkerboard(rgb: U8) -> bool:
    """The reference detector on an (H, W, 3) uint8 image (alpha plays no part)."""
    height, width = rgb.shape[:2]
    if width < 32 or height < 32:
        return False
    for cell in _REF_CELLS:
        cx, cy = width // cell, height // cell
        if cx < 4 or cy < 4:
            continue
        block = rgb[: cy * cell, : cx * cell].reshape(cy, cell, cx, cell, 3)
        cells = block.sum(axis=(1, 3), dtype=np.int64) // (cell * cell)
        parity = (np.add.outer(np.arange(cy), np.arange(cx)) % 2).astype(bool)
        mean_even = cells[~parity].mean(axis=0)
        mean_odd = cells[parity].mean(axis=0)
        if float(np.sqrt(((mean_even - mean_odd) ** 2).sum())) < _MIN_CONTRAST:
            continue
        expected = np.where(parity[..., None], mean_odd, mean_even)
        rmse = float(np.sqrt(((cells - expected) ** 2).sum() / (3 * cx * cy)))
        if rmse < _MAX_RMSE:
            return True
    return False


def _cell_grid(
    integral: npt.NDArray[np.int32], start: tuple[int, int], cell: int, shape: tuple[int, int]
) -> npt.NDArray[np.int64]:
    """Sums over a grid of ``cell``-sized squares starting at (x, y) from an integral image."""
    height, width = shape
    x0, y0 = start
    xs = np.arange(x0, width - cell + 1, cell)
    ys = np.arange(y0, height - cell + 1, cell)
    if xs.size == 0 or ys.size == 0:
        return np.zeros((0, 0), np.int64)
    ii = integral.astype(np.int64, copy=False)
    a = ii[np.ix_(ys, xs)]
    b = ii[np.ix_(ys, xs + cell)]
    c = ii[np.ix_(ys + cell, xs)]
    d = ii[np.ix_(ys + cell, xs + cell)]
    return np.asarray(d - b - c + a, np.int64)


def _fits(means: npt.NDArray[np.float64], valid: npt.NDArray[np.bool_]) -> bool:
    cy, cx = means.shape
    parity = (np.add.outer(np.arange(cy), np.arange(cx)) % 2).astype(bool)
    even, odd = valid & ~parity, valid & parity
    if np.count_nonzero(even) < 8 or np.count_nonzero(odd) < 8:
        return False
    level_even = float(np.median(means[even]))
    level_odd = float(np.median(means[odd]))
    if abs(level_even - level_odd) < _MIN_CONTRAST:
        return False
    expected = np.where(parity, level_odd, level_even)
    inliers = valid & (np.abs(means - expected) <= _INLIER_TOLERANCE)
    count = int(np.count_nonzero(inliers))
    if count < _MIN_INLIER_CELLS or count < _MIN_INLIER_SHARE * means.size:
        return False
    # Both colours must really alternate: each parity class contributes inliers.
    share_even = np.count_nonzero(inliers & ~parity) / count
    return bool(0.25 <= share_even <= 0.75)


def robust_checkerboard(rgba: U8) -> bool:
    """Checkerboard behind or beside a subject, on the opaque cells of an (H, W, 4) image."""
    height, width = rgba.shape[:2]
    if width < 64 or height < 64:
        return False
    grey = cv2.cvtColor(np.ascontiguousarray(rgba[..., :3]), cv2.COLOR_RGB2GRAY)
    opaque = (rgba[..., 3] >= MIN_OPAQUE_ALPHA).astype(np.uint8)
    grey_sum = np.asarray(cv2.integral(grey, sdepth=cv2.CV_32S), np.int32)
    opaque_sum = np.asarray(cv2.integral(opaque, sdepth=cv2.CV_32S), np.int32)
    for cell in _ROBUST_CELLS:
        if width // cell < 6 or height // cell < 6:
            continue
        area = cell * cell
        for start in ((0, 0), (cell // 2, 0), (0, cell // 2), (cell // 2, cell // 2)):
            sums = _cell_grid(grey_sum, start, cell, (height, width))
            full = _cell_grid(opaque_sum, start, cell, (height, width)) == area
            if _fits(sums.astype(np.float64) / area, full):
                return True
    return False


def detect_checkerboard(
    rgba: U8, *, has_alpha: bool, transparent_ratio: float, opaque_ratio: float
) -> bool:
    """Painted checkerboard in an (H, W, 4) uint8 image.

    The reference rule runs when the file has no alpha or almost no transparent
    pixels (its gate); the robust rule also runs when at least 30 % of the
    image is opaque, which is where a painted background must live.
    """
    if (not has_alpha or transparent_ratio < MIN_TRANSPARENT_RATIO) and reference_checkerboard(
        rgba[..., :3]
    ):
        return True
    if opaque_ratio >= _ROBUST_MIN_OPAQUE_RATIO or not has_alpha:
        return robust_checkerboard(rgba)
    return False
