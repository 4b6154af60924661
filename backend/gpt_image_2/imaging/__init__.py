"""Pure numpy/OpenCV imaging for transparent PNGs (no I/O except :mod:`codecs`).

Arrays are RGB(A) ``uint8`` with shape (H, W, 4) unless a docstring says
otherwise. The public API:

* :func:`decode_image` (bytes or path -> :class:`DecodedImage`: ``rgba``,
  ``color_type``, ``is_png``), :func:`decode_images` (several, in parallel)
  and :func:`encode_png` (RGBA -> PNG bytes).
* :func:`resolve_chroma_settings` (material preset + overrides ->
  :class:`ChromaSettings`), :func:`parse_matte_color`, :func:`format_hex`.
* :func:`extract_chroma` (image on a flat matte -> :class:`ChromaResult` with
  ``rgba``, ``matte``, ``matte_source``).
* :func:`extract_dual` (dark + light renders -> :class:`DualResult` with
  ``rgba`` and the advisory ``alignment``); refuses mismatched pairs with
  ``transparent_input_mismatch``.
* :func:`verify` (image + profile -> :class:`VerifyReport`; ``.to_dict()`` is
  the reference's ``verification`` object).

Errors are :class:`gpt_image_2.errors.AppError` with the spec's codes.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # loaded on first use (below): `transparent verify` needs no extractor,
    # and a PNG is decoded without OpenCV, which the verifier loads meanwhile
    from .chroma import ChromaResult, extract_chroma
    from .codecs import DecodedImage, decode_image, decode_images, encode_png
    from .dual import DualResult, extract_dual
    from .matte import format_hex, parse_matte_color, sample_matte
    from .presets import MATERIALS, ChromaSettings, resolve_chroma_settings, widen_f32
    from .profiles import PROFILE_NAMES, PROFILES
    from .report import VerifyReport
    from .verifier import verify_rgba

__all__ = [
    "MATERIALS",
    "PROFILES",
    "PROFILE_NAMES",
    "ChromaResult",
    "ChromaSettings",
    "DecodedImage",
    "DualResult",
    "VerifyReport",
    "decode_image",
    "decode_images",
    "encode_png",
    "extract_chroma",
    "extract_dual",
    "format_hex",
    "parse_matte_color",
    "resolve_chroma_settings",
    "sample_matte",
    "verify",
    "verify_rgba",
    "widen_f32",
]

_HOMES = {
    "ChromaResult": "chroma",
    "extract_chroma": "chroma",
    "DecodedImage": "codecs",
    "decode_image": "codecs",
    "decode_images": "codecs",
    "encode_png": "codecs",
    "DualResult": "dual",
    "extract_dual": "dual",
    "format_hex": "matte",
    "parse_matte_color": "matte",
    "sample_matte": "matte",
    "MATERIALS": "presets",
    "ChromaSettings": "presets",
    "resolve_chroma_settings": "presets",
    "widen_f32": "presets",
    "PROFILE_NAMES": "profiles",
    "PROFILES": "profiles",
    "VerifyReport": "report",
    "verify_rgba": "verifier",
}


def __getattr__(name: str) -> Any:
    """Import the public names' modules on first use (PEP 562); each is then cached."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])


def verify(
    image: DecodedImage,
    profile: str = "generic",
    *,
    expected_matte: tuple[int, int, int] | None = None,
    path: str = "",
) -> VerifyReport:
    """Verify a decoded image (its ``is_png``/``color_type`` feed the gate)."""
    from .verifier import verify_rgba

    return verify_rgba(
        image.rgba,
        profile,
        expected_matte=expected_matte,
        is_png=image.is_png,
        color_type=image.color_type,
        path=path,
    )
