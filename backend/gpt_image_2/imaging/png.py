"""A fast PNG reader/writer for 8-bit images (libdeflate/ISA-L for zlib, numpy for filters).

OpenCV's PNG codec (libpng + zlib, one thread) spends most of a 4K extract or
verify in zlib. This module covers the common PNGs itself
(docs/decisions/0006-png-codec-libraries.md):

* :func:`decode` reads any 8-bit, non-interlaced grey, grey+alpha, RGB or RGBA
  PNG. The whole zlib stream is inflated in one call by libdeflate (``deflate``
  package; 5-25x faster than zlib; straight into a numpy buffer, see
  ``_inflate.py``), then the row filters are undone with numpy:
  *None*, *Sub* and *Up* rows directly, runs of *Average*/*Paeth* rows (whose
  serial per-pixel dependency numpy cannot vectorise) by libpng through OpenCV
  on a small uncompressed PNG holding just that run and the row above it. Any
  other PNG (palette, 16-bit, interlaced, damaged) returns ``None`` and the
  caller uses OpenCV on the whole file, so errors are reported as before.
* :func:`encode_rgba` writes an 8-bit RGBA, non-interlaced PNG with the *Up*
  filter (*Sub* on the first row). Rows are split into one horizontal segment
  per thread, deflated in parallel by ISA-L (``isal`` package, level 1; it
  releases the GIL); each segment but the last ends with a full flush, so the
  segments concatenate into one ordinary zlib stream.

Pixel order is the file's: grey, grey+alpha, RGB or RGBA; arrays are
C-contiguous ``uint8``.
"""

from __future__ import annotations

import itertools
import struct
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from deflate import DeflateError, adler32, crc32, zlib_decompress

from ._inflate import inflate_into

__all__ = ["PNG_SIGNATURE", "PngHeader", "decode", "encode_rgba", "read_header"]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_MIN_SEGMENT_ROWS = 128
_THREADS = 2
_STORED_BLOCK = 65535
_CHUNK_BYTES = 1 << 21  # rows filtered per deflate call in the writer
_SUB_TRANSPOSE_MIN_ROWS = 24
_PARALLEL_SUB_BYTES = 1 << 22  # Sub rows at least this large are summed in two threads

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


def _idat(data: bytes) -> bytes | None:
    """The concatenated IDAT payloads, or ``None`` if a chunk is cut short or its CRC is off."""
    parts: list[memoryview] = []
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
            payload = view[start : start + length]
            (crc,) = struct.unpack_from(">I", data, start + length)
            if crc32(payload, crc32(kind)) != crc:
                return None
            parts.append(payload)
        elif kind == b"IEND":
            break
        pos = start + length + 4
    return b"".join(parts) if parts else None


_CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}


def _stored_zlib(raw: memoryview) -> bytes:
    """``raw`` as a zlib stream of stored (uncompressed) deflate blocks."""
    parts: list[bytes | memoryview] = [b"\x78\x01"]
    size = len(raw)
    for start in range(0, size, _STORED_BLOCK):
        block = raw[start : start + _STORED_BLOCK]
        final = start + _STORED_BLOCK >= size
        parts.append(struct.pack("<BHH", final, len(block), len(block) ^ 0xFFFF))
        parts.append(block)
    parts.append(struct.pack(">I", adler32(raw)))
    return b"".join(parts)


def _libpng_rows(
    raw: memoryview, above: U8 | None, width: int, rows: int, color_type: int
) -> U8 | None:
    """Unfilter ``rows`` filtered scanlines with libpng (OpenCV), in file channel order.

    ``above`` is the reconstructed row above the first one (``None`` at the top of
    the image); it goes into the small PNG as an unfiltered first row.
    """
    import cv2  # only images with Average/Paeth rows need it

    prefix = b"" if above is None else b"\x00" + above.tobytes()
    total = rows + (0 if above is None else 1)
    ihdr = struct.pack(">IIBBBBB", width, total, 8, color_type, 0, 0, 0)
    mini = b"".join([
        PNG_SIGNATURE,
        _chunk(b"IHDR", ihdr),
        _chunk(b"IDAT", _stored_zlib(memoryview(prefix + bytes(raw)))),
        _chunk(b"IEND", b""),
    ])
    pixels = cv2.imdecode(np.frombuffer(mini, np.uint8), cv2.IMREAD_UNCHANGED)
    if pixels is None:
        return None
    pixels = np.asarray(pixels, np.uint8)[total - rows :]
    if color_type == 2:
        return np.asarray(pixels[..., ::-1], np.uint8)
    if color_type == 6:
        return np.asarray(pixels[..., [2, 1, 0, 3]], np.uint8)
    return np.asarray(pixels, np.uint8).reshape(rows, width, 1)


def _runs(kinds: U8) -> list[tuple[int, int, int]]:
    """(first row, end row, filter type) of each run of equal filter types."""
    edges = [0, *(np.flatnonzero(np.diff(kinds)) + 1).tolist(), int(kinds.size)]
    return [(lo, hi, int(kinds[lo])) for lo, hi in itertools.pairwise(edges)]


def _prefix_rows(picked: U8, dst: U8) -> None:
    """Running sums along each row of ``picked`` (n, W, C) into ``dst`` (n, W, C), mod 256.

    Transposes the pixels (OpenCV), adds each column to the next with whole-column
    numpy adds, and transposes back into ``dst``.
    """
    import cv2  # the transposes are the only OpenCV calls on this path

    rows, width, channels = picked.shape
    cols = np.asarray(cv2.transpose(picked), np.uint8).reshape(width, rows * channels)
    for x in range(1, width):
        np.add(cols[x], cols[x - 1], out=cols[x])
    cols3 = cols.reshape(width, rows, channels)
    if cv2.transpose(cols3, dst=dst) is not dst:  # pragma: no cover - OpenCV reallocated
        dst[...] = np.asarray(cv2.transpose(cols3), np.uint8)


def _log_step_rows(picked: U8, dst: U8, tmp: U8) -> None:
    """Running sums along each row (mod 256) by doubling steps: after the step of
    span ``k`` every pixel holds the sum of the ``2k`` pixels ending at it. Each step
    is one whole-array numpy add (which releases the GIL), ``ceil(log2(W))`` steps,
    ping-ponging between ``dst`` and ``tmp``; the result ends in ``dst``."""
    width = picked.shape[1]
    np.copyto(dst, picked)
    a, b = dst, tmp
    span = 1
    while span < width:
        b[:, :span] = a[:, :span]
        np.add(a[:, span:], a[:, :-span], out=b[:, span:])
        a, b = b, a
        span *= 2
    if a is not dst:
        np.copyto(dst, a)


def _prefix_rows_parallel(picked: U8, dst: U8) -> None:
    """:func:`_log_step_rows` on two halves of the rows in two threads (each add
    releases the GIL): ~2x :func:`_prefix_rows` on two cores for a 4K image."""
    from concurrent.futures import ThreadPoolExecutor

    half = picked.shape[0] // 2
    tmp = np.empty_like(dst)
    parts = (slice(0, half), slice(half, picked.shape[0]))
    with ThreadPoolExecutor(_THREADS) as pool:
        for done in [pool.submit(_log_step_rows, picked[p], dst[p], tmp[p]) for p in parts]:
            done.result()


def _undo_sub(body: U8, out: U8, rows: npt.NDArray[np.intp]) -> None:
    """*Sub* rows (they depend on nothing above): running sums along each row.

    numpy's uint8 ``cumsum`` manages about 2 ns per byte; for many rows
    :func:`_prefix_rows` is faster.
    """
    height, width, channels = out.shape
    if rows.size < _SUB_TRANSPOSE_MIN_ROWS:
        for row in rows.tolist():
            np.cumsum(body[row].reshape(width, channels), axis=0, dtype=np.uint8, out=out[row])
        return
    every = rows.size == height  # the common all-Sub file: no gather or scatter
    if every:
        picked, dst = body.reshape(height, width, channels), out
    else:
        picked = body[rows].reshape(rows.size, width, channels)
        dst = np.empty_like(picked)
    if picked.size >= _PARALLEL_SUB_BYTES:
        _prefix_rows_parallel(picked, dst)
    else:  # (the column loop holds the GIL between its small adds: one thread)
        _prefix_rows(picked, dst)
    if not every:
        out[rows] = dst


def _unfilter(buf: U8, out: U8, raw: memoryview, color_type: int) -> bool:
    """Undo the row filters of ``buf`` (H, 1 + W*C) into ``out`` (H, W, C); False to give up.

    ``raw`` is the same bytes as ``buf`` (the filtered scanlines, for libpng).
    *None* and *Sub* rows need no other row and are done first, all at once;
    then *Up*, *Average* and *Paeth* rows top to bottom.
    """
    height, width, channels = out.shape
    kinds = buf[:, 0]
    if int(kinds.max()) > 4:
        raise ValueError("invalid PNG filter type")
    body = buf[:, 1:]
    flat = out.reshape(height, width * channels)
    stride = buf.shape[1]
    none = np.flatnonzero(kinds == 0)
    if none.size:
        flat[none] = body[none]
    sub = np.flatnonzero(kinds == 1)
    if sub.size:
        _undo_sub(body, out, sub)
    for lo, hi, kind in _runs(kinds):
        if kind == 2:
            start = lo
            if lo == 0:
                flat[0] = body[0]
                start = 1
            for row in range(start, hi):
                np.add(body[row], flat[row - 1], out=flat[row])
        elif kind > 2:
            if channels == 2:
                return False
            above = flat[lo - 1] if lo > 0 else None
            rows = _libpng_rows(raw[lo * stride : hi * stride], above, width, hi - lo, color_type)
            if rows is None:
                return False
            out[lo:hi] = rows
    return True


def decode(data: bytes) -> tuple[PngHeader, U8] | None:
    """Decode an 8-bit, non-interlaced grey/grey+alpha/RGB/RGBA PNG.

    Returns ``(header, pixels)`` with pixels of shape (H, W, C), C in {1, 2, 3, 4},
    dtype uint8, in file channel order, or ``None`` when the file needs the
    general decoder (palette, other bit depths, interlacing) or looks damaged
    (bad CRC, a zlib stream that does not inflate to exactly the image size).
    A tRNS chunk is reported in the header and not applied.
    """
    head = read_header(data)
    if head is None:
        return None
    channels = _CHANNELS.get(head.color_type)
    if (channels is None or head.bit_depth != 8 or head.interlace != 0
            or head.compression != 0 or head.filter_method != 0):
        return None
    if head.width == 0 or head.height == 0:
        return None
    stream = _idat(data)
    if stream is None:
        return None
    stride = head.width * channels + 1
    size = head.height * stride
    # Into a numpy buffer (huge pages) when possible: a fresh bytes object of this
    # size costs about as much in page faults as the inflating (imaging/_inflate.py).
    raw = np.empty(size, np.uint8)
    inflated = inflate_into(stream, raw)
    if inflated is False:
        return None
    if inflated is None:
        try:
            data_out = zlib_decompress(stream, size)
        except DeflateError:
            return None
        if len(data_out) != size:
            return None
        raw = np.frombuffer(data_out, np.uint8)
    buf = raw.reshape(head.height, stride)
    out = np.empty((head.height, head.width, channels), np.uint8)
    try:
        if not _unfilter(buf, out, memoryview(raw.data), head.color_type):
            return None
    except ValueError:
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


def _filter(rgba: U8, lo: int, hi: int, buf: U8 | None = None) -> U8:
    """Rows ``lo:hi`` of (H, W, 4) -> scanlines (n, 1 + 4W): Sub on image row 0, else Up.

    Written into the first ``n`` rows of ``buf`` when given.
    """
    _, width, ch = rgba.shape
    n = hi - lo
    out = np.empty((n, 1 + width * ch), np.uint8) if buf is None else buf[:n]
    flat = rgba.reshape(rgba.shape[0], width * ch)
    out[:, 0] = 2
    first = 0
    if lo == 0:
        out[0, 0] = 1
        row = out[0, 1:].reshape(width, ch)
        row[:1] = rgba[0, :1]
        np.subtract(rgba[0, 1:], rgba[0, :-1], out=row[1:])
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
            filtered = _filter(rgba, top, min(top + step, hi), buf)
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
