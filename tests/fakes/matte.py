"""A fake OpenAI that draws a subject on the matte colour the prompt asks for.

``transparent generate`` prompts for "a perfectly flat ... background of the pure
requested colour #rrggbb"; this fake finds the first lower-case ``#rrggbb`` in the
prompt (green when there is none) and answers with a real PNG: an antialiased
red disc with a dark ring, centred with a wide margin, composited on that matte
as ``round(a*F + (1 - a)*M)``. Extra prompt keywords:

* ``EDGE``    → the disc is large enough to touch every border (icon gate fails)
* ``NOMATTE`` → the image is drawn on magenta whatever the prompt asks for

Everything else (``REJECT``, ``FAIL500``, ``NOIMAGE`` ...) behaves as in
:class:`tests.fakes.openai.FakeOpenAI`.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from typing import Any

import cv2
import numpy as np
from starlette.requests import Request
from starlette.responses import Response

from .openai import FakeOpenAI

__all__ = ["MatteOpenAI", "matte_from_prompt", "subject_on_matte"]

_HEX = re.compile(r"#([0-9a-f]{6})\b")
_prompt: ContextVar[str | None] = ContextVar("matte_prompt", default=None)


def matte_from_prompt(prompt: str) -> tuple[int, int, int]:
    """The first ``#rrggbb`` in the prompt as RGB; green when there is none."""
    if "NOMATTE" in prompt:
        return (255, 0, 255)
    found = _HEX.search(prompt)
    if found is None:
        return (0, 255, 0)
    digits = found.group(1)
    return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))


def subject_on_matte(
    matte: tuple[int, int, int], *, size: int = 192, touch_edges: bool = False
) -> bytes:
    """PNG bytes (RGB, 8-bit) of the test subject composited on ``matte``."""
    scale = 8  # supersampled coverage gives real antialiased edges
    big = size * scale
    coverage = np.zeros((big, big), np.uint8)
    colour = np.zeros((big, big, 3), np.uint8)
    centre = (big // 2, big // 2)
    radius = int(big * (0.75 if touch_edges else 0.3))
    cv2.circle(coverage, centre, radius, 255, -1)
    cv2.circle(colour, centre, radius, (60, 20, 20), -1)
    cv2.circle(colour, centre, int(radius * 0.85), (210, 50, 40), -1)
    alpha = cv2.resize(coverage, (size, size), interpolation=cv2.INTER_AREA).astype(np.float32)
    alpha /= 255.0
    fg = cv2.resize(colour, (size, size), interpolation=cv2.INTER_AREA).astype(np.float32)
    # INTER_AREA averaged the colour with black outside the disc: un-premultiply.
    fg /= np.maximum(alpha, 1e-6)[..., None]
    bg = np.array(matte, np.float32)
    out = alpha[..., None] * fg + (1.0 - alpha[..., None]) * bg
    rgb = np.clip(np.floor(out + 0.5), 0, 255).astype(np.uint8)
    ok, buf = cv2.imencode(".png", np.ascontiguousarray(rgb[..., ::-1]))
    assert ok
    return bytes(buf)


class MatteOpenAI(FakeOpenAI):
    """:class:`FakeOpenAI` whose ``image`` follows the prompt of the request being answered."""

    def __init__(self, **kwargs: Any) -> None:
        self._default_image = b""
        super().__init__(**kwargs)

    @property  # type: ignore[override]
    def image(self) -> bytes:
        prompt = _prompt.get()
        if prompt is None:
            return self._default_image
        return subject_on_matte(matte_from_prompt(prompt), touch_edges="EDGE" in prompt)

    @image.setter
    def image(self, value: bytes) -> None:
        self._default_image = value

    async def _answer(self, prompt: str, body: dict[str, Any], request: Request) -> Response:
        token = _prompt.set(prompt)
        try:
            return await super()._answer(prompt, body, request)
        finally:
            _prompt.reset(token)
