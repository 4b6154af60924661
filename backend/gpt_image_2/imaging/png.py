"""A small, fast PNG reader/writer for 8-bit RGB(A) images.

OpenCV's PNG codec (libpng + zlib, one thread, adaptive filters) spends most
of a 4K extract in encoding and decoding. This module covers the common case
with numpy and the standard library's zlib:

* :func:`encode_rgba` writes an 8-bit RGBA, non-interlaced PNG with the *Up*
  filter (*Sub* on the first row of each segment) and zlib level 1. Rows are split into horizontal
  segments that are deflated in parallel threads (zlib releases the GIL); each
  segment but the last ends with a full flush, so segments share no history and
  start byte-aligned. A private ancillary chunk ``gpIX`` (critical bit off,
  unsafe-to-copy) records the segment layout. Any PNG decoder reads the file
  as one ordinary zlib stream and ignores the chunk.
* :func:`decode_fast` reads such files back, inflating and unfiltering the
  segments in parallel. It returns ``None`` for any other PNG; the caller then
  uses OpenCV, which is as fast as numpy can be on a single zlib stream.

Pixel order is RGB(A); arrays are C-contiguous ``uint8``.
"""

from __future__ import annotations

import itertools
import struct
import zlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["PNG_SIGNATURE", "PngHeader", "decode_fast", "encode_rgba", "read_header"]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_INDEX_CHUNK = b"gpIX"
_INDEX_VERSION = 1
_MIN_SEGMENT_ROWS = 128
_MAX_SEGMENTS = 8
_THREADS = 2

U8 = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class PngHeader:
    """IHDR fields plus the chunk facts the decoder needs."""

    width: int
    height: int
    bit_depth: int
    color_type: int
    interlace: int
    has_trns: bool
    indexed: bool = False


@dataclass(frozen=True)
class _Parsed:
    header: PngHeader
    idat: list[bytes]
    index: list[tuple[int, int]] | None  # (rows, compressed bytes) per segment


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
    """Parse IHDR (and note tRNS/``gpIX`` chunks before the image data) of a PNG byte string.

    Returns ``None`` when ``data`` does not start with a PNG signature and an IHDR.
    """
    if not data.startswith(PNG_SIGNATURE) or len(data) < 33 or data[12:16] != b"IHDR":
        return None
    width, height, depth, ctype, _comp, _filt, interlace = struct.unpack_from(">IIBBBBB", data, 16)
    has_trns = indexed = False
    pos = len(PNG_SIGNATURE)
    while pos + 8 <= len(data):
        (length,) = struct.unpack_from(">I", data, pos)
        kind = data[pos + 4 : pos + 8]
        if kind in (b"IDAT", b"IEND"):
            break
        has_trns = has_trns or kind == b"tRNS"
        indexed = indexed or kind == _INDEX_CHUNK
        pos += 12 + length
    return PngHeader(width, height, depth, ctype, interlace, has_trns, indexed)


def _parse(data: bytes) -> _Parsed | None:
    header = read_header(data)
    if header is None:
        return None
    idat: list[bytes] = []
    index: list[tuple[int, int]] | None = None
    for kind, payload in _chunks(data):
        if kind == b"IDAT":
            idat.append(payload)
        elif kind == _INDEX_CHUNK and len(payload) >= 2 and payload[0] == _INDEX_VERSION:
            count = payload[1]
            if len(payload) == 2 + 8 * count:
                index = [struct.unpack_from(">II", payload, 2 + 8 * i) for i in range(count)]
    return _Parsed(header, idat, index)


_CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}


class _FilterError(Exception):
    """A row uses a filter other than None, Sub or Up."""


def _unfilter_into(out: U8, raw: bytes | memoryview, first: int, prev: U8 | None) -> None:
    """Undo the row filters of consecutive rows ``first..`` into ``out`` (H, W, C).

    ``raw`` holds whole filtered scanlines (filter byte + W*C samples); ``prev`` is the
    reconstructed row above ``first`` (``None`` at the top of the image).
    """
    _, width, channels = out.shape
    stride = width * channels + 1
    buf = np.frombuffer(raw, np.uint8)
    rows = buf.size // stride
    if rows == 0:
        return
    buf = buf[: rows * stride].reshape(rows, stride)
    kinds = buf[:, 0]
    if int(kinds.max()) > 2:
        raise _FilterError
    body = buf[:, 1:].reshape(rows, width, channels)
    dest = out[first : first + rows]
    sub = kinds == 1
    if sub.all():
        np.cumsum(body, axis=1, dtype=np.uint8, out=dest)
        return
    dest[...] = body
    if sub.any():
        dest[sub] = np.cumsum(body[sub], axis=1, dtype=np.uint8)
    flat = dest.reshape(rows, -1)
    above = None if prev is None else prev.reshape(-1)
    for row in np.flatnonzero(kinds == 2).tolist():
        src = flat[row - 1] if row > 0 else above
        if src is not None:
            np.add(flat[row], src, out=flat[row])


def _decode_indexed(parsed: _Parsed, stream: bytes, out: U8) -> bool:
    """Inflate and unfilter our own segmented files in parallel; False if the index is off."""
    index = parsed.index
    height = out.shape[0]
    stride = out.shape[1] * out.shape[2] + 1
    if not index or sum(r for r, _ in index) != height:
        return False
    if sum(n for _, n in index) + 6 != len(stream):
        return False
    jobs: list[tuple[int, int, int, int]] = []  # (first row, rows, byte offset, byte count)
    row, offset = 0, 2
    for rows, size in index:
        jobs.append((row, rows, offset, size))
        row += rows
        offset += size

    def run(job: tuple[int, int, int, int]) -> tuple[int, int]:
        first, rows, start, size = job
        raw = zlib.decompressobj(-15).decompress(stream[start : start + size])
        if len(raw) != rows * stride:
            raise ValueError("PNG segment has the wrong size")
        # Our writer never uses Up on the first row of a segment.
        _unfilter_into(out, raw, first, None)
        return zlib.adler32(raw), len(raw)

    with ThreadPoolExecutor(_THREADS) as pool:
        results = list(pool.map(run, jobs))
    adler = 1
    for part, size in results:
        adler = _adler32_combine(adler, part, size)
    if struct.pack(">I", adler) != stream[-4:]:
        raise ValueError("PNG zlib checksum mismatch")
    return True


def decode_fast(data: bytes) -> tuple[PngHeader, U8] | None:
    """Decode one of our own segmented 8-bit PNGs in parallel.

    Returns ``(header, pixels)`` with pixels of shape (H, W, C), C in {1, 2, 3, 4},
    dtype uint8, in file channel order (grey, grey+alpha, RGB or RGBA), or ``None``
    when the file has no valid ``gpIX`` index or needs the general decoder
    (palette, 16-bit, interlaced, tRNS, Average/Paeth rows). Raises
    ``ValueError``/``zlib.error`` on corrupt data.
    """
    header = read_header(data)
    if header is None or not header.indexed:
        return None
    parsed = _parse(data)
    if parsed is None or parsed.index is None:
        return None
    head = parsed.header
    channels = _CHANNELS.get(head.color_type)
    if channels is None or head.bit_depth != 8 or head.interlace != 0 or head.has_trns:
        return None
    if head.width == 0 or head.height == 0 or not parsed.idat:
        return None
    out = np.empty((head.height, head.width, channels), np.uint8)
    try:
        if not _decode_indexed(parsed, b"".join(parsed.idat), out):
            return None
    except _FilterError:
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
    crc = zlib.crc32(payload, zlib.crc32(kind))
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def _segments(height: int) -> list[int]:
    count = max(1, min(_MAX_SEGMENTS, height // _MIN_SEGMENT_ROWS, 2 * _THREADS))
    edges = np.linspace(0, height, count + 1).astype(int).tolist()
    return [int(e) for e in edges]


def _filter(rows: U8) -> U8:
    """Rows (n, W, 4) -> scanlines (n, 1 + 4W): Sub on the first row, Up on the others.

    A segment's first row never refers to the row above it, so segments can be
    decoded independently.
    """
    n, width, ch = rows.shape
    out = np.empty((n, 1 + width * ch), np.uint8)
    out[0, 0] = 1
    out[1:, 0] = 2
    first = out[0, 1:].reshape(width, ch)
    first[:1] = rows[0, :1]
    np.subtract(rows[0, 1:], rows[0, :-1], out=first[1:])
    flat = rows.reshape(n, width * ch)
    np.subtract(flat[1:], flat[:-1], out=out[1:, 1:])
    return out


def encode_rgba(rgba: U8, level: int = 1) -> bytes:
    """Encode an (H, W, 4) uint8 RGBA array as an 8-bit RGBA PNG (see module doc)."""
    if rgba.ndim != 3 or rgba.shape[2] != 4 or rgba.dtype != np.uint8:
        raise ValueError("encode_rgba expects an (H, W, 4) uint8 array")
    height, width = int(rgba.shape[0]), int(rgba.shape[1])
    edges = _segments(height)
    bounds = list(itertools.pairwise(edges))
    last = len(bounds) - 1

    def work(i: int) -> tuple[bytes, int, int]:
        lo, hi = bounds[i]
        filtered = _filter(rgba[lo:hi])
        comp = zlib.compressobj(level, zlib.DEFLATED, -15, 8)
        body = comp.compress(filtered.data)
        body += comp.flush(zlib.Z_FINISH if i == last else zlib.Z_FULL_FLUSH)
        return body, zlib.adler32(filtered.data), filtered.size

    if len(bounds) == 1:
        results = [work(0)]
    else:
        with ThreadPoolExecutor(_THREADS) as pool:
            results = list(pool.map(work, range(len(bounds))))
    adler = 1
    for _, part, size in results:
        adler = _adler32_combine(adler, part, size)
    return _assemble(width, height, bounds, results, adler)


def _assemble(
    width: int,
    height: int,
    bounds: Sequence[tuple[int, int]],
    results: Sequence[tuple[bytes, int, int]],
    adler: int,
) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    index = bytes([_INDEX_VERSION, len(bounds)]) + b"".join(
        struct.pack(">II", hi - lo, len(body))
        for (lo, hi), (body, _, _) in zip(bounds, results, strict=True)
    )
    parts = [PNG_SIGNATURE, _chunk(b"IHDR", ihdr), _chunk(_INDEX_CHUNK, index)]
    count = len(results)
    for i, (body, _, _) in enumerate(results):
        payload = body
        if i == 0:
            payload = b"\x78\x01" + payload
        if i == count - 1:
            payload = payload + struct.pack(">I", adler)
        parts.append(_chunk(b"IDAT", payload))
    parts.append(_chunk(b"IEND", b""))
    return b"".join(parts)
