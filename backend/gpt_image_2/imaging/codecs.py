"""Image decoding and PNG encoding (the only imaging module that does I/O).

Decoding follows the reference pipeline (spec/transparent.md §0.2): PNG, JPEG
and WebP only, detected from the content (then the file extension), converted
to 8-bit RGBA (16-bit samples ``(v + 128) // 257``, grey copied to R, G and B,
missing alpha = 255, palette expanded, tRNS applied, EXIF orientation and ICC
ignored). ``color_type`` is the decoder's native colour type before conversion.

This module is the only place where OpenCV's BGR(A) order appears; everything
it returns or accepts is RGB(A).
"""

from __future__ import annotations

import os
import struct
import sys
import zlib
from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt

from ..errors import AppError
from . import png

__all__ = [
    "DecodedImage",
    "ImageSource",
    "decode_image",
    "decode_images",
    "encode_png",
    "image_dimensions",
    "sniff_format",
]

U8 = npt.NDArray[np.uint8]
ImageSource = bytes | bytearray | memoryview | str | os.PathLike[str]

_EXTENSIONS = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".webp": "webp"}
# Formats a sniffer can recognise but the pipeline refuses (reference: unsupported).
_OTHER_SIGNATURES = {
    b"GIF87a": "gif",
    b"GIF89a": "gif",
    b"BM": "bmp",
    b"II*\x00": "tiff",
    b"MM\x00*": "tiff",
}
_PNG_TYPES = {
    (0, 8): "L8",
    (0, 16): "L16",
    (2, 8): "Rgb8",
    (2, 16): "Rgb16",
    (4, 8): "La8",
    (4, 16): "La16",
    (6, 8): "Rgba8",
    (6, 16): "Rgba16",
}
_ADD_ALPHA = {"L8": "La8", "L16": "La16", "Rgb8": "Rgba8", "Rgb16": "Rgba16"}
# Decompression-bomb guard: images above this many pixels are refused from their
# header, before anything is allocated (512 MiB as RGBA, the reference's decoder
# allocation limit; gpt-image-2 itself renders at most 8.3 million pixels).
MAX_PIXELS = 1 << 27
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


@dataclass(frozen=True)
class DecodedImage:
    """A decoded image: ``rgba`` is (H, W, 4) uint8, C-contiguous, RGBA order."""

    rgba: U8
    color_type: str
    format: str
    is_png: bool

    @property
    def width(self) -> int:
        return int(self.rgba.shape[1])

    @property
    def height(self) -> int:
        return int(self.rgba.shape[0])

    @property
    def has_alpha(self) -> bool:
        """True when the native colour type carries alpha (``La*``/``Rgba*``)."""
        return self.color_type.startswith(("La", "Rgba"))


def sniff_format(data: bytes) -> str | None:
    """``"png"``, ``"jpeg"``, ``"webp"``, another known format name, or ``None``."""
    if data.startswith(png.PNG_SIGNATURE):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    for sig, name in _OTHER_SIGNATURES.items():
        if data.startswith(sig):
            return name
    return None


def image_dimensions(data: bytes, fmt: str) -> tuple[int, int] | None:
    """(width, height) from a PNG, JPEG or WebP header, or ``None`` if not found there."""
    if fmt == "png":
        head = png.read_header(data)
        return None if head is None else (head.width, head.height)
    if fmt == "jpeg":
        return _jpeg_dimensions(data)
    if fmt == "webp" and len(data) >= 30:
        kind = data[12:16]
        if kind == b"VP8 ":
            width, height = struct.unpack_from("<HH", data, 26)
            return width & 0x3FFF, height & 0x3FFF
        if kind == b"VP8L" and data[20] == 0x2F:
            (bits,) = struct.unpack_from("<I", data, 21)
            return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
        if kind == b"VP8X":
            width = int.from_bytes(data[24:27], "little") + 1
            return width, int.from_bytes(data[27:30], "little") + 1
    return None


def _jpeg_dimensions(data: bytes) -> tuple[int, int] | None:
    """The frame size from the first SOF marker (stops at the scan data)."""
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # no length field
            pos += 2
            continue
        if marker == 0xDA:  # start of scan: no frame header before it
            return None
        (length,) = struct.unpack_from(">H", data, pos + 2)
        if marker in _JPEG_SOF and pos + 9 <= len(data):
            height, width = struct.unpack_from(">HH", data, pos + 5)
            return width, height
        pos += 2 + length
    return None


def _check_size(data: bytes, fmt: str, path: str | None) -> None:
    """Refuse a decompression bomb (``image_decode_failed``) before decoding it."""
    size = image_dimensions(data, fmt)
    if size is not None and size[0] * size[1] > MAX_PIXELS:
        raise _decode_failed(
            path, f"Memory limit exceeded: the image is {size[0]}x{size[1]} pixels, "
            f"above the limit of {MAX_PIXELS:,} pixels")


def _decode_failed(path: str | None, error: str) -> AppError:
    detail = {"path": path, "error": error}
    return AppError("image_decode_failed", "Unable to decode image file.", detail)


def _read(source: ImageSource) -> tuple[bytes, str | None]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), None
    path = os.fspath(source)
    try:
        with open(path, "rb") as handle:
            return handle.read(), path
    except OSError as exc:
        raise AppError(
            "image_read_failed", "Unable to open image file.", {"path": path, "error": str(exc)}
        ) from exc


def _resolve_format(data: bytes, path: str | None) -> str:
    fmt = sniff_format(data)
    if fmt is None and path is not None:
        ext = os.path.splitext(path)[1].lower()
        if not ext:
            raise _decode_failed(path, "The image format could not be determined")
        fmt = _EXTENSIONS.get(ext)
        if fmt is None:
            raise _decode_failed(
                path, f"The file extension `{ext}` was not recognized as an image format"
            )
    if fmt is None:
        raise _decode_failed(path, "The image format could not be determined")
    if fmt not in ("png", "jpeg", "webp"):
        raise _decode_failed(path, f"The image format `{fmt}` is not supported")
    return fmt


def _to_rgba(pixels: npt.NDArray[np.generic], bgr: bool) -> U8:
    """Any decoder output (H, W[, C]) uint8/uint16 -> (H, W, 4) uint8 RGBA."""
    import cv2  # not needed for the PNGs that png.decode reads

    arr = np.asarray(pixels)
    if arr.dtype == np.uint16:
        arr = ((arr.astype(np.uint32) + 128) // 257).astype(np.uint8)
    elif arr.dtype != np.uint8:
        raise ValueError(f"unsupported sample type {arr.dtype}")
    if arr.ndim == 2:
        arr = arr[:, :, None]
    channels = arr.shape[2]
    if channels == 1:
        return cast(U8, cv2.cvtColor(arr, cv2.COLOR_GRAY2RGBA))
    if channels == 2:
        out = np.empty((*arr.shape[:2], 4), np.uint8)
        out[..., :3] = arr[..., :1]
        out[..., 3] = arr[..., 1]
        return out
    if channels == 3:
        return cast(U8, cv2.cvtColor(arr, cv2.COLOR_BGR2RGBA if bgr else cv2.COLOR_RGB2RGBA))
    if channels == 4:
        return cast(
            U8, cv2.cvtColor(arr, cv2.COLOR_BGRA2RGBA) if bgr else np.ascontiguousarray(arr)
        )
    raise ValueError(f"unsupported channel count {channels}")


def _png_type(data: bytes) -> str:
    head = png.read_header(data)
    if head is None:
        raise ValueError("missing IHDR")
    if head.color_type == 3:
        return "Rgba8" if head.has_trns else "Rgb8"
    name = _PNG_TYPES.get((head.color_type, 16 if head.bit_depth == 16 else 8))
    if name is None:
        raise ValueError(f"invalid PNG colour type {head.color_type}/{head.bit_depth}")
    return _ADD_ALPHA.get(name, name) if head.has_trns else name


def _cv2_decode(data: bytes, fmt: str) -> tuple[U8, int]:
    """OpenCV decode -> (RGBA, native channel count)."""
    import cv2

    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if pixels is None:
        raise ValueError(f"OpenCV could not decode the {fmt} data")
    channels = 1 if pixels.ndim == 2 else int(pixels.shape[2])
    rgba = _to_rgba(pixels, bgr=True)
    if fmt == "png" and channels in (1, 3):
        rgba = _apply_trns(data, rgba)
    return rgba, channels


def _apply_trns(data: bytes, rgba: U8) -> U8:
    """Grey/RGB tRNS: the single transparent colour gets alpha 0 (8-bit files only)."""
    head = png.read_header(data)
    if head is None or not head.has_trns or head.color_type not in (0, 2) or head.bit_depth != 8:
        return rgba
    for kind, payload in png._chunks(data):
        if kind == b"tRNS":
            values = [payload[i + 1] for i in range(0, len(payload) - 1, 2)]
            key = values[:1] * 3 if head.color_type == 0 else values[:3]
            if len(key) == 3:
                hit = np.all(rgba[..., :3] == np.array(key, np.uint8), axis=2)
                rgba[..., 3][hit] = 0
            break
    return rgba


def decode_image(source: ImageSource) -> DecodedImage:
    """Decode PNG/JPEG/WebP bytes or a file path into 8-bit RGBA.

    Raises ``AppError``: ``image_read_failed`` (cannot open the file) or
    ``image_decode_failed`` (unknown/unsupported format, corrupt data).
    """
    data, path = _read(source)
    fmt = _resolve_format(data, path)
    _check_size(data, fmt, path)
    try:
        if fmt == "png":
            color_type = _png_type(data)
            fast = png.decode(data, rgba=True)
            if fast is None:
                rgba = _cv2_decode(data, fmt)[0]
            else:
                head, rgba = fast
                if head.has_trns and head.color_type in (0, 2):
                    rgba = _apply_trns(data, rgba)
        else:
            rgba, channels = _cv2_decode(data, fmt)
            color_type = (
                ("L8" if channels == 1 else "Rgb8")
                if fmt == "jpeg"
                else ("Rgba8" if channels == 4 else "Rgb8")
            )
    except Exception as exc:
        if not isinstance(exc, (ValueError, zlib.error)) and not _opencv_error(exc):
            raise
        raise _decode_failed(path, str(exc)) from exc
    return DecodedImage(rgba=rgba, color_type=color_type, format=fmt, is_png=fmt == "png")


def _opencv_error(exc: Exception) -> bool:
    cv2 = sys.modules.get("cv2")  # an OpenCV error implies OpenCV is loaded
    return cv2 is not None and isinstance(exc, cv2.error)


def decode_images(*sources: ImageSource) -> list[DecodedImage]:
    """Decode several images in parallel threads (the codecs release the GIL)."""
    if len(sources) <= 1:
        return [decode_image(s) for s in sources]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(min(len(sources), 2)) as pool:
        return list(pool.map(decode_image, sources))


def encode_png(rgba: U8) -> bytes:
    """Encode an (H, W, 4) uint8 RGBA array as an 8-bit RGBA non-interlaced PNG."""
    arr = np.ascontiguousarray(rgba)
    if arr.ndim != 3 or arr.shape[2] != 4 or arr.dtype != np.uint8:
        raise ValueError("encode_png expects an (H, W, 4) uint8 RGBA array")
    return png.encode_rgba(arr)
