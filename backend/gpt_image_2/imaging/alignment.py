"""The advisory dual-background alignment report (spec §1.5).

``negative_delta_ratio`` is the share of channel samples where the light image
is more than 2 below the dark one; ``delta_channel_noise`` is the mean
per-pixel population standard deviation of ``L - D`` over the three channels,
divided by 255. Above a megapixel the noise term is measured on every
``k``-th row and column, with ``k`` chosen so that about a million pixels are
used (it is advisory and never gates anything).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

__all__ = ["AlignmentReport", "alignment_report"]

U8 = npt.NDArray[np.uint8]
_SAMPLE_PIXELS = 1_000_000
_STRIP_ROWS = 256


@dataclass(frozen=True)
class AlignmentReport:
    """The ``dual_alignment`` object of the extraction report."""

    score: float
    passed: bool
    negative_delta_ratio: float
    delta_channel_noise: float
    color_space: str = "srgb"

    def to_dict(self) -> dict[str, Any]:
        return {
            "color_space": self.color_space,
            "delta_channel_noise": self.delta_channel_noise,
            "negative_delta_ratio": self.negative_delta_ratio,
            "passed": self.passed,
            "score": self.score,
        }


def _negative_samples(dark: U8, light: U8) -> int:
    """Channel samples (R, G, B) where ``dark - light > 2``, from per-channel histograms."""
    drop = cv2.subtract(dark, light)  # saturates at 0 where light >= dark
    if drop.shape[0] * drop.shape[1] >= 1 << 24:  # float32 histogram bins stop being exact
        return int(np.count_nonzero(drop[..., :3] > 2))
    total = 0
    for c in range(3):
        hist = cv2.calcHist([drop], [c], None, [256], [0, 256])
        total += round(float(hist[3:].sum()))
    return total


def _channel_noise(dark: U8, light: U8) -> float:
    step = max(1, math.ceil(math.sqrt(dark.shape[0] * dark.shape[1] / _SAMPLE_PIXELS)))
    if step > 1:
        dark, light = dark[::step, ::step], light[::step, ::step]
    height, width = dark.shape[:2]
    total = 0.0
    for top in range(0, height, _STRIP_ROWS):
        d = dark[top : top + _STRIP_ROWS, :, :3].astype(np.float32)
        delta = light[top : top + _STRIP_ROWS, :, :3].astype(np.float32) - d
        rg = delta[..., 0] - delta[..., 1]
        gb = delta[..., 1] - delta[..., 2]
        br = delta[..., 2] - delta[..., 0]
        var = (rg * rg + gb * gb + br * br) / np.float32(9.0)
        total += float(np.sqrt(var, dtype=np.float32).sum(dtype=np.float64))
    pixels = height * width
    return total / pixels / 255.0 if pixels else 0.0


def alignment_report(dark: U8, light: U8) -> AlignmentReport:
    """Alignment of two same-sized (H, W, 4) uint8 renders (advisory only)."""
    pixels = dark.shape[0] * dark.shape[1]
    negative = _negative_samples(dark, light) / (3 * pixels) if pixels else 0.0
    noise = _channel_noise(dark, light)
    score = min(max(1.0 - 1.5 * negative - 1.2 * noise, 0.0), 1.0)
    return AlignmentReport(
        score=score, passed=score >= 0.55, negative_delta_ratio=negative, delta_channel_noise=noise
    )
