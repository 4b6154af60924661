"""Config, provider and secret routes (spec/web.md §6.2–6.3) on a fresh app per test."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import TEST_KEY
from tests.fakes.keyring_backend import MemoryKeyring
from tests.fakes.openai import FakeOpenAI


def config_file(home: Path) -> Path:
    return home / "gpt-image-2-skill" / "config.json"


GW_BODY: dict[str, Any] = {"type": "openai-compatible", "api_base": "http://127.0.0.1:9/v1",
                           "credentials": {"api_key": {"source": "file",
                                                       "value": "sk-gw-secret-0123456789"}}}


async def put(api: httpx.AsyncClient, name: str, body: dict[str, Any],
              **extra: Any) -> httpx.Response:
    return await api.put(f"/api/providers/{name}", json={**body, **extra})


async def test_empty_home_views(api: httpx.AsyncClient, codex_home: Path) -> None:
    path = (await api.get("/api/config/path")).json()
    shared = codex_home / "gpt-image-2-skill"
    assert path == {"ok": True, "command": "config path", "config_dir": str(shared),
                    "config_file": str(shared / "config.json"),
                    "history_file": str(shared / "history.sqlite"),
                    "jobs_dir": str(shared / "jobs")}
    inspect = (await api.get("/api/config/inspect")).json()
    assert inspect["exists"] is False
    assert list(inspect["config"]) == ["version", "default_provider", "providers",
                                       "notifications", "storage", "paths", "proxy", "logging"]
    assert inspect["config"]["proxy"] == {"mode": "system", "url": None, "no_proxy": []}
    assert inspect["config"]["paths"]["legacy_shared_codex_dir"]["path"] == str(shared)
    web = (await api.get("/api/config")).json()
    assert web["providers"]["openai"]["builtin"] is True
    assert web["providers"]["codex"]["edit_region_mode"] == "reference-hint"
    assert web["providers"]["openai"]["credentials"]["api_key"]["present"] is False
    assert not config_file(codex_home).exists()


async def test_upsert_writes_0600_in_field_order_and_keeps_unknown_fields(
    api: httpx.AsyncClient, codex_home: Path
) -> None:
    path = config_file(codex_home)
    path.write_text(json.dumps({"version": 1, "zz_future": {"a": 1}, "providers": {
        "old": {"type": "openai", "credentials": {}, "x_extra": True}}}))
    response = await put(api, "gw", GW_BODY, supports_n=False, edit_region_mode="none")
    assert response.status_code == 200, response.text
    view = response.json()
    assert view["providers"]["gw"]["credentials"]["api_key"] == {
        "source": "file", "present": True, "value": {"_omitted": "secret"}}
    assert view["default_provider"] == "gw"
    assert "sk-gw-secret" not in response.text
    assert os.stat(path).st_mode & 0o777 == 0o600
    doc = json.loads(path.read_text())
    assert list(doc)[:3] == ["version", "default_provider", "providers"]
    assert doc["zz_future"] == {"a": 1}
    assert doc["providers"]["old"]["x_extra"] is True
    assert list(doc["providers"]["gw"]) == ["type", "api_base", "endpoint", "model",
                                            "credentials", "supports_n", "edit_region_mode"]
    assert doc["providers"]["gw"]["model"] == "gpt-image-2"
    assert path.read_text().endswith("}\n")


async def test_round_tripped_redacted_credentials_keep_the_secret(
    api: httpx.AsyncClient, codex_home: Path
) -> None:
    await put(api, "gw", GW_BODY)
    again = await put(api, "gw", {**GW_BODY, "credentials": {"api_key": {"source": "file",
                                                                         "value": ""}}},
                      allow_overwrite=True, model="custom")
    assert again.status_code == 200
    doc = json.loads(config_file(codex_home).read_text())
    assert doc["providers"]["gw"]["credentials"]["api_key"]["value"] == "sk-gw-secret-0123456789"
    assert doc["providers"]["gw"]["model"] == "custom"


@pytest.mark.parametrize(("name", "extra", "status", "code"), [
    ("gw", {}, 409, "provider_exists"),
    ("openai", {}, 409, "provider_exists"),
    ("auto", {"allow_overwrite": True}, 400, "provider_invalid_name"),
    ("has%20space", {"allow_overwrite": True}, 400, "provider_invalid_name"),
    ("x", {"allow_overwrite": True, "credentials": {"k": {"source": "vault"}}}, 400,
     "secret_source_unsupported"),
    ("x", {"allow_overwrite": True, "credentials": {"k": {"source": "env"}}}, 400,
     "secret_env_missing"),
])
async def test_upsert_errors(api: httpx.AsyncClient, name: str, extra: dict[str, Any],
                             status: int, code: str) -> None:
    await put(api, "gw", GW_BODY)
    response = await put(api, name, GW_BODY, **extra)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


async def test_default_remove_and_reveal(api: httpx.AsyncClient,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    await put(api, "gw", GW_BODY)
    await put(api, "envy", {"type": "openai", "credentials": {
        "api_key": {"source": "env", "env": "GW_TEST_KEY"}}})
    bad = await api.post("/api/providers/default", json={"name": "nope"})
    assert bad.json()["error"] == {"code": "provider_unknown", "message": "Unknown provider: nope"}
    for name in ("codex", "envy"):
        ok = await api.post("/api/providers/default", json={"name": name})
        assert ok.json()["default_provider"] == name
    reveal = await api.get("/api/providers/gw/credentials/api_key")
    assert reveal.json() == {"value": "sk-gw-secret-0123456789", "source": "file"}
    missing_env = await api.get("/api/providers/envy/credentials/api_key")
    assert missing_env.json()["error"]["code"] == "credential_missing"
    monkeypatch.setenv("GW_TEST_KEY", "sk-from-env-0123456789")
    assert (await api.get("/api/providers/envy/credentials/api_key")).json() == {
        "value": "sk-from-env-0123456789", "source": "env:GW_TEST_KEY"}
    assert (await api.get("/api/providers/openai/credentials/api_key")).json() == {
        "value": TEST_KEY, "source": "env"}
    assert (await api.get("/api/providers/gw/credentials/nope")).json()["error"][
        "code"] == "credential_missing"
    assert (await api.get("/api/providers/zz/credentials/api_key")).json()["error"][
        "code"] == "provider_unknown"
    removed = (await api.delete("/api/providers/envy")).json()
    assert (removed["removed"], removed["default_provider"]) == (True, None)
    assert "envy" not in removed["providers"]
    assert (await api.delete("/api/providers/envy")).json()["removed"] is False


async def test_test_provider_reachable_and_not(api: httpx.AsyncClient,
                                               fake_openai: FakeOpenAI) -> None:
    await put(api, "up", {**GW_BODY, "api_base": fake_openai.api_base})
    await put(api, "down", GW_BODY)
    up = (await api.post("/api/providers/up/test")).json()
    assert up["ok"] is True
    assert up["detail"]["endpoint"]["status"] == 200
    assert up["detail"]["provider_selection"]["reason"] == "config_test_provider"
    down = (await api.post("/api/providers/down/test")).json()
    assert down["ok"] is False
    assert set(down["detail"]["endpoint"]) == {"endpoint", "host", "port", "scheme",
                                               "reachable", "proxy", "error"}
    builtin = await api.post("/api/providers/openai/test")
    assert builtin.json()["error"]["code"] == "provider_unknown"


async def test_secrets_file_env_keychain(api: httpx.AsyncClient, codex_home: Path,
                                         memory_keyring: MemoryKeyring) -> None:
    await put(api, "gw", GW_BODY)
    base = "/api/secrets/gw"
    set_file = await api.put(f"{base}/other", json={"source": "file", "value": "v-file-123"})
    assert set_file.json() == {"ok": True, "command": "secret set", "provider": "gw",
                               "name": "other", "config_file": str(config_file(codex_home))}
    assert (await api.get(f"{base}/other")).json()["ready"] is True
    await api.put(f"{base}/envref", json={"source": "env", "env": "SOME_UNSET_VAR"})
    status = (await api.get(f"{base}/envref")).json()
    assert status["status"] == {"source": "env", "env": "SOME_UNSET_VAR", "present": False}
    assert status["ready"] is False
    await api.put(f"{base}/kc", json={"source": "keychain", "value": "kc-secret-value"})
    assert memory_keyring.store[("gpt-image-2-skill", "providers/gw/kc")] == "kc-secret-value"
    status = (await api.get(f"{base}/kc")).json()
    assert status["status"] == {"source": "keychain", "service": "gpt-image-2-skill",
                                "account": "providers/gw/kc", "present": True}
    reveal = (await api.get("/api/providers/gw/credentials/kc")).json()
    assert reveal == {"value": "kc-secret-value", "source": "keychain:providers/gw/kc"}
    assert "kc-secret-value" not in config_file(codex_home).read_text()
    deleted = (await api.delete(f"{base}/kc")).json()
    assert deleted["removed"] is True
    assert memory_keyring.store == {}
    assert (await api.delete(f"{base}/kc")).json()["removed"] is False


@pytest.mark.parametrize(("body", "code"), [
    ({"source": "env"}, "secret_env_missing"),
    ({"source": "vault", "value": "x"}, "secret_source_unsupported"),
    ({"source": "file"}, "invalid_argument"),
])
async def test_secret_errors(api: httpx.AsyncClient, body: dict[str, Any], code: str) -> None:
    await put(api, "gw", GW_BODY)
    response = await api.put("/api/secrets/gw/k", json=body)
    assert response.json()["error"]["code"] == code
    unknown = await api.put("/api/secrets/zz/k", json={"value": "x"})
    assert unknown.json()["error"]["code"] == "provider_unknown"
    missing = await api.get("/api/secrets/gw/nothing")
    assert missing.json()["error"]["code"] == "credential_missing"


async def test_headless_keychain_is_a_clear_error(api: httpx.AsyncClient, codex_home: Path,
                                                  no_keyring: None) -> None:
    await put(api, "gw", GW_BODY)
    response = await api.put("/api/secrets/gw/kc", json={"source": "keychain",
                                                         "value": "nope-secret-1"})
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "keychain_error"
    assert error["message"].startswith("Unable to open keychain entry. No keyring backend")
    assert "--source file or --source env" in error["message"]
    assert "--source file or --source env" in error["detail"]["error"]
    assert "Traceback" not in response.text
    assert "kc" not in json.loads(config_file(codex_home).read_text())["providers"]["gw"][
        "credentials"]
    via_provider = await put(api, "k2", {"type": "openai", "credentials": {
        "api_key": {"source": "keychain", "value": "x-secret-2"}}})
    assert via_provider.json()["error"]["code"] == "keychain_error"
