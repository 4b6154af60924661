"""Sample inputs for the transparent tests (real PNG/JPEG files written by OpenCV)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import cv2
import numpy as np

from tests.fakes.matte import subject_on_matte

__all__ = ["bomb_png", "clean_rgba_png", "write_samples"]


def bomb_png(width: int = 20000, height: int = 20000) -> bytes:
    """A valid PNG header announcing ``width`` x ``height`` RGBA pixels, with data for
    ten rows only (a decompression bomb's header; under 1 KB on disk)."""
    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(payload, zlib.crc32(kind))
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    rows = zlib.compress(b"\0" * (1 + 4 * width) * 10)
    return b"".join([b"\x89PNG\r\n\x1a\n", chunk(b"IHDR", ihdr), chunk(b"IDAT", rows),
                     chunk(b"IEND", b"")])


def clean_rgba_png(size: int = 96) -> bytes:
    """A transparent PNG that passes every solid profile: an opaque disc with a soft rim."""
    rgba = np.zeros((size, size, 4), np.uint8)
    cv2.circle(rgba, (size // 2, size // 2), size // 4, (40, 50, 200, 255), -1,
               lineType=cv2.LINE_AA)
    rgba[rgba[..., 3] <= 5] = 0
    ok, buf = cv2.imencode(".png", rgba)
    assert ok
    return bytes(buf)


def write_samples(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "green": folder / "green.png",
        "magenta": folder / "magenta.png",
        "dark": folder / "dark.png",
        "light": folder / "light.png",
        "clean": folder / "clean.png",
        "jpeg": folder / "opaque.jpg",
        "text": folder / "notes.txt",
        "small_dark": folder / "small-dark.png",
        "edge": folder / "edge.png",
        "bomb": folder / "bomb.png",
        "truncated": folder / "truncated.png",
    }
    paths["green"].write_bytes(subject_on_matte((0, 255, 0), size=128))
    paths["magenta"].write_bytes(subject_on_matte((255, 0, 255), size=128))
    paths["dark"].write_bytes(subject_on_matte((0, 0, 0), size=128))
    paths["light"].write_bytes(subject_on_matte((255, 255, 255), size=128))
    paths["small_dark"].write_bytes(subject_on_matte((0, 0, 0), size=96))
    paths["edge"].write_bytes(subject_on_matte((0, 255, 0), size=128, touch_edges=True))
    paths["clean"].write_bytes(clean_rgba_png())
    ok, buf = cv2.imencode(".jpg", np.full((64, 64, 3), 128, np.uint8))
    assert ok
    paths["jpeg"].write_bytes(bytes(buf))
    paths["text"].write_text("not an image")
    paths["bomb"].write_bytes(bomb_png())
    green = paths["green"].read_bytes()
    paths["truncated"].write_bytes(green[: len(green) // 2])
    return paths
