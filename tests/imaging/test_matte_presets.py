"""Matte colour parsing, the saturated-channel split, auto-sampling and presets."""

from __future__ import annotations

import numpy as np
import pytest

from gpt_image_2.errors import AppError
from gpt_image_2.imaging import format_hex, parse_matte_color, resolve_chroma_settings
from gpt_image_2.imaging.matte import matte_channels, sample_matte
from tests.imaging.imaging_helpers import composite, disc


@pytest.mark.parametrize(
    ("text", "rgb"),
    [
        ("black", (0, 0, 0)),
        (" White ", (255, 255, 255)),
        ("green", (0, 255, 0)),
        ("chroma-green", (0, 255, 0)),
        ("MAGENTA", (255, 0, 255)),
        ("cyan", (0, 255, 255)),
        ("blue", (0, 0, 255)),
        ("#F008e0", (240, 8, 224)),
        ("00ff7f", (0, 255, 127)),
    ],
)
def test_parse_matte_color(text: str, rgb: tuple[int, int, int]) -> None:
    assert parse_matte_color(text) == rgb


@pytest.mark.parametrize("text", ["red", "#fff", "#+f+f+f", "#gg0000", "#00ff00ff", "", "auto"])
def test_bad_matte_colors_are_invalid_arguments(text: str) -> None:
    with pytest.raises(AppError) as err:
        parse_matte_color(text)
    assert err.value.code == "invalid_argument"
    assert err.value.message == "Matte color must be a named color or #RRGGBB."
    assert err.value.detail == {"value": text}


@pytest.mark.parametrize("text", ["auto", "sample", "Auto-Sample", "auto_sample"])
def test_auto_keywords_only_where_allowed(text: str) -> None:
    assert parse_matte_color(text, allow_auto=True) is None


def test_format_hex() -> None:
    assert format_hex((0, 255, 0)) == "#00ff00"
    assert format_hex((240, 8, 224)) == "#f008e0"


@pytest.mark.parametrize(
    ("rgb", "split"),
    [
        ((0, 255, 0), ((1,), (0, 2))),
        ((255, 0, 255), ((0, 2), (1,))),
        ((0, 255, 255), ((1, 2), (0,))),
        ((0, 0, 255), ((2,), (0, 1))),
        ((240, 8, 224), ((0,), (1, 2))),
        ((0, 0, 0), None),
        ((255, 255, 255), None),
        ((128, 128, 128), None),
    ],
)
def test_matte_channels_follow_the_spec_table(
    rgb: tuple[int, int, int], split: tuple[tuple[int, ...], tuple[int, ...]] | None
) -> None:
    assert matte_channels(rgb) == split


def test_auto_sampling_survives_a_subject_in_the_corners() -> None:
    # The reference's corner median would pick the subject colour here.
    img = composite(disc(256, 60, (220, 40, 40)), (0, 255, 0))
    img[:40, :40, :3] = (220, 40, 40)
    img[-40:, -40:, :3] = (220, 40, 40)
    img[:40, -40:, :3] = (30, 30, 200)
    est = sample_matte(img)
    assert est.color == (0, 255, 0)
    assert est.noise == 0.0
    assert 0.5 < est.coverage < 1.0


def test_auto_sampling_estimates_noise() -> None:
    rng = np.random.default_rng(4)
    img = np.zeros((200, 200, 4), np.uint8)
    img[..., :3] = np.clip(rng.normal((40, 200, 60), 3.0, (200, 200, 3)) + 0.5, 0, 255)
    img[..., 3] = 255
    est = sample_matte(img)
    assert max(abs(a - b) for a, b in zip(est.color, (40, 200, 60), strict=True)) <= 1
    assert 2.0 < est.noise < 4.5


def test_presets_and_individual_overrides() -> None:
    default = resolve_chroma_settings()
    assert (default.threshold, default.softness, default.material) == (28.0, 34.0, None)
    assert default.spill_suppression == 0.8500000238418579
    soft = resolve_chroma_settings("soft3d", threshold=35)
    assert (soft.threshold, soft.softness, soft.material) == (35.0, 40.0, "soft-3d")
    assert soft.spill_suppression == 0.20000000298023224
    glow = resolve_chroma_settings("glow", softness=10, spill_suppression=0.45)
    assert (glow.threshold, glow.softness) == (18.0, 10.0)
    assert glow.spill_suppression == 0.44999998807907104
    assert resolve_chroma_settings("sticker").material == "sticker"
    assert resolve_chroma_settings("flat-icon").spill_suppression == float(np.float32(0.75))


def test_preset_errors() -> None:
    with pytest.raises(AppError) as err:
        resolve_chroma_settings("chrome")
    assert err.value.code == "invalid_argument"
    with pytest.raises(AppError):
        resolve_chroma_settings(spill_suppression=1.5)
