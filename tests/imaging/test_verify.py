"""Verifier truth tests: constructed images that must pass or fail each profile."""

from __future__ import annotations

import numpy as np
import pytest

from gpt_image_2.errors import AppError
from gpt_image_2.imaging import PROFILE_NAMES, VerifyReport, verify_rgba
from gpt_image_2.imaging.report import WARNINGS
from tests.imaging.imaging_helpers import disc, glow

SOLID = ("icon", "product", "sticker", "seal")
SOFT = ("translucent", "glow", "shadow")
GREEN = (0, 255, 0)

FIELD_TYPES: dict[str, type | tuple[type, ...]] = {
    "path": str,
    "profile": str,
    "width": int,
    "height": int,
    "is_png": bool,
    "color_type": str,
    "has_alpha": bool,
    "input_has_alpha": bool,
    "alpha_min": int,
    "alpha_max": int,
    "transparent_pixels": int,
    "partial_pixels": int,
    "opaque_pixels": int,
    "nontransparent_pixels": int,
    "transparent_ratio": float,
    "partial_ratio": float,
    "opaque_ratio": float,
    "edge_nontransparent_pixels": int,
    "edge_nontransparent_ratio": float,
    "touches_edge": bool,
    "edge_margin_px": (int, type(None)),
    "component_count": int,
    "largest_component_pixels": int,
    "stray_pixel_count": int,
    "largest_component_ratio": float,
    "alpha_noise_score": float,
    "matte_residue_score": (float, type(None)),
    "matte_residue_checked": bool,
    "halo_score": float,
    "transparent_rgb_scrubbed": bool,
    "checkerboard_detected": bool,
    "alpha_health_score": float,
    "residue_score": float,
    "quality_score": float,
    "bbox": (dict, type(None)),
    "passed": bool,
    "failure_reasons": list,
    "warnings": list,
}


def check(img: np.ndarray, profile: str, **kwargs: object) -> VerifyReport:
    return verify_rgba(img, profile, **kwargs)  # type: ignore[arg-type]


def solid_good() -> np.ndarray:
    return disc(128, 40)


def soft_good() -> np.ndarray:
    return glow(128, 0.9, 12)


def good_for(profile: str) -> np.ndarray:
    return soft_good() if profile in SOFT else solid_good()


@pytest.mark.parametrize("profile", PROFILE_NAMES)
def test_clean_asset_passes(profile: str) -> None:
    report = check(good_for(profile), profile, expected_matte=GREEN)
    assert report.passed, report.failure_reasons
    assert report.failure_reasons == []
    assert report.quality_score > 0.9
    assert report.alpha_health_score == 1.0


@pytest.mark.parametrize("profile", PROFILE_NAMES)
def test_every_field_has_the_spec_type(profile: str) -> None:
    data = check(good_for(profile), profile, path="a.png").to_dict()
    assert list(data) == sorted(FIELD_TYPES)
    for name, kind in FIELD_TYPES.items():
        value = data[name]
        assert isinstance(value, kind), name
        if kind is int or kind is float:
            assert not isinstance(value, bool), name
    assert set(data["bbox"]) == {"x", "y", "width", "height"}
    assert data["path"] == "a.png" and data["profile"] == profile


def test_measurements_of_a_known_image() -> None:
    img = np.zeros((10, 20, 4), np.uint8)
    img[2:5, 3:9] = (10, 20, 30, 255)
    img[6, 10] = (10, 20, 30, 100)
    r = check(img, "generic")
    assert (r.alpha_min, r.alpha_max) == (0, 255)
    assert (r.opaque_pixels, r.partial_pixels, r.nontransparent_pixels) == (18, 1, 19)
    assert r.transparent_pixels == 181 and r.transparent_ratio == 181 / 200
    assert r.bbox == {"x": 3, "y": 2, "width": 8, "height": 5}
    assert r.edge_margin_px == 2 and not r.touches_edge
    assert (r.component_count, r.largest_component_pixels, r.stray_pixel_count) == (2, 18, 1)
    assert r.largest_component_ratio == 18 / 19
    assert r.alpha_noise_score == 1 / 19
    assert r.matte_residue_score is None and not r.matte_residue_checked


def _profiles_with(reason: str) -> list[str]:
    table = {
        "profile_requires_opaque_pixels": SOLID,
        "profile_requires_partial_alpha": SOFT,
        "subject_touches_edge": SOLID,
        "effect_touches_edge": (*SOFT, "effect"),
        "too_many_stray_pixels": SOLID,
        "matte_residue_too_high": SOLID,
    }
    return list(table[reason])


BASE_CASES = {
    "not_png": lambda p: check(good_for(p), p, is_png=False),
    "missing_alpha_channel": lambda p: check(good_for(p), p, color_type="Rgb8"),
    "empty_subject": lambda p: check(np.zeros((64, 64, 4), np.uint8), p),
    "no_fully_transparent_pixels": lambda p: check(np.full((64, 64, 4), 200, np.uint8), p),
    "alpha_range_too_low": lambda p: check(_faint(), p),
    "transparent_area_too_small": lambda p: check(_almost_full(), p),
    "transparent_rgb_not_scrubbed": lambda p: check(_dirty(good_for(p)), p),
}


def _faint() -> np.ndarray:
    img = glow(128, 0.9, 12)
    img[..., 3] = np.minimum(img[..., 3], 15)
    return img


def _almost_full() -> np.ndarray:
    img = np.full((100, 100, 4), 255, np.uint8)
    img[0, :40, 3] = 0
    img[0, :40, :3] = 0
    return img


def _dirty(img: np.ndarray) -> np.ndarray:
    out = img.copy()
    out[0, 0] = (9, 0, 0, 0)
    return out


@pytest.mark.parametrize("profile", PROFILE_NAMES)
@pytest.mark.parametrize("reason", list(BASE_CASES))
def test_base_failures_apply_to_every_profile(profile: str, reason: str) -> None:
    report = BASE_CASES[reason](profile)
    assert reason in report.failure_reasons
    assert not report.passed
    assert report.quality_score <= 0.65


def test_checkerboard_painted_into_rgb_is_caught_with_a_subject() -> None:
    yy, xx = np.mgrid[0:256, 0:256]
    board = np.where(((xx // 16) + (yy // 16)) % 2, 238, 196).astype(np.uint8)
    img = np.dstack([board, board, board, np.full_like(board, 255)])
    subject = (xx - 128) ** 2 + (yy - 128) ** 2 < 60**2
    img[subject, :3] = (200, 30, 30)
    for profile in PROFILE_NAMES:
        report = check(img, profile, color_type="Rgb8")
        assert report.checkerboard_detected
        assert report.failure_reasons[:2] == ["missing_alpha_channel", "checkerboard_detected"]
        assert WARNINGS["checkerboard"] in report.warnings
    # Beside real transparency (top rows cut out) the reference gate never looks.
    img[:64] = 0
    report = check(img, "generic")
    assert report.checkerboard_detected and not report.passed


def test_pure_checkerboard_and_its_phase_shift_are_caught() -> None:
    yy, xx = np.mgrid[0:200, 0:200]
    for shift in (0, 8):
        board = np.where((((xx + shift) // 16) + ((yy + shift) // 16)) % 2, 255, 204)
        img = np.dstack([board] * 3 + [np.full_like(board, 255)]).astype(np.uint8)
        assert check(img, "generic", color_type="Rgb8").checkerboard_detected


def test_flat_or_striped_opaque_images_are_not_checkerboards() -> None:
    flat = np.full((128, 128, 4), 255, np.uint8)
    assert not check(flat, "generic").checkerboard_detected
    stripes = flat.copy()
    stripes[::2, :, :3] = 0
    assert not check(stripes, "generic").checkerboard_detected
    assert not check(solid_good(), "generic").checkerboard_detected


@pytest.mark.parametrize("profile", _profiles_with("profile_requires_opaque_pixels"))
def test_solid_profiles_need_opaque_pixels(profile: str) -> None:
    report = check(soft_good(), profile)
    assert "profile_requires_opaque_pixels" in report.failure_reasons
    assert check(soft_good(), "glow").passed


@pytest.mark.parametrize("profile", _profiles_with("profile_requires_partial_alpha"))
def test_soft_profiles_need_partial_alpha(profile: str) -> None:
    hard = np.zeros((64, 64, 4), np.uint8)
    hard[20:40, 20:40] = 255
    report = check(hard, profile)
    assert report.failure_reasons == ["profile_requires_partial_alpha"]
    assert WARNINGS["no_partial"] in report.warnings
    assert check(hard, "icon").passed


@pytest.mark.parametrize(
    ("profile", "limit"),
    [*((p, 0.05) for p in SOLID), *((p, 0.02) for p in (*SOFT, "effect"))],
)
def test_profile_transparent_area(profile: str, limit: float) -> None:
    img = np.zeros((100, 100, 4), np.uint8)
    img[..., 3] = 255
    # transparent ratio just under the limit, above the base 0.5 %
    rows = int(limit * 100) - 1
    img[:rows, :, :] = 0
    img[rows:, :, 3] = np.where(np.arange(100) % 2 == 0, 255, 120)[None, :]
    report = check(img, profile)
    assert "profile_transparent_area_too_small" in report.failure_reasons
    assert "transparent_area_too_small" not in report.failure_reasons


@pytest.mark.parametrize("profile", PROFILE_NAMES)
def test_subject_touching_the_edge(profile: str) -> None:
    img = good_for(profile).copy()
    img[60:68, 0:30] = (200, 40, 60, 255)
    report = check(img, profile)
    assert report.touches_edge and report.edge_margin_px == 0
    assert WARNINGS["edge"] in report.warnings
    expected = {p: "subject_touches_edge" for p in SOLID}
    expected.update({p: "effect_touches_edge" for p in (*SOFT, "effect")})
    if profile == "generic":
        assert report.passed  # only a warning
    else:
        assert expected[profile] in report.failure_reasons


@pytest.mark.parametrize(
    ("profile", "specks", "fails"),
    [
        ("icon", 80, True),
        ("product", 80, True),
        ("icon", 50, False),
        ("sticker", 150, False),
        ("sticker", 300, True),
        ("seal", 300, False),
    ],
)
def test_stray_specks(profile: str, specks: int, fails: bool) -> None:
    img = disc(200, 15).copy()  # about 710 pixels
    rng = np.random.default_rng(5)
    placed = 0
    while placed < specks:
        y, x = rng.integers(2, 198, 2)
        if (
            img[y - 1 : y + 2, x - 1 : x + 2, 3].max() == 0
            and ((x - 100) ** 2 + (y - 100) ** 2) > 20**2
        ):
            img[y, x] = (200, 40, 60, 255)
            placed += 1
    report = check(img, profile)
    assert report.stray_pixel_count == specks
    assert ("too_many_stray_pixels" in report.failure_reasons) is fails


def test_many_stray_specks_fail_seal() -> None:
    img = disc(200, 10).copy()
    img[5:195:4, 5:60:4] = (200, 40, 60, 255)
    report = check(img, "seal")
    assert report.alpha_noise_score > 0.6
    assert "too_many_stray_pixels" in report.failure_reasons


def _green_fringe() -> np.ndarray:
    img = disc(128, 40).copy()
    partial = (img[..., 3] > 5) & (img[..., 3] < 250)
    img[partial, :3] = (60, 230, 40)
    return img


@pytest.mark.parametrize("profile", SOLID)
def test_green_halo_fails_matte_residue(profile: str) -> None:
    img = _green_fringe()
    report = check(img, profile, expected_matte=GREEN)
    assert report.matte_residue_checked
    assert report.matte_residue_score is not None and report.matte_residue_score > 0.5
    assert "matte_residue_too_high" in report.failure_reasons
    assert WARNINGS["residue"] in report.warnings
    unchecked = check(img, profile)
    assert "matte_residue_too_high" not in unchecked.failure_reasons
    assert WARNINGS["unchecked"] in unchecked.warnings


def test_residue_against_a_non_saturated_matte_measures_similarity() -> None:
    img = disc(128, 40).copy()
    partial = (img[..., 3] > 5) & (img[..., 3] < 250)
    img[partial, :3] = (250, 250, 250)
    near_white = check(img, "icon", expected_matte=(255, 255, 255)).matte_residue_score
    far = check(img, "icon", expected_matte=(0, 0, 0)).matte_residue_score
    assert near_white is not None and far is not None and near_white > 0.95 and far < 0.05


def test_dark_grey_fringe_scores_a_halo() -> None:
    img = disc(128, 40).copy()
    partial = (img[..., 3] > 5) & (img[..., 3] < 250)
    img[partial, :3] = (3, 3, 3)
    report = check(img, "generic")
    assert report.halo_score == 1.0
    assert report.residue_score == pytest.approx(0.85)
    assert report.passed  # the halo only lowers the scores


def test_empty_image_is_only_empty_subject() -> None:
    report = check(np.zeros((1, 1, 4), np.uint8), "icon")
    # Fixed quirk: no extra too_many_stray_pixels for an empty image.
    assert report.failure_reasons == [
        "empty_subject",
        "alpha_range_too_low",
        "profile_requires_opaque_pixels",
    ]
    assert report.bbox is None and report.edge_margin_px is None and not report.touches_edge


def test_scores_follow_the_spec_examples() -> None:
    report = check(np.full((64, 64, 4), 200, np.uint8), "icon")
    assert report.alpha_health_score == 0.6000000000000001
    assert report.residue_score == 0.85 and report.quality_score == 0.45
    assert report.failure_reasons == [
        "no_fully_transparent_pixels",
        "transparent_area_too_small",
        "profile_requires_opaque_pixels",
        "profile_transparent_area_too_small",
        "subject_touches_edge",
    ]


def test_unknown_profile_is_rejected() -> None:
    with pytest.raises(AppError) as err:
        check(solid_good(), "poster")
    assert err.value.code == "invalid_argument"


@pytest.mark.parametrize(
    ("transparent_rgb", "scrubbed"),
    [((0, 0, 0), True), ((2, 1, 2), True), ((3, 0, 0), False), ((0, 0, 200), False)],
)
def test_scrubbed_means_rgb_at_most_2_under_alpha_at_most_5(
    transparent_rgb: tuple[int, int, int], scrubbed: bool
) -> None:
    rgba = np.zeros((64, 64, 4), np.uint8)
    rgba[16:48, 16:48] = (200, 40, 40, 255)
    rgba[:4, :, :3] = transparent_rgb
    rgba[:4, :, 3] = 5
    report = verify_rgba(rgba, "generic")
    assert report.transparent_rgb_scrubbed is scrubbed
    # A non-contiguous view takes the general path and agrees.
    wide = np.zeros((64, 128, 4), np.uint8)
    wide[:, ::2] = rgba
    assert verify_rgba(wide[:, ::2], "generic").transparent_rgb_scrubbed is scrubbed


@pytest.mark.parametrize("alpha", [0, 1, 5])
@pytest.mark.parametrize("count", [3, 600])
@pytest.mark.parametrize(
    ("rgb", "scrubbed"), [((0, 0, 0), True), ((2, 2, 1), True), ((0, 3, 0), False)]
)
def test_scrubbed_check_on_few_and_many_low_alpha_pixels(
    alpha: int, count: int, rgb: tuple[int, int, int], scrubbed: bool
) -> None:
    rgba = np.zeros((128, 128, 4), np.uint8)
    rgba[40:90, 40:90] = (10, 200, 30, 255)
    flat = rgba.reshape(-1, 4)
    flat[:count, :3] = rgb
    flat[:count, 3] = alpha
    report = verify_rgba(rgba, "generic")
    assert report.transparent_rgb_scrubbed is scrubbed


def test_cell_sums_match_a_direct_sum_for_every_grid_phase() -> None:
    import cv2

    from gpt_image_2.imaging.checker import _cell_grid

    grey = np.random.default_rng(8).integers(0, 256, (150, 230), dtype=np.uint8)
    integral = np.asarray(cv2.integral(grey, sdepth=cv2.CV_32S), np.int32)
    for cell in (8, 10, 16, 48):
        for x0, y0 in ((0, 0), (cell // 2, 0), (0, cell // 2), (cell // 2, cell // 2)):
            sums = _cell_grid(integral, (x0, y0), cell, grey.shape)
            ny, nx = (150 - y0) // cell, (230 - x0) // cell
            block = grey[y0 : y0 + ny * cell, x0 : x0 + nx * cell].astype(np.int64)
            expected = block.reshape(ny, cell, nx, cell).sum(axis=(1, 3))
            assert np.array_equal(sums, expected)


def test_bright_painted_checkerboard_on_a_large_image_is_found() -> None:
    """4096x4096 of bright greys: the int32 integral image wraps, cell sums must not."""
    from gpt_image_2.imaging.checker import robust_checkerboard

    y, x = np.mgrid[0:4096, 0:4096]
    grey = np.where(((y // 32) + (x // 32)) % 2 == 0, 250, 205).astype(np.uint8)
    rgba = np.dstack([grey, grey, grey, np.full_like(grey, 255)])
    rgba[1500:2600, 1500:2600] = (200, 30, 30, 255)  # a subject in the middle
    assert robust_checkerboard(rgba)


@pytest.mark.parametrize("box", [(7, 5, 20, 9), (0, 3, 40, 12), (0, 0, 40, 30)])
def test_partial_pixels_are_found_in_the_box_alone(box: tuple[int, int, int, int]) -> None:
    import cv2

    from gpt_image_2.imaging.verifier import _partial_indices

    rng = np.random.default_rng(sum(box))
    alpha = np.zeros((30, 40), np.uint8)
    x, y, w, h = box
    alpha[y : y + h, x : x + w] = rng.integers(0, 256, (h, w), dtype=np.uint8)
    alpha[y, x] = alpha[y + h - 1, x + w - 1] = 128  # the box is the box of alpha > 5
    mask = cv2.threshold(alpha, 5, 255, cv2.THRESH_BINARY)[1]
    found = cv2.boundingRect(mask)
    expected = np.flatnonzero((alpha > 5) & (alpha < 250))
    assert np.array_equal(_partial_indices(alpha, found), expected)
