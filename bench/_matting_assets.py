"""Synthetic ground-truth RGBA assets and compositing for the matting benchmark.

Every asset is an (H, W, 4) uint8 RGBA image whose alpha is the truth. Shapes
are rendered at 4x and averaged down, so edges carry real antialiasing.
Composites use ``round(a*F + (1 - a)*B)`` like the spec's baseline.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import numpy.typing as npt

__all__ = ["ASSETS", "composite", "make_asset", "scene"]

U8 = npt.NDArray[np.uint8]
F32 = npt.NDArray[np.float32]
_SS = 4


def _grid(size: int, ss: int = _SS) -> tuple[F32, F32]:
    n = size * ss
    coords = (np.arange(n, dtype=np.float32) + 0.5) / ss
    return np.meshgrid(coords, coords)


def _down(cover: F32, ss: int = _SS) -> F32:
    n = cover.shape[0] // ss
    return cover.reshape(n, ss, n, ss).mean(axis=(1, 3)).astype(np.float32)


def _disc(x: F32, y: F32, cx: float, cy: float, r: float) -> F32:
    return (((x - cx) ** 2 + (y - cy) ** 2) <= r * r).astype(np.float32)


def _rounded_rect(x: F32, y: F32, box: tuple[float, float, float, float], r: float) -> F32:
    x0, y0, x1, y1 = box
    qx = np.maximum(np.maximum(x0 + r - x, x - (x1 - r)), 0)
    qy = np.maximum(np.maximum(y0 + r - y, y - (y1 - r)), 0)
    inside = (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
    return (inside & (qx * qx + qy * qy <= r * r)).astype(np.float32)


def _assemble(layers: list[tuple[F32, tuple[int, int, int]]], size: int) -> U8:
    """Paint coverage layers (size*ss square) bottom to top; return RGBA at ``size``."""
    premul = np.zeros((size * _SS, size * _SS, 3), np.float32)
    alpha = np.zeros((size * _SS, size * _SS), np.float32)
    for cover, rgb in layers:
        premul = premul * (1 - cover[..., None]) + np.array(rgb, np.float32) * cover[..., None]
        alpha = alpha * (1 - cover) + cover
    # Average premultiplied colour over each output pixel, then un-premultiply.
    a = _down(alpha)
    p = np.stack([_down(premul[..., c]) for c in range(3)], axis=-1)
    colour = p / np.maximum(a, 1e-6)[..., None]
    return _pack(colour, a)


def _pack(colour: F32, alpha: F32) -> U8:
    out = np.zeros((*alpha.shape, 4), np.uint8)
    out[..., :3] = np.clip(np.floor(colour + 0.5), 0, 255).astype(np.uint8)
    out[..., 3] = np.clip(np.floor(alpha * 255 + 0.5), 0, 255).astype(np.uint8)
    out[out[..., 3] == 0] = 0
    return out


def icon(size: int) -> U8:
    """Opaque rounded badge with holes, a greenish emblem, a white bar and an orange dot."""
    x, y = _grid(size)
    s = size / 512
    body = _rounded_rect(x, y, (96 * s, 96 * s, 416 * s, 416 * s), 64 * s)
    holes = _disc(x, y, 160 * s, 160 * s, 26 * s) + _disc(x, y, 352 * s, 352 * s, 22 * s)
    slot = _rounded_rect(x, y, (300 * s, 140 * s, 380 * s, 168 * s), 12 * s)
    body = body * (1 - np.clip(holes + slot, 0, 1))
    emblem = _disc(x, y, 256 * s, 250 * s, 90 * s) * (1 - _disc(x, y, 256 * s, 250 * s, 40 * s))
    leaf = _disc(x, y, 256 * s, 250 * s, 30 * s)
    bar = _rounded_rect(x, y, (150 * s, 370 * s, 300 * s, 392 * s), 10 * s)
    dot = _disc(x, y, 350 * s, 250 * s, 18 * s)
    return _assemble(
        [
            (body, (38, 62, 150)),
            (emblem * body, (88, 170, 84)),
            (leaf * body, (160, 205, 70)),
            (bar * body, (250, 250, 245)),
            (dot * body, (240, 130, 40)),
        ],
        size,
    )


def glow(size: int) -> U8:
    """Soft warm Gaussian glow, peak alpha 0.92, no opaque pixel."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    sigma = size * 0.12
    alpha = 0.92 * np.exp(-((xx - size / 2) ** 2 + (yy - size / 2) ** 2) / (2 * sigma**2))
    colour = np.empty((size, size, 3), np.float32)
    colour[...] = (255, 196, 72)
    return _pack(colour, alpha.astype(np.float32))


def glass(size: int) -> U8:
    """Translucent light-blue disc (alpha 0.30) with a near-opaque rim (alpha 0.85)."""
    x, y = _grid(size)
    s = size / 512
    outer = _disc(x, y, 256 * s, 256 * s, 150 * s)
    inner = _disc(x, y, 256 * s, 256 * s, 138 * s)
    cover = _down(outer)
    rim = _down(outer - inner)
    alpha = cover * 0.30 + rim * 0.55
    colour = np.empty((size, size, 3), np.float32)
    colour[...] = (190, 225, 255)
    frac = np.where(cover > 0, rim / np.maximum(cover, 1e-6), 0)[..., None]
    colour = colour * (1 - frac) + np.array((235, 245, 255), np.float32) * frac
    return _pack(colour, alpha.astype(np.float32))


def shadow(size: int) -> U8:
    """Soft elliptical drop shadow, dark blue-grey, peak alpha 0.6."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    s = size / 512
    ellipse = (((xx - 256 * s) / (170 * s)) ** 2 + ((yy - 300 * s) / (70 * s)) ** 2) <= 1
    alpha = cv2.GaussianBlur(ellipse.astype(np.float32) * 0.6, (0, 0), 18 * s)
    colour = np.empty((size, size, 3), np.float32)
    colour[...] = (22, 24, 34)
    return _pack(colour, alpha)


def sticker(size: int) -> U8:
    """Three separate die-cut stickers: white outline around red, purple and green fills."""
    x, y = _grid(size)
    s = size / 512
    parts = [
        (_disc(x, y, 150 * s, 170 * s, 80 * s), _disc(x, y, 150 * s, 170 * s, 68 * s)),
        (
            _rounded_rect(x, y, (280 * s, 90 * s, 440 * s, 230 * s), 30 * s),
            _rounded_rect(x, y, (292 * s, 102 * s, 428 * s, 218 * s), 20 * s),
        ),
        (_disc(x, y, 256 * s, 370 * s, 85 * s), _disc(x, y, 256 * s, 370 * s, 73 * s)),
    ]
    fills = [(214, 40, 52), (120, 60, 170), (70, 160, 90)]
    layers: list[tuple[F32, tuple[int, int, int]]] = []
    for (outline, fill), rgb in zip(parts, fills, strict=True):
        layers.append((outline, (252, 252, 250)))
        layers.append((fill, rgb))
    return _assemble(layers, size)


ASSETS: dict[str, Callable[[int], U8]] = {
    "icon": icon,
    "glow": glow,
    "glass": glass,
    "shadow": shadow,
    "sticker": sticker,
}


def make_asset(name: str, size: int = 512) -> U8:
    """Ground-truth RGBA (size, size, 4) uint8 for one asset class."""
    return ASSETS[name](size)


def composite(asset: U8, background: tuple[int, int, int]) -> U8:
    """Opaque RGBA composite of ``asset`` over a flat ``background``."""
    a = asset[..., 3:4].astype(np.float32) / 255.0
    rgb = a * asset[..., :3].astype(np.float32) + (1 - a) * np.array(background, np.float32)
    out = np.empty_like(asset)
    out[..., :3] = np.clip(np.floor(rgb + 0.5), 0, 255).astype(np.uint8)
    out[..., 3] = 255
    return out


def scene(width: int, height: int, background: tuple[int, int, int], noise: float = 0.0) -> U8:
    """A speed-test composite: the icon and a glow tiled at 512-px scale on ``background``.

    Optional Gaussian noise (sigma ``noise``) is added to RGB, like the spec's
    noisy baseline.
    """
    tile = np.zeros((height, width, 4), np.uint8)
    base = min(width, height)
    item = icon(base // 2)
    halo = glow(base // 2)
    h, w = item.shape[:2]
    tile[height // 4 : height // 4 + h, width // 8 : width // 8 + w] = item
    x0 = width - width // 8 - w
    tile[height // 4 : height // 4 + h, x0 : x0 + w] = halo
    out = composite(tile, background)
    if noise > 0:
        rng = np.random.default_rng(7)
        jitter = rng.normal(0.0, noise, (height, width, 3)).astype(np.float32)
        out[..., :3] = np.clip(out[..., :3] + jitter + 0.5, 0, 255).astype(np.uint8)
    return out
