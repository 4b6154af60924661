"""Configuration routes of spec/web.md §6.2: config-paths, capabilities, proxy, logging,
logs and paths, on a fresh app per test."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gpt_image_2.settings import Settings
from tests.conftest import TEST_KEY, app_client
from tests.fakes.fixtures import run_job

PASS = "prx-pass-0123456789"


def shared(home: Path) -> Path:
    return home / "gpt-image-2-skill"


def config_file(home: Path) -> Path:
    return shared(home) / "config.json"


def snapshot(home: Path) -> tuple[bytes, int]:
    path = config_file(home)
    return path.read_bytes(), os.stat(path).st_mode & 0o777


async def seed(api: httpx.AsyncClient) -> None:
    """Make sure a config.json exists (a save that succeeds)."""
    assert (await api.put("/api/logging", json={"debug": False})).status_code == 200


def assert_refused(response: httpx.Response, code: str, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert set(response.json()) == {"error"}
    assert error["code"] == code, error
    return error


async def test_config_paths_are_absolute_and_match_the_data_root(
    api: httpx.AsyncClient, codex_home: Path
) -> None:
    body = (await api.get("/api/config-paths")).json()
    root = shared(codex_home)
    assert body["config_dir"] == body["app_data_dir"] == str(root)
    assert body["config_file"] == str(root / "config.json")
    assert body["history_file"] == str(root / "history.sqlite")
    assert body["jobs_dir"] == body["result_library_dir"] == str(root / "jobs")
    assert body["default_export_dir"] == str(root / "jobs")  # default mode: result_library
    assert body["default_export_dirs"] == {
        "downloads": str(root / "exports"), "documents": str(root / "exports"),
        "pictures": str(root / "exports"), "result_library": str(root / "jobs"),
        "browser_default": str(root / "exports")}
    assert body["storage_fallback_dir"] == str(root / "storage" / "fallback")
    assert body["legacy_codex_config_dir"] == str(root)
    assert body["legacy_jobs_dir"] == str(root / "jobs")
    assert body["logs_dir"] == str(root / "logs")
    assert all(Path(v).is_absolute() for v in body.values() if isinstance(v, str))


async def test_notification_capabilities_list_email_and_webhooks(
    api: httpx.AsyncClient,
) -> None:
    response = await api.get("/api/notifications/capabilities")
    assert response.status_code == 200
    assert response.json() == {"system": {"tauri_native": False, "browser": True},
                               "server": {"email": True, "webhook": True}}


# -- proxy ---------------------------------------------------------------------------


async def test_proxy_save_redacts_and_keeps_credentials_on_round_trip(
    api: httpx.AsyncClient, codex_home: Path
) -> None:
    url = f"http://alice:{PASS}@proxy.example:3128"
    response = await api.put("/api/proxy", json={"mode": "custom", "url": url,
                                                 "no_proxy": ["localhost", " .internal ", ""]})
    assert response.status_code == 200, response.text
    assert PASS not in response.text and "alice" not in response.text
    view = response.json()["proxy"]
    assert view == {"mode": "custom", "url": "http://proxy.example:3128/",
                    "no_proxy": ["localhost", ".internal"]}
    stored, mode = snapshot(codex_home)
    assert mode == 0o600
    assert json.loads(stored)["proxy"] == {"mode": "custom", "url": url,
                                           "no_proxy": ["localhost", ".internal"]}

    # the redacted view sent back keeps user:password
    assert (await api.put("/api/proxy", json=view)).status_code == 200
    assert json.loads(config_file(codex_home).read_text())["proxy"]["url"] == \
        f"http://alice:{PASS}@proxy.example:3128/"
    # another host, port or scheme does not get them
    for other in ("http://other.example:3128", "http://proxy.example:8080",
                  "https://proxy.example:3128"):
        await api.put("/api/proxy", json={"mode": "custom", "url": other})
        assert PASS not in config_file(codex_home).read_text(), other
    # new inline credentials replace the old ones
    await api.put("/api/proxy", json={"mode": "custom", "url": url})
    await api.put("/api/proxy", json={"mode": "custom",
                                      "url": "http://bob:new-pass-98765@proxy.example:3128"})
    assert "new-pass-98765" in config_file(codex_home).read_text()
    assert PASS not in config_file(codex_home).read_text()

    for mode_name in ("system", "none"):
        saved = await api.put("/api/proxy", json={"mode": mode_name})
        assert saved.json()["proxy"] == {"mode": mode_name, "url": None, "no_proxy": []}
    inspect = await api.get("/api/config/inspect")
    assert "new-pass-98765" not in inspect.text


@pytest.mark.parametrize(("body", "message"), [
    ({"mode": "custom"}, "Custom proxy mode requires a proxy URL."),
    ({"mode": "custom", "url": "  "}, "Custom proxy mode requires a proxy URL."),
    ({"mode": "custom", "url": "socks4://h:1080"},
     "Unsupported proxy scheme: socks4. Use http, https, socks5, or socks5h."),
    ({"mode": "custom", "url": "ftp://h:21"},
     "Unsupported proxy scheme: ftp. Use http, https, socks5, or socks5h."),
    ({"mode": "custom", "url": "http://"}, "Proxy URL is missing a host."),
    ({"mode": "custom", "url": "proxy.example:3128"}, "Proxy URL is not a valid URL."),
    ({"mode": "custom", "url": "http://h:99999"}, "Proxy URL is not a valid URL."),
    ({"mode": "custom", "url": "http://alice@h:3128"},
     "Proxy URL credentials must include both a username and a non-empty password."),
    ({"mode": "custom", "url": "http://alice:@h:3128"},
     "Proxy URL credentials must include both a username and a non-empty password."),
])
async def test_invalid_custom_proxy_is_refused_and_nothing_is_written(
    api: httpx.AsyncClient, codex_home: Path, body: dict[str, Any], message: str
) -> None:
    await api.put("/api/proxy", json={"mode": "custom", "url": f"http://a:{PASS}@h:1"})
    before = snapshot(codex_home)
    error = assert_refused(await api.put("/api/proxy", json=body), "proxy_url_invalid")
    assert error["message"] == message
    if "socks4" in str(body.get("url")):
        assert error["detail"] == {"scheme": "socks4",
                                   "allowed": ["http", "https", "socks5", "socks5h"]}
    assert snapshot(codex_home) == before
    json.loads(before[0])  # still valid JSON


async def test_proxy_body_shape_errors_use_the_envelope(api: httpx.AsyncClient) -> None:
    assert_refused(await api.put("/api/proxy", json={"mode": "sometimes"}), "invalid_argument",
                   422)
    assert_refused(await api.put("/api/proxy", json={"mode": "none", "extra": 1}),
                   "invalid_argument", 422)


async def test_provider_proxy_is_validated_and_keeps_credentials(
    api: httpx.AsyncClient, codex_home: Path
) -> None:
    body = {"type": "openai-compatible", "api_base": "http://127.0.0.1:9/v1",
            "credentials": {"api_key": {"source": "file", "value": "sk-gw-0123456789abc"}},
            "proxy": {"mode": "custom", "url": f"socks5h://u:{PASS}@proxy.example:1080"}}
    saved = await api.put("/api/providers/gw", json=body)
    assert saved.status_code == 200, saved.text
    assert saved.json()["providers"]["gw"]["proxy"]["url"] == "socks5h://proxy.example:1080/"
    assert PASS not in saved.text
    view = saved.json()["providers"]["gw"]
    again = await api.put("/api/providers/gw", json={
        **body, "proxy": view["proxy"], "allow_overwrite": True,
        "credentials": {"api_key": {"source": "file", "value": ""}}})
    assert again.status_code == 200, again.text
    stored = json.loads(config_file(codex_home).read_text())["providers"]["gw"]
    assert stored["proxy"]["url"] == f"socks5h://u:{PASS}@proxy.example:1080/"
    before = snapshot(codex_home)
    bad = await api.put("/api/providers/gw", json={**body, "allow_overwrite": True,
                                                   "proxy": {"mode": "custom"}})
    assert_refused(bad, "proxy_url_invalid")
    assert snapshot(codex_home) == before


# -- logging and logs -------------------------------------------------------------------


@pytest.fixture
async def embedded_api(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An app inside a CLI process: it reads the log but does not write it."""
    async with app_client(settings.model_copy(update={"embedded": True})) as client:
        yield client


async def test_logging_debug_is_saved_and_applied_live(
    api: httpx.AsyncClient, codex_home: Path
) -> None:
    server_api = api
    probe = logging.getLogger("gpt_image_2.tests.probe")
    probe.debug("hidden while info")
    saved = await server_api.put("/api/logging", json={"debug": True})
    assert saved.status_code == 200, saved.text
    assert saved.json()["logging"] == {"debug": True}
    assert json.loads(config_file(codex_home).read_text())["logging"] == {"debug": True}
    probe.debug("shown while debug")
    await server_api.put("/api/logging", json={"debug": False})
    probe.debug("hidden again")
    probe.info(f"key {TEST_KEY} and Bearer abcdefghijkl")

    body = (await server_api.get("/api/logs")).json()
    assert body["logs_dir"] == str(shared(codex_home) / "logs")
    messages = [e["data"].get("message") for e in body["entries"]]
    assert "shown while debug" in messages
    assert "hidden while info" not in messages and "hidden again" not in messages
    types = [e["type"] for e in body["entries"]]
    assert types[0] == "server.started"
    assert "config.logging.saved" in types
    entry = next(e for e in body["entries"] if e["type"] == "gpt_image_2.tests.probe"
                 and e["level"] == "info")
    assert entry["kind"] == "log"
    assert TEST_KEY not in json.dumps(body) and "abcdefghijkl" not in json.dumps(body)
    assert entry["ts"].endswith("Z")
    log_file = shared(codex_home) / "logs" / "gpt-image-2.log"
    assert os.stat(log_file).st_mode & 0o777 == 0o600
    assert TEST_KEY not in log_file.read_text()


def _write_log(path: Path, rows: list[tuple[str, str]]) -> None:
    path.write_text("".join(json.dumps({"ts": f"2024-01-01T00:00:{i:02d}Z", "level": level,
                                        "kind": "log", "type": "t",
                                        "data": {"message": msg}}) + "\n"
                            for i, (level, msg) in enumerate(rows)) + "not json\n")


async def test_logs_read_across_rolled_files_oldest_first_with_limit_and_level(
    embedded_api: httpx.AsyncClient, codex_home: Path
) -> None:
    api = embedded_api
    logs = shared(codex_home) / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    _write_log(logs / "gpt-image-2.log.2", [("info", "a"), ("debug", "b")])
    _write_log(logs / "gpt-image-2.log.1", [("error", "c"), ("warn", "d")])
    _write_log(logs / "gpt-image-2.log", [("info", "e"), ("error", "f")])

    async def messages(**params: Any) -> list[str]:
        response = await api.get("/api/logs", params=params)
        assert response.status_code == 200, response.text
        return [e["data"]["message"] for e in response.json()["entries"]]

    assert await messages() == ["a", "b", "c", "d", "e", "f"]
    assert await messages(limit=3) == ["d", "e", "f"]
    assert await messages(limit=0) == ["f"]  # clamped to 1
    assert await messages(limit=10**9) == ["a", "b", "c", "d", "e", "f"]
    assert await messages(level="warning") == ["c", "d", "f"]
    assert await messages(level="warn", limit=2) == ["d", "f"]
    assert await messages(level="error") == ["c", "f"]
    assert await messages(level="info") == ["a", "c", "d", "e", "f"]
    assert await messages(level="nonsense") == ["a", "b", "c", "d", "e", "f"]
    assert_refused(await api.get("/api/logs", params={"limit": "many"}), "invalid_argument", 422)


async def test_logs_without_a_log_file_are_empty(embedded_api: httpx.AsyncClient,
                                                 codex_home: Path) -> None:
    body = (await embedded_api.get("/api/logs")).json()
    assert body == {"entries": [], "logs_dir": str(shared(codex_home) / "logs")}


# -- paths --------------------------------------------------------------------------


async def test_custom_app_data_dir_is_refused(api: httpx.AsyncClient, codex_home: Path) -> None:
    await seed(api)
    before = snapshot(codex_home)
    error = assert_refused(await api.put("/api/paths", json={
        "app_data_dir": {"mode": "custom", "path": str(codex_home / "elsewhere")}}),
        "invalid_argument")
    assert "environment" in error["message"]
    assert snapshot(codex_home) == before


async def test_custom_result_library_inside_the_data_root_is_created_and_stored(
    api: httpx.AsyncClient, codex_home: Path
) -> None:
    target = shared(codex_home) / "library" / "sub" / ".." / "lib"
    response = await api.put("/api/paths", json={
        "result_library_dir": {"mode": "custom", "path": str(target)},
        "default_export_dir": {"mode": "custom", "path": str(shared(codex_home) / "exp")},
        "legacy_shared_codex_dir": {"enabled_for_read": False}})
    assert response.status_code == 200, response.text
    canonical = shared(codex_home).resolve() / "library" / "lib"
    assert canonical.is_dir() and list(canonical.iterdir()) == []  # probe removed
    paths = response.json()["paths"]
    assert paths["result_library_dir"] == {"mode": "custom", "path": str(canonical)}
    assert paths["legacy_shared_codex_dir"]["enabled_for_read"] is False
    assert snapshot(codex_home)[1] == 0o600
    body = (await api.get("/api/config-paths")).json()
    assert body["default_export_dir"] == str(shared(codex_home).resolve() / "exp")
    # jobs stay in jobs/ (documented): the result library reported is where jobs go
    assert body["result_library_dir"] == str(shared(codex_home) / "jobs")

    back = await api.put("/api/paths", json={"default_export_dir": {"mode": "downloads"}})
    assert back.json()["paths"]["default_export_dir"] == {"mode": "downloads", "path": None}
    body = (await api.get("/api/config-paths")).json()
    assert body["default_export_dir"] == str(shared(codex_home) / "exports")


@pytest.mark.parametrize("where", ["outside", "dotdot", "symlink", "relative", "empty", "nul"])
async def test_custom_folders_outside_the_allowed_roots_are_refused(
    api: httpx.AsyncClient, codex_home: Path, tmp_path: Path, where: str
) -> None:
    await seed(api)
    outside = tmp_path / "outside"
    link = shared(codex_home) / "link"
    outside.mkdir()
    link.symlink_to(outside)
    path = {
        "outside": str(outside / "lib"),
        "dotdot": str(shared(codex_home) / "jobs" / ".." / ".." / ".." / "outside" / "x"),
        "symlink": str(link / "lib"),
        "relative": "gpt-image-2-skill/lib",
        "empty": "",
        "nul": str(shared(codex_home) / "a\x00b"),
    }[where]
    before = snapshot(codex_home)
    for field in ("result_library_dir", "default_export_dir"):
        error = assert_refused(await api.put("/api/paths", json={
            field: {"mode": "custom", "path": path}}), "invalid_argument")
        assert error["detail"]["field"] == field
    assert snapshot(codex_home) == before
    assert list(outside.iterdir()) == []


async def test_allowed_data_roots_admit_another_folder(
    settings: Settings, codex_home: Path, tmp_path: Path
) -> None:
    media = tmp_path / "media"
    allowed = settings.model_copy(update={"allowed_data_roots": f" {media} , /nonexistent-root"})
    async with app_client(allowed) as api:
        response = await api.put("/api/paths", json={
            "result_library_dir": {"mode": "custom", "path": str(media / "library")}})
        assert response.status_code == 200, response.text
        assert (media / "library").is_dir()
        assert_refused(await api.put("/api/paths", json={
            "result_library_dir": {"mode": "custom", "path": str(tmp_path / "other")}}),
            "invalid_argument")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
async def test_unwritable_folder_is_refused(api: httpx.AsyncClient, codex_home: Path) -> None:
    await seed(api)
    locked = shared(codex_home) / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        error = assert_refused(await api.put("/api/paths", json={
            "result_library_dir": {"mode": "custom", "path": str(locked)}}), "invalid_argument")
        assert "not writable" in error["message"]
    finally:
        locked.chmod(0o700)


async def test_folder_that_cannot_be_created_is_refused(
    api: httpx.AsyncClient, codex_home: Path
) -> None:
    await seed(api)
    blocker = shared(codex_home) / "a-file"
    blocker.write_text("x")
    before = snapshot(codex_home)
    for path in (blocker, blocker / "sub"):
        error = assert_refused(await api.put("/api/paths", json={
            "default_export_dir": {"mode": "custom", "path": str(path)}}), "invalid_argument")
        assert error["detail"]["field"] == "default_export_dir"
    assert snapshot(codex_home) == before


async def test_notification_email_password_survives_the_redacted_round_trip(
    api: httpx.AsyncClient, codex_home: Path
) -> None:
    secret = "mail-pass-0123456789"
    saved = await api.put("/api/notifications", json={
        "email": {"enabled": True, "smtp_host": "smtp.example", "from": "a@smtp.example",
                  "to": ["b@smtp.example"], "password": {"source": "file", "value": secret}},
        "webhooks": []})
    assert saved.status_code == 200 and secret not in saved.text
    view = (await api.get("/api/notifications")).json()
    assert view["email"]["password"]["present"] is True and secret not in json.dumps(view)
    assert (await api.put("/api/notifications", json=view)).status_code == 200
    stored = json.loads(config_file(codex_home).read_text())["notifications"]["email"]
    assert stored["password"] == {"source": "file", "value": secret}


async def _finished(api: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    job, _ = await run_job(api, "/api/images/generate", body)
    return job


async def test_jobs_are_in_the_log_lifecycle_at_info_trouble_at_warn_detail_at_debug(
    api: httpx.AsyncClient, fake_openai: Any
) -> None:
    done = await _finished(api, {"prompt": "a pear"})
    fake_openai.script.append({"status": 400})
    failed = await _finished(api, {"prompt": "a plum"})
    assert (done["status"], failed["status"]) == ("completed", "failed")

    entries = (await api.get("/api/logs")).json()["entries"]
    jobs = [e for e in entries if e["kind"] == "job"]
    mine = [(e["type"], e["level"]) for e in jobs if e["data"]["job_id"] == done["id"]]
    assert mine == [("job.queued", "info"), ("job.running", "info"), ("job.completed", "info")]
    failure = next(e for e in jobs if e["data"]["job_id"] == failed["id"]
                   and e["type"] == "job.failed")
    assert failure["level"] == "warn"
    assert failure["data"]["error"]["code"] == "http_error"
    assert not [e for e in jobs if e["level"] == "debug"]  # info is the default floor
    assert TEST_KEY not in json.dumps(entries)

    await api.put("/api/logging", json={"debug": True})
    traced = await _finished(api, {"prompt": "a fig"})
    entries = (await api.get("/api/logs")).json()["entries"]
    detail = {e["type"] for e in entries
              if e["kind"] == "job" and e["data"]["job_id"] == traced["id"]
              and e["level"] == "debug"}
    assert {"request_started", "request_completed", "output_saved"} <= detail
