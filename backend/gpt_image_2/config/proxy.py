"""Proxy settings (spec/providers.md §7.5): validation, the secret-preserving merge and the
effective proxy of a provider.

A proxy section is ``{"mode": "system" | "none" | "custom", "url"?, "no_proxy"?: [str]}``.
``system`` honours the environment (``HTTP(S)_PROXY``/``ALL_PROXY``/``NO_PROXY``),
``none`` goes direct, ``custom`` sends everything through ``url`` except the hosts of
``no_proxy``. Nothing here opens a connection; ``providers/http_clients.py`` does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import SplitResult, unquote, urlsplit, urlunsplit

from ..errors import AppError
from .views import redact_proxy_url

__all__ = [
    "PROXY_MODES",
    "PROXY_SCHEMES",
    "ProxyConfig",
    "effective_proxy",
    "merge_proxy_secret",
    "parse_proxy",
    "prepare_proxy",
    "proxy_secrets",
    "validate_proxy_url",
]

PROXY_MODES = ("system", "none", "custom")
PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")


@dataclass(frozen=True)
class ProxyConfig:
    """A validated proxy section; ``url`` may carry ``user:password`` (never print it)."""

    mode: str = "system"
    url: str | None = field(default=None, repr=False)
    no_proxy: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, str | None, tuple[str, ...]]:
        """Identity of the HTTP client this proxy needs (``url`` only matters when custom)."""
        if self.mode != "custom":
            return (self.mode, None, ())
        return (self.mode, self.url, self.no_proxy)

    @property
    def label(self) -> str:
        return self.mode

    @property
    def is_socks(self) -> bool:
        return self.mode == "custom" and bool(self.url) and str(self.url).lower().startswith(
            "socks5")

    def __repr__(self) -> str:
        return (f"ProxyConfig(mode={self.mode!r}, url={redact_proxy_url(self.url)!r}, "
                f"no_proxy={self.no_proxy!r})")


def _invalid(message: str, detail: Any = None) -> AppError:
    return AppError("proxy_url_invalid", message, detail)


def _split(url: str) -> SplitResult:
    try:
        parts = urlsplit(url.strip())
        _ = parts.port  # raises ValueError for a bad port
    except ValueError as exc:
        raise _invalid("Proxy URL is not a valid URL.") from exc
    return parts


def validate_proxy_url(url: Any) -> str:
    """The URL, stripped, when it is a usable custom proxy; else ``proxy_url_invalid``."""
    if not isinstance(url, str) or not url.strip():
        raise _invalid("Custom proxy mode requires a proxy URL.")
    text = url.strip()
    if any(ch.isspace() or ord(ch) < 32 for ch in text):
        raise _invalid("Proxy URL is not a valid URL.")
    parts = _split(text)
    if "://" not in text or not parts.scheme:
        raise _invalid("Proxy URL is not a valid URL.")
    scheme = parts.scheme.lower()
    if scheme not in PROXY_SCHEMES:
        raise _invalid(f"Unsupported proxy scheme: {scheme[:20]}. Use http, https, socks5, "
                       "or socks5h.", {"scheme": scheme[:20], "allowed": list(PROXY_SCHEMES)})
    if not parts.hostname:
        raise _invalid("Proxy URL is missing a host.")
    if (parts.username is not None or parts.password is not None) and (
            not parts.username or not parts.password):
        raise _invalid("Proxy URL credentials must include both a username and a "
                           "non-empty password.", {"url": redact_proxy_url(text)})
    return text


def _no_proxy(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple):
        return ()
    hosts = (str(h).strip() for h in value if isinstance(h, str))
    return tuple(dict.fromkeys(h for h in hosts if h))


def parse_proxy(value: Any, *, strict: bool = True) -> ProxyConfig:
    """A :class:`ProxyConfig` from a stored or submitted section (``None`` = ``system``).

    ``strict`` validates the custom URL (``proxy_url_invalid``); it is always
    validated before use.
    """
    if value is None:
        return ProxyConfig()
    if not isinstance(value, dict):
        raise _invalid("Proxy settings must be an object.")
    mode = str(value.get("mode") or "system")
    if mode not in PROXY_MODES:
        raise _invalid(f"Unsupported proxy mode: {mode[:20]}", {"allowed": list(PROXY_MODES)})
    url = value.get("url")
    url = url.strip() if isinstance(url, str) and url.strip() else None
    if mode == "custom" and strict:
        url = validate_proxy_url(url)
    return ProxyConfig(mode, url, _no_proxy(value.get("no_proxy")))


def effective_proxy(global_proxy: Any, provider_entry: Any = None) -> ProxyConfig:
    """``providers.<name>.proxy`` when present, else the global ``proxy`` (validated)."""
    own = provider_entry.get("proxy") if isinstance(provider_entry, dict) else None
    return parse_proxy(own if own is not None else global_proxy)


def _origin(parts: SplitResult) -> tuple[str, str, int | None]:
    return (parts.scheme.lower(), (parts.hostname or "").lower(), parts.port)


def merge_proxy_secret(new: dict[str, Any], old: Any) -> dict[str, Any]:
    """Re-apply the stored ``user:password`` to a URL the UI sent back redacted.

    Only when the new URL has no credentials and the same scheme, host and port as a
    stored URL that had them (spec/web.md §6.2).
    """
    url = new.get("url")
    old_url = old.get("url") if isinstance(old, dict) else None
    if not isinstance(url, str) or not isinstance(old_url, str):
        return new
    try:
        parts, old_parts = urlsplit(url.strip()), urlsplit(old_url.strip())
        same = _origin(parts) == _origin(old_parts)
    except ValueError:
        return new
    if (not same or parts.username is not None or parts.password is not None
            or not old_parts.username or not old_parts.password):
        return new
    userinfo = old_parts.netloc.rsplit("@", 1)[0]
    merged = urlunsplit((parts.scheme, f"{userinfo}@{parts.netloc}", parts.path, parts.query,
                         parts.fragment))
    return {**new, "url": merged}


def prepare_proxy(new: dict[str, Any], old: Any) -> dict[str, Any]:
    """The section to store: stored credentials re-applied, then validated
    (``proxy_url_invalid``); ``url`` and ``no_proxy`` are omitted when empty."""
    config = parse_proxy(merge_proxy_secret(new, old))
    out: dict[str, Any] = {"mode": config.mode}
    if config.url:
        out["url"] = config.url
    if config.no_proxy:
        out["no_proxy"] = list(config.no_proxy)
    return out


def proxy_secrets(value: Any) -> list[str]:
    """The password (and ``user:password``) inside a proxy URL, for the secret registry."""
    url = value.get("url") if isinstance(value, dict) else value
    if not isinstance(url, str):
        return []
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return []
    if not parts.password:
        return []
    raw = parts.netloc.rsplit("@", 1)[0]
    return [raw, parts.password, unquote(parts.password), unquote(raw)]
