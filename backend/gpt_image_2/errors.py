"""One error tree for the whole project.

Every failure that can reach a user is an :class:`AppError` carrying a stable
``code`` (see ``spec/protocol.md`` §2), a human ``message`` and an optional JSON
``detail``. The web layer renders it as ``{"error": {...}}`` with ``http_status``;
the CLI renders it as the ``{"ok": false, "error": {...}}`` envelope. The
``upstream_status`` of provider errors is used for retry decisions only and is
never printed.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AppError",
    "ConflictError",
    "InvalidArgument",
    "NotFound",
    "http_status_for",
]

# HTTP status for codes that are not plain 400s. Anything unknown maps to 400
# when raised by request validation and 502 when it comes from an upstream.
_STATUS_BY_CODE: dict[str, int] = {
    "invalid_argument": 400,
    "invalid_command": 400,
    "unsupported_option": 400,
    "ref_image_too_many": 400,
    "provider_unknown": 400,
    "provider_unavailable": 409,
    "provider_kind_unsupported": 400,
    "provider_invalid_name": 400,
    "invalid_provider_config": 400,
    "api_key_missing": 409,
    "access_token_missing": 409,
    "credential_missing": 409,
    "unauthorized": 401,
    "forbidden": 403,
    "host_not_allowed": 403,
    "not_found": 404,
    "history_not_found": 404,
    "output_not_found": 404,
    "job_not_cancellable": 409,
    "not_recoverable": 409,
    "recovery_action_unavailable": 409,
    "payload_too_large": 413,
    "network_error": 502,
    "http_error": 502,
    "request_failed": 502,
    "invalid_json_response": 502,
    "missing_image_result": 502,
    "refresh_failed": 502,
    "refresh_token_missing": 409,
    "invalid_jwt": 409,
    "account_id_missing": 409,
    "auth_missing": 409,
    "auth_read_failed": 409,
    "auth_invalid_json": 409,
    "auth_invalid_shape": 409,
    "auth_write_failed": 500,
    "keychain_error": 409,
    "keychain_missing": 409,
    "keychain_write_failed": 500,
    "keychain_delete_failed": 500,
    "storage_remote_blocked": 400,
    "storage_remote_resolve_failed": 400,
    "image_url_insecure": 400,
    "image_url_invalid": 400,
    "config_read_failed": 500,
    "config_invalid_json": 500,
    "config_write_failed": 500,
    "output_write_failed": 500,
    "internal_error": 500,
}


def http_status_for(code: str) -> int:
    """HTTP status used when an error with ``code`` is returned by the API."""
    return _STATUS_BY_CODE.get(code, 400)


class AppError(Exception):
    """A failure with a stable machine-readable code.

    ``detail`` must already be safe to show (no secrets); the renderers pass
    it through the redactor once more anyway.
    """

    def __init__(
        self,
        code: str,
        message: str,
        detail: Any = None,
        *,
        http_status: int | None = None,
        upstream_status: int | None = None,
        retry_after: float | None = None,
        retryable: bool | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.detail = detail
        self.http_status = http_status if http_status is not None else http_status_for(code)
        self.upstream_status = upstream_status
        self.retry_after = retry_after
        self.retryable = retryable
        """Overrides the retry classification when not None (spec/providers.md §4)."""

    def to_dict(self) -> dict[str, Any]:
        """The ``error`` object of both envelopes: ``{code, message, detail?}``."""
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.detail is not None:
            body["detail"] = self.detail
        return body

    def __repr__(self) -> str:
        return f"AppError({self.code!r}, {self.message!r})"


class InvalidArgument(AppError):
    def __init__(self, message: str, detail: Any = None) -> None:
        super().__init__("invalid_argument", message, detail)


class NotFound(AppError):
    def __init__(self, code: str, message: str, detail: Any = None) -> None:
        super().__init__(code, message, detail, http_status=404)


class ConflictError(AppError):
    def __init__(self, code: str, message: str, detail: Any = None) -> None:
        super().__init__(code, message, detail, http_status=409)
