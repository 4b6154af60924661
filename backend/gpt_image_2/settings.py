"""Process settings (environment prefix ``GPT_IMAGE_2_``).

A few variables keep their well-known names without the prefix:
``CODEX_HOME`` and ``OPENAI_API_KEY``. Settings are immutable once built;
``create_app(settings)`` and the CLI each build their own.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["DEFAULT_CODEX_ENDPOINT", "DEFAULT_OPENAI_API_BASE", "Settings"]

DEFAULT_OPENAI_API_BASE = "https://api.openai.com/v1"
DEFAULT_CODEX_ENDPOINT = "https://chatgpt.com/backend-api/codex/responses"


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
    web_port: int = 8787
    web_token: str | None = None
    web_allowed_hosts: str = "localhost,127.0.0.1,::1"
    web_allow_unauthenticated: bool = False
    web_dist: Path | None = None
    max_upload_bytes: int = 64 * 1024 * 1024

    openai_api_key: str | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "openai_api_key")
    )
    openai_api_base: str = DEFAULT_OPENAI_API_BASE
    codex_endpoint: str = DEFAULT_CODEX_ENDPOINT
    auth_file: Path | None = None

    max_parallel: int = Field(default=2, ge=1, le=16)
    retries: int = Field(default=3, ge=0, le=10)
    retry_delay_seconds: float = Field(default=1.0, ge=0)
    request_timeout_seconds: float = Field(default=300.0, gt=0)
    max_download_bytes: int = 64 * 1024 * 1024

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

    @property
    def allowed_hosts(self) -> list[str]:
        hosts = [h.strip().lower() for h in self.web_allowed_hosts.split(",") if h.strip()]
        return hosts or ["localhost", "127.0.0.1", "::1"]
