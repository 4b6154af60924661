"""Matte colours: parsing, the saturated-colour channel split, and auto-sampling.

Colours are ``(r, g, b)`` tuples of ints in 0..255.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..errors import AppError

__all__ = [
    "AUTO_KEYWORDS",
    "RGB",
    "MatteEstimate",
    "border_noise",
    "format_hex",
    "matte_channels",
    "parse_matte_color",
    "sample_matte",
]

RGB = tuple[int, int, int]
U8 = npt.NDArray[np.uint8]

AUTO_KEYWORDS = frozenset({"auto", "sample", "auto-sample", "auto_sample"})
_NAMED: dict[str, RGB] = {
    "black": (0, 0, 0),
    "white": (255, 255, 255),
    "green": (0, 255, 0),
    "chroma-green": (0, 255, 0),
    "magenta": (255, 0, 255),
    "cyan": (0, 255, 255),
    "blue": (0, 0, 255),
}
_HEX_DIGITS = frozenset("0123456789abcdef")


def parse_matte_color(value: str, *, allow_auto: bool = False) -> RGB | None:
    """Parse a named colour or ``#rrggbb``/``rrggbb``.

    Returns ``None`` for an auto keyword when ``allow_auto`` (only
    ``transparent extract --matte-color`` allows it). Anything else, including
    the reference's accepted ``#+f+f+f`` (quirk §0.5), raises ``invalid_argument``.
    """
    text = value.strip().lower()
    if allow_auto and text in AUTO_KEYWORDS:
        return None
    named = _NAMED.get(text)
    if named is not None:
        return named
    digits = text.removeprefix("#")
    if len(digits) == 6 and set(digits) <= _HEX_DIGITS:
        return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))
    raise AppError(
        "invalid_argument", "Matte color must be a named color or #RRGGBB.", {"value": value}
    )


def format_hex(color: RGB) -> str:
    """``(0, 255, 0)`` -> ``"#00ff00"``."""
    return "#{:02x}{:02x}{:02x}".format(*color)


def matte_channels(color: RGB) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """Dominant and other channel indices of a *saturated* colour, else ``None``.

    Saturated means ``max >= 192`` and ``max - min >= 128``; dominant channels are
    those within 8 of the maximum (spec §1.4, spill suppression).
    """
    top, bottom = max(color), min(color)
    if top < 192 or top - bottom < 128:
        return None
    dominant = tuple(c for c in range(3) if color[c] >= top - 8)
    other = tuple(c for c in range(3) if color[c] < top - 8)
    return (dominant, other) if other else None


@dataclass(frozen=True)
class MatteEstimate:
    """An auto-sampled matte: colour, per-channel noise sigma, and border coverage.

    ``coverage`` is the fraction of border samples within the matte's tolerance;
    a low value means the border is not a flat matte (subject at the edge,
    vignette, texture).
    """

    color: RGB
    noise: float
    coverage: float


def _sigma(dev: npt.NDArray[np.int32]) -> float:
    """Noise sigma from (n, 3) deviations around the matte, robust to clipping.

    A matte channel at 0 or 255 clips half of its noise to a zero deviation, so
    the RMS is taken over the non-zero deviations only; fewer than 1 % non-zero
    deviations count as a clean matte.
    """
    nonzero = dev[dev != 0].astype(np.int64)
    return _rms(int((nonzero * nonzero).sum()), int(nonzero.size), int(dev.size))


def _rms(square_sum: int, nonzero: int, total: int) -> float:
    """:func:`_sigma` from its integer parts (exact: the same value in any order)."""
    if total == 0 or nonzero < 0.01 * total:
        return 0.0
    return float(np.sqrt(square_sum / nonzero))


def _sq_dist(
    chans: npt.NDArray[np.int32], centre: tuple[int, ...] | list[int]
) -> npt.NDArray[np.int32]:
    """Squared distance of (3, n) int32 samples to ``centre`` (n,)."""
    d = chans[0] - np.int32(centre[0])
    total: npt.NDArray[np.int32] = d * d
    for c in (1, 2):
        d = chans[c] - np.int32(centre[c])
        total += d * d
    return total


def _hist_median(hist: npt.NDArray[np.int64]) -> float:
    """``np.median`` of the uint8 samples whose histogram (256,) is ``hist`` (n > 0)."""
    n = int(hist.sum())
    ranks = np.cumsum(hist)
    upper = int(np.searchsorted(ranks, n // 2, side="right"))  # the sample of rank n // 2
    if n % 2:
        return float(upper)
    lower = int(np.searchsorted(ranks, n // 2 - 1, side="right"))
    return (lower + upper) / 2.0


def _border_samples(rgb: U8) -> U8:
    """(n, 3) RGB samples from a frame around the image (all four sides)."""
    height, width = rgb.shape[:2]
    band = int(np.clip(min(height, width) // 64, 1, 8))
    if height <= 2 * band or width <= 2 * band:
        return np.ascontiguousarray(rgb.reshape(-1, 3))
    parts = [
        rgb[:band].reshape(-1, 3),
        rgb[-band:].reshape(-1, 3),
        rgb[band:-band, :band].reshape(-1, 3),
        rgb[band:-band, -band:].reshape(-1, 3),
    ]
    return np.concatenate(parts, axis=0)


def sample_matte(rgba: U8) -> MatteEstimate:
    """Estimate the matte colour of an (H, W, 4) uint8 image from its border.

    Fixes the reference's corner-median sampler (quirk §5.3): all four sides are
    sampled, the most common colour (5-bit histogram mode) is found, and the
    per-channel median of the samples near that mode is the matte. A subject
    touching a corner or a side no longer becomes the matte as long as most of
    the border is background. Medians and the noise come from exact per-channel
    histograms of the samples (no sorting).
    """
    samples = _border_samples(rgba[..., :3])
    q = samples >> 3
    keys = (q[:, 0].astype(np.int32) << 10) | (q[:, 1].astype(np.int32) << 5) | q[:, 2]
    mode = int(np.bincount(keys, minlength=1 << 15).argmax())
    centre = ((mode >> 10) * 8 + 4, ((mode >> 5) & 31) * 8 + 4, (mode & 31) * 8 + 4)
    chans = samples.T.astype(np.int32)  # (3, n), one contiguous row per channel
    close = _sq_dist(chans, centre) <= 24 * 24
    hists = [np.bincount(samples[:, c][close], minlength=256) for c in range(3)]
    med = [int(np.floor(_hist_median(h) + 0.5)) for h in hists]
    values = np.arange(256, dtype=np.int64)
    square_sum, nonzero = 0, 0
    for c in range(3):
        dev = values - med[c]
        square_sum += int((hists[c] * dev * dev).sum())
        nonzero += int(hists[c].sum() - hists[c][med[c]])
    noise = _rms(square_sum, nonzero, 3 * int(np.count_nonzero(close)))
    tol = max(12.0, 4.0 * noise) * np.sqrt(3.0)
    coverage = float(np.count_nonzero(_sq_dist(chans, med) <= tol * tol) / chans.shape[1])
    rgb: RGB = (int(med[0]), int(med[1]), int(med[2]))
    return MatteEstimate(color=rgb, noise=noise, coverage=coverage)


def border_noise(rgba: U8, color: RGB) -> float:
    """Per-channel noise sigma of the border samples within 24 of ``color`` (0 if none)."""
    samples = _border_samples(rgba[..., :3])
    diff = samples.astype(np.int32) - np.array(color, np.int32)
    near = (diff * diff).sum(axis=1) <= 24 * 24
    return _sigma(diff[near])
