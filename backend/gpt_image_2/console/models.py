"""Typed shapes of the console API: config, providers, secrets, doctor, auth, models.

Payloads whose ``command`` field is set are the CLI's success envelopes
(spec/protocol.md §4) returned as-is by the API, so the CLI prints them
unchanged whether it runs embedded or against ``--server``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..config.models import LoggingSettings, ProxyView

__all__ = [
    "AuthInspectPayload",
    "AuthRefreshPayload",
    "ConfigInspectPayload",
    "ConfigPathPayload",
    "CredentialInput",
    "DoctorPayload",
    "ModelsPayload",
    "ProviderListPayload",
    "ProviderRemoved",
    "ProviderTestResult",
    "ProviderUpsert",
    "RevealedCredential",
    "SecretDeletePayload",
    "SecretSetBody",
    "SecretSetPayload",
    "SecretStatusPayload",
    "ServerConfig",
    "SetDefaultBody",
]


class ConfigPathPayload(BaseModel):
    ok: bool = True
    command: Literal["config path"] = "config path"
    config_dir: str
    config_file: str
    history_file: str
    jobs_dir: str


class ConfigInspectPayload(BaseModel):
    ok: bool = True
    command: Literal["config inspect"] = "config inspect"
    config_file: str
    exists: bool
    config: dict[str, Any] = Field(description="The whole document, credentials redacted")


class ProviderListPayload(BaseModel):
    ok: bool = True
    command: Literal["config list-providers"] = "config list-providers"
    default_provider: str | None
    providers: dict[str, Any]


class ServerConfig(BaseModel):
    """``GET /api/config``: the redacted document with the built-ins injected."""

    model_config = ConfigDict(extra="allow")

    version: int
    default_provider: str | None
    providers: dict[str, Any]
    notifications: dict[str, Any]
    storage: dict[str, Any]
    paths: dict[str, Any]
    proxy: ProxyView
    logging: LoggingSettings
    config_file: str


class ProviderRemoved(ServerConfig):
    provider: str
    removed: bool


class CredentialInput(BaseModel):
    source: str = Field(default="file", description="file | env | keychain")
    value: str | None = Field(default=None, description="file/keychain value; empty keeps")
    env: str | None = Field(default=None, description="variable name (env source)")
    service: str | None = None
    account: str | None = None


class ProviderUpsert(BaseModel):
    """Body of ``PUT /api/providers/{name}`` (spec/web.md §6.3)."""

    type: str = Field(default="openai-compatible",
                      description="openai | openai-compatible | codex")
    api_base: str | None = None
    endpoint: str | None = None
    model: str | None = None
    credentials: dict[str, CredentialInput] = Field(default_factory=dict)
    supports_n: bool | None = None
    edit_region_mode: Literal["native-mask", "reference-hint", "none"] | None = None
    proxy: dict[str, Any] | None = None
    set_default: bool = False
    allow_overwrite: bool = False


class SetDefaultBody(BaseModel):
    name: str


class ProviderTestResult(BaseModel):
    ok: bool
    latency_ms: int
    message: str
    detail: dict[str, Any] = Field(description="The `config test-provider` payload")


class RevealedCredential(BaseModel):
    value: str
    source: str = Field(description="file | env:VAR | keychain:<account>")


class SecretSetBody(BaseModel):
    source: str = Field(default="file", description="file | env | keychain")
    value: str | None = None
    env: str | None = None
    account: str | None = None


class SecretSetPayload(BaseModel):
    ok: bool = True
    command: Literal["secret set"] = "secret set"
    provider: str
    name: str
    config_file: str


class SecretStatusPayload(BaseModel):
    ok: bool = True
    command: Literal["secret get"] = "secret get"
    provider: str
    name: str
    status: Any
    ready: bool


class SecretDeletePayload(BaseModel):
    ok: bool = True
    command: Literal["secret delete"] = "secret delete"
    provider: str
    name: str
    removed: bool


class DoctorPayload(BaseModel):
    ok: bool
    command: Literal["doctor"] = "doctor"
    defaults: dict[str, Any]
    provider_selection: dict[str, Any]
    providers: dict[str, Any]
    retry_policy: dict[str, Any]
    version: str


class AuthInspectPayload(BaseModel):
    ok: bool = True
    command: Literal["auth inspect"] = "auth inspect"
    providers: dict[str, Any]
    requested_provider: str


class AuthRefreshPayload(BaseModel):
    ok: bool = True
    command: Literal["auth refresh"] = "auth refresh"
    provider: str
    auth_file: str = Field(description="Where the tokens were rewritten (auth.json or config)")
    account_id: str | None
    expires_at: int | None = Field(description="New access token expiry, unix seconds")
    refreshed: bool = True


class ModelsPayload(BaseModel):
    ok: bool = True
    command: Literal["models list"] = "models list"
    providers: dict[str, Any]
