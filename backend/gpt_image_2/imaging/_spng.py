"""libspng's row filters on already-inflated PNG scanlines.

libspng (bundled by the ``pyspng`` package, which exports its C API) undoes the
PNG row filters with SIMD code, but it inflates with the zlib it was built with,
which is 5-25x slower than libdeflate. :func:`unfilter` therefore takes the
scanlines that libdeflate has already inflated and hands libspng a PNG whose
zlib stream is made of *stored* (uncompressed) blocks, for which zlib's inflate
is a ``memcpy``; checksums are switched off (libdeflate and our chunk reader
have already checked them).

The stored-block PNG is built in place around the scanlines: the caller
inflates into ``buffer[SCANLINES_AT:SCANLINES_AT + size]`` of a buffer of
:func:`buffer_size` bytes, and :func:`unfilter` moves each 65,535-byte block a
few bytes to the right, last block first, to make room for the 5-byte block
headers. No second copy of the image is made. When a row in the middle does not
depend on the row above it (filter *None* or *Sub*), the image is cut there
into two such PNGs, which two threads decode at once. libspng is called through
``ctypes``, which releases the GIL.
"""

from __future__ import annotations

import struct
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["FMT_PNG", "FMT_RGBA8", "SCANLINES_AT", "available", "buffer_size", "unfilter"]

U8 = npt.NDArray[np.uint8]

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_BLOCK = 65535  # the largest stored deflate block
_HEAD = 8 + 25 + 8 + 2  # signature, IHDR chunk, IDAT length and type, zlib header
_TAIL = 4 + 4 + 12  # Adler-32 (ignored), IDAT CRC (ignored), IEND chunk
_IEND = struct.pack(">I", 0) + b"IEND\xae\x42\x60\x82"
_SPLIT_MIN_BYTES = 1 << 22  # below this one thread decodes the whole image
SCANLINES_AT = _HEAD
# spng.h
_CTX_IGNORE_ADLER32 = 1
_CRC_USE = 2  # "ignore and don't calculate checksum"
FMT_RGBA8 = 1
FMT_PNG = 256  # the file's own channel layout


def _blocks(size: int) -> int:
    return -(-size // _BLOCK)


def _png_size(size: int) -> int:
    return _HEAD + 5 * _blocks(size) + size + _TAIL


def buffer_size(size: int) -> int:
    """Bytes to allocate for ``size`` bytes of filtered scanlines (room for two PNGs)."""
    return 2 * (_HEAD + _TAIL) + 5 * (_blocks(size) + 1) + size


@cache
def _api() -> dict[str, Any] | None:
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


def _move_blocks(base: int, src: int, at: int, size: int) -> None:
    """Spread ``size`` bytes at offset ``src`` into the stored blocks of a PNG starting at
    offset ``at`` (every block moves right), last block first so that nothing unread
    is overwritten."""
    import ctypes

    for i in range(_blocks(size) - 1, -1, -1):
        start = i * _BLOCK
        ctypes.memmove(base + at + _HEAD + i * (_BLOCK + 5) + 5, base + src + start,
                       min(_BLOCK, size - start))


def _frame(buffer: U8, at: int, size: int, ihdr: bytes) -> None:
    """Write the PNG chunks and block headers around the blocks of a PNG starting at ``at``."""
    blocks = _blocks(size)
    starts = at + _HEAD + (_BLOCK + 5) * np.arange(blocks, dtype=np.intp)
    # Stored block headers: BFINAL/BTYPE=00, LEN, NLEN (little-endian); only the last differs.
    buffer[starts] = 0
    buffer[starts + 1] = 0xFF
    buffer[starts + 2] = 0xFF
    buffer[starts + 3] = 0
    buffer[starts + 4] = 0
    last = size - (blocks - 1) * _BLOCK
    buffer[starts[-1] : starts[-1] + 5] = np.frombuffer(
        struct.pack("<BHH", 1, last, last ^ 0xFFFF), np.uint8)
    idat = 2 + 5 * blocks + size + 4
    buffer[at : at + _HEAD] = np.frombuffer(
        _SIGNATURE + struct.pack(">I", 13) + b"IHDR" + ihdr + b"\0\0\0\0"
        + struct.pack(">I", idat) + b"IDAT" + b"\x78\x01", np.uint8)
    end = at + _HEAD + 5 * blocks + size
    buffer[end : end + _TAIL] = np.frombuffer(b"\0" * 8 + _IEND, np.uint8)


def _split_row(kinds: U8) -> int | None:
    """A row near the middle whose filter ignores the row above (None or Sub), or None."""
    height = int(kinds.size)
    middle = height // 2
    window = kinds[height // 4 : height - height // 4]
    free = np.flatnonzero(window <= 1) + height // 4
    if free.size == 0:
        return None
    row = int(free[np.argmin(np.abs(free - middle))])
    return row if 0 < row < height else None


def _decode(api: dict[str, Any], buffer: U8, at: int, length: int, out: U8, fmt: int) -> bool:
    import ctypes

    ctx = api["spng_ctx_new"](_CTX_IGNORE_ADLER32)
    if not ctx:
        return False
    try:
        needed = ctypes.c_size_t(0)
        if (api["spng_set_crc_action"](ctx, _CRC_USE, _CRC_USE)
                or api["spng_set_png_buffer"](ctx, buffer.ctypes.data + at, length)
                or api["spng_decoded_image_size"](ctx, fmt, ctypes.byref(needed))
                or needed.value != out.nbytes):
            return False
        return bool(api["spng_decode_image"](ctx, out.ctypes.data, out.nbytes, fmt, 0) == 0)
    finally:
        api["spng_ctx_free"](ctx)


def unfilter(buffer: U8, ihdr: bytes, stride: int, out: U8, fmt: int, *,
             in_place: bool = False) -> bool:
    """Undo the row filters of the scanlines in ``buffer`` into ``out``.

    ``buffer`` is :func:`buffer_size` uint8 bytes with the inflated scanlines
    (``height`` rows of ``stride`` bytes, filter byte first) at
    :data:`SCANLINES_AT` (it is rewritten in place); ``ihdr`` is the 13-byte
    IHDR payload (8-bit, non-interlaced); ``out`` is a C-contiguous uint8 array
    of exactly the decoded size for ``fmt`` (:data:`FMT_PNG`: the file's
    channels, :data:`FMT_RGBA8`: RGBA). Returns False when libspng is
    unavailable or refuses the data (an unknown filter type, for example).

    ``in_place``: ``out`` is the start of ``buffer`` itself, with output rows no
    longer than the scanlines (the same channels). libspng reads scanline ``i``
    before it writes output row ``i``, and scanline ``i + 1`` starts past the end
    of output row ``i`` (every scanline has a filter byte more, and the stored
    blocks add headers), so no unread byte is overwritten. One thread only: a
    second part's output would land on the first part's unread tail.
    """
    api = _api()
    height = int(out.shape[0])
    size = height * stride
    if (api is None or buffer.nbytes != buffer_size(size) or not out.flags.c_contiguous
            or height != struct.unpack_from(">I", ihdr, 4)[0]):
        return False
    if in_place and (out.ctypes.data != buffer.ctypes.data
                     or out.nbytes // height > stride - 1):
        return False
    kinds = buffer[_HEAD : _HEAD + size : stride]
    split = _split_row(kinds) if size >= _SPLIT_MIN_BYTES and not in_place else None
    base = buffer.ctypes.data
    if split is None:
        _move_blocks(base, _HEAD, 0, size)
        _frame(buffer, 0, size, ihdr)
        return _decode(api, buffer, 0, _png_size(size), out, fmt)
    top, rest = split * stride, size - split * stride
    second = _png_size(top)
    _move_blocks(base, _HEAD + top, second, rest)  # the second part first: it moves furthest
    _move_blocks(base, _HEAD, 0, top)
    _frame(buffer, 0, top, ihdr[:4] + struct.pack(">I", split) + ihdr[8:])
    _frame(buffer, second, rest, ihdr[:4] + struct.pack(">I", height - split) + ihdr[8:])
    from ._types import Beside

    lower = Beside(_decode, api, buffer, second, _png_size(rest), out[split:], fmt)
    upper = _decode(api, buffer, 0, _png_size(top), out[:split], fmt)
    return lower.result() and upper
