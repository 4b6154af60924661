"""Image byte helpers shared by providers: MIME sniffing, extensions, base64."""

from __future__ import annotations

import base64
import binascii

from ..errors import AppError

__all__ = ["decode_b64_image", "extension_for", "sniff_mime"]

_EXT = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "image/bmp": ".bmp",
}


def sniff_mime(data: bytes) -> str | None:
    """MIME type from magic bytes, or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data.startswith(b"BM"):
        return "image/bmp"
    return None


def extension_for(data: bytes) -> str:
    """File extension (with dot) for image bytes; ``.bin`` when unknown."""
    return _EXT.get(sniff_mime(data) or "", ".bin")


def decode_b64_image(payload: str) -> bytes:
    """Decode a base64 image, tolerating a ``data:image/...;base64,`` prefix."""
    text = payload
    if text.startswith("data:") and "," in text:
        text = text.split(",", 1)[1]
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise AppError(
            "invalid_base64", "Image payload was not valid base64.", {"length": len(payload)}
        ) from exc
