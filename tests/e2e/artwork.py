"""Pleasant, deterministic test images for the browser tests' screenshots.

The shared fake upstream answers with a tiny gradient; the e2e tests swap in
one of these (per prompt-independent seed) so screenshots look like a real
product. Pure numpy + OpenCV, no files on disk.
"""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["landscape_png", "photo_png", "subject_on_matte_png"]


def _encode(img: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".png", img)
    assert ok
    return bytes(buf)


def landscape_png(size: int = 512, seed: int = 0) -> bytes:
    """A dusk landscape: sky gradient, sun, two mountain ridges, a lake."""
    rng = np.random.default_rng(seed)
    h = w = size
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    t = ys / h
    top = np.array([120, 60, 40], np.float32)  # BGR: deep blue-violet
    mid = np.array([150, 110, 240], np.float32)  # warm pink
    low = np.array([90, 180, 255], np.float32)  # orange
    sky = np.where(t[..., None] < 0.5, top + (mid - top) * (t[..., None] / 0.5),
                   mid + (low - mid) * ((t[..., None] - 0.5) / 0.5))
    img = sky.copy()
    cx, cy, r = w * (0.3 + 0.4 * rng.random()), h * 0.55, w * 0.11
    sun = np.clip(1.0 - np.hypot(xs - cx, ys - cy) / r, 0, 1)
    img += (sun ** 0.35)[..., None] * np.array([60, 140, 40], np.float32)
    for k, (base, amp, color) in enumerate(((0.62, 0.10, (90, 50, 70)), (0.72, 0.07, (60, 30, 40)))):
        phase = rng.random() * 6.28
        ridge = h * (base + amp * np.sin(xs[0] / w * (5 + k * 3) + phase) * np.cos(xs[0] / w * 2.1))
        img[ys > ridge[None, :]] = color
    lake = ys > h * 0.84
    img[lake] = img[lake] * 0.55 + np.array([120, 80, 60], np.float32) * 0.45
    return _encode(np.clip(img, 0, 255).astype(np.uint8))


def photo_png(size: int = 512) -> bytes:
    """A product-shot stand-in: a soft studio backdrop with a glossy sphere."""
    h = w = size
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.empty((h, w, 3), np.float32)
    img[:] = np.array([226, 222, 218], np.float32) - (ys / h)[..., None] * 40
    d = np.hypot(xs - w * 0.5, ys - h * 0.5) / (w * 0.28)
    ball = d < 1
    shade = np.clip(1.2 - np.hypot(xs - w * 0.42, ys - h * 0.4) / (w * 0.32), 0.25, 1)
    img[ball] = (np.array([70, 60, 200], np.float32) * shade[..., None])[ball]
    shadow = (np.hypot((xs - w * 0.5) / 1.8, ys - h * 0.8) < w * 0.1) & ~ball
    img[shadow] *= 0.8
    return _encode(np.clip(img, 0, 255).astype(np.uint8))


def subject_on_matte_png(size: int = 256, alpha: bool = True) -> bytes:
    """A red disc with a soft edge on transparency (or on pure green)."""
    h = w = size
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    d = np.hypot(xs - w / 2, ys - h / 2)
    a = np.clip((w * 0.32 - d) / 3.0, 0, 1)
    if alpha:
        img = np.zeros((h, w, 4), np.uint8)
        img[..., 2] = 220
        img[..., 1] = 40
        img[..., 0] = 50
        img[..., 3] = (a * 255).astype(np.uint8)
        img[img[..., 3] == 0, :3] = 0
        return _encode(img)
    img = np.zeros((h, w, 3), np.float32)
    img[:] = (0, 255, 0)
    img = img * (1 - a[..., None]) + np.array([50, 40, 220], np.float32) * a[..., None]
    return _encode(img.astype(np.uint8))
