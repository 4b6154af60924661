"""Edit inputs: decode uploads, check them, keep them in the job folder, load them back.

An edit job's reference images live in its folder as ``ref-<i>.<ext>`` (0-based)
and its mask as ``mask.png`` (spec/web.md §7.5), so a queued job survives a
restart and ``history show`` lists its ``reference_images``.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, replace
from pathlib import Path

import httpx

from ..errors import AppError, InvalidArgument
from ..fsutil import atomic_write_bytes
from ..providers.base import ImageInput, ImageRequest
from ..providers.images import ext_for_mime, image_size, mime_for, png_has_alpha
from ..providers.sources import download_image, parse_data_url
from .models import ImageUpload

__all__ = ["EditInputs", "decode_uploads", "load_edit_inputs", "write_edit_inputs"]

MASK_FILE = "mask.png"
_REF_RE = re.compile(r"^ref-(\d+)\.[A-Za-z0-9]+$")


@dataclass
class EditInputs:
    refs: list[ImageInput]
    mask: ImageInput | None


async def _upload_bytes(
    upload: ImageUpload, field: str, http: httpx.AsyncClient, *, max_bytes: int,
    timeout: float, user_agent: str,
) -> bytes:
    given = [v is not None for v in (upload.data_base64, upload.bytes, upload.url)]
    if sum(given) != 1:
        raise InvalidArgument(f"{field} needs exactly one of data_base64, bytes or url.",
                              {"field": field})
    if upload.data_base64 is not None:
        text = upload.data_base64.strip()
        if text.startswith("data:"):
            return parse_data_url(text)[1]
        try:
            return base64.b64decode("".join(text.split()), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InvalidArgument(f"{field} is not valid base64.", {"field": field}) from exc
    if upload.bytes is not None:
        if any(not 0 <= b <= 255 for b in upload.bytes):
            raise InvalidArgument(f"{field} bytes must be integers 0..255.", {"field": field})
        return bytes(upload.bytes)
    assert upload.url is not None
    data, _ = await download_image(
        http, upload.url, max_bytes=max_bytes, timeout=timeout, user_agent=user_agent,
        insecure_message="Remote reference image URLs must use HTTPS.",
    )
    return data


async def decode_uploads(
    refs: list[ImageUpload], mask: ImageUpload | None, http: httpx.AsyncClient, *,
    max_bytes: int, timeout: float, user_agent: str,
) -> EditInputs:
    """Bytes of every upload, each checked to be an image; the mask must be a PNG with
    alpha the size of the first reference."""
    if not refs:
        raise InvalidArgument("At least one reference image is required.", {"field": "refs"})
    images: list[ImageInput] = []
    for index, upload in enumerate(refs):
        field = f"refs[{index}]"
        data = await _upload_bytes(upload, field, http, max_bytes=max_bytes, timeout=timeout,
                                   user_agent=user_agent)
        mime = mime_for(data)  # the bytes decide, not the name
        if mime is None:
            raise InvalidArgument(f"{field} is not a PNG, JPEG, WebP, GIF or BMP image.",
                                  {"field": field, "name": upload.name})
        images.append(ImageInput(data, f"image-{index + 1}{ext_for_mime(mime)}", mime))
    mask_input = None
    if mask is not None:
        data = await _upload_bytes(mask, "mask", http, max_bytes=max_bytes, timeout=timeout,
                                   user_agent=user_agent)
        if mime_for(data) != "image/png" or not png_has_alpha(data):
            raise InvalidArgument("The mask must be a PNG with an alpha channel.",
                                  {"field": "mask", "rule": "png_alpha"})
        mask_size, ref_size = image_size(data), image_size(images[0].data)
        if ref_size is None or mask_size is None:
            # An unreadable header must not let a mask of any size through.
            unreadable = "refs[0]" if ref_size is None else "mask"
            raise InvalidArgument(
                "The mask must have the same size as the first reference image, and the "
                f"size of {unreadable} cannot be read from its header.",
                {"field": unreadable, "rule": "mask_size",
                 "mask": list(mask_size or ()) or None,
                 "reference": list(ref_size or ()) or None},
            )
        if mask_size != ref_size:
            raise InvalidArgument(
                "The mask must have the same size as the first reference image.",
                {"field": "mask", "rule": "mask_size",
                 "mask": list(mask_size or ()), "reference": list(ref_size)},
            )
        mask_input = ImageInput(data, MASK_FILE, "image/png")
    return EditInputs(images, mask_input)


def write_edit_inputs(job_dir: Path, inputs: EditInputs) -> list[Path]:
    """Store inputs as ``ref-<i>.<ext>`` and ``mask.png`` (atomic writes)."""
    written = []
    for index, ref in enumerate(inputs.refs):
        path = job_dir / f"ref-{index}{ext_for_mime(ref.mime)}"
        atomic_write_bytes(path, ref.data, sync="data")
        written.append(path)
    if inputs.mask is not None:
        atomic_write_bytes(job_dir / MASK_FILE, inputs.mask.data, sync="data")
        written.append(job_dir / MASK_FILE)
    return written


def load_edit_inputs(request: ImageRequest, job_dir: Path) -> ImageRequest:
    """``JobRunner.prepare["edit"]``: load the stored inputs into the request."""
    found: list[tuple[int, Path]] = []
    if job_dir.is_dir():
        for entry in job_dir.iterdir():
            match = _REF_RE.match(entry.name)
            if match and entry.is_file():
                found.append((int(match.group(1)), entry))
    refs = []
    for position, (_, path) in enumerate(sorted(found)):
        data = path.read_bytes()
        mime = mime_for(data, path.name) or "application/octet-stream"
        refs.append(ImageInput(data, f"image-{position + 1}{ext_for_mime(mime)}", mime))
    if not refs:
        raise AppError("missing_image_result",
                       "OpenAI edit requests require at least one input image.")
    mask_path = job_dir / MASK_FILE
    mask = ImageInput(mask_path.read_bytes(), MASK_FILE, "image/png") if mask_path.is_file() \
        else None
    return replace(request, references=refs, mask=mask)
