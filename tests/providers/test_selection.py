"""Provider selection (spec/providers.md §5) as a pure function of config, env and auth."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gpt_image_2.errors import AppError
from gpt_image_2.providers import ProviderOverrides, SelectionInputs, select_provider
from gpt_image_2.providers.selection import select_for_request
from tests.fakes.codex import make_jwt
from tests.fakes.fixtures import write_auth

GW = {"type": "openai-compatible", "api_base": "http://127.0.0.1:9/v1",
      "credentials": {"api_key": {"source": "file", "value": "sk-gw-0123456789"}}}


def inputs(tmp_path: Path, *, providers: dict[str, Any] | None = None,
           default: str | None = None, env_key: str | None = None, codex: bool = False,
           overrides: ProviderOverrides | None = None) -> SelectionInputs:
    auth = tmp_path / "auth.json"
    if codex:
        write_auth(auth, make_jwt(), "rt")
    return SelectionInputs(
        config={"version": 1, "default_provider": default, "providers": providers or {}},
        config_file=tmp_path / "config.json", env_api_key=env_key,
        default_api_base="https://api.openai.com/v1",
        default_codex_endpoint="https://chatgpt.com/backend-api/codex/responses",
        auth_file=auth, overrides=overrides or ProviderOverrides())


def pick(tmp_path: Path, requested: str = "auto", **kw: Any) -> dict[str, Any]:
    return select_provider(requested, inputs(tmp_path, **kw)).selection.to_dict()


def test_auto_order_default_then_openai_then_codex(tmp_path: Path) -> None:
    both = {"env_key": "sk-env-0123456789", "codex": True}
    assert pick(tmp_path, providers={"gw": GW}, default="gw", **both) == {
        "requested": "gw", "resolved": "gw", "kind": "openai-compatible",
        "reason": "config_default_provider", "supports_n": False,
        "edit_region_mode": "reference-hint"}
    assert pick(tmp_path, **both)["reason"] == "auto_openai_api_key"
    assert pick(tmp_path, codex=True) == {
        "requested": "auto", "resolved": "codex", "kind": "codex", "reason": "auto_codex_auth",
        "supports_n": False, "edit_region_mode": "reference-hint"}


def test_builtin_default_is_honoured(tmp_path: Path) -> None:
    """Deviation (docs/decisions/0003): set-default codex wins over OPENAI_API_KEY."""
    sel = pick(tmp_path, default="codex", env_key="sk-env-0123456789", codex=True)
    assert (sel["resolved"], sel["reason"]) == ("codex", "config_default_provider")


def test_explicit_builtins_and_configured(tmp_path: Path) -> None:
    assert pick(tmp_path, "openai", env_key="sk-env-0123456789")["reason"] == "explicit"
    assert pick(tmp_path, "gw", providers={"gw": GW})["reason"] == "explicit_config_provider"
    named_openai = pick(tmp_path, "openai", providers={"openai": {**GW, "type": "openai"}})
    assert named_openai["reason"] == "explicit_config_provider"
    assert named_openai["supports_n"] is True
    assert named_openai["edit_region_mode"] == "native-mask"
    spec = select_provider("openai", inputs(tmp_path, overrides=ProviderOverrides(
        api_key="sk-flag-0123456789")))
    assert spec.auth_source == "flag"


@pytest.mark.parametrize(("requested", "kw", "code", "message"), [
    ("auto", {}, "provider_unavailable", "No usable provider auth was found."),
    ("openai", {}, "api_key_missing", "Missing OPENAI_API_KEY."),
    ("codex", {}, "access_token_missing", "Missing access_token in "),
    ("nope", {}, "provider_unknown", "Unknown provider: nope"),
    ("x", {"providers": {"x": {"type": "dalle"}}}, "provider_kind_unsupported",
     "Unsupported provider type: dalle"),
    ("x", {"providers": {"x": {**GW, "edit_region_mode": "lasso"}}}, "invalid_provider_config",
     "Unsupported edit_region_mode: lasso"),
    ("x", {"providers": {"x": {**GW, "credentials": {}}}}, "credential_missing",
     "Missing credential: api_key"),
    ("x", {"providers": {"x": {**GW, "credentials": {"api_key": {"source": "env",
                                                                  "env": "NOPE_VAR"}}}}},
     "credential_missing", "Missing environment credential: NOPE_VAR"),
    ("x", {"providers": {"x": {**GW, "credentials": {"api_key": {"source": "file",
                                                                  "value": " "}}}}},
     "credential_missing", "File credential is empty."),
    ("x", {"providers": {"x": {"type": "codex", "credentials": {}}}}, "credential_missing",
     "Missing credential: access_token"),
])
def test_selection_errors(tmp_path: Path, requested: str, kw: dict[str, Any], code: str,
                          message: str) -> None:
    with pytest.raises(AppError) as info:
        select_provider(requested, inputs(tmp_path, **kw))
    assert info.value.code == code
    assert info.value.message.startswith(message)


def test_unavailable_detail_lists_every_source(tmp_path: Path) -> None:
    with pytest.raises(AppError) as info:
        select_provider("auto", inputs(tmp_path, providers={"off": {"type": "dalle"}}))
    detail = info.value.detail
    assert set(detail) == {"openai", "codex", "config_file", "configured_providers"}
    assert detail["codex"]["message"] == "auth.json was not found."
    assert detail["configured_providers"] == ["off"]


def test_request_create_selection(tmp_path: Path) -> None:
    both = inputs(tmp_path, env_key="sk-env-0123456789", codex=True)
    responses = select_for_request(None, "responses", both).selection
    assert (responses.resolved, responses.reason) == ("codex", "auto_request_responses")
    images = select_for_request(None, "generate", both).selection
    assert (images.resolved, images.reason) == ("openai", "auto_request_images")
