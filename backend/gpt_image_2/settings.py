"""Process settings (environment prefix ``GPT_IMAGE_2_``).

A few variables keep their well-known names without the prefix:
``CODEX_HOME`` and ``OPENAI_API_KEY``. Settings are immutable once built;
``create_app(settings)`` and the CLI each build their own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = [
    "DEFAULT_CODEX_ENDPOINT",
    "DEFAULT_CODEX_TOKEN_URL",
    "DEFAULT_OPENAI_API_BASE",
    "Settings",
    "load_settings",
]

DEFAULT_OPENAI_API_BASE = "https://api.openai.com/v1"
DEFAULT_CODEX_ENDPOINT = "https://chatgpt.com/backend-api/codex/responses"
DEFAULT_CODEX_TOKEN_URL = "https://auth.openai.com/oauth/token"


class Settings(BaseSettings):
    """Everything a process needs to know before it touches the data root."""

    model_config = SettingsConfigDict(
        env_prefix="GPT_IMAGE_2_", extra="ignore", frozen=True, populate_by_name=True
    )

    codex_home: Path | None = Field(
        default=None, validation_alias=AliasChoices("CODEX_HOME", "codex_home")
    )
    config_file: Path | None = None
    history_file: Path | None = None
    database_url: str | None = None

    web_host: str = "127.0.0.1"
    web_port: int = Field(8787, ge=0, le=65535)
    web_token: str | None = None
    web_allowed_hosts: str = "localhost,127.0.0.1,::1"
    web_allow_unauthenticated: bool = False
    web_dist: Path | None = None
    web_forwarded_allow_ips: str = "127.0.0.1"
    """Proxies whose ``X-Forwarded-Proto``/``-For`` are believed (comma list, ``*`` = any)."""
    max_upload_bytes: int = 64 * 1024 * 1024

    openai_api_key: str | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "openai_api_key")
    )
    openai_api_base: str = DEFAULT_OPENAI_API_BASE
    codex_endpoint: str = DEFAULT_CODEX_ENDPOINT
    codex_token_url: str = DEFAULT_CODEX_TOKEN_URL
    auth_file: Path | None = None

    max_parallel: int = Field(default=2, ge=1, le=16)
    retries: int = Field(default=3, ge=0, le=10)
    retry_delay_seconds: float = Field(default=1.0, ge=0)
    request_timeout_seconds: float = Field(default=300.0, gt=0)
    max_download_bytes: int = 64 * 1024 * 1024
    webhook_private_networks: str = ""
    """CIDRs webhooks may reach although they are private or loopback (empty: none)."""
    allowed_data_roots: str = ""
    """Comma list of folders ``PUT /api/paths`` and local storage targets may point into
    (empty: only the data root)."""
    log_level: str = "warning"
    """uvicorn's console log level for ``serve`` (the JSONL file log has its own level)."""

    embedded: bool = False
    """True when the app runs inside a CLI process (no listener, one user)."""

    @field_validator("web_token", "openai_api_key", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value.strip() if isinstance(value, str) else value

    @field_validator("web_allow_unauthenticated", mode="before")
    @classmethod
    def _truthy(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip().lower() in {"1", "true", "yes"}
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level(cls, value: object) -> object:
        text = str(value).strip().lower() if value is not None else "warning"
        if text not in {"critical", "error", "warning", "info", "debug", "trace"}:
            raise ValueError("log_level must be critical, error, warning, info, debug or trace")
        return text

    @field_validator("webhook_private_networks")
    @classmethod
    def _networks(cls, value: str) -> str:
        from .relay.netguard import parse_networks

        parse_networks(value)  # ValueError names the bad entry
        return value

    @property
    def allowed_roots(self) -> list[Path]:
        """``allowed_data_roots`` as absolute paths (empty when unset)."""
        return [Path(p.strip()).expanduser() for p in self.allowed_data_roots.split(",")
                if p.strip()]

    @property
    def allowed_hosts(self) -> list[str]:
        hosts = [h.strip().lower() for h in self.web_allowed_hosts.split(",") if h.strip()]
        return hosts or ["localhost", "127.0.0.1", "::1"]

    # --- relay (issue 8) ---------------------------------------------------------
    # Optional browser relay at /api/relay, off by default; read by relay/config.py.
    # Documented in docs/relay.md.
    relay_enabled: bool = False
    relay_mode: str = "open"
    """``open``, ``allowlist`` (misses refused) or ``report-only`` (misses only logged)."""
    relay_allowlist_report_only: bool = False
    """Spec compatibility: turns ``allowlist`` into ``report-only``."""
    relay_allowlist_json: str = ""
    relay_allowed_origins: str = ""
    """Extra browser origins (comma list, ``*`` = any).

    The server's own origin is always allowed."""
    relay_allowed_methods: str = "GET,POST,OPTIONS"
    relay_max_request_bytes: int = Field(default=50 * 1024 * 1024, gt=0)
    relay_max_response_bytes: int = Field(default=120 * 1024 * 1024, gt=0)
    relay_private_networks: str = ""
    """CIDRs the relay may reach although they are private (empty: none)."""
    relay_timeout_seconds: float = Field(default=300.0, gt=0)

    @field_validator("relay_mode", mode="before")
    @classmethod
    def _relay_mode(cls, value: object) -> object:
        text = str(value).strip().lower() if value is not None else "open"
        if text not in {"open", "allowlist", "report-only"}:
            raise ValueError("relay_mode must be open, allowlist or report-only")
        return text


def load_settings(**overrides: Any) -> Settings:
    """``Settings(**overrides)``, with a bad environment value as a clear :class:`AppError`.

    The message names the environment variable and what is wrong with it, never
    the value itself (it may be a secret).
    """
    from pydantic import ValidationError

    from .errors import AppError

    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False, include_input=False):
            field = str(error["loc"][0]) if error["loc"] else ""
            env = {"codex_home": "CODEX_HOME", "openai_api_key": "OPENAI_API_KEY"}.get(
                field, f"GPT_IMAGE_2_{field.upper()}")
            problems.append(f"{env}: {error['msg']}")
        raise AppError("invalid_settings", "Invalid setting. " + "; ".join(problems),
                       {"settings": sorted({p.split(':', 1)[0] for p in problems})}) from None
