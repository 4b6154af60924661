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
_REF_CELLS = (8, 16, 32)  # each a multiple of the first
_ROBUST_CELLS = (8, 10, 12, 16, 20, 24, 32, 40, 48, 64)
_MIN_CONTRAST = 25.0
_MAX_RMSE = 18.0
_INLIER_TOLERANCE = 10.0
_MIN_INLIER_SHARE = 0.3
_MIN_INLIER_CELLS = 24
_ROBUST_MIN_OPAQUE_RATIO = 0.3


def _block_sums(plane: U8, cell: int) -> npt.NDArray[np.int64]:
    """Sums of the full ``cell`` x ``cell`` blocks of an (H, W) uint8 plane, grid at (0, 0)."""
    height, width = plane.shape
    cy, cx = height // cell, width // cell
    rows = plane[: cy * cell].reshape(cy, cell, width).sum(axis=1, dtype=np.int32)
    return np.asarray(rows[:, : cx * cell].reshape(cy, cx, cell).sum(axis=2, dtype=np.int64))


def reference_checkerboard(rgb: U8) -> bool:
    """The reference detector on an (H, W, 3+) uint8 image (channels 0-2; alpha plays no part)."""
    height, width = rgb.shape[:2]
    if width < 32 or height < 32:
        return False
    # 8 px block sums per channel (one pass over each plane); the 16 and 32 px cells
    # of the same grid are sums of 2x2 and 4x4 of them. (Summing (cy, cell, cx, cell, 3)
    # blocks of the strided RGB view took over 1 s at 4K.)
    base = _REF_CELLS[0]
    contiguous = rgb.flags.c_contiguous
    planes = [
        cv2.extractChannel(rgb, c) if contiguous else np.ascontiguousarray(rgb[..., c])
        for c in range(3)
    ]
    small = np.stack([_block_sums(np.asarray(p, np.uint8), base) for p in planes], axis=-1)
    for cell in _REF_CELLS:
        cx, cy = width // cell, height // cell
        if cx < 4 or cy < 4:
            continue
        k = cell // base
        cells = small[: cy * k, : cx * k].reshape(cy, k, cx, k, 3).sum(axis=(1, 3)) // (
            cell * cell)
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
    """Sums over a grid of ``cell``-sized squares starting at (x, y) from an integral image.

    The corners are strided views (no gathering); the sums use wrapping int32
    arithmetic, exact because a cell's sum is far below 2**31 even where the
    integral itself wrapped on a large bright image.
    """
    height, width = shape
    x0, y0 = start
    nx = (width - cell - x0) // cell + 1 if width - cell >= x0 else 0
    ny = (height - cell - y0) // cell + 1 if height - cell >= y0 else 0
    if nx <= 0 or ny <= 0:
        return np.zeros((0, 0), np.int64)
    x1, y1 = x0 + nx * cell, y0 + ny * cell
    top = integral[y0:y1:cell]
    bottom = integral[y0 + cell : y1 + 1 : cell]
    with np.errstate(over="ignore"):
        sums = (bottom[:, x0 + cell : x1 + 1 : cell] - bottom[:, x0:x1:cell]
                - top[:, x0 + cell : x1 + 1 : cell] + top[:, x0:x1:cell])
    return np.asarray(sums, np.int32).astype(np.int64)


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
    grey = cv2.cvtColor(rgba, cv2.COLOR_RGBA2GRAY)  # same weights as RGB2GRAY, no copy
    _, opaque = cv2.threshold(cv2.extractChannel(rgba, 3), MIN_OPAQUE_ALPHA - 1, 1,
                              cv2.THRESH_BINARY)
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
        rgba
    ):
        return True
    if opaque_ratio >= _ROBUST_MIN_OPAQUE_RATIO or not has_alpha:
        return robust_checkerboard(rgba)
    return False
