"""Image byte helpers shared by providers: MIME sniffing, extensions, base64."""

from __future__ import annotations

import base64
import binascii

from ..errors import AppError

__all__ = [
    "decode_b64_image",
    "ext_for_mime",
    "extension_for",
    "image_size",
    "mime_for",
    "png_has_alpha",
    "sniff_mime",
]

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


_EXT_MIME = {
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp",
    ".gif": "image/gif", ".bmp": "image/bmp",
}


def mime_for(data: bytes, name: str | None = None) -> str | None:
    """MIME type of an image: by file extension when it names an image type, else magic bytes."""
    if name:
        dot = name.rfind(".")
        if dot >= 0 and name[dot:].lower() in _EXT_MIME:
            return _EXT_MIME[name[dot:].lower()]
    return sniff_mime(data)


def ext_for_mime(mime: str | None) -> str:
    return _EXT.get(mime or "", ".bin")


def image_size(data: bytes) -> tuple[int, int] | None:
    """``(width, height)`` read from the image header (PNG, JPEG, GIF, BMP, WebP), or None."""
    mime = sniff_mime(data)
    if mime == "image/png" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if mime == "image/gif" and len(data) >= 10:
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    if mime == "image/bmp" and len(data) >= 26:
        return (int.from_bytes(data[18:22], "little", signed=True),
                abs(int.from_bytes(data[22:26], "little", signed=True)))
    if mime == "image/webp" and len(data) >= 30:
        chunk = data[12:16]
        if chunk == b"VP8X":
            return 1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(data[27:30],
                                                                                 "little")
        if chunk == b"VP8L":
            bits = int.from_bytes(data[21:25], "little")
            return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
        if chunk == b"VP8 ":
            return (int.from_bytes(data[26:28], "little") & 0x3FFF,
                    int.from_bytes(data[28:30], "little") & 0x3FFF)
        return None
    if mime == "image/jpeg":
        return _jpeg_size(data)
    return None


_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            pos += 1
            continue
        marker = data[pos + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
            pos += 1 if marker == 0xFF else 2
            continue
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        if marker in _SOF and pos + 9 <= len(data):
            return int.from_bytes(data[pos + 7:pos + 9], "big"), int.from_bytes(
                data[pos + 5:pos + 7], "big")
        pos += 2 + length
    return None


def png_has_alpha(data: bytes) -> bool:
    """True for a PNG with an alpha channel (colour type 4 or 6) or a ``tRNS`` chunk."""
    if sniff_mime(data) != "image/png" or len(data) < 26:
        return False
    if data[25] in (4, 6):
        return True
    pos = 8
    while pos + 8 <= len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8]
        if kind == b"tRNS":
            return True
        if kind in (b"IDAT", b"IEND"):
            return False
        pos += 12 + length
    return False
