"""The transparent-PNG verifier (spec/transparent.md §2).

:func:`verify_rgba` measures an (H, W, 4) uint8 RGBA array and applies a
profile. Every field of the reference's ``verification`` object is computed
with the reference's definitions and float64 arithmetic, except two
documented fixes (docs/decisions/0002-transparent-quirks.md):

* an empty image no longer also fails ``too_many_stray_pixels``;
* a painted checkerboard is also found when a subject covers part of it and
  when the image has real transparent areas elsewhere (:mod:`checker`).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from ._types import Beside, flat_indices, gather_px, u8
from .checker import detect_checkerboard
from .matte import RGB
from .profiles import MIN_OPAQUE_ALPHA, TRANSPARENT_ALPHA_MAX, get_profile
from .report import VerifyReport, build_report
from .residue import halo_score, matte_residue_score

__all__ = ["Measurements", "measure", "verify_rgba"]

U8 = npt.NDArray[np.uint8]
_BINCOUNT_PIXELS = 1 << 20
_THREAD_MIN_PIXELS = 1 << 20


@dataclass(frozen=True)
class Measurements:
    """Profile-independent measurements of one image (spec §2.2)."""

    width: int
    height: int
    alpha_min: int
    alpha_max: int
    transparent_pixels: int
    partial_pixels: int
    opaque_pixels: int
    bbox: tuple[int, int, int, int] | None
    edge_nontransparent_pixels: int
    perimeter: int
    component_count: int
    largest_component_pixels: int
    transparent_rgb_scrubbed: bool
    halo_score: float
    matte_residue_score: float | None
    checkerboard_detected: bool

    @property
    def pixels(self) -> int:
        return self.width * self.height

    @property
    def nontransparent_pixels(self) -> int:
        return self.partial_pixels + self.opaque_pixels


def _components(
    mask: U8, bbox: tuple[int, int, int, int] | None, total: int
) -> tuple[int, int]:
    """(count, largest size) of 8-connected components of a 0/255 mask with ``total``
    non-zero pixels.

    Labels only (no per-label statistics, which cost 5-7x more on noisy masks);
    the sizes are counted only when there is more than one component.
    """
    if bbox is None:
        return 0, 0
    x, y, w, h = bbox
    crop = mask[y : y + h, x : x + w]
    count, labels = cv2.connectedComponents(crop, connectivity=8, ltype=cv2.CV_32S)
    if count <= 1:
        return 0, 0
    if count == 2:
        return 1, total
    if 2 * total < w * h:
        # Mostly background: count the labels of the subject pixels only.
        sizes = np.bincount(labels[crop != 0], minlength=count)
        return int(count - 1), int(sizes[1:].max())
    # In row blocks: np.bincount widens its input to intp, which for a whole 4K label
    # image is a fresh 66 MB buffer (page faults cost more than the counting).
    sizes = np.zeros(count, np.int64)
    step = max(1, _BINCOUNT_PIXELS // max(w, 1))
    for top in range(0, h, step):
        sizes += np.bincount(labels[top : top + step].reshape(-1), minlength=count)
    return int(count - 1), int(sizes[1:].max())


def _scrubbed(rgba: U8, alpha: U8, hist: npt.NDArray[np.int64], transparent: int) -> bool:
    """Every pixel with alpha <= 5 has R, G and B <= 2 (``transparent`` such pixels).

    Scrubbed files hold (0, 0, 0, 0) under alpha 0: one count of all-zero pixels
    (the image as int32, no temporaries) settles those, and the few pixels with
    alpha 1-5 are checked on their own (when they are at most an eighth of the image).
    Anything else takes the full test.
    """
    height, width = alpha.shape
    if rgba.flags.c_contiguous and transparent:
        zero = height * width - int(cv2.countNonZero(rgba.view(np.int32).reshape(height, width)))
        if zero == int(hist[0]):  # every alpha-0 pixel is all zero
            if transparent == zero:
                return True
            low = flat_indices(cv2.inRange(alpha, 1, TRANSPARENT_ALPHA_MAX))
            # Gathering up to an eighth of the image costs less than the 4-channel pass.
            if low.size * 8 < height * width:
                return bool((gather_px(rgba, low)[:, :3] <= 2).all())
    clean = cv2.inRange(rgba, (0, 0, 0, 0), (2, 2, 2, TRANSPARENT_ALPHA_MAX))
    return int(cv2.countNonZero(clean)) == transparent


def _partial_indices(alpha: U8, bbox: tuple[int, int, int, int]) -> npt.NDArray[np.intp]:
    """Flat indices into (H, W) of the partial pixels, all of which lie in ``bbox``
    (the box of alpha > 5): only the box is scanned."""
    x, y, w, h = bbox
    width = alpha.shape[1]
    sel = cv2.inRange(alpha[y : y + h, x : x + w], TRANSPARENT_ALPHA_MAX + 1,
                      MIN_OPAQUE_ALPHA - 1)
    local = flat_indices(sel)
    offset = y * width + x
    if w != width:  # shift each row of the box to its place in the image
        offset = (local // w) * (width - w) + offset
    found: npt.NDArray[np.intp] = local + offset
    return found


def _edge_pixels(mask: U8) -> tuple[int, int]:
    """(nontransparent pixels on the outermost rows/columns, perimeter size)."""
    height, width = mask.shape
    if height < 2 or width < 2:
        return int(np.count_nonzero(mask)), height * width
    count = (
        np.count_nonzero(mask[0])
        + np.count_nonzero(mask[-1])
        + np.count_nonzero(mask[1:-1, 0])
        + np.count_nonzero(mask[1:-1, -1])
    )
    return int(count), 2 * width + 2 * (height - 2)


def measure(rgba: U8, *, has_alpha: bool, expected_matte: RGB | None = None) -> Measurements:
    """Measure an (H, W, 4) uint8 RGBA image (spec §2.2)."""
    height, width = int(rgba.shape[0]), int(rgba.shape[1])
    alpha = u8(cv2.extractChannel(rgba, 3))
    if height * width < 1 << 24:
        hist = cv2.calcHist([alpha], [0], None, [256], [0, 256]).reshape(-1).astype(np.int64)
    else:  # float32 histogram bins stop being exact counts
        hist = np.bincount(alpha.reshape(-1), minlength=256).astype(np.int64)
    present = np.flatnonzero(hist)
    alpha_min = int(present[0]) if present.size else 0
    alpha_max = int(present[-1]) if present.size else 0
    transparent = int(hist[: TRANSPARENT_ALPHA_MAX + 1].sum())
    opaque = int(hist[MIN_OPAQUE_ALPHA:].sum())
    partial = height * width - transparent - opaque

    mask = u8(cv2.threshold(alpha, TRANSPARENT_ALPHA_MAX, 255, cv2.THRESH_BINARY)[1])
    x, y, w, h = cv2.boundingRect(mask)
    bbox = (int(x), int(y), int(w), int(h)) if w > 0 and h > 0 else None
    nontransparent = height * width - transparent
    # Labelling a large mask is the longest step; it overlaps with the colour checks.
    labelling = (
        Beside(_components, mask, bbox, nontransparent)
        if bbox is not None and bbox[2] * bbox[3] >= _THREAD_MIN_PIXELS
        else None
    )
    edge, perimeter = _edge_pixels(mask)

    scrubbed = _scrubbed(rgba, alpha, hist, transparent)

    if partial and bbox is not None:
        px = gather_px(rgba, _partial_indices(alpha, bbox))
        halo = halo_score(px[:, :3])
        residue = None if expected_matte is None else matte_residue_score(px, expected_matte)
    else:
        halo = 0.0
        residue = None if expected_matte is None else 0.0

    count, largest = (
        labelling.result() if labelling is not None
        else _components(mask, bbox, nontransparent)
    )
    transparent_ratio = transparent / (height * width) if height * width else 0.0
    checker = detect_checkerboard(
        rgba,
        has_alpha=has_alpha,
        transparent_ratio=transparent_ratio,
        opaque_ratio=opaque / (height * width) if height * width else 0.0,
    )
    return Measurements(
        width=width,
        height=height,
        alpha_min=alpha_min,
        alpha_max=alpha_max,
        transparent_pixels=transparent,
        partial_pixels=partial,
        opaque_pixels=opaque,
        bbox=bbox,
        edge_nontransparent_pixels=edge,
        perimeter=perimeter,
        component_count=count,
        largest_component_pixels=largest,
        transparent_rgb_scrubbed=scrubbed,
        halo_score=halo,
        matte_residue_score=residue,
        checkerboard_detected=checker,
    )


def verify_rgba(
    rgba: U8,
    profile: str = "generic",
    *,
    expected_matte: RGB | None = None,
    is_png: bool = True,
    color_type: str = "Rgba8",
    path: str = "",
) -> VerifyReport:
    """Verify an (H, W, 4) uint8 RGBA image against ``profile``.

    ``is_png``/``color_type`` describe the file the pixels came from (see
    :class:`~gpt_image_2.imaging.codecs.DecodedImage`); ``has_alpha`` follows
    from ``color_type``. ``expected_matte`` enables the matte-residue check.
    """
    spec = get_profile(profile)
    if rgba.ndim != 3 or rgba.shape[2] != 4 or rgba.dtype != np.uint8:
        raise ValueError("verify_rgba expects an (H, W, 4) uint8 array")
    has_alpha = color_type.startswith(("La", "Rgba"))
    found = measure(rgba, has_alpha=has_alpha, expected_matte=expected_matte)
    return build_report(
        found,
        spec,
        path=path,
        is_png=is_png,
        color_type=color_type,
        has_alpha=has_alpha,
        residue_checked=expected_matte is not None,
    )
