"""Reachability probe (spec/providers.md §7.7): ``HEAD`` with a 5 s timeout.

Any HTTP response, even 4xx/5xx, means reachable.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx

__all__ = ["PROBE_TIMEOUT_SECONDS", "probe"]

PROBE_TIMEOUT_SECONDS = 5.0
_DEFAULT_PORTS = {"http": 80, "https": 443}


async def probe(http: httpx.AsyncClient, url: str, *, proxy: str = "system",
                user_agent: str = "gpt-image-2") -> dict[str, Any]:
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme, 443)
    except ValueError as exc:
        return {"endpoint": url, "reachable": False, "error": str(exc)}
    if not parts.scheme or not host:
        return {"endpoint": url, "reachable": False, "error": "URL has no scheme or host"}
    base = {"endpoint": url, "host": host, "port": port, "scheme": parts.scheme,
            "proxy": proxy}
    try:
        response = await http.head(url, timeout=PROBE_TIMEOUT_SECONDS,
                                   headers={"User-Agent": user_agent})
    except httpx.HTTPError as exc:
        detail = str(exc) or type(exc).__name__
        return {**base, "reachable": False, "error": f"{detail} ({url})"}
    return {**base, "reachable": True, "status": response.status_code,
            "tls_ok": True if parts.scheme == "https" else None, "error": None}
