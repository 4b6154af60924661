"""The upstream allowlist (relay-and-skill.md A.5).

An entry is ``{"name"?, "origin", "basePath"?, "paths"?, "methods"?}``; an
upstream is allowlisted when any entry matches its origin, path and method.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass

import httpx

__all__ = ["AllowlistEntry", "is_allowlisted", "normalize_origin", "parse_allowlist"]

log = logging.getLogger(__name__)

_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_origin(value: str) -> str | None:
    """``scheme://host[:port]`` lower-cased with the default port dropped; None if unparsable."""
    try:
        url = httpx.URL(value.strip())
    except (httpx.InvalidURL, TypeError):
        return None
    if url.scheme not in _DEFAULT_PORTS or not url.host:
        return None
    host = url.raw_host.decode("ascii").lower()
    if ":" in host:
        host = f"[{host}]"
    port = url.port
    if port is None or port == _DEFAULT_PORTS[url.scheme]:
        return f"{url.scheme}://{host}"
    return f"{url.scheme}://{host}:{port}"


@dataclass(frozen=True)
class AllowlistEntry:
    origin: str | None
    """Normalised origin; None when the configured origin did not parse (never matches)."""
    name: str | None = None
    base_path: str | None = None
    paths: tuple[str, ...] | None = None
    methods: frozenset[str] | None = None

    def matches(self, origin: str, path: str, method: str) -> bool:
        if self.origin is None or self.origin != origin:
            return False
        if self.base_path and not _under(path, self.base_path):
            return False
        if self.paths is not None and path not in self.paths:
            return False
        return self.methods is None or method.upper() in self.methods


def _under(path: str, base: str) -> bool:
    """Path-segment prefix match: ``/v1`` covers ``/v1`` and ``/v1/x`` but not ``/v10``."""
    base = base.rstrip("/")
    return not base or path == base or path.startswith(base + "/")


def _entry(raw: object) -> AllowlistEntry | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("origin"), str):
        return None
    paths = raw.get("paths")
    methods = raw.get("methods")
    base = raw.get("basePath")
    name = raw.get("name")
    return AllowlistEntry(
        origin=normalize_origin(raw["origin"]),
        name=name if isinstance(name, str) else None,
        base_path=base if isinstance(base, str) else None,
        paths=tuple(p for p in paths if isinstance(p, str)) if isinstance(paths, list) else None,
        methods=(
            frozenset(m.strip().upper() for m in methods if isinstance(m, str))
            if isinstance(methods, list) else None
        ),
    )


def parse_allowlist(text: str) -> tuple[AllowlistEntry, ...]:
    """Entries from ``GPT_IMAGE_2_RELAY_ALLOWLIST_JSON``; invalid JSON is an empty list."""
    if not text.strip():
        return ()
    try:
        data = json.loads(text)
    except ValueError:
        log.warning("GPT_IMAGE_2_RELAY_ALLOWLIST_JSON is not valid JSON; the allowlist is empty")
        return ()
    if not isinstance(data, list):
        log.warning("GPT_IMAGE_2_RELAY_ALLOWLIST_JSON must be a JSON array; the allowlist is empty")
        return ()
    return tuple(e for e in (_entry(raw) for raw in data) if e is not None)


def is_allowlisted(entries: Iterable[AllowlistEntry], origin: str, path: str, method: str) -> bool:
    return any(entry.matches(origin, path, method) for entry in entries)
