"""Decoding to 8-bit RGBA with native colour types, and our PNG writer."""

from __future__ import annotations

import struct
import tracemalloc
from pathlib import Path

import cv2
import numpy as np
import pytest

from gpt_image_2.errors import AppError
from gpt_image_2.imaging import decode_image, encode_png
from gpt_image_2.imaging.codecs import MAX_PIXELS, _check_size, image_dimensions
from gpt_image_2.imaging.png import decode as png_decode
from tests.imaging.imaging_helpers import make_png
from tests.transparent.images import bomb_png

GREY = np.array([[10, 20], [30, 40]], np.uint8)


def _bgr(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


def test_png_roundtrip_is_lossless_and_readable_by_opencv() -> None:
    rng = np.random.default_rng(0)
    rgba = rng.integers(0, 256, (301, 257, 4), dtype=np.uint8)
    data = encode_png(rgba)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert np.array_equal(decode_image(data).rgba, rgba)
    assert png_decode(data) is not None  # our own decoder, not the OpenCV fallback
    theirs = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    assert np.array_equal(cv2.cvtColor(theirs, cv2.COLOR_BGRA2RGBA), rgba)


def test_png_written_by_opencv_decodes_identically() -> None:
    rng = np.random.default_rng(1)
    rgb = rng.integers(0, 256, (64, 80, 3), dtype=np.uint8)
    ok, buf = cv2.imencode(".png", _bgr(rgb))
    assert ok
    img = decode_image(buf.tobytes())
    assert img.color_type == "Rgb8" and img.is_png and not img.has_alpha
    assert np.array_equal(img.rgba[..., :3], rgb)
    assert (img.rgba[..., 3] == 255).all()


def test_16_bit_samples_round_to_nearest_8_bit_value() -> None:
    values = np.arange(65536, dtype=np.uint16).reshape(256, 256)
    img = decode_image(make_png(values, 0, bit_depth=16))
    assert img.color_type == "L16"
    expected = ((values.astype(np.uint32) + 128) // 257).astype(np.uint8)
    assert np.array_equal(img.rgba[..., 0], expected)
    assert np.array_equal(img.rgba[..., 2], expected)
    assert (img.rgba[..., 3] == 255).all()


def test_16_bit_rgba_keeps_alpha() -> None:
    px = np.zeros((2, 2, 4), np.uint16)
    px[..., 0] = 65535
    px[..., 3] = [[0, 257 * 128], [65535, 300]]
    img = decode_image(make_png(px, 6, bit_depth=16))
    assert img.color_type == "Rgba16" and img.has_alpha
    assert img.rgba[..., 3].tolist() == [[0, 128], [255, 1]]


def test_grey_is_copied_to_rgb() -> None:
    img = decode_image(make_png(GREY, 0))
    assert img.color_type == "L8" and not img.has_alpha
    assert img.rgba[1, 0].tolist() == [30, 30, 30, 255]


def test_grey_alpha() -> None:
    px = np.dstack([GREY, np.array([[0, 64], [128, 255]], np.uint8)])
    img = decode_image(make_png(px, 4))
    assert img.color_type == "La8" and img.has_alpha
    assert img.rgba[0, 1].tolist() == [20, 20, 20, 64]


def test_grey_with_trns_becomes_grey_alpha() -> None:
    img = decode_image(make_png(GREY, 0, trns=b"\x00\x14"))
    assert img.color_type == "La8"
    assert img.rgba[..., 3].tolist() == [[255, 0], [255, 255]]


def test_palette_with_and_without_trns() -> None:
    index = np.array([[0, 1], [1, 0]], np.uint8)
    palette = [(255, 0, 0), (0, 0, 255)]
    plain = decode_image(make_png(index, 3, palette=palette))
    assert plain.color_type == "Rgb8"
    assert plain.rgba[0, 1].tolist() == [0, 0, 255, 255]
    keyed = decode_image(make_png(index, 3, palette=palette, trns=b"\x80"))
    assert keyed.color_type == "Rgba8" and keyed.has_alpha
    assert keyed.rgba[0, 0].tolist() == [255, 0, 0, 128]
    assert keyed.rgba[0, 1].tolist() == [0, 0, 255, 255]


def test_rgb_with_trns_becomes_rgba() -> None:
    rgb = np.dstack([GREY, GREY, GREY])
    img = decode_image(make_png(rgb, 2, trns=b"\x00\x14\x00\x14\x00\x14"))
    assert img.color_type == "Rgba8"
    assert img.rgba[0, 1, 3] == 0 and img.rgba[0, 0, 3] == 255


def test_jpeg_colour_and_grey() -> None:
    rgb = np.full((16, 16, 3), (200, 100, 50), np.uint8)
    ok, buf = cv2.imencode(".jpg", _bgr(rgb), [cv2.IMWRITE_JPEG_QUALITY, 95])
    assert ok
    img = decode_image(buf.tobytes())
    assert img.color_type == "Rgb8" and not img.is_png and img.format == "jpeg"
    assert np.abs(img.rgba[8, 8, :3].astype(int) - (200, 100, 50)).max() <= 4
    ok, buf = cv2.imencode(".jpg", np.full((16, 16), 77, np.uint8))
    assert decode_image(buf.tobytes()).color_type == "L8"


def test_webp_with_and_without_alpha() -> None:
    rgba = np.zeros((16, 16, 4), np.uint8)
    rgba[..., 0] = 255
    rgba[4:12, 4:12, 3] = 255
    ok, buf = cv2.imencode(
        ".webp", cv2.cvtColor(rgba, cv2.COLOR_RGBA2BGRA), [cv2.IMWRITE_WEBP_QUALITY, 101]
    )
    assert ok
    img = decode_image(buf.tobytes())
    assert img.color_type == "Rgba8" and img.format == "webp" and not img.is_png
    assert img.rgba[0, 0, 3] == 0 and img.rgba[8, 8].tolist() == [255, 0, 0, 255]
    ok, buf = cv2.imencode(".webp", _bgr(rgba[..., :3].copy()), [cv2.IMWRITE_WEBP_QUALITY, 101])
    assert decode_image(buf.tobytes()).color_type == "Rgb8"


@pytest.mark.parametrize(
    "data",
    [b"", b"garbage bytes that are no image", b"GIF89a\x01\x00\x01\x00", b"\x89PNG\r\n\x1a\nxx"],
)
def test_garbage_bytes_fail_to_decode(data: bytes) -> None:
    with pytest.raises(AppError) as err:
        decode_image(data)
    assert err.value.code == "image_decode_failed"
    assert err.value.message == "Unable to decode image file."


def test_truncated_png_fails_to_decode() -> None:
    data = encode_png(np.full((64, 64, 4), 7, np.uint8))
    for cut in (len(data) // 2, len(data) - 20):
        with pytest.raises(AppError) as err:
            decode_image(data[:cut])
        assert err.value.code == "image_decode_failed"


def test_corrupt_segment_is_detected() -> None:
    rgba = np.random.default_rng(2).integers(0, 256, (300, 40, 4), dtype=np.uint8)
    data = bytearray(encode_png(rgba))
    pos = data.index(b"IDAT") + 40
    data[pos] ^= 0xFF
    try:
        img = decode_image(bytes(data))
    except AppError as err:
        assert err.code == "image_decode_failed"
    else:  # a flipped bit that still inflates must not come back silently as the original
        assert not np.array_equal(img.rgba, rgba)


def test_missing_file_is_a_read_failure(tmp_path: Path) -> None:
    path = tmp_path / "nope.png"
    with pytest.raises(AppError) as err:
        decode_image(path)
    assert err.value.code == "image_read_failed"
    assert err.value.message == "Unable to open image file."
    assert err.value.detail["path"] == str(path)


def test_text_file_is_rejected_by_extension(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(AppError) as err:
        decode_image(path)
    assert err.value.code == "image_decode_failed"
    assert ".txt" in err.value.detail["error"]


def test_png_content_with_jpg_name_is_png(tmp_path: Path) -> None:
    path = tmp_path / "really.jpg"
    path.write_bytes(encode_png(np.zeros((4, 4, 4), np.uint8)))
    img = decode_image(str(path))
    assert img.is_png and img.color_type == "Rgba8"


def test_encode_rejects_non_rgba() -> None:
    with pytest.raises(ValueError):
        encode_png(np.zeros((4, 4, 3), np.uint8))
    with pytest.raises(ValueError):
        encode_png(np.zeros((4, 4, 4), np.float32))  # type: ignore[arg-type]


def test_ihdr_of_written_png() -> None:
    data = encode_png(np.zeros((3, 5, 4), np.uint8))
    width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", data[16:29])
    assert (width, height, depth, ctype, interlace) == (5, 3, 8, 6, 0)


def _jpeg_header(width: int, height: int) -> bytes:
    """SOI, an APP0 segment and a baseline SOF0 frame header, without scan data."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3) + b"\x01\x11\x00" * 3
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


def _webp_vp8x(width: int, height: int) -> bytes:
    body = b"VP8X" + struct.pack("<I", 10) + b"\x00\x00\x00\x00"
    body += (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body


@pytest.mark.parametrize("data", [
    bomb_png(20000, 20000),
    _jpeg_header(20000, 20000),
    _webp_vp8x(16000, 16000),
], ids=["png", "jpeg", "webp"])
def test_decompression_bomb_is_refused_from_its_header(data: bytes) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(AppError) as err:
            decode_image(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert err.value.code == "image_decode_failed"
    assert err.value.detail["error"].startswith("Memory limit exceeded")
    assert f"{MAX_PIXELS:,}" in err.value.detail["error"]
    assert peak < 1 << 20  # refused before any pixel buffer was allocated


@pytest.mark.parametrize("fmt", ["png", "jpeg", "webp"])
def test_image_dimensions_of_real_files(fmt: str) -> None:
    bgr = np.zeros((37, 53, 3), np.uint8)
    ok, buf = cv2.imencode(f".{fmt}", bgr)
    assert ok
    assert image_dimensions(bytes(buf), fmt) == (53, 37)
    if fmt == "webp":  # lossless WebP has its own header layout
        ok, buf = cv2.imencode(".webp", bgr, [cv2.IMWRITE_WEBP_QUALITY, 101])
        assert ok and image_dimensions(bytes(buf), fmt) == (53, 37)


def test_the_guard_refuses_only_above_the_limit() -> None:
    _check_size(bomb_png(1 << 14, 1 << 13), "png", None)  # exactly MAX_PIXELS: allowed
    with pytest.raises(AppError):
        _check_size(bomb_png((1 << 14) + 1, 1 << 13), "png", None)
