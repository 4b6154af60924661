"""Edge-quality scores over partial pixels: halo and matte residue (spec §2.2).

Both take only the partial pixels (5 < alpha < 250) as an (n, 3|4) uint8 array
and use float64 arithmetic in the reference's evaluation order.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .matte import RGB, matte_channels

__all__ = ["halo_score", "matte_residue_score"]

U8 = npt.NDArray[np.uint8]
_SQRT3_F64 = float(np.sqrt(3.0))


def halo_score(rgb: U8) -> float:
    """Fraction of pixels (n, 3) that are near-black/near-white and nearly grey."""
    n = rgb.shape[0]
    if n == 0:
        return 0.0
    r, g, b = rgb[:, 0], rgb[:, 1], rgb[:, 2]
    luma = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255.0
    spread = np.maximum(np.maximum(r, g), b) - np.minimum(np.minimum(r, g), b)
    # (max - min) / 255 < 0.08  <=>  max - min <= 20 for integers
    hit = ((luma < 0.04) | (luma > 0.96)) & (spread <= 20)
    return float(int(np.count_nonzero(hit)) / n)


def matte_residue_score(rgba: U8, expected: RGB) -> float:
    """Alpha-weighted matte residue of partial pixels (n, 4) against ``expected``.

    Saturated mattes score the excess of the matte's dominant channels over the
    strongest other channel; other mattes score colour similarity. The weight of
    a pixel is ``1 - a/255``.
    """
    n = rgba.shape[0]
    if n == 0:
        return 0.0
    weight = 1.0 - rgba[:, 3].astype(np.float64) / 255.0
    split = matte_channels(expected)
    if split is not None:
        dominant, other = split
        ref = rgba[:, list(other)].max(axis=1).astype(np.float64)
        excess = np.zeros(n, np.float64)
        for c in dominant:
            excess += np.maximum(rgba[:, c].astype(np.float64) - ref, 0.0)
        value = excess / len(dominant) / 255.0
    else:
        diff = rgba[:, :3].astype(np.int32) - np.array(expected, np.int32)
        dist = np.sqrt((diff * diff).sum(axis=1).astype(np.float32)).astype(np.float64)
        value = np.clip(1.0 - dist / (255.0 * _SQRT3_F64), 0.0, 1.0)
    total = float(weight.sum())
    return float((value * weight).sum()) / total if total > 0 else 0.0
