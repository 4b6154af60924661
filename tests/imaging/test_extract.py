"""Chroma and dual extraction on synthetic ground truth, with numeric error bounds."""

from __future__ import annotations

import numpy as np
import pytest

from gpt_image_2.errors import AppError
from gpt_image_2.imaging import (
    extract_chroma,
    extract_dual,
    resolve_chroma_settings,
    verify_rgba,
)
from tests.imaging.imaging_helpers import alpha_mae, composite, disc, glow, rgba_from

GREEN = (0, 255, 0)
MAGENTA = (255, 0, 255)


def _noisy(img: np.ndarray, sigma: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = img.copy()
    jitter = rng.normal(0, sigma, (*img.shape[:2], 3))
    out[..., :3] = np.clip(img[..., :3] + jitter + 0.5, 0, 255).astype(np.uint8)
    return out


def _glass(size: int = 160) -> np.ndarray:
    yy, xx = np.mgrid[0:size, 0:size]
    r = np.sqrt((xx - size / 2) ** 2 + (yy - size / 2) ** 2)
    alpha = np.where(r <= 50, 0.30, 0.0) + np.where((r > 44) & (r <= 50), 0.55, 0.0)
    return rgba_from((190, 225, 255), alpha)


@pytest.mark.parametrize("matte", [GREEN, MAGENTA, (0, 0, 255)])
def test_opaque_disc_is_nearly_exact(matte: tuple[int, int, int]) -> None:
    truth = disc(160, 50, (200, 40, 60) if matte != MAGENTA else (40, 160, 60))
    result = extract_chroma(composite(truth, matte), resolve_chroma_settings())
    assert result.matte == matte and result.matte_source == "auto-sampled"
    assert alpha_mae(result.rgba, truth) < 0.1
    opaque = truth[..., 3] == 255
    assert np.array_equal(result.rgba[opaque], truth[opaque])  # colours untouched
    assert (result.rgba[truth[..., 3] == 0] == 0).all()
    report = verify_rgba(result.rgba, "icon", expected_matte=matte)
    assert report.passed, report.failure_reasons


def test_edges_keep_real_partial_alpha() -> None:
    truth = disc(160, 50)
    out = extract_chroma(composite(truth, GREEN), resolve_chroma_settings()).rgba
    edge = (truth[..., 3] > 20) & (truth[..., 3] < 235)
    assert edge.sum() > 100
    # The reference makes these nearly binary (about 80/255 error); we follow coverage.
    assert np.abs(out[edge, 3].astype(int) - truth[edge, 3]).mean() < 2.0


def test_glow_keeps_its_translucency() -> None:
    truth = glow(160, 0.9, 18)
    out = extract_chroma(composite(truth, GREEN), resolve_chroma_settings()).rgba
    assert alpha_mae(out, truth) < 6.0  # the reference is near 20 on such glows
    partial = np.count_nonzero((out[..., 3] > 5) & (out[..., 3] < 250))
    assert partial > 5 * np.count_nonzero(out[..., 3] >= 250)  # mostly see-through
    assert verify_rgba(out, "glow", expected_matte=GREEN).passed
    glow_preset = extract_chroma(composite(truth, GREEN), resolve_chroma_settings("glow")).rgba
    assert alpha_mae(glow_preset, truth) < 3.0


def test_glass_body_stays_see_through() -> None:
    truth = _glass()
    out = extract_chroma(composite(truth, GREEN), resolve_chroma_settings()).rgba
    body = np.zeros(truth.shape[:2], bool)
    body[70:90, 70:90] = True
    assert np.abs(out[body, 3].astype(int) - 77).max() <= 12
    assert alpha_mae(out, truth) < 5.0  # the reference is near 45 here
    # un-mixed colour is light blue, not green
    r, g, b = out[80, 80, :3].astype(int)
    assert b >= g - 40 and r > 120


def test_shadow_on_magenta() -> None:
    truth = glow(160, 0.6, 16, (22, 24, 34))
    out = extract_chroma(composite(truth, MAGENTA), resolve_chroma_settings()).rgba
    assert alpha_mae(out, truth) < 2.5


def test_greenish_emblem_inside_an_opaque_badge_stays_opaque() -> None:
    truth = disc(160, 60, (38, 62, 150)).copy()
    inner = disc(160, 30, (88, 170, 84))
    truth[inner[..., 3] > 0] = inner[inner[..., 3] > 0]
    truth[..., 3] = disc(160, 60)[..., 3]
    out = extract_chroma(composite(truth, GREEN), resolve_chroma_settings()).rgba
    emblem = inner[..., 3] == 255
    assert (out[emblem, 3] == 255).all()
    assert np.array_equal(out[emblem, :3], truth[emblem, :3])  # no spill desaturation


def test_noisy_matte_gives_no_specks() -> None:
    truth = disc(200, 50)
    src = _noisy(composite(truth, GREEN), 3.0)
    result = extract_chroma(src, resolve_chroma_settings())
    report = verify_rgba(result.rgba, "icon", expected_matte=result.matte)
    assert report.component_count == 1, report.stray_pixel_count
    assert report.passed, report.failure_reasons
    assert result.tolerance > 5
    assert alpha_mae(result.rgba, truth) < 1.5


def test_provided_matte_and_source_alpha() -> None:
    truth = disc(120, 30)
    src = composite(truth, GREEN)
    src[:, :10, 3] = 100  # the source alpha can only lower the result
    src[60, 60, 3] = 3
    result = extract_chroma(src, resolve_chroma_settings(matte=GREEN))
    assert result.matte_source == "provided"
    assert result.rgba[60, 60, 3] == 3 and (result.rgba[60, 60, :3] == 0).all()
    assert result.rgba[..., 3].max() == 255


def test_faint_pixels_are_scrubbed_but_keep_alpha() -> None:
    truth = glow(160, 0.9, 18)
    out = extract_chroma(composite(truth, GREEN), resolve_chroma_settings()).rgba
    faint = out[..., 3] <= 5
    assert (out[faint, :3] == 0).all()
    assert verify_rgba(out, "glow").transparent_rgb_scrubbed


@pytest.mark.parametrize("matte", [(0, 0, 0), (255, 255, 255)])
def test_black_and_white_mattes(matte: tuple[int, int, int]) -> None:
    truth = disc(160, 50, (200, 40, 60))
    out = extract_chroma(composite(truth, matte), resolve_chroma_settings()).rgba
    assert alpha_mae(out, truth) < 0.5


def test_plain_matte_gives_an_empty_image() -> None:
    src = composite(np.zeros((50, 50, 4), np.uint8), GREEN)
    out = extract_chroma(src, resolve_chroma_settings()).rgba
    assert not out.any()


def test_bad_input_shape() -> None:
    with pytest.raises(ValueError):
        extract_chroma(np.zeros((4, 4, 3), np.uint8), resolve_chroma_settings())


# --- dual ---------------------------------------------------------------------------


@pytest.mark.parametrize("truth", [disc(160, 50), glow(160, 0.9, 18), _glass()])
def test_dual_is_nearly_exact(truth: np.ndarray) -> None:
    result = extract_dual(composite(truth, (0, 0, 0)), composite(truth, (255, 255, 255)))
    assert alpha_mae(result.rgba, truth) < 0.3
    opaque = truth[..., 3] == 255
    assert np.array_equal(result.rgba[opaque], truth[opaque])
    assert result.alignment.passed and result.alignment.score > 0.99
    assert set(result.alignment.to_dict()) == {
        "score",
        "passed",
        "negative_delta_ratio",
        "delta_channel_noise",
        "color_space",
    }


def test_dual_with_off_black_and_off_white_backgrounds() -> None:
    truth = glow(160, 0.9, 18, (90, 200, 255))
    result = extract_dual(composite(truth, (14, 12, 20)), composite(truth, (240, 238, 232)))
    assert result.dark_background == (14, 12, 20)
    assert alpha_mae(result.rgba, truth) < 0.6
    centre = result.rgba[80, 80, :3].astype(int)
    assert np.abs(centre - (90, 200, 255)).max() <= 3


def test_dual_with_noise_has_no_specks() -> None:
    truth = disc(200, 50)
    dark = _noisy(composite(truth, (0, 0, 0)), 3.0, 1)
    light = _noisy(composite(truth, (255, 255, 255)), 3.0, 2)
    result = extract_dual(dark, light)
    report = verify_rgba(result.rgba, "icon")
    assert report.component_count == 1 and report.passed, report.failure_reasons
    assert alpha_mae(result.rgba, truth) < 1.0


def test_swapped_pair_still_extracts_but_reports_bad_alignment() -> None:
    truth = disc(160, 50)
    result = extract_dual(composite(truth, (255, 255, 255)), composite(truth, (0, 0, 0)))
    assert not result.alignment.passed and result.alignment.score == 0.0
    assert alpha_mae(result.rgba, truth) < 0.3


def test_dual_size_mismatch_is_refused() -> None:
    with pytest.raises(AppError) as err:
        extract_dual(
            np.zeros((10, 12, 4), np.uint8),
            np.zeros((10, 13, 4), np.uint8),
            paths=("d.png", "l.png"),
        )
    assert err.value.code == "transparent_input_mismatch"
    assert err.value.message == "Dual-background images must have identical dimensions."
    assert err.value.detail == {
        "dark_image": "d.png",
        "light_image": "l.png",
        "dark_size": {"width": 12, "height": 10},
        "light_size": {"width": 13, "height": 10},
    }


def test_misaligned_pair_is_refused() -> None:
    truth = disc(160, 50, (200, 40, 60))
    dark = composite(truth, (0, 0, 0))
    light = composite(np.roll(truth, 3, axis=1), (255, 255, 255))
    with pytest.raises(AppError) as err:
        extract_dual(dark, light)
    assert err.value.code == "transparent_input_mismatch"
    assert err.value.detail["inconsistent_ratio"] > 0.02


def test_different_subjects_are_refused() -> None:
    dark = composite(disc(160, 50, (200, 40, 60)), (0, 0, 0))
    light = composite(disc(160, 50, (40, 60, 200)), (255, 255, 255))
    with pytest.raises(AppError) as err:
        extract_dual(dark, light)
    assert err.value.code == "transparent_input_mismatch"


def test_same_background_twice_is_refused() -> None:
    img = composite(disc(160, 50), (0, 0, 0))
    with pytest.raises(AppError) as err:
        extract_dual(img, img.copy())
    assert err.value.code == "transparent_input_mismatch"


def test_lone_noise_pixels_are_keyed_exactly_as_inside_the_subject_box(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Noise specks all over the frame: the split path gives the same pixels as one big box."""
    from gpt_image_2.imaging import chroma

    rng = np.random.default_rng(11)
    img = np.zeros((240, 320, 4), np.uint8)
    img[..., 1] = 255
    img[..., 3] = 255
    img[80:170, 100:210, :3] = (200, 60, 30)
    img[120:130, 60:100, :3] = (90, 200, 80)  # a matte-ish tint touching the subject
    noisy = img[..., :3].astype(np.int16) + rng.normal(0, 4, (240, 320, 3)).astype(np.int16)
    img[..., :3] = np.clip(noisy, 0, 255).astype(np.uint8)
    specks = rng.integers(0, 240 * 320, 300)
    img.reshape(-1, 4)[specks, :3] = rng.integers(0, 256, (300, 3), dtype=np.uint8)
    img[0, 0, :3] = (255, 0, 0)
    img[239, 319, :3] = (0, 0, 255)
    img[3, 300, 3] = 2  # a lone pixel whose source alpha is transparent
    for material in (None, "soft-3d", "glow"):
        settings = resolve_chroma_settings(material)
        split = chroma.extract_chroma(img, settings).rgba
        monkeypatch.setattr(chroma, "_LONE_CHECK_SHARE", 2.0)  # never split
        whole = chroma.extract_chroma(img, settings).rgba
        monkeypatch.undo()
        assert np.array_equal(split, whole)
        assert split[3, 300].tolist() == [0, 0, 0, 0] or split[3, 300, 3] <= 2
