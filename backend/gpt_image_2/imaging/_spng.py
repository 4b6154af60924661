"""libspng's row filters on already-inflated PNG scanlines.

libspng (bundled by the ``pyspng`` package, which exports its C API) undoes the
PNG row filters with SIMD code, but it inflates with the zlib it was built with,
which is 5-25x slower than libdeflate. :func:`unfilter` therefore takes the
scanlines that libdeflate has already inflated and hands libspng a PNG whose
zlib stream is made of *stored* (uncompressed) blocks, for which zlib's inflate
is a ``memcpy``; checksums are switched off (libdeflate and our chunk reader
have already checked them).

The stored-block PNG is built in place around the scanlines: the caller
inflates into ``buffer[head:head + size]`` (see :func:`layout`), and
:func:`unfilter` moves each 65,535-byte block a few bytes to the right, last
block first, to make room for the 5-byte block headers. No second copy of the
image is made. libspng is called through ``ctypes``, which releases the GIL.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["Layout", "available", "layout", "unfilter"]

U8 = npt.NDArray[np.uint8]

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_BLOCK = 65535  # the largest stored deflate block
_HEAD = 8 + 25 + 8 + 2  # signature, IHDR chunk, IDAT length and type, zlib header
_TAIL = 4 + 4 + 12  # Adler-32 (ignored), IDAT CRC (ignored), IEND chunk
# spng.h
_CTX_IGNORE_ADLER32 = 1
_CRC_USE = 2  # "ignore and don't calculate checksum"
FMT_RGBA8 = 1
FMT_PNG = 256  # the file's own channel layout


@dataclass(frozen=True)
class Layout:
    """Where the scanlines go in the stored-block PNG buffer."""

    size: int  # bytes of filtered scanlines
    blocks: int
    head: int = _HEAD

    @property
    def total(self) -> int:
        return self.head + 5 * self.blocks + self.size + _TAIL


def layout(size: int) -> Layout:
    """The buffer layout for ``size`` bytes of filtered scanlines (``size`` > 0)."""
    return Layout(size=size, blocks=-(-size // _BLOCK))


@cache
def _api() -> Any | None:
    """libspng's functions from the ``pyspng`` extension module, or None."""
    import ctypes

    try:
        from importlib.util import find_spec

        spec = find_spec("pyspng._pyspng_c")
        if spec is None or not spec.origin:
            return None
        lib = ctypes.CDLL(spec.origin)
        api = {name: getattr(lib, name) for name in (
            "spng_ctx_new", "spng_ctx_free", "spng_set_crc_action", "spng_set_png_buffer",
            "spng_decoded_image_size", "spng_decode_image")}
    except (OSError, AttributeError, ImportError):
        return None
    ptr, size_t, c_int = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int
    api["spng_ctx_new"].restype = ptr
    api["spng_ctx_new"].argtypes = [c_int]
    api["spng_ctx_free"].restype = None
    api["spng_ctx_free"].argtypes = [ptr]
    api["spng_set_crc_action"].restype = c_int
    api["spng_set_crc_action"].argtypes = [ptr, c_int, c_int]
    api["spng_set_png_buffer"].restype = c_int
    api["spng_set_png_buffer"].argtypes = [ptr, ptr, size_t]
    api["spng_decoded_image_size"].restype = c_int
    api["spng_decoded_image_size"].argtypes = [ptr, c_int, ctypes.POINTER(size_t)]
    api["spng_decode_image"].restype = c_int
    api["spng_decode_image"].argtypes = [ptr, ptr, size_t, c_int, c_int]
    return api


def available() -> bool:
    """Whether libspng could be loaded (otherwise callers use another decoder)."""
    return _api() is not None


def _wrap(buffer: U8, plan: Layout, ihdr: bytes) -> None:
    """Turn ``buffer`` (scanlines at ``plan.head``) into a complete stored-block PNG."""
    import ctypes

    base = buffer.ctypes.data
    size, head, step = plan.size, plan.head, _BLOCK + 5
    for i in range(plan.blocks - 1, -1, -1):  # last first: nothing unread is overwritten
        start = i * _BLOCK
        ctypes.memmove(base + head + i * step + 5, base + head + start,
                       min(_BLOCK, size - start))
    # Block headers: BFINAL/BTYPE=00, LEN, NLEN (little-endian); only the last differs.
    starts = head + step * np.arange(plan.blocks, dtype=np.intp)
    buffer[starts] = 0
    buffer[starts + 1] = 0xFF
    buffer[starts + 2] = 0xFF
    buffer[starts + 3] = 0
    buffer[starts + 4] = 0
    last = size - (plan.blocks - 1) * _BLOCK
    buffer[starts[-1] : starts[-1] + 5] = np.frombuffer(
        struct.pack("<BHH", 1, last, last ^ 0xFFFF), np.uint8)
    idat = 2 + 5 * plan.blocks + size + 4
    buffer[:head] = np.frombuffer(
        _SIGNATURE + struct.pack(">I", 13) + b"IHDR" + ihdr + b"\0\0\0\0"
        + struct.pack(">I", idat) + b"IDAT" + b"\x78\x01", np.uint8)
    end = head + 5 * plan.blocks + size
    buffer[end:] = np.frombuffer(b"\0" * 8 + struct.pack(">I", 0) + b"IEND\xae\x42\x60\x82",
                                 np.uint8)


def unfilter(buffer: U8, plan: Layout, ihdr: bytes, out: U8, fmt: int) -> bool:
    """Undo the row filters of the scanlines in ``buffer`` into ``out``.

    ``buffer`` is ``plan.total`` uint8 bytes with the inflated scanlines at
    ``plan.head`` (it is rewritten in place); ``ihdr`` is the 13-byte IHDR
    payload (8-bit, non-interlaced); ``out`` is a C-contiguous uint8 array of
    exactly the decoded size for ``fmt`` (:data:`FMT_PNG`: the file's channels,
    :data:`FMT_RGBA8`: RGBA). Returns False when libspng is unavailable or
    refuses the data (an invalid filter type, for example).
    """
    api = _api()
    if api is None or buffer.nbytes != plan.total or not out.flags.c_contiguous:
        return False
    import ctypes

    _wrap(buffer, plan, ihdr)
    ctx = api["spng_ctx_new"](_CTX_IGNORE_ADLER32)
    if not ctx:
        return False
    try:
        needed = ctypes.c_size_t(0)
        if (api["spng_set_crc_action"](ctx, _CRC_USE, _CRC_USE)
                or api["spng_set_png_buffer"](ctx, buffer.ctypes.data, plan.total)
                or api["spng_decoded_image_size"](ctx, fmt, ctypes.byref(needed))
                or needed.value != out.nbytes):
            return False
        return bool(api["spng_decode_image"](ctx, out.ctypes.data, out.nbytes, fmt, 0) == 0)
    finally:
        api["spng_ctx_free"](ctx)
