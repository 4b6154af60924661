"""Our PNG decoder against libpng (OpenCV) on every row filter, colour type and run layout."""

from __future__ import annotations

import struct
import zlib

import cv2
import numpy as np
import numpy.typing as npt
import pytest

from gpt_image_2.errors import AppError
from gpt_image_2.imaging import decode_image, encode_png
from gpt_image_2.imaging.png import decode as png_decode

U8 = npt.NDArray[np.uint8]
_CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}


def _paeth(a: npt.NDArray[np.int16], b: npt.NDArray[np.int16],
           c: npt.NDArray[np.int16]) -> npt.NDArray[np.int16]:
    p = a + b - c
    pa, pb, pc = np.abs(p - a), np.abs(p - b), np.abs(p - c)
    return np.where((pa <= pb) & (pa <= pc), a, np.where(pb <= pc, b, c))


def _filter_row(row: U8, above: U8, kind: int, bpp: int) -> U8:
    """Forward PNG filter of one scanline (vectorised: the originals are all known)."""
    x = row.astype(np.int16)
    b = above.astype(np.int16)
    a = np.concatenate([np.zeros(bpp, np.int16), x[:-bpp]])
    c = np.concatenate([np.zeros(bpp, np.int16), b[:-bpp]])
    pred = [np.zeros_like(x), a, b, (a + b) // 2, _paeth(a, b, c)][kind]
    return ((x - pred) & 0xFF).astype(np.uint8)


def _png(pixels: U8, color_type: int, kinds: list[int], *, split_idat: int = 1) -> bytes:
    height, width = pixels.shape[:2]
    bpp = _CHANNELS[color_type]
    flat = pixels.reshape(height, width * bpp)
    rows = []
    for y in range(height):
        above = flat[y - 1] if y else np.zeros_like(flat[0])
        kind = kinds[y % len(kinds)]
        rows.append(bytes([kind]) + _filter_row(flat[y], above, kind, bpp).tobytes())
    stream = zlib.compress(b"".join(rows), 6)

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(payload, zlib.crc32(kind))
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    step = -(-len(stream) // split_idat)
    idats = [chunk(b"IDAT", stream[i : i + step]) for i in range(0, len(stream), step)]
    ihdr = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return b"".join([b"\x89PNG\r\n\x1a\n", chunk(b"IHDR", ihdr), *idats, chunk(b"IEND", b"")])


def _image(height: int, width: int, channels: int, seed: int) -> U8:
    """Smooth gradients plus noise and flat patches: every Paeth branch gets taken."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    base = np.stack([(x * 7 + y * 3 + 40 * c) % 256 for c in range(channels)], axis=-1)
    noise = rng.integers(-20, 21, (height, width, channels))
    img = (base + noise) % 256
    img[height // 3 : height // 2, : width // 2] = 128
    return img.astype(np.uint8)


LAYOUTS = {
    "none": [0],
    "sub": [1],
    "up": [2],
    "average": [3],
    "paeth": [4],
    "mixed": [1, 2, 2, 4, 4, 0, 3, 2, 1, 1, 4],
    "paeth-first": [4, 2, 2, 1],
}


@pytest.mark.parametrize("color_type", [0, 2, 4, 6])
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_every_filter_layout_matches_libpng(color_type: int, layout: str) -> None:
    pixels = _image(37, 53, _CHANNELS[color_type], seed=color_type)
    data = _png(pixels, color_type, LAYOUTS[layout], split_idat=3)
    decoded = png_decode(data)
    assert decoded is not None and np.array_equal(decoded[1], pixels)
    img = decode_image(data)
    theirs = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if color_type == 0:
        expected = cv2.cvtColor(theirs, cv2.COLOR_GRAY2RGBA)
    elif color_type == 2:
        expected = cv2.cvtColor(theirs, cv2.COLOR_BGR2RGBA)
    else:
        expected = cv2.cvtColor(theirs, cv2.COLOR_BGRA2RGBA)
    assert np.array_equal(img.rgba, expected)
    as_rgba = png_decode(data, rgba=True)  # libspng's own conversion to RGBA
    assert as_rgba is not None and np.array_equal(as_rgba[1], expected)


def test_unknown_filter_type_falls_back_to_opencv_and_fails() -> None:
    data = bytearray(_png(_image(20, 20, 4, seed=4), 6, [2]))
    body = bytearray(zlib.decompress(_idat_payload(bytes(data))))
    body[5 * (1 + 20 * 4)] = 7  # row 5: filter type 7 does not exist
    bad = _with_idat(bytes(data), zlib.compress(bytes(body)))
    assert png_decode(bad) is None
    with pytest.raises(AppError) as err:
        decode_image(bad)
    assert err.value.code == "image_decode_failed"


def test_large_images_of_every_layout_match_libpng() -> None:
    """Several stored blocks (65,535 bytes each) and an uneven last one."""
    pixels = _image(211, 331, 4, seed=9)
    data = _png(pixels, 6, LAYOUTS["mixed"], split_idat=5)
    decoded = png_decode(data)
    assert decoded is not None and np.array_equal(decoded[1], pixels)


def _idat_payload(data: bytes) -> bytes:
    pos, out = 8, b""
    while pos < len(data):
        (length,) = struct.unpack_from(">I", data, pos)
        if data[pos + 4 : pos + 8] == b"IDAT":
            out += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    return out


def _with_idat(data: bytes, stream: bytes) -> bytes:
    crc = zlib.crc32(stream, zlib.crc32(b"IDAT"))
    idat = struct.pack(">I", len(stream)) + b"IDAT" + stream + struct.pack(">I", crc)
    return data[:33] + idat + data[-12:]


def test_damaged_idat_crc_falls_back_to_opencv_and_fails() -> None:
    data = bytearray(_png(_image(20, 20, 4, seed=3), 6, [4, 2]))
    pos = data.index(b"IDAT") + 10
    data[pos] ^= 0x01
    assert png_decode(bytes(data)) is None
    with pytest.raises(AppError) as err:
        decode_image(bytes(data))
    assert err.value.code == "image_decode_failed"


def test_our_writer_output_is_read_back_by_our_decoder() -> None:
    rgba = _image(300, 129, 4, seed=5)
    data = encode_png(rgba)
    decoded = png_decode(data)
    assert decoded is not None and np.array_equal(decoded[1], rgba)


def test_without_libspng_opencv_decodes_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    from gpt_image_2.imaging import _spng

    pixels = _image(40, 30, 3, seed=11)
    data = _png(pixels, 2, LAYOUTS["mixed"])
    monkeypatch.setattr(_spng, "available", lambda: False)
    assert png_decode(data) is None
    assert np.array_equal(decode_image(data).rgba, cv2.cvtColor(pixels, cv2.COLOR_RGB2RGBA))


@pytest.mark.parametrize("color_type", [0, 2, 4, 6])
@pytest.mark.parametrize(("layout", "parts"), [
    ("none", 2), ("sub", 2), ("mixed", 2), ("up", 1), ("average", 1), ("paeth", 1),
])
def test_images_cut_at_an_independent_row_decode_in_two_parts(
    monkeypatch: pytest.MonkeyPatch, color_type: int, layout: str, parts: int
) -> None:
    """Large images are cut at a None/Sub row near the middle and decoded by two threads."""
    from gpt_image_2.imaging import _spng

    monkeypatch.setattr(_spng, "_SPLIT_MIN_BYTES", 0)  # as if the test image were large
    calls: list[int] = []
    decode_part = _spng._decode

    def counting(*args: object) -> bool:
        calls.append(1)
        return decode_part(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(_spng, "_decode", counting)
    pixels = _image(157, 331, _CHANNELS[color_type], seed=21)  # several stored blocks
    data = _png(pixels, color_type, LAYOUTS[layout], split_idat=2)
    decoded = png_decode(data)
    assert decoded is not None and np.array_equal(decoded[1], pixels)
    assert len(calls) == parts
    as_rgba = png_decode(data, rgba=True)
    assert as_rgba is not None
    assert np.array_equal(as_rgba[1], decode_image(data).rgba)


def test_without_the_libdeflate_c_api_the_python_binding_inflates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gpt_image_2.imaging import png

    pixels = _image(64, 90, 4, seed=12)
    data = _png(pixels, 6, LAYOUTS["mixed"], split_idat=4)
    monkeypatch.setattr(png, "inflate_into", lambda *_: None)
    decoded = png_decode(data)
    assert decoded is not None and np.array_equal(decoded[1], pixels)


def test_our_writer_starts_each_segment_with_a_sub_row() -> None:
    from gpt_image_2.imaging import png

    rgba = _image(300, 40, 4, seed=13)
    data = encode_png(rgba)
    kinds = np.frombuffer(zlib.decompress(_idat_payload(data)), np.uint8)[:: 1 + 40 * 4]
    starts = png._segments(300)[:-1]
    assert len(starts) == 2
    assert [int(kinds[i]) for i in starts] == [1, 1]
    assert set(np.delete(kinds, starts).tolist()) == {2}
    decoded = png_decode(data)
    assert decoded is not None and np.array_equal(decoded[1], rgba)


@pytest.mark.parametrize("color_type", [0, 2, 4, 6])
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_one_shot_in_place_decoding_matches(
    monkeypatch: pytest.MonkeyPatch, color_type: int, layout: str
) -> None:
    """The CLI's one-shot mode decodes into the scanline buffer itself (RGBA files, or
    any file in its own channels); the result is the same."""
    from gpt_image_2.imaging import png

    pixels = _image(149, 211, _CHANNELS[color_type], seed=31)  # several stored blocks
    data = _png(pixels, color_type, LAYOUTS[layout], split_idat=3)
    monkeypatch.setattr(png, "_one_shot", True)
    native = png_decode(data)
    assert native is not None and np.array_equal(native[1], pixels)
    assert native[1].base is not None  # a view of the scanline buffer: decoded in place
    as_rgba = png_decode(data, rgba=True)
    assert as_rgba is not None
    monkeypatch.setattr(png, "_one_shot", False)
    assert np.array_equal(as_rgba[1], decode_image(data).rgba)
