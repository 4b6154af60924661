"""The console service: config, providers, secrets, doctor, auth and the model list.

The routes behind ``config *``, ``secret *``, ``doctor``, ``auth inspect`` and
``models list`` each call one method here. Blocking work (keyring access, file
reads) runs in worker threads; every result is redacted except the two
documented reveals (``secret get`` without ``--status`` and the reveal route).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import httpx

from ..config.credentials import (
    KEYCHAIN_SERVICE,
    credential_status,
    default_account,
    keyring_delete,
    keyring_set,
    resolve_credential,
)
from ..config.mutations import (
    default_model,
    merge_credentials,
    remove_provider,
    set_credential,
    set_default,
    upsert_provider,
)
from ..config.proxy import effective_proxy, prepare_proxy, proxy_secrets
from ..config.store import default_document
from ..config.views import builtin_provider_views, redacted_document
from ..errors import AppError, InvalidArgument
from ..jobs.runner import JobRunner
from ..providers.openai import USER_AGENT
from ..providers.selection import ProviderOverrides, SelectionInputs
from . import diagnostics
from .catalog import model_catalog
from .models import (
    AuthInspectPayload,
    AuthRefreshPayload,
    ConfigInspectPayload,
    ConfigPathPayload,
    DoctorPayload,
    ModelsPayload,
    ProviderListPayload,
    ProviderRemoved,
    ProviderTestResult,
    ProviderUpsert,
    RevealedCredential,
    SecretDeletePayload,
    SecretSetBody,
    SecretSetPayload,
    SecretStatusPayload,
    ServerConfig,
)

__all__ = ["ConsoleService"]

_SOURCES = ("file", "env", "keychain")


class ConsoleService:
    def __init__(self, runner: JobRunner) -> None:
        self.runner = runner
        self.store = runner.config
        self.paths = runner.paths

    # -- reading ----------------------------------------------------------------
    def _inputs(self, overrides: ProviderOverrides) -> SelectionInputs:
        return self.runner.inputs(overrides)

    def _redacted(self) -> dict[str, Any]:
        return redacted_document(self.store.load(), self.paths.shared_dir)

    def config_path(self) -> ConfigPathPayload:
        return ConfigPathPayload(
            config_dir=str(self.paths.shared_dir), config_file=str(self.store.path),
            history_file=str(self.paths.history_file), jobs_dir=str(self.paths.jobs_dir),
        )

    async def config_inspect(self) -> ConfigInspectPayload:
        config = await asyncio.to_thread(self._redacted)
        return ConfigInspectPayload(config_file=str(self.store.path), exists=self.store.exists,
                                    config=config)

    async def list_providers(self) -> ProviderListPayload:
        config = await asyncio.to_thread(self._redacted)
        return ProviderListPayload(default_provider=config.get("default_provider"),
                                   providers=config.get("providers") or {})

    async def server_config(self) -> ServerConfig:
        config = await asyncio.to_thread(self._redacted)
        providers = dict(config.get("providers") or {})
        for name, view in builtin_provider_views().items():
            providers.setdefault(name, view)
        config["providers"] = dict(sorted(providers.items()))
        return ServerConfig(**config, config_file=str(self.store.path))

    def models(self) -> ModelsPayload:
        return ModelsPayload(providers=model_catalog())

    # -- providers --------------------------------------------------------------
    async def upsert_provider(self, name: str, body: ProviderUpsert) -> ServerConfig:
        name = name.strip()
        existing_entry = (self.store.load().get("providers") or {}).get(name)
        existing = existing_entry.get("credentials") if isinstance(existing_entry, dict) else None
        incoming = {k: v.model_dump(exclude_none=True) for k, v in body.credentials.items()}
        creds, writes = merge_credentials(name, incoming, existing or {})
        entry: dict[str, Any] = {
            "type": body.type, "api_base": body.api_base, "endpoint": body.endpoint,
            "model": body.model or default_model(body.type), "credentials": creds,
        }
        if body.supports_n is not None:
            entry["supports_n"] = body.supports_n
        if body.edit_region_mode is not None:
            entry["edit_region_mode"] = body.edit_region_mode
        if body.proxy is not None:  # validated; a redacted URL keeps the stored user:password
            old_proxy = existing_entry.get("proxy") if isinstance(existing_entry, dict) else None
            entry["proxy"] = prepare_proxy(body.proxy, old_proxy)
            self.runner.secrets.add(*proxy_secrets(entry["proxy"]))

        def check(doc: dict[str, Any]) -> None:
            upsert_provider(doc, name, entry, set_default=body.set_default,
                            allow_overwrite=body.allow_overwrite)

        check(self.store.load())  # validate before touching the keychain
        for service, account, value in writes:
            await asyncio.to_thread(keyring_set, service, account, value)
        await self.store.update(check)
        return await self.server_config()

    async def remove_provider(self, name: str) -> ProviderRemoved:
        removed: list[bool] = []
        await self.store.update(lambda doc: removed.append(remove_provider(doc, name)))
        config = await self.server_config()
        return ProviderRemoved(**config.model_dump(), provider=name, removed=removed[0])

    async def set_default(self, name: str) -> ServerConfig:
        await self.store.update(lambda doc: set_default(doc, name.strip()))
        return await self.server_config()

    async def test_provider(self, name: str, overrides: ProviderOverrides) -> ProviderTestResult:
        """The probe goes through the provider's effective proxy (spec/providers.md §7.5)."""
        inputs = self._inputs(overrides)
        http = self.runner.http
        if self.runner.clients is not None and name in inputs.providers:
            proxy = effective_proxy(inputs.config.get("proxy"), inputs.providers[name])
            http = self.runner.clients.for_proxy(proxy)
        return await diagnostics.test_provider(name, inputs, http, USER_AGENT)

    # -- secrets ----------------------------------------------------------------
    def _provider_credentials(self, provider: str) -> dict[str, Any]:
        entry = (self.store.load().get("providers") or {}).get(provider)
        if not isinstance(entry, dict):
            raise AppError("provider_unknown", f"Unknown provider: {provider}")
        creds = entry.get("credentials")
        return creds if isinstance(creds, dict) else {}

    async def reveal(self, provider: str, name: str) -> RevealedCredential:
        """The plaintext secret (``secret get`` and the web reveal route)."""
        doc = self.store.load()
        providers = doc.get("providers") or {}
        if provider not in providers and provider == "openai" and name == "api_key":
            key = self.runner.settings.openai_api_key
            if not key:
                raise AppError("api_key_missing", "Missing OPENAI_API_KEY.",
                               {"provider": "openai", "env_var": "OPENAI_API_KEY"})
            return RevealedCredential(value=key, source="env")
        creds = self._provider_credentials(provider)
        if name not in creds:
            raise AppError("credential_missing", f"Missing credential: {name}",
                           {"provider": provider, "credential": name})
        resolved = await asyncio.to_thread(resolve_credential, creds[name], provider=provider,
                                           name=name)
        return RevealedCredential(value=resolved.value, source=resolved.source)

    async def secret_status(self, provider: str, name: str) -> SecretStatusPayload:
        creds = self._provider_credentials(provider)
        if name not in creds:
            raise AppError("credential_missing", f"Missing credential: {name}",
                           {"provider": provider, "credential": name})
        status = await asyncio.to_thread(credential_status, creds[name], provider=provider,
                                         name=name)
        try:
            await asyncio.to_thread(resolve_credential, creds[name], provider=provider, name=name)
            ready = True
        except AppError:
            ready = False
        return SecretStatusPayload(provider=provider, name=name, status=status, ready=ready)

    async def secret_set(self, provider: str, name: str, body: SecretSetBody) -> SecretSetPayload:
        if body.source not in _SOURCES:
            raise AppError("secret_source_unsupported", f"Unsupported secret source: {body.source}")
        self._provider_credentials(provider)
        ref: dict[str, Any]
        if body.source == "env":
            if not body.env:
                raise AppError("secret_env_missing", "--env is required for env secrets.")
            ref = {"source": "env", "env": body.env}
        else:
            if body.value is None:
                raise InvalidArgument("A value is required for file and keychain secrets.",
                                      {"field": "value"})
            if body.source == "file":
                ref = {"source": "file", "value": body.value}
            else:
                account = body.account or default_account(provider, name)
                await asyncio.to_thread(keyring_set, KEYCHAIN_SERVICE, account, body.value)
                ref = {"source": "keychain", "service": KEYCHAIN_SERVICE, "account": account}
        self.runner.secrets.add(body.value)
        await self.store.update(lambda doc: set_credential(doc, provider, name, ref))
        return SecretSetPayload(provider=provider, name=name, config_file=str(self.store.path))

    async def secret_delete(self, provider: str, name: str) -> SecretDeletePayload:
        ref = self._provider_credentials(provider).get(name)
        removed: list[bool] = []

        def mutate(doc: dict[str, Any]) -> None:
            creds = (doc.get("providers") or {}).get(provider, {}).get("credentials")
            removed.append(isinstance(creds, dict) and creds.pop(name, None) is not None)

        await self.store.update(mutate)
        if isinstance(ref, dict) and ref.get("source") == "keychain":
            service = str(ref.get("service") or KEYCHAIN_SERVICE)
            account = str(ref.get("account") or default_account(provider, name))
            # keychain_delete_failed is swallowed (spec/protocol.md §4.4)
            with contextlib.suppress(AppError):
                await asyncio.to_thread(keyring_delete, service, account)
        return SecretDeletePayload(provider=provider, name=name, removed=removed[0])

    # -- diagnostics --------------------------------------------------------------
    async def doctor(self, requested: str | None, overrides: ProviderOverrides) -> DoctorPayload:
        error: AppError | None = None
        try:
            inputs = self._inputs(overrides)
        except AppError as exc:  # an invalid config is reported, not raised
            error = exc
            inputs = SelectionInputs(
                config=default_document(), config_file=self.store.path,
                env_api_key=self.runner.settings.openai_api_key,
                default_api_base=self.runner.settings.openai_api_base,
                default_codex_endpoint=self.runner.settings.codex_endpoint,
                auth_file=self.paths.auth_file, overrides=overrides,
            )
        clients, global_proxy = self.runner.clients, inputs.config.get("proxy")

        def client_for(entry: Any) -> httpx.AsyncClient:
            if clients is None:
                return self.runner.http
            return clients.for_proxy(effective_proxy(global_proxy, entry))

        return await diagnostics.doctor(inputs, error, requested, client_for,
                                        self.runner.retry_policy(overrides), USER_AGENT)

    async def auth_refresh(
        self, requested: str | None, overrides: ProviderOverrides
    ) -> AuthRefreshPayload:
        """Refresh a Codex provider's OAuth tokens now (default: the default provider if it is
        a Codex one, else the built-in ``codex``)."""
        from ..providers.codex import CodexProvider
        from ..providers.factory import build_provider
        from ..providers.jwt import token_facts

        if requested in (None, "", "auto"):
            # the default provider when it is a Codex one, else the built-in codex
            try:
                spec = self.runner.select("auto", overrides)
            except AppError:
                spec = None
            if spec is None or spec.family != "codex":
                spec = self.runner.select("codex", overrides)
        else:
            spec = self.runner.select(requested, overrides)
        provider = build_provider(spec, self.runner.runtime(overrides))
        if not isinstance(provider, CodexProvider):
            raise AppError("unsupported_option",
                           f"auth refresh works with Codex providers; {spec.selection.resolved} "
                           "uses an API key.", {"provider": spec.selection.resolved})

        async def ignore(*_args: Any, **_kwargs: Any) -> None:
            return None

        with contextlib.suppress(AppError):  # unreadable tokens are reported by refresh()
            self.runner.secrets.add(*provider.tokens.load().secrets())
        tokens = await provider.refresh(ignore)
        self.runner.secrets.add(*tokens.secrets())
        return AuthRefreshPayload(
            provider=spec.selection.resolved, auth_file=str(provider.tokens.location),
            account_id=tokens.account_id, expires_at=token_facts(tokens.access_token)["expires_at"],
        )

    async def auth_inspect(
        self, requested: str | None, overrides: ProviderOverrides
    ) -> AuthInspectPayload:
        inputs = self._inputs(overrides)
        return await asyncio.to_thread(diagnostics.auth_inspect, inputs, requested)
