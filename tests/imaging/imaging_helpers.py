"""Test helpers: PNG files of any colour type, synthetic ground-truth RGBA assets."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

__all__ = ["alpha_mae", "composite", "disc", "glow", "make_png", "rgba_from"]

_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def _chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(payload, zlib.crc32(kind))
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def make_png(
    pixels: npt.NDArray[np.integer],
    color_type: int,
    *,
    bit_depth: int = 8,
    palette: list[tuple[int, int, int]] | None = None,
    trns: bytes | None = None,
) -> bytes:
    """Encode ``pixels`` (H, W, C) with the given PNG colour type and 8/16-bit depth."""
    arr = np.asarray(pixels)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    height, width, channels = arr.shape
    assert channels == _CHANNELS[color_type]
    dtype = ">u2" if bit_depth == 16 else "u1"
    body = arr.astype(dtype).reshape(height, -1).view(np.uint8)
    raw = np.concatenate([np.zeros((height, 1), np.uint8), body], axis=1)
    parts = [
        b"\x89PNG\r\n\x1a\n",
        _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)),
    ]
    if palette is not None:
        parts.append(_chunk(b"PLTE", bytes(v for rgb in palette for v in rgb)))
    if trns is not None:
        parts.append(_chunk(b"tRNS", trns))
    parts.append(_chunk(b"IDAT", zlib.compress(raw.tobytes())))
    parts.append(_chunk(b"IEND", b""))
    return b"".join(parts)


U8 = npt.NDArray[np.uint8]


def _coverage(
    size: int,
    inside: Callable[[npt.NDArray[np.float64], npt.NDArray[np.float64]], npt.NDArray[np.bool_]],
    ss: int = 4,
) -> npt.NDArray[np.float64]:
    """Antialiased coverage (size, size) of a shape, by 4x4 supersampling."""
    coords = (np.arange(size * ss) + 0.5) / ss
    x, y = np.meshgrid(coords, coords)
    hit = inside(x, y).astype(np.float64)
    return hit.reshape(size, ss, size, ss).mean(axis=(1, 3))


def rgba_from(colour: tuple[int, int, int], alpha: npt.NDArray[np.float64]) -> U8:
    """A flat-colour RGBA image with the given alpha (0..1); RGB is 0 where alpha <= 5."""
    out = np.zeros((*alpha.shape, 4), np.uint8)
    out[..., :3] = colour
    out[..., 3] = np.floor(alpha * 255 + 0.5).astype(np.uint8)
    out[out[..., 3] <= 5, :3] = 0
    return out


def disc(
    size: int = 128,
    radius: float = 40,
    colour: tuple[int, int, int] = (200, 40, 60),
    centre: tuple[float, float] | None = None,
) -> U8:
    """An opaque antialiased disc."""
    cx, cy = centre if centre is not None else (size / 2, size / 2)
    cover = _coverage(size, lambda x, y: (x - cx) ** 2 + (y - cy) ** 2 <= radius**2)
    return rgba_from(colour, cover)


def glow(
    size: int = 128,
    peak: float = 0.9,
    sigma: float = 14,
    colour: tuple[int, int, int] = (255, 196, 72),
) -> U8:
    """A soft Gaussian glow with no opaque pixel."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)
    alpha = peak * np.exp(-((xx - size / 2) ** 2 + (yy - size / 2) ** 2) / (2 * sigma**2))
    return rgba_from(colour, alpha)


def composite(asset: U8, background: tuple[int, int, int]) -> U8:
    """Opaque RGBA composite round(a*F + (1-a)*B)."""
    a = asset[..., 3:4].astype(np.float64) / 255
    rgb = a * asset[..., :3] + (1 - a) * np.array(background, np.float64)
    out = np.empty_like(asset)
    out[..., :3] = np.floor(rgb + 0.5).astype(np.uint8)
    out[..., 3] = 255
    return out


def alpha_mae(result: U8, truth: U8) -> float:
    """Mean absolute alpha error on the 0-255 scale."""
    return float(np.abs(result[..., 3].astype(np.int32) - truth[..., 3]).mean())
