"""Synchronous extract/verify on bytes or files: the one implementation every surface runs.

The web routes call these in worker threads (``anyio.to_thread``), the
``transparent generate`` pipeline calls them on the provider's source image,
and the CLI's in-process fast path calls them directly. Nothing here imports
the web stack, the database or httpx; numpy/OpenCV load with
:mod:`gpt_image_2.imaging` on first use.

Result objects follow spec/transparent.md: the ``extraction`` report (§1.4,
§1.5), the ``verification`` object (§2.3) and the "output file value" (§0.6).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import AppError
from .options import verification_failed

if TYPE_CHECKING:
    from ..imaging import ChromaSettings, DecodedImage

__all__ = [
    "ExtractParams",
    "Extracted",
    "Keyed",
    "Source",
    "check",
    "decode_source",
    "extract",
    "key",
    "output_value",
    "verify_envelope",
    "verify_source",
    "write_output",
]


@dataclass(frozen=True)
class Source:
    """An input image: raw bytes or a file path, and the label echoed in reports/errors."""

    data: bytes | str
    label: str


@dataclass(frozen=True)
class ExtractParams:
    """Resolved ``transparent extract`` options (``method`` is ``chroma`` or ``dual``)."""

    method: str
    profile: str = "generic"
    material: str | None = None
    matte_color: str | None = None
    threshold: float | None = None
    softness: float | None = None
    spill_suppression: float | None = None


@dataclass(frozen=True)
class Extracted:
    """An extraction: the PNG bytes plus the spec's report objects."""

    png: bytes
    extraction: dict[str, Any]
    verification: dict[str, Any]
    matte: tuple[int, int, int] | None

    @property
    def passed(self) -> bool:
        return bool(self.verification["passed"])


def output_value(path: str, size: int) -> dict[str, Any]:
    """The spec's output file value (§0.6) for one file."""
    return {"path": path, "bytes": size, "files": [{"index": 0, "path": path, "bytes": size}]}


@contextmanager
def _loading(module: str) -> Iterator[None]:
    """Import ``module`` (OpenCV and the code that uses it) in another thread while the
    block decodes the input: PNGs are read without OpenCV, and libdeflate/libspng
    release the GIL, so a one-shot CLI run loads OpenCV during the decode. A no-op
    once the module is loaded (the server)."""
    import sys

    if module in sys.modules:
        yield
        return
    import importlib

    from ..imaging._types import Beside

    loader = Beside(importlib.import_module, module)
    try:
        yield
    except BaseException:
        with suppress(Exception):  # the block's own error is the one to report
            loader.result()
        raise
    loader.result()


def decode_source(source: Source) -> DecodedImage:
    """Decode PNG/JPEG/WebP; decode errors name ``source.label`` as their ``path``."""
    from ..imaging import decode_image

    try:
        return decode_image(source.data)
    except AppError as exc:
        if isinstance(exc.detail, dict) and exc.detail.get("path") is None:
            exc.detail = {**exc.detail, "path": source.label}
        raise


def _expected(value: str | None) -> tuple[int, int, int] | None:
    from ..imaging import parse_matte_color

    return None if value is None else parse_matte_color(value)


def verify_source(
    source: Source, profile: str = "generic", expected_matte_color: str | None = None
) -> dict[str, Any]:
    """The ``verification`` object of one image (the matte is parsed before any read)."""
    from ..imaging import verify
    from ..imaging.profiles import get_profile

    get_profile(profile)
    expected = _expected(expected_matte_color)
    with _loading("gpt_image_2.imaging.verifier"):
        image = decode_source(source)
    return verify(image, profile, expected_matte=expected, path=source.label).to_dict()


def verify_envelope(
    source: Source, profile: str = "generic", expected_matte_color: str | None = None,
    *, strict: bool = False,
) -> dict[str, Any]:
    """``transparent verify``'s result; ``strict`` turns a failed gate into the error."""
    verification = verify_source(source, profile, expected_matte_color)
    if strict and not verification["passed"]:
        raise verification_failed({"verification": verification})
    return {"ok": True, "command": "transparent verify", "profile": profile,
            "passed": verification["passed"], "verification": verification}


def _settings(params: ExtractParams) -> ChromaSettings:
    from ..imaging import parse_matte_color, resolve_chroma_settings

    matte = parse_matte_color(params.matte_color or "auto", allow_auto=True)
    return resolve_chroma_settings(
        params.material, threshold=params.threshold, softness=params.softness,
        spill_suppression=params.spill_suppression, matte=matte,
    )


def _chroma_report(settings: ChromaSettings, matte: str, source: str) -> dict[str, Any]:
    return {
        "method": "chroma",
        "matte_color": matte,
        "matte_color_source": source,
        "threshold": settings.threshold,
        "softness": settings.softness,
        "spill_suppression": settings.spill_suppression,
        "material": settings.material,
        "matte_decontamination_applied": True,
        "rgb_scrubbed": True,
        "dual_alignment": None,
    }


def _dual_report(alignment: dict[str, Any]) -> dict[str, Any]:
    return {
        "method": "dual",
        "matte_color": None,
        "matte_color_source": None,
        "threshold": None,
        "softness": None,
        "spill_suppression": None,
        "material": None,
        "matte_decontamination_applied": False,
        "rgb_scrubbed": True,
        "dual_alignment": alignment,
    }


@dataclass(frozen=True)
class Keyed:
    """An extraction before verification: pixels, PNG bytes and the ``extraction`` report."""

    rgba: Any  # (H, W, 4) uint8 RGBA
    png: bytes
    extraction: dict[str, Any]
    matte: tuple[int, int, int] | None


def _key_pixels(
    params: ExtractParams,
    *,
    input: Source | None,
    dark: Source | None,
    light: Source | None,
) -> tuple[Any, tuple[int, int, int] | None, dict[str, Any]]:
    """Decode and extract: (H, W, 4) uint8 RGBA, the matte used, the report without output."""
    from ..imaging import format_hex
    from ..imaging.profiles import get_profile

    get_profile(params.profile)
    if params.method == "dual":
        if dark is None or light is None:
            raise AppError("invalid_argument",
                           "Dual extraction needs both --dark-image and --light-image.")
        with _loading("gpt_image_2.imaging.dual"):
            images = _decode_pair(dark, light)
        from ..imaging import extract_dual

        result = extract_dual(images[0].rgba, images[1].rgba, paths=(dark.label, light.label))
        report = _dual_report(result.alignment.to_dict())
        report["inputs"] = {"dark_image": dark.label, "light_image": light.label}
        return result.rgba, None, report
    if input is None:
        raise AppError("invalid_argument",
                       "transparent extract --method chroma requires --input.")
    settings = _settings(params)
    with _loading("gpt_image_2.imaging.chroma"):
        image = decode_source(input)
    from ..imaging import extract_chroma

    chroma = extract_chroma(image.rgba, settings)
    report = _chroma_report(settings, format_hex(chroma.matte), chroma.matte_source)
    report["inputs"] = {"input": input.label}
    return chroma.rgba, chroma.matte, report


def _keyed(rgba: Any, matte: tuple[int, int, int] | None, report: dict[str, Any], png: bytes,
           output_label: str) -> Keyed:
    report["output"] = output_value(output_label, len(png))
    return Keyed(rgba=rgba, png=png, extraction=dict(sorted(report.items())), matte=matte)


def key(
    params: ExtractParams,
    *,
    input: Source | None = None,
    dark: Source | None = None,
    light: Source | None = None,
    output_label: str,
) -> Keyed:
    """Decode, extract and encode (spec §1.4/§1.5); nothing is written."""
    from ..imaging import encode_png

    rgba, matte, report = _key_pixels(params, input=input, dark=dark, light=light)
    return _keyed(rgba, matte, report, encode_png(rgba), output_label)


def check(keyed: Keyed, profile: str, output_label: str) -> dict[str, Any]:
    """Verify an extraction's pixels as the PNG at ``output_label`` (spec §1.6 step 2).

    The pixels in memory are exactly what the PNG holds (our encoder writes
    lossless 8-bit RGBA), so the file is not read back. After chroma the
    expected matte is the matte used; after dual there is none.
    """
    from ..imaging import verify_rgba

    report = verify_rgba(keyed.rgba, profile, expected_matte=keyed.matte, path=output_label)
    return report.to_dict()


def extract(
    params: ExtractParams,
    *,
    input: Source | None = None,
    dark: Source | None = None,
    light: Source | None = None,
    output_label: str,
) -> Extracted:
    """:func:`key` then :func:`check`: the PNG bytes with both reports.

    The PNG is encoded in a worker thread while the pixels are verified (both
    release the GIL for most of their work), so the two overlap on a second core.
    """
    from concurrent.futures import ThreadPoolExecutor

    from ..imaging import encode_png, verify_rgba

    rgba, matte, report = _key_pixels(params, input=input, dark=dark, light=light)
    with ThreadPoolExecutor(1) as pool:
        encoding = pool.submit(encode_png, rgba)
        verification = verify_rgba(rgba, params.profile, expected_matte=matte,
                                    path=output_label).to_dict()
        png = encoding.result()
    keyed = _keyed(rgba, matte, report, png, output_label)
    return Extracted(png=keyed.png, extraction=keyed.extraction, verification=verification,
                     matte=keyed.matte)


def _decode_pair(dark: Source, light: Source) -> list[DecodedImage]:
    """Both renders, decoded in parallel (the codecs release the GIL)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(decode_source, dark), pool.submit(decode_source, light)]
        return [f.result() for f in futures]


def write_output(path: str | os.PathLike[str], data: bytes) -> None:
    """Write the PNG atomically, creating parent directories (spec §0.6 errors)."""
    from pathlib import Path

    from ..fsutil import atomic_write_bytes  # tempfile & co. only when writing

    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AppError("output_write_failed", "Unable to create output directory.",
                       {"error": exc.strerror or str(exc), "path": str(target.parent)}) from exc
    try:
        atomic_write_bytes(target, data)
    except OSError as exc:
        raise AppError("output_write_failed", "Unable to write transparent PNG.",
                       {"error": exc.strerror or str(exc), "path": str(path)}) from exc
