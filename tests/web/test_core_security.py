"""Access control (spec/web.md §4): bind policy, bearer/cookie tokens, Host and Origin checks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from gpt_image_2.errors import AppError
from gpt_image_2.settings import Settings
from gpt_image_2.web.security import check_bind_policy, is_loopback_host, normalize_host
from tests.conftest import app_client
from tests.fakes.process import ServerProcess

TOKEN = "tok-" + "x" * 40


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST", "127.0.0.1", "127.0.0.5", "::1",
                                  "[::1]"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback_host(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.com",
                                  "localhost.evil.com"])
def test_non_loopback_hosts(host: str) -> None:
    assert not is_loopback_host(host)


@pytest.mark.parametrize(("raw", "expected"), [
    ("localhost:8787", "localhost"), ("[::1]:8787", "::1"), ("Example.COM", "example.com"),
    ("127.0.0.1", "127.0.0.1"), ("[::1]", "::1"),
])
def test_normalize_host(raw: str, expected: str) -> None:
    assert normalize_host(raw) == expected


def test_bind_policy() -> None:
    assert check_bind_policy(Settings(), "127.0.0.1") is None
    with pytest.raises(AppError) as info:
        check_bind_policy(Settings(), "0.0.0.0")
    assert "GPT_IMAGE_2_WEB_TOKEN" in info.value.message
    assert check_bind_policy(Settings(web_token=TOKEN), "0.0.0.0") is None
    warning = check_bind_policy(Settings(web_allow_unauthenticated="1"), "0.0.0.0")
    assert warning is not None and "WARNING" in warning


def test_serve_refuses_tokenless_lan_bind(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "gpt_image_2.cli.main", "serve", "--host", "0.0.0.0",
         "--port", "0", "--no-build"],
        capture_output=True, text=True, timeout=60,
        env={"CODEX_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert proc.returncode == 2
    assert "without an access token" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "gpt-image-2-skill").exists()


async def test_token_mode(settings: Settings) -> None:
    async with app_client(settings.model_copy(update={"web_token": TOKEN})) as api:
        session = (await api.get("/api/session")).json()
        assert session == {"auth_required": True, "authorized": False}
        denied = await api.get("/api/jobs")
        assert denied.status_code == 401
        assert denied.json()["error"]["code"] == "unauthorized"
        assert (await api.get("/api/jobs", headers={"Authorization": "Bearer wrong"})
                ).status_code == 401
        ok = await api.get("/api/jobs", headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200
        # Host is not checked in token mode
        assert (await api.get("/api/jobs", headers={"Authorization": f"Bearer {TOKEN}",
                                                    "Host": "lan.example"})).status_code == 200
        bad = await api.post("/api/session", json={"token": "nope"})
        assert bad.status_code == 401
        login = await api.post("/api/session", json={"token": f"  {TOKEN} "})
        assert login.status_code == 204
        cookie = login.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
        assert TOKEN not in cookie  # an opaque value, never the token itself
        assert (await api.get("/api/session")).json()["authorized"] is True
        assert (await api.get("/api/jobs")).status_code == 200
        cross = await api.post("/api/images/generate", json={"prompt": "x"},
                               headers={"Origin": "https://evil.example"})
        assert cross.status_code == 403
        assert cross.json()["error"]["code"] == "origin_not_allowed"
        same = await api.post("/api/images/generate", json={"prompt": "x"},
                              headers={"Origin": "http://127.0.0.1"})
        assert same.status_code == 200
        await api.delete("/api/session")
        assert (await api.get("/api/jobs")).status_code == 401


async def test_tokenless_host_check(settings: Settings) -> None:
    async with app_client(settings) as api:
        assert (await api.get("/api/session")).json() == {"auth_required": False,
                                                          "authorized": True}
        for host in ("localhost:8787", "127.0.0.1", "[::1]:8787"):
            assert (await api.get("/api/jobs", headers={"Host": host})).status_code == 200, host
        rebinding = await api.get("/api/jobs", headers={"Host": "attacker.example:8787"})
        assert rebinding.status_code == 403
        assert rebinding.json()["error"]["code"] == "host_not_allowed"
        # the SPA and /api/session stay reachable; only /api is gated
        assert (await api.get("/api/session", headers={"Host": "x.example"})).status_code == 200
    allowed = settings.model_copy(update={"web_allowed_hosts": "Box.LAN, ,"})
    async with app_client(allowed) as api:
        assert (await api.get("/api/jobs", headers={"Host": "box.lan:8787"})).status_code == 200
        assert (await api.get("/api/jobs", headers={"Host": "localhost"})).status_code == 403


def test_web_token_is_trimmed_and_blank_is_unset() -> None:
    assert Settings(web_token="  abc  ").web_token == "abc"
    assert Settings(web_token="   ").web_token is None
    assert Settings(web_allowed_hosts=" , ").allowed_hosts == ["localhost", "127.0.0.1", "::1"]


async def test_spa_fallback_serves_index(tmp_path: Path, settings: Settings) -> None:
    from gpt_image_2.cli.asgi import StreamingASGITransport
    from gpt_image_2.web.app import create_app

    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<html>app</html>")
    (dist / "assets" / "a.js").write_text("console.log(1)")
    app = create_app(settings.model_copy(update={"web_dist": dist}))
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=StreamingASGITransport(app), base_url="http://127.0.0.1"
    ) as client:
        for path in ("/", "/tasks", "/deep/link/here"):
            response = await client.get(path)
            assert response.status_code == 200 and "app" in response.text, path
        asset = await client.get("/assets/a.js")
        assert "immutable" in asset.headers["cache-control"]
        assert (await client.get("/../../etc/passwd")).text == "<html>app</html>"
        api_404 = await client.get("/api/nope")
        assert api_404.status_code == 404 and api_404.json()["error"]["code"] == "not_found"
        schema = await client.get("/api/openapi.json")
        assert schema.status_code == 200 and "/api/images/generate" in schema.json()["paths"]


@pytest.mark.parametrize(("allow", "secure"), [(None, True), ("10.9.9.9", False)])
def test_session_cookie_is_secure_behind_a_trusted_tls_proxy(
    tmp_path: Path, allow: str | None, secure: bool
) -> None:
    """``X-Forwarded-Proto: https`` from a trusted proxy (loopback by default) makes the
    session cookie ``Secure``; from an untrusted peer the header is ignored."""
    env = {"CODEX_HOME": str(tmp_path / "codex"), "GPT_IMAGE_2_WEB_TOKEN": TOKEN}
    if allow is not None:
        env["GPT_IMAGE_2_WEB_FORWARDED_ALLOW_IPS"] = allow
    proc = ServerProcess(env, log=tmp_path / "server.log").start()
    try:
        login = httpx.post(f"{proc.url}/api/session", json={"token": TOKEN},
                           headers={"X-Forwarded-Proto": "https"}, timeout=10)
    finally:
        proc.stop()
    assert login.status_code == 204
    assert ("Secure" in login.headers["set-cookie"]) is secure
