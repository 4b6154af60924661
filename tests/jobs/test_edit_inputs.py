"""Edit inputs: the mask-size rule holds even when a header cannot be read."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from tests.fakes.images import png_bytes
from tests.fakes.openai import FakeOpenAI

MASK = png_bytes(64, 48, alpha=True)
# Recognised by their magic bytes, but no size can be read from the header: a JPEG
# without a start-of-frame segment and a WebP with an unknown chunk.
JPEG_WITHOUT_SOF = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + (
    b"\x00" * 64)
WEBP_UNKNOWN_CHUNK = b"RIFF\x00\x00\x00\x00WEBPVP8Q" + b"\x00" * 40


def upload(data: bytes, name: str) -> dict[str, Any]:
    return {"name": name, "data_base64": base64.b64encode(data).decode()}


@pytest.mark.parametrize(("ref", "name"), [(JPEG_WITHOUT_SOF, "a.jpg"),
                                           (WEBP_UNKNOWN_CHUNK, "a.webp")])
async def test_mask_with_unreadable_reference_size_is_refused(
    api: httpx.AsyncClient, fake_openai: FakeOpenAI, ref: bytes, name: str
) -> None:
    response = await api.post("/api/images/edit", json={
        "prompt": "x", "refs": [upload(ref, name)], "mask": upload(MASK, "m.png")})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_argument"
    assert error["message"] == (
        "The mask must have the same size as the first reference image, and the size of "
        "refs[0] cannot be read from its header.")
    assert error["detail"] == {"field": "refs[0]", "rule": "mask_size", "mask": [64, 48],
                               "reference": None}
    assert fake_openai.requests == []  # refused before any upstream call


async def test_unreadable_reference_without_mask_is_still_sent(
    api: httpx.AsyncClient, fake_openai: FakeOpenAI
) -> None:
    """The size is only needed for the mask rule; without a mask the upstream decides."""
    response = await api.post("/api/images/edit", json={
        "prompt": "x", "refs": [upload(JPEG_WITHOUT_SOF, "a.jpg")]})
    assert response.status_code == 200, response.text


async def test_mask_matching_the_reference_passes(
    api: httpx.AsyncClient, fake_openai: FakeOpenAI
) -> None:
    response = await api.post("/api/images/edit", json={
        "prompt": "x", "refs": [upload(png_bytes(64, 48), "a.png")],
        "mask": upload(MASK, "m.png")})
    assert response.status_code == 200, response.text
