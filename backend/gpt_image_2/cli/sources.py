"""Client-side image sources for ``images edit`` and ``request create`` (providers.md §1.5 A).

The CLI owns local files: plain paths and ``file://`` URLs are read here and
sent as base64, so a server never reads a path named by a client. ``https``
URLs are passed on (the server downloads them SSRF-guarded); ``http`` is refused.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..errors import AppError
from ..providers.images import mime_for
from ..providers.options import check_reference_count
from ..providers.sources import parse_data_url, redact_url

__all__ = ["image_upload", "inline_body_sources", "read_local_image"]

INSECURE_REF = "Remote reference image URLs must use HTTPS."


def _file_url_path(source: str) -> Path:
    parts = urlsplit(source)
    if parts.netloc not in ("", "localhost") or not parts.path:
        raise AppError("ref_image_invalid", "Unsupported file URL.")
    return Path(unquote(parts.path))


def read_local_image(path: Path) -> tuple[bytes, str]:
    """Bytes and MIME type of a local image file."""
    if not path.is_file():
        raise AppError("ref_image_missing", f"Reference image not found: {path}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise AppError("ref_image_invalid", "Unable to read reference image.",
                       {"path": str(path), "error": exc.strerror or type(exc).__name__}) from exc
    mime = mime_for(data, path.name)
    if mime is None:
        raise AppError("ref_image_invalid",
                       f"Unsupported image format for reference image: {path}")
    return data, mime


def image_upload(source: str) -> dict[str, Any]:
    """The API's ``ImageUpload`` object for one ``--ref-image``/``--mask`` value."""
    scheme = urlsplit(source).scheme.lower() if "://" in source or source.startswith(
        "data:") else ""
    if scheme == "https":
        return {"url": source}
    if scheme == "http":
        raise AppError("image_url_insecure", INSECURE_REF,
                       {"scheme": "http", "url": redact_url(source)})
    if scheme == "data":
        parse_data_url(source)  # invalid_data_url / invalid_base64 before any request
        return {"data_base64": source}
    path = _file_url_path(source) if scheme == "file" else Path(source).expanduser()
    data, _mime = read_local_image(path)
    return {"name": path.name, "data_base64": base64.b64encode(data).decode("ascii")}


def _data_url(source: str) -> str:
    scheme = urlsplit(source).scheme.lower() if "://" in source or source.startswith(
        "data:") else ""
    if scheme in ("https", "data"):
        return source
    if scheme == "http":
        raise AppError("image_url_insecure", "Remote image URLs must use HTTPS.",
                       {"scheme": "http", "url": redact_url(source)})
    path = _file_url_path(source) if scheme == "file" else Path(source).expanduser()
    data, mime = read_local_image(path)
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def inline_body_sources(body: dict[str, Any]) -> dict[str, Any]:
    """``request create --request-operation edit``: local image sources become data URLs."""
    out = dict(body)
    images = out.get("images")
    if isinstance(images, list):
        check_reference_count(len(images))
        converted: list[Any] = []
        for item in images:
            if isinstance(item, dict) and isinstance(item.get("image_url"), str):
                converted.append({**item, "image_url": _data_url(item["image_url"])})
            elif isinstance(item, str):
                converted.append(_data_url(item))
            else:
                converted.append(item)
        out["images"] = converted
    elif isinstance(out.get("image"), str):
        out["image"] = _data_url(out["image"])
    mask = out.get("mask")
    if isinstance(mask, dict) and isinstance(mask.get("image_url"), str):
        out["mask"] = {**mask, "image_url": _data_url(mask["image_url"])}
    elif isinstance(mask, str):
        out["mask"] = _data_url(mask)
    return out
