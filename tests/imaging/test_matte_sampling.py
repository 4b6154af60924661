"""The border sampler's histogram medians and noise equal the direct computation."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from gpt_image_2.imaging import matte
from gpt_image_2.imaging.matte import sample_matte

U8 = npt.NDArray[np.uint8]


def _direct(rgba: U8) -> tuple[tuple[int, int, int], float, float]:
    """The definition, written plainly: np.median and the RMS of non-zero deviations."""
    samples = matte._border_samples(rgba[..., :3]).astype(np.int64)
    q = samples >> 3
    keys = (q[:, 0] << 10) | (q[:, 1] << 5) | q[:, 2]
    mode = int(np.bincount(keys, minlength=1 << 15).argmax())
    centre = np.array([(mode >> 10) * 8 + 4, ((mode >> 5) & 31) * 8 + 4, (mode & 31) * 8 + 4])
    near = samples[((samples - centre) ** 2).sum(axis=1) <= 24 * 24]
    med = np.floor(np.median(near, axis=0) + 0.5).astype(np.int64)
    dev = (near - med).reshape(-1)
    nonzero = dev[dev != 0]
    noise = 0.0
    if dev.size and nonzero.size >= 0.01 * dev.size:
        noise = float(np.sqrt(int((nonzero * nonzero).sum()) / nonzero.size))
    tol = max(12.0, 4.0 * noise) * np.sqrt(3.0)
    coverage = float(np.count_nonzero(((samples - med) ** 2).sum(axis=1) <= tol * tol)
                     / len(samples))
    return (int(med[0]), int(med[1]), int(med[2])), noise, coverage


@pytest.mark.parametrize("seed", range(40))
def test_sampler_equals_the_direct_computation(seed: int) -> None:
    rng = np.random.default_rng(seed)
    height, width = (int(v) for v in rng.integers(3, 150, 2))
    sigma = float(rng.choice([0.0, 0.5, 2.0, 5.0, 20.0, 80.0]))
    img = np.empty((height, width, 4), np.uint8)
    base = rng.integers(0, 256, 3)
    img[..., :3] = np.clip(base + rng.normal(0.0, sigma, (height, width, 3)), 0, 255)
    if seed % 2:  # a subject touching one corner
        img[: height // 2, : width // 3, :3] = rng.integers(0, 256, 3)
    img[..., 3] = 255
    est = sample_matte(img)
    assert (est.color, est.noise, est.coverage) == _direct(img)
