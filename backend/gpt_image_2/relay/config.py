"""The relay's configuration, parsed once from :class:`~gpt_image_2.settings.Settings`."""

from __future__ import annotations

from dataclasses import dataclass

from ..settings import Settings
from .allowlist import AllowlistEntry, normalize_origin, parse_allowlist
from .headers import ALLOW_HEADERS, EXPOSE_HEADERS
from .netguard import IPNetwork, parse_networks

__all__ = ["RelayConfig"]


@dataclass(frozen=True)
class RelayConfig:
    enabled: bool = False
    mode: str = "open"
    """``open``, ``allowlist`` (misses refused) or ``report-only`` (misses logged)."""
    allowed_origins: tuple[str, ...] = ()
    allowed_methods: tuple[str, ...] = ("GET", "POST", "OPTIONS")
    max_request_bytes: int = 50 * 1024 * 1024
    max_response_bytes: int = 120 * 1024 * 1024
    allowlist: tuple[AllowlistEntry, ...] = ()
    private_networks: tuple[IPNetwork, ...] = ()
    timeout_seconds: float = 300.0

    @classmethod
    def from_settings(cls, settings: Settings) -> RelayConfig:
        """Parse the relay settings; a disabled relay parses nothing (and cannot fail)."""
        if not settings.relay_enabled:
            return cls(enabled=False, mode=settings.relay_mode)
        mode = settings.relay_mode
        if mode == "allowlist" and settings.relay_allowlist_report_only:
            mode = "report-only"
        origins = []
        for raw in settings.relay_allowed_origins.split(","):
            raw = raw.strip()
            if raw == "*":
                origins.append("*")
            elif raw and (norm := normalize_origin(raw)) is not None:
                origins.append(norm)
        methods = tuple(
            m.strip().upper() for m in settings.relay_allowed_methods.split(",") if m.strip()
        )
        return cls(
            enabled=settings.relay_enabled,
            mode=mode,
            allowed_origins=tuple(origins),
            allowed_methods=methods,
            max_request_bytes=settings.relay_max_request_bytes,
            max_response_bytes=settings.relay_max_response_bytes,
            allowlist=parse_allowlist(settings.relay_allowlist_json),
            private_networks=parse_networks(settings.relay_private_networks),
            timeout_seconds=settings.relay_timeout_seconds,
        )

    @property
    def policy(self) -> str:
        """The ``X-GPT-Image-2-Relay-Policy`` value: ``open`` or ``allowlist``."""
        return "open" if self.mode == "open" else "allowlist"

    def origin_allowed(self, origin: str | None, host: str | None) -> bool:
        """No Origin, a configured origin, ``*``, or the server's own origin."""
        if origin is None:
            return True
        if "*" in self.allowed_origins:
            return True
        norm = normalize_origin(origin)
        if norm is None:
            return False
        if norm in self.allowed_origins:
            return True
        return host is not None and norm.split("://", 1)[1] == _host_key(norm, host)

    def cors_headers(self, origin: str | None, host: str | None) -> dict[str, str]:
        allowed = origin is not None and self.origin_allowed(origin, host)
        headers = {
            "access-control-allow-methods": ", ".join(self.allowed_methods),
            "access-control-allow-headers": ALLOW_HEADERS,
            "access-control-expose-headers": EXPOSE_HEADERS,
            "access-control-max-age": "86400",
            "vary": "Origin",
        }
        if allowed and origin is not None:
            headers["access-control-allow-origin"] = origin
        elif self.allowed_origins:
            headers["access-control-allow-origin"] = self.allowed_origins[0]
        return headers


def _host_key(origin: str, host: str) -> str:
    """The Host header in the form ``normalize_origin`` gives the origin's authority."""
    scheme = origin.split("://", 1)[0]
    own = normalize_origin(f"{scheme}://{host.strip()}")
    return own.split("://", 1)[1] if own else ""
