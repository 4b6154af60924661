"""Reference-image sources on the server side: ``data:`` URLs and HTTPS downloads.

Local paths and ``file://`` URLs are resolved by the client that owns the file
(the CLI turns them into bytes before calling the API); the server never reads
a path named by a caller. HTTPS downloads follow spec/providers.md §7.6: the
host must resolve only to public addresses, the connection is pinned to the
validated address, redirects are followed by hand (each hop re-validated,
at most 10) and the body is capped.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import httpx

from ..errors import AppError
from .base import ImageInput
from .images import ext_for_mime, mime_for

__all__ = [
    "MAX_REDIRECTS",
    "check_address",
    "download_image",
    "load_source",
    "parse_data_url",
    "redact_url",
    "sanitize_filename",
]

MAX_REDIRECTS = 10
_NAME_OK = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
BLOCKED_MESSAGE = (
    "Storage target resolves to a non-routable address (loopback, private, link-local, or "
    "unspecified). Refusing to upload."
)


def sanitize_filename(name: str) -> str:
    clean = "".join(ch for ch in name if ch in _NAME_OK)
    return clean or "image.bin"


def redact_url(url: str) -> str:
    """Drop credentials, query and fragment (``https://u:p@h/x.png?t=1`` → ``https://h/x.png``)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        return urlunsplit((parts.scheme, host, parts.path, "", ""))
    except ValueError:
        return "<invalid-url>"


def parse_data_url(source: str) -> tuple[str, bytes]:
    """``(mime, bytes)`` of a ``data:image/...;base64,`` URL."""
    prefix, comma, payload = source.partition(",")
    if not comma or ";base64" not in prefix:
        raise AppError("invalid_data_url", "Image data URL must contain a base64 payload.")
    try:
        data = base64.b64decode("".join(payload.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise AppError("invalid_base64", "Image payload was not valid base64.",
                       {"length": len(payload)}) from exc
    return prefix[5:].split(";", 1)[0].lower(), data


def check_address(host: str, address: str) -> None:
    """Refuse loopback, private, link-local, multicast, unspecified and reserved targets."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    blocked = (ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast
               or ip.is_unspecified or ip.is_reserved
               or (isinstance(ip, ipaddress.IPv4Address) and ip in _ZERO_NET))
    if blocked:
        raise AppError("storage_remote_blocked", BLOCKED_MESSAGE,
                       {"host": host, "address": str(ip)})


_ZERO_NET = ipaddress.ip_network("0.0.0.0/8")


@dataclass(frozen=True)
class _Target:
    url: str
    host: str
    address: str


async def _validate(url: str, *, insecure_message: str) -> _Target:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise AppError("image_url_invalid", "Image download URL is invalid.",
                       {"error": str(exc), "url": redact_url(url)}) from exc
    if parts.scheme.lower() != "https":
        raise AppError("image_url_insecure", insecure_message,
                       {"scheme": parts.scheme, "url": redact_url(url)})
    host = parts.hostname
    if not host:
        raise AppError("image_url_invalid", "Image download URL is invalid.",
                       {"error": "missing host", "url": redact_url(url)})
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            host, port or 443, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise AppError("storage_remote_resolve_failed", "Unable to resolve Image download host.",
                       {"host": host, "error": str(exc)}) from exc
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise AppError("storage_remote_resolve_failed",
                       "Unable to resolve Image download host: it did not resolve to any address.",
                       {"host": host, "error": "no addresses"})
    for address in addresses:
        check_address(host, address)
    return _Target(url, host, addresses[0])


def _pinned(target: _Target) -> tuple[str, dict[str, str], dict[str, str]]:
    """URL with the validated address in place of the host; Host header and SNI keep the name."""
    parts = urlsplit(target.url)
    literal = f"[{target.address}]" if ":" in target.address else target.address
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    host_header = f"{target.host}:{parts.port}" if parts.port else target.host
    url = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    return url, {"Host": host_header}, {"sni_hostname": target.host}


async def download_image(
    http: httpx.AsyncClient, url: str, *, max_bytes: int, timeout: float, user_agent: str,
    insecure_message: str = "Remote image URLs must use HTTPS.",
) -> tuple[bytes, str]:
    """Bytes and final URL of an untrusted HTTPS image (SSRF-guarded, pinned, capped)."""
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        target = await _validate(current, insecure_message=insecure_message)
        pinned, headers, extensions = _pinned(target)
        try:
            async with http.stream("GET", pinned, headers={**headers, "User-Agent": user_agent},
                                   extensions=extensions, timeout=timeout,
                                   follow_redirects=False) as response:
                if response.is_redirect:
                    location = response.headers.get("location")
                    if not location:
                        raise AppError("network_error", "Redirect without a Location header.",
                                       {"url": redact_url(current)})
                    current = urljoin(current, location)
                    continue
                if not response.is_success:
                    body = (await response.aread())[:65536].decode("utf-8", "replace")
                    raise AppError("http_error", f"HTTP {response.status_code}", body,
                                   upstream_status=response.status_code)
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise AppError("network_error", "Downloaded image is too large.",
                                       {"url": redact_url(current), "max_bytes": max_bytes})
                    chunks.append(chunk)
                return b"".join(chunks), current
        except httpx.HTTPError as exc:
            raise AppError("network_error", "Unable to download image bytes.",
                           {"error": str(exc) or type(exc).__name__,
                            "url": redact_url(current)}) from exc
    raise AppError("network_error", "Too many redirects while downloading image.",
                   {"url": redact_url(url), "max_hops": MAX_REDIRECTS})


async def load_source(
    http: httpx.AsyncClient, source: str, fallback: str, *, max_bytes: int, timeout: float,
    user_agent: str, insecure_message: str = "Remote image URLs must use HTTPS.",
) -> ImageInput:
    """An image for a multipart part from a ``data:image/`` URL or an ``https`` URL."""
    lowered = source[:16].lower()
    if lowered.startswith("data:image/"):
        mime, data = parse_data_url(source)
        real = mime_for(data) or mime
        return ImageInput(data, f"{fallback}{ext_for_mime(real)}", real)
    if lowered.startswith(("https://", "http://")):
        data, final = await download_image(http, source, max_bytes=max_bytes, timeout=timeout,
                                           user_agent=user_agent,
                                           insecure_message=insecure_message)
        sniffed = mime_for(data)
        if sniffed is None:
            raise AppError("ref_image_invalid",
                           f"Unsupported image format for reference image: {redact_url(final)}")
        stem = unquote(urlsplit(final).path.rsplit("/", 1)[-1]).rsplit(".", 1)[0]
        name = sanitize_filename(stem) if stem else fallback
        if name == "image.bin":
            name = fallback
        return ImageInput(data, f"{name}{ext_for_mime(sniffed)}", sniffed)
    raise AppError("ref_image_invalid",
                   f"Unsupported image source for multipart edit: {source[:80]}")
