"""Small real images for fakes and tests."""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["jpeg_bytes", "png_bytes"]


def png_bytes(width: int = 64, height: int = 48, color: tuple[int, int, int] = (200, 40, 40),
              alpha: bool = False) -> bytes:
    """A PNG with a coloured gradient (RGB order given, encoded by OpenCV)."""
    ys, xs = np.mgrid[0:height, 0:width]
    img = np.zeros((height, width, 4 if alpha else 3), np.uint8)
    img[..., 0] = (color[2] * (xs / max(width - 1, 1))).astype(np.uint8)
    img[..., 1] = color[1]
    img[..., 2] = (color[0] * (ys / max(height - 1, 1))).astype(np.uint8)
    if alpha:
        img[..., 3] = 255
    ok, buf = cv2.imencode(".png", img)
    assert ok
    return bytes(buf)


def jpeg_bytes(width: int = 64, height: int = 48) -> bytes:
    img = np.full((height, width, 3), 128, np.uint8)
    ok, buf = cv2.imencode(".jpg", img)
    assert ok
    return bytes(buf)
