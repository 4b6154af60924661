"""Proxy settings are applied to provider calls: a real forward proxy on 127.0.0.1 sees
``custom`` traffic, never ``none`` traffic, and its credentials never leak."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from gpt_image_2.settings import Settings
from tests.config.fake_proxy import LoopbackProxy
from tests.conftest import app_client
from tests.fakes.openai import FakeOpenAI
from tests.web.test_generate_flow import wait_done

PROXY_USER = "proxy-user"
PROXY_PASS = "prx-pass-0123456789"
GW_KEY = "sk-gw-proxy-secret-0123456789"


class Recorder:
    """Every response body the test saw, to grep for secrets at the end."""

    def __init__(self, api: httpx.AsyncClient) -> None:
        self.api = api
        self.bodies: list[str] = []

    async def __call__(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        response = await self.api.request(method, url, **kwargs)
        self.bodies.append(response.text)
        return response


async def generate(call: Recorder, prompt: str = "a red apple",
                   provider: str | None = None) -> tuple[str, dict[str, Any]]:
    body: dict[str, Any] = {"prompt": prompt}
    if provider:
        body["provider"] = provider
    response = await call("POST", "/api/images/generate", json=body)
    assert response.status_code == 200, response.text
    job_id = response.json()["job_id"]
    events = await wait_done(call.api, job_id)
    call.bodies.append(json.dumps(events))
    detail = await call("GET", f"/api/jobs/{job_id}")
    return job_id, detail.json()["job"]


def assert_no_leak(call: Recorder, codex_home: Path, *secrets: str) -> None:
    logs = sorted((codex_home / "gpt-image-2-skill" / "logs").glob("gpt-image-2.log*"))
    texts = call.bodies + [p.read_text() for p in logs]
    history = codex_home / "gpt-image-2-skill" / "history.sqlite"
    raw = [history.read_bytes()] if history.exists() else []
    for secret in secrets:
        assert not [t for t in texts if secret in t], secret
        assert not [b for b in raw if secret.encode() in b], secret


async def test_custom_proxy_carries_provider_calls_with_its_credentials(
    api: httpx.AsyncClient, fake_openai: FakeOpenAI, codex_home: Path
) -> None:
    call = Recorder(api)
    await call("PUT", "/api/logging", json={"debug": True})  # debug records are checked too
    async with LoopbackProxy(auth=(PROXY_USER, PROXY_PASS)) as proxy:
        saved = await call("PUT", "/api/proxy", json={"mode": "custom",
                                                      "url": proxy.url_with_auth()})
        assert saved.status_code == 200, saved.text
        assert saved.json()["proxy"] == {"mode": "custom", "url": f"{proxy.url}/",
                                         "no_proxy": []}
        _, job = await generate(call)
        assert job["status"] == "completed", job
        assert [(r["method"], r["target"]) for r in proxy.forwarded] == [
            ("POST", f"{fake_openai.api_base}/images/generations")]
        assert proxy.forwarded[0]["proxy_authorization"].startswith("Basic ")

        # the UI sends the redacted view back: the stored user:password is kept
        view = (await call("GET", "/api/config")).json()["proxy"]
        again = await call("PUT", "/api/proxy", json=view)
        assert again.status_code == 200, again.text
        stored = json.loads((codex_home / "gpt-image-2-skill" / "config.json").read_text())
        assert stored["proxy"]["url"] == f"{proxy.url_with_auth()}/"
        _, job = await generate(call, "a green pear")
        assert job["status"] == "completed", job
        assert len(proxy.forwarded) == 2

        logs = (await call("GET", "/api/logs", params={"limit": 5000})).json()["entries"]
        assert any(e["type"] == "config.proxy.saved" for e in logs)
        assert any("through proxy" in str(e["data"]) and e["level"] == "debug" for e in logs)
        await call("GET", "/api/jobs")
        await call("GET", "/api/config/inspect")
    assert_no_leak(call, codex_home, PROXY_PASS, f"{PROXY_USER}:{PROXY_PASS}")


async def test_wrong_proxy_credentials_fail_the_job_without_showing_them(
    api: httpx.AsyncClient, codex_home: Path
) -> None:
    call = Recorder(api)
    async with LoopbackProxy(auth=(PROXY_USER, "another-password-123")) as proxy:
        await call("PUT", "/api/proxy", json={"mode": "custom", "url": proxy.url_with_auth()
                                              .replace("another-password-123", PROXY_PASS)})
        _, job = await generate(call, "FAIL once")
        assert job["status"] == "failed"
        assert job["error"]["code"] in ("http_error", "network_error"), job["error"]
        assert proxy.requests and not proxy.forwarded
        await call("GET", "/api/logs")
    assert_no_leak(call, codex_home, PROXY_PASS)


async def test_none_ignores_the_environment_proxy_that_system_uses(
    settings: Settings, fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with LoopbackProxy() as proxy:
        for var in ("HTTP_PROXY", "http_proxy", "ALL_PROXY"):
            monkeypatch.setenv(var, proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        async with app_client(settings) as api:
            call = Recorder(api)
            _, job = await generate(call)  # default: system → the environment's proxy
            assert job["status"] == "completed"
            assert len(proxy.forwarded) == 1

            assert (await call("PUT", "/api/proxy", json={"mode": "none"})).status_code == 200
            _, job = await generate(call, "direct please")
            assert job["status"] == "completed"
            assert len(proxy.forwarded) == 1  # nothing more went through the proxy
            assert fake_openai.calls["direct please"] == 1


async def test_no_proxy_hosts_and_provider_overrides_bypass_or_choose_the_proxy(
    api: httpx.AsyncClient, fake_openai: FakeOpenAI, codex_home: Path
) -> None:
    call = Recorder(api)
    async with LoopbackProxy() as proxy:
        await call("PUT", "/api/proxy", json={"mode": "custom", "url": proxy.url,
                                              "no_proxy": ["localhost", "127.0.0.0/8"]})
        _, job = await generate(call, "bypassed")
        assert job["status"] == "completed"
        assert proxy.forwarded == []

        # a provider's own proxy wins over the global one
        await call("PUT", "/api/proxy", json={"mode": "none"})
        provider = {"type": "openai-compatible", "api_base": fake_openai.api_base,
                    "credentials": {"api_key": {"source": "file", "value": GW_KEY}},
                    "proxy": {"mode": "custom", "url": proxy.url}}
        saved = await call("PUT", "/api/providers/gw", json=provider)
        assert saved.status_code == 200, saved.text
        assert saved.json()["providers"]["gw"]["proxy"]["mode"] == "custom"
        _, job = await generate(call, "via provider proxy", provider="gw")
        assert job["status"] == "completed", job
        assert [r["target"] for r in proxy.forwarded] == [
            f"{fake_openai.api_base}/images/generations"]

        # test-provider probes through the provider's effective proxy too
        probe = await call("POST", "/api/providers/gw/test")
        assert probe.status_code == 200 and probe.json()["ok"] is True, probe.text
        assert proxy.forwarded[-1]["method"] == "HEAD"
        # and so does doctor: the provider's probe via its proxy, the defaults direct
        # (global mode none)
        before = len(proxy.forwarded)
        doctor = await call("GET", "/api/doctor", params={"provider": "gw"})
        assert doctor.status_code == 200, doctor.text
        report = doctor.json()
        assert report["ok"] is True and report["provider_selection"]["resolved"] == "gw"
        assert [r["method"] for r in proxy.forwarded[before:]] == ["HEAD"]
        assert proxy.forwarded[-1]["target"] == fake_openai.api_base

        provider["proxy"] = {"mode": "none"}
        await call("PUT", "/api/providers/gw", json={**provider, "allow_overwrite": True})
        await call("PUT", "/api/proxy", json={"mode": "custom", "url": proxy.url})
        _, job = await generate(call, "provider goes direct", provider="gw")
        assert job["status"] == "completed"
        assert len(proxy.forwarded) == 3  # the first job and the two HEAD probes only
    assert_no_leak(call, codex_home, GW_KEY)


async def test_socks_proxy_without_socksio_fails_the_job_with_a_clear_code(
    api: httpx.AsyncClient, fake_openai: FakeOpenAI, codex_home: Path
) -> None:
    try:
        import socksio  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("socksio is installed: SOCKS proxies are supported")
    saved = await api.put("/api/proxy", json={"mode": "custom",
                                              "url": f"socks5h://{PROXY_USER}:{PROXY_PASS}"
                                                     "@127.0.0.1:9"})
    assert saved.status_code == 200, saved.text
    call = Recorder(api)
    _, job = await generate(call, "socks")
    assert job["status"] == "failed"
    assert job["error"]["code"] == "proxy_unsupported"
    assert "socksio" in job["error"]["message"]
    assert fake_openai.calls["socks"] == 0
    assert_no_leak(call, codex_home, PROXY_PASS)
