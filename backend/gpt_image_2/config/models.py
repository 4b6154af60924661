"""Typed bodies and payloads of the configuration routes (spec/web.md §6.2).

Saves return the redacted ``ServerConfig`` (console/models.py). Secret-bearing
fields are :class:`SecretRef` objects; the redacted form the server returns
(``{"source": "file", "present": true, "value": {"_omitted": "secret"}}``) is
accepted back unchanged and keeps the stored value.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "BaiduNetdiskTarget",
    "CleanupPolicy",
    "ConfigPaths",
    "ExportDirRef",
    "ExportDirs",
    "HttpTarget",
    "LegacyDirRef",
    "LocalTarget",
    "LogEntry",
    "LoggingSettings",
    "LogsPayload",
    "NotificationCapabilities",
    "Pan123OpenTarget",
    "PathConfig",
    "PathRef",
    "PipelineMode",
    "ProxySettings",
    "ProxyView",
    "S3Target",
    "SecretRef",
    "ServerChannels",
    "SftpTarget",
    "StoragePipeline",
    "StoragePolicy",
    "StorageSettings",
    "StorageTarget",
    "StorageTestBody",
    "StorageTestResult",
    "SystemChannels",
    "WebDavTarget",
]

class ProxySettings(BaseModel):
    """Body of ``PUT /api/proxy`` (and the shape of a provider's ``proxy``)."""

    model_config = ConfigDict(extra="forbid")

    mode: Literal["system", "none", "custom"] = "system"
    url: str | None = Field(default=None, max_length=2048,
                            description="custom: http, https, socks5 or socks5h URL; "
                            "a URL sent back without user:password keeps the stored ones")
    no_proxy: list[Annotated[str, Field(max_length=255)]] = Field(
        default_factory=list, max_length=200,
        description="custom only: hosts that bypass the proxy (names, .suffix, IPs, CIDRs, *)")


class ProxyView(BaseModel):
    """A proxy section as shown: the URL without ``user:password``."""

    mode: str
    url: str | None = Field(description="user:password removed; <invalid-proxy-url> if "
                            "unparsable")
    no_proxy: list[str]


class LoggingSettings(BaseModel):
    """Body of ``PUT /api/logging`` and the ``logging`` section."""

    debug: bool = False


class PathRef(BaseModel):
    mode: Literal["default", "custom"] = "default"
    path: str | None = Field(default=None, max_length=4096)


class ExportDirRef(BaseModel):
    mode: Literal["downloads", "documents", "pictures", "result_library", "custom",
                  "browser_default"] = "result_library"
    path: str | None = Field(default=None, max_length=4096)


class LegacyDirRef(BaseModel):
    path: str | None = Field(default=None, max_length=4096)
    enabled_for_read: bool = True


class PathConfig(BaseModel):
    """Body of ``PUT /api/paths``."""

    app_data_dir: PathRef = Field(default_factory=PathRef,
                                  description="custom is refused: set the data root in the "
                                  "environment")
    result_library_dir: PathRef = Field(default_factory=PathRef)
    default_export_dir: ExportDirRef = Field(default_factory=ExportDirRef)
    legacy_shared_codex_dir: LegacyDirRef = Field(default_factory=LegacyDirRef)


class ExportDirs(BaseModel):
    downloads: str
    documents: str
    pictures: str
    result_library: str
    browser_default: str


class ConfigPaths(BaseModel):
    """``GET /api/config-paths``: absolute paths the server uses."""

    config_dir: str
    config_file: str
    history_file: str
    jobs_dir: str
    app_data_dir: str
    result_library_dir: str = Field(description="where new jobs are written (= jobs_dir)")
    default_export_dir: str
    default_export_dirs: ExportDirs
    storage_fallback_dir: str
    legacy_codex_config_dir: str
    legacy_jobs_dir: str
    logs_dir: str


class SystemChannels(BaseModel):
    tauri_native: bool
    browser: bool


class ServerChannels(BaseModel):
    email: bool
    webhook: bool


class NotificationCapabilities(BaseModel):
    """``GET /api/notifications/capabilities``."""

    system: SystemChannels
    server: ServerChannels


class LogEntry(BaseModel):
    ts: str = Field(description="RFC 3339, UTC")
    level: str = Field(description="debug | info | warn | error")
    kind: str
    type: str
    data: Any = Field(description="secrets redacted")


class LogsPayload(BaseModel):
    """``GET /api/logs``: entries oldest first."""

    entries: list[LogEntry]
    logs_dir: str


# -- storage -----------------------------------------------------------------------


class SecretRef(BaseModel):
    """A credential reference (file, env or keychain) or its redacted status object."""

    model_config = ConfigDict(extra="ignore")

    source: Literal["file", "env", "keychain"] = "file"
    value: str | dict[str, Any] | None = Field(
        default=None, description="file: the secret; empty or the redacted object keeps the "
        "stored value")
    env: str | None = Field(default=None, max_length=255)
    service: str | None = Field(default=None, max_length=255)
    account: str | None = Field(default=None, max_length=255)
    present: bool | None = Field(default=None, description="shown by the server; ignored")


_URL = Field(default=None, max_length=2048)


class _Target(BaseModel):
    model_config = ConfigDict(extra="ignore")


class LocalTarget(_Target):
    type: Literal["local"]
    directory: str = Field(default="", max_length=4096,
                           description="inside the allowed data roots")
    public_base_url: str | None = _URL


class S3Target(_Target):
    type: Literal["s3"]
    bucket: str = Field(default="", max_length=255)
    region: str | None = Field(default=None, max_length=255)
    endpoint: str | None = _URL
    prefix: str | None = Field(default=None, max_length=1024)
    access_key_id: SecretRef | None = None
    secret_access_key: SecretRef | None = None
    session_token: SecretRef | None = None
    public_base_url: str | None = _URL


class WebDavTarget(_Target):
    type: Literal["webdav"]
    url: str = Field(default="", max_length=2048)
    username: str | None = Field(default=None, max_length=255)
    password: SecretRef | None = None
    public_base_url: str | None = _URL


class HttpTarget(_Target):
    type: Literal["http"]
    url: str = Field(default="", max_length=2048)
    method: str = Field(default="POST", max_length=16)
    headers: dict[str, SecretRef] = Field(default_factory=dict)
    public_url_json_pointer: str | None = Field(default=None, max_length=1024)


class SftpTarget(_Target):
    type: Literal["sftp"]
    host: str = Field(default="", max_length=255)
    port: int = Field(default=22, ge=1, le=65535)
    host_key_sha256: str | None = Field(default=None, max_length=255)
    username: str = Field(default="", max_length=255)
    password: SecretRef | None = None
    private_key: SecretRef | None = None
    remote_dir: str = Field(default="", max_length=4096)
    public_base_url: str | None = _URL


class BaiduNetdiskTarget(_Target):
    type: Literal["baidu_netdisk"]
    auth_mode: Literal["personal", "oauth"] | None = None
    app_key: str = Field(default="", max_length=255)
    secret_key: SecretRef | None = None
    access_token: SecretRef | None = None
    refresh_token: SecretRef | None = None
    app_name: str = Field(default="", max_length=255)
    remote_dir: str | None = Field(default=None, max_length=4096)
    public_base_url: str | None = _URL


class Pan123OpenTarget(_Target):
    type: Literal["pan123_open"]
    auth_mode: Literal["client", "access_token"] | None = None
    client_id: str = Field(default="", max_length=255)
    client_secret: SecretRef | None = None
    access_token: SecretRef | None = None
    parent_id: int = Field(default=0, ge=0)
    use_direct_link: bool = False


StorageTarget = Annotated[
    LocalTarget | S3Target | WebDavTarget | HttpTarget | SftpTarget | BaiduNetdiskTarget
    | Pan123OpenTarget,
    Field(discriminator="type"),
]

PipelineMode = Literal["local_only", "mirror", "cloud_primary", "cloud_archive_only"]


class CleanupPolicy(BaseModel):
    mode: Literal["never", "after_archive_success", "by_age", "by_size"] = "never"
    retention_days: int | None = Field(default=None, ge=1, le=36500)
    max_origin_gb: int | None = Field(default=None, ge=1, le=1_000_000)


class StoragePipeline(BaseModel):
    mode: PipelineMode = "local_only"
    origin: str | None = Field(default=None, max_length=100,
                               description="cloud_primary only")
    archives: list[Annotated[str, Field(max_length=100)]] = Field(default_factory=list,
                                                                   max_length=50)
    cleanup: CleanupPolicy = Field(default_factory=CleanupPolicy)


class StoragePolicy(BaseModel):
    managed: bool = False
    allow_user_overrides: bool = False
    allowed_modes: list[PipelineMode] = Field(default_factory=list)
    locked_origin: str | None = None
    locked_archives: list[str] = Field(default_factory=list)
    message: str | None = None


class StorageSettings(BaseModel):
    """Body of ``PUT /api/storage``. A submitted ``policy`` is ignored (the stored one stays)."""

    targets: dict[Annotated[str, Field(max_length=100)], StorageTarget] = Field(
        default_factory=dict, max_length=100)
    pipeline: StoragePipeline | None = None
    default_targets: list[Annotated[str, Field(max_length=100)]] = Field(
        default_factory=list, max_length=50)
    fallback_targets: list[Annotated[str, Field(max_length=100)]] = Field(
        default_factory=list, max_length=50)
    fallback_policy: Literal["never", "on_failure", "always"] = "on_failure"
    upload_concurrency: int = Field(default=4, ge=1, le=32)
    target_concurrency: int = Field(default=2, ge=1, le=32)
    policy: StoragePolicy | None = Field(default=None, description="ignored on save")


class StorageTestBody(BaseModel):
    """Body of ``POST /api/storage/{name}/test``: a draft target, or nothing for the saved one."""

    target: StorageTarget | None = None


class StorageTestResult(BaseModel):
    ok: bool
    target: str
    target_type: str
    message: str
    latency_ms: int | None = None
    detail: dict[str, Any] | None = None
    unsupported: bool = Field(default=False,
                              description="true for remote types: this server does not upload "
                              "to remote storage")
    local_only: bool = Field(default=False,
                             description="true when the probe only touched this server's disk")
