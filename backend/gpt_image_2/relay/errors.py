"""Relay failures: the spec's exact messages (relay-and-skill.md A.3/A.4) with stable codes.

Every relay error is an :class:`~gpt_image_2.errors.AppError`, so it fits the
project's one error tree; the relay renders it itself because its responses
carry CORS and policy headers the generic handler does not add.
"""

from __future__ import annotations

from ..errors import AppError

__all__ = [
    "RelayError",
    "RelayStreamAborted",
    "disabled",
    "method_not_allowed",
    "not_allowlisted",
    "origin_not_allowed",
    "redirect_blocked",
    "request_too_large",
    "response_too_large",
    "upstream_failed",
    "upstream_unresolvable",
    "url_error",
]


class RelayError(AppError):
    """A refusal or failure answered with ``{"error": {"code", "message"}}``."""

    def __init__(self, code: str, message: str, status: int, detail: object = None) -> None:
        super().__init__(code, message, detail, http_status=status)


class RelayStreamAborted(Exception):
    """Raised inside a response body that is already streaming; the connection is cut."""


def disabled() -> RelayError:
    return RelayError("relay_disabled", "Relay is disabled.", 503)


def origin_not_allowed() -> RelayError:
    return RelayError("relay_origin_not_allowed", "Origin is not allowed.", 403)


def method_not_allowed() -> RelayError:
    return RelayError("relay_method_not_allowed", "Method is not allowed.", 405)


def url_error(code: str, message: str) -> RelayError:
    """A 400 from upstream URL validation (A.4), e.g. ``relay_upstream_private``."""
    return RelayError(code, message, 400)


def request_too_large(limit: int) -> RelayError:
    return RelayError(
        "relay_request_too_large", f"Relay request is too large. Limit is {limit} bytes.", 413,
        {"limit": limit},
    )


def response_too_large(limit: int) -> RelayError:
    return RelayError(
        "relay_response_too_large", f"Relay response is too large. Limit is {limit} bytes.", 413,
        {"limit": limit},
    )


def not_allowlisted() -> RelayError:
    return RelayError("relay_upstream_not_allowlisted", "Upstream is not allowlisted.", 403)


def upstream_unresolvable() -> RelayError:
    return RelayError("relay_upstream_unresolvable", "Upstream host could not be resolved.", 502)


def upstream_failed() -> RelayError:
    return RelayError("relay_upstream_failed", "Upstream request failed.", 502)


def redirect_blocked() -> RelayError:
    return RelayError(
        "relay_redirect_blocked", "Upstream redirected to a location the relay does not allow.",
        502,
    )
