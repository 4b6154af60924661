"""A fast PNG reader/writer for 8-bit images (libdeflate/ISA-L for zlib, libspng for filters).

OpenCV's PNG codec (libpng + zlib, one thread) spends most of a 4K extract or
verify in zlib. This module covers the common PNGs itself
(docs/decisions/0006-png-codec-libraries.md):

* :func:`decode` reads any 8-bit, non-interlaced grey, grey+alpha, RGB or RGBA
  PNG. The whole zlib stream is inflated in one call by libdeflate (``deflate``
  package; 5-25x faster than zlib) straight into the buffer from which libspng
  (``pyspng`` package) undoes the row filters with SIMD code and, if asked,
  converts to RGBA (see ``_inflate.py`` and ``_spng.py``). Any other PNG
  (palette, 16-bit, interlaced, damaged) returns ``None`` and the caller uses
  OpenCV on the whole file, so errors are reported as before.
* :func:`encode_rgba` writes an 8-bit RGBA, non-interlaced PNG with the *Up*
  filter (*Sub* on the first row of each segment). Rows are split into one horizontal segment
  per thread, deflated in parallel by ISA-L (``isal`` package, level 1; it
  releases the GIL); each segment but the last ends with a full flush, so the
  segments concatenate into one ordinary zlib stream.

Arrays are C-contiguous ``uint8``.
"""

from __future__ import annotations

import itertools
import struct
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from deflate import DeflateError, adler32, crc32, zlib_decompress

from . import _spng
from ._inflate import inflate_into

__all__ = [
    "PNG_SIGNATURE", "PngHeader", "decode", "encode_rgba", "read_header", "tune_for_one_shot",
]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_MIN_SEGMENT_ROWS = 128
_THREADS = 2
_CHUNK_BYTES = 1 << 21  # rows filtered per deflate call in the writer

U8 = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class PngHeader:
    """IHDR fields plus whether a tRNS chunk precedes the image data."""

    width: int
    height: int
    bit_depth: int
    color_type: int
    interlace: int
    has_trns: bool
    compression: int = 0
    filter_method: int = 0


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, payload) of every chunk up to IEND; raises ValueError when truncated."""
    out: list[tuple[bytes, bytes]] = []
    pos = len(PNG_SIGNATURE)
    end = len(data)
    while pos + 8 <= end:
        (length,) = struct.unpack_from(">I", data, pos)
        kind = data[pos + 4 : pos + 8]
        start = pos + 8
        if start + length + 4 > end:
            raise ValueError("truncated PNG chunk")
        out.append((kind, data[start : start + length]))
        pos = start + length + 4
        if kind == b"IEND":
            break
    return out


def read_header(data: bytes) -> PngHeader | None:
    """Parse IHDR (and note a tRNS chunk before the image data) of a PNG byte string.

    Returns ``None`` when ``data`` does not start with a PNG signature and an IHDR.
    """
    if not data.startswith(PNG_SIGNATURE) or len(data) < 33 or data[12:16] != b"IHDR":
        return None
    width, height, depth, ctype, comp, filt, interlace = struct.unpack_from(">IIBBBBB", data, 16)
    has_trns = False
    pos = len(PNG_SIGNATURE)
    while pos + 8 <= len(data):
        (length,) = struct.unpack_from(">I", data, pos)
        kind = data[pos + 4 : pos + 8]
        if kind in (b"IDAT", b"IEND"):
            break
        has_trns = has_trns or kind == b"tRNS"
        pos += 12 + length
    return PngHeader(width, height, depth, ctype, interlace, has_trns, comp, filt)


def _idat_spans(data: bytes) -> list[tuple[int, int]] | None:
    """(offset, length) of every IDAT payload, or ``None`` if a chunk is cut short,
    a CRC is off or there is no image data."""
    spans: list[tuple[int, int]] = []
    view = memoryview(data)
    pos = len(PNG_SIGNATURE)
    end = len(data)
    while pos + 8 <= end:
        (length,) = struct.unpack_from(">I", data, pos)
        kind = data[pos + 4 : pos + 8]
        start = pos + 8
        if start + length + 4 > end:
            return None
        if kind == b"IDAT":
            (crc,) = struct.unpack_from(">I", data, start + length)
            if crc32(view[start : start + length], crc32(kind)) != crc:
                return None
            spans.append((start, length))
        elif kind == b"IEND":
            break
        pos = start + length + 4
    return spans or None


def _stream(data: bytes, spans: list[tuple[int, int]], scratch: U8) -> U8:
    """The zlib stream as a uint8 array: a view of ``data`` when it is one chunk, else
    gathered into the front of ``scratch`` (or a new array when it does not fit)."""
    source = np.frombuffer(data, np.uint8)
    if len(spans) == 1:
        start, length = spans[0]
        return source[start : start + length]
    total = sum(length for _, length in spans)
    flat = scratch.reshape(-1)
    into = flat[:total] if total <= flat.size else np.empty(total, np.uint8)
    at = 0
    for start, length in spans:
        into[at : at + length] = source[start : start + length]
        at += length
    return into


_CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}


_one_shot = False


def tune_for_one_shot() -> None:
    """For a process that decodes one image and exits (the CLI's fast path): decode
    8-bit RGBA (and any file asked for in its own channels) in place, one thread,
    instead of into a second buffer with two threads. Touching 33 MB less fresh
    memory saves more than the second thread (about 20 ms of page faults at 4K)."""
    global _one_shot
    _one_shot = True


def decode(data: bytes, *, rgba: bool = False) -> tuple[PngHeader, U8] | None:
    """Decode an 8-bit, non-interlaced grey/grey+alpha/RGB/RGBA PNG.

    Returns ``(header, pixels)`` with pixels of shape (H, W, C), dtype uint8, in
    file channel order (C in {1, 2, 3, 4}), or RGBA (C = 4, alpha 255 where the
    file has none) when ``rgba`` is set; or ``None`` when the file needs the
    general decoder (palette, other bit depths, interlacing), looks damaged
    (bad CRC, a zlib stream that does not inflate to exactly the image size, an
    unknown filter type) or libspng is unavailable. A tRNS chunk is reported in
    the header and not applied.
    """
    head = read_header(data)
    if head is None:
        return None
    channels = _CHANNELS.get(head.color_type)
    if (channels is None or head.bit_depth != 8 or head.interlace != 0
            or head.compression != 0 or head.filter_method != 0):
        return None
    if head.width == 0 or head.height == 0 or not _spng.available():
        return None
    spans = _idat_spans(data)
    if spans is None:
        return None
    stride = head.width * channels + 1
    size = head.height * stride
    shape = (head.height, head.width, 4 if rgba else channels)
    # The scanlines are inflated straight into the buffer that becomes libspng's
    # input (imaging/_spng.py): no second copy of the image.
    buffer = np.empty(_spng.buffer_size(size), np.uint8)
    in_place = _one_shot and shape[2] == channels
    if in_place:  # the pixels overwrite the scanlines they come from (see _spng.py)
        out = buffer[: head.height * head.width * channels].reshape(shape)
        stream = _stream(data, spans, np.empty(0, np.uint8))
    else:
        # The output array is not written before the end: it first holds the zlib
        # stream when that comes in several chunks (no extra buffer to fault in).
        out = np.empty(shape, np.uint8)
        stream = _stream(data, spans, out)
    scanlines = buffer[_spng.SCANLINES_AT : _spng.SCANLINES_AT + size]
    inflated = inflate_into(stream, scanlines)
    if inflated is False:
        return None
    if inflated is None:
        try:
            data_out = zlib_decompress(stream.tobytes(), size)
        except DeflateError:
            return None
        if len(data_out) != size:
            return None
        scanlines[:] = np.frombuffer(data_out, np.uint8)
    fmt = _spng.FMT_RGBA8 if rgba else _spng.FMT_PNG
    if not _spng.unfilter(buffer, data[16:29], stride, out, fmt, in_place=in_place):
        return None
    return head, out


def _adler32_combine(adler1: int, adler2: int, len2: int) -> int:
    """Adler-32 of A+B from adler(A), adler(B) and len(B) (same maths as zlib)."""
    base = 65521
    rem = len2 % base
    sum1 = adler1 & 0xFFFF
    sum2 = (rem * sum1) % base
    sum1 += (adler2 & 0xFFFF) + base - 1
    sum2 += (adler1 >> 16) + (adler2 >> 16) + base - rem
    return ((sum2 % base) << 16) | (sum1 % base)


def _chunk(kind: bytes, payload: bytes) -> bytes:
    crc = crc32(payload, crc32(kind))
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def _segments(height: int) -> list[int]:
    count = max(1, min(_THREADS, height // _MIN_SEGMENT_ROWS))
    edges = np.linspace(0, height, count + 1).astype(int).tolist()
    return [int(e) for e in edges]


def _filter(rgba: U8, lo: int, hi: int, buf: U8 | None = None, *, sub_first: bool = False) -> U8:
    """Rows ``lo:hi`` of (H, W, 4) -> scanlines (n, 1 + 4W): Sub on image row 0 (and on
    row ``lo`` with ``sub_first``), else Up.

    Written into the first ``n`` rows of ``buf`` when given.
    """
    _, width, ch = rgba.shape
    n = hi - lo
    out = np.empty((n, 1 + width * ch), np.uint8) if buf is None else buf[:n]
    flat = rgba.reshape(rgba.shape[0], width * ch)
    out[:, 0] = 2
    first = 0
    if lo == 0 or sub_first:
        out[0, 0] = 1
        row = out[0, 1:].reshape(width, ch)
        row[:1] = rgba[lo, :1]
        np.subtract(rgba[lo, 1:], rgba[lo, :-1], out=row[1:])
        first = 1
    if n > first:
        np.subtract(flat[lo + first : hi], flat[lo + first - 1 : hi - 1], out=out[first:, 1:])
    return out


def encode_rgba(rgba: U8, level: int = 1) -> bytes:
    """Encode an (H, W, 4) uint8 RGBA array as an 8-bit RGBA PNG (see module doc)."""
    if rgba.ndim != 3 or rgba.shape[2] != 4 or rgba.dtype != np.uint8:
        raise ValueError("encode_rgba expects an (H, W, 4) uint8 array")
    rgba = np.ascontiguousarray(rgba)
    height, width = int(rgba.shape[0]), int(rgba.shape[1])
    bounds = list(itertools.pairwise(_segments(height)))
    last = len(bounds) - 1

    stride = 1 + width * 4
    step = max(1, _CHUNK_BYTES // stride)
    from isal import isal_zlib  # the writer only: verify never loads ISA-L

    def work(i: int) -> tuple[bytes, int, int]:
        # Filter a few rows at a time into one small reused buffer: a whole
        # segment of scanlines would be tens of MB of freshly faulted pages.
        lo, hi = bounds[i]
        buf = np.empty((min(step, hi - lo), stride), np.uint8)
        comp = isal_zlib.compressobj(level, isal_zlib.DEFLATED, -15)
        parts: list[bytes] = []
        check = 1
        for top in range(lo, hi, step):
            # A segment starts with a Sub row (independent of the row above), so the
            # decoder can undo the filters of the two segments in parallel.
            filtered = _filter(rgba, top, min(top + step, hi), buf, sub_first=top == lo)
            parts.append(comp.compress(filtered))
            check = adler32(filtered, check)
        parts.append(comp.flush(isal_zlib.Z_FINISH if i == last else isal_zlib.Z_FULL_FLUSH))
        return b"".join(parts), check, (hi - lo) * stride

    if len(bounds) == 1:
        results = [work(0)]
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(_THREADS) as pool:
            results = list(pool.map(work, range(len(bounds))))
    adler = 1
    for _, part, size in results:
        adler = _adler32_combine(adler, part, size)
    return _assemble(width, height, results, adler)


def _assemble(
    width: int, height: int, results: Sequence[tuple[bytes, int, int]], adler: int
) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    stream = b"".join([b"\x78\x01", *(body for body, _, _ in results), struct.pack(">I", adler)])
    return b"".join(
        [PNG_SIGNATURE, _chunk(b"IHDR", ihdr), _chunk(b"IDAT", stream), _chunk(b"IEND", b"")]
    )
