"""``PUT /api/storage`` and ``POST /api/storage/{name}/test`` (spec/web.md §6.2)."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import httpx
import pytest

S3_SECRET = "s3-secret-0123456789abcdef"
S3_KEY_ID = "AKIAEXAMPLE0123456"
DAV_PASS = "dav-pass-0123456789"
HOOK_TOKEN = "hook-token-0123456789"
SFTP_KEY = "-----BEGIN KEY----- sftp-private-0123456789"
SECRETS = (S3_SECRET, S3_KEY_ID, DAV_PASS, HOOK_TOKEN, SFTP_KEY)


def shared(home: Path) -> Path:
    return home / "gpt-image-2-skill"


def config_file(home: Path) -> Path:
    return shared(home) / "config.json"


def stored_storage(home: Path) -> dict[str, Any]:
    section: dict[str, Any] = json.loads(config_file(home).read_text())["storage"]
    return section


def file_ref(value: str) -> dict[str, str]:
    return {"source": "file", "value": value}


def body(home: Path) -> dict[str, Any]:
    return {
        "targets": {
            "disk": {"type": "local", "directory": str(shared(home) / "uploads")},
            "bucket": {"type": "s3", "bucket": "images", "region": "eu-west-1",
                       "endpoint": "https://s3.example", "access_key_id": file_ref(S3_KEY_ID),
                       "secret_access_key": file_ref(S3_SECRET),
                       "session_token": {"source": "env", "env": "S3_SESSION"}},
            "dav": {"type": "webdav", "url": "https://dav.example/remote.php", "username": "me",
                    "password": file_ref(DAV_PASS)},
            "hook": {"type": "http", "url": "https://upload.example/put", "method": "put",
                     "headers": {"Authorization": file_ref(HOOK_TOKEN)}},
            "box": {"type": "sftp", "host": "sftp.example", "username": "me",
                    "remote_dir": "/upload", "private_key": file_ref(SFTP_KEY)},
            "baidu": {"type": "baidu_netdisk", "app_name": "gpt-image-2",
                      "access_token": {"source": "env", "env": "BAIDU_TOKEN"}},
            "pan": {"type": "pan123_open", "client_id": "cid"},
        },
        "pipeline": {"mode": "mirror", "archives": ["bucket", "dav"]},
        "default_targets": ["disk"],
        "fallback_targets": ["hook"],
        "fallback_policy": "always",
        "upload_concurrency": 3,
        "target_concurrency": 1,
        "policy": {"managed": True, "allow_user_overrides": False, "locked_archives": ["pan"]},
    }


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, secret


def assert_refused(response: httpx.Response, code: str, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code, error
    return error


async def test_storage_is_saved_redacted_and_secrets_survive_the_round_trip(
    api: httpx.AsyncClient, codex_home: Path
) -> None:
    response = await api.put("/api/storage", json=body(codex_home))
    assert response.status_code == 200, response.text
    assert_no_secret(response.text)
    view = response.json()["storage"]
    assert view["targets"]["bucket"]["secret_access_key"] == {
        "source": "file", "present": True, "value": {"_omitted": "secret"}}
    assert view["targets"]["bucket"]["session_token"] == {"source": "env", "env": "S3_SESSION",
                                                          "present": False}
    assert view["targets"]["hook"]["headers"]["Authorization"]["present"] is True
    assert view["targets"]["hook"]["method"] == "PUT"
    assert view["targets"]["baidu"]["auth_mode"] == "personal"
    assert view["targets"]["pan"]["auth_mode"] == "client"
    # the submitted policy was ignored: the default (unmanaged) one is stored
    assert view["policy"]["managed"] is False
    assert view["pipeline"] == {"mode": "mirror", "archives": ["bucket", "dav"],
                                "cleanup": {"mode": "never"}}
    assert os.stat(config_file(codex_home)).st_mode & 0o777 == 0o600
    stored = stored_storage(codex_home)
    assert stored["targets"]["bucket"]["secret_access_key"] == file_ref(S3_SECRET)
    assert stored["targets"]["disk"]["directory"] == str(
        (shared(codex_home) / "uploads").resolve())
    assert stored["upload_concurrency"] == 3

    # the SPA sends back what it got: every secret is kept
    config = (await api.get("/api/config")).json()
    assert_no_secret(json.dumps(config))
    again = await api.put("/api/storage", json=config["storage"])
    assert again.status_code == 200, again.text
    kept = stored_storage(codex_home)
    assert kept["targets"]["bucket"]["secret_access_key"] == file_ref(S3_SECRET)
    assert kept["targets"]["bucket"]["access_key_id"] == file_ref(S3_KEY_ID)
    assert kept["targets"]["dav"]["password"] == file_ref(DAV_PASS)
    assert kept["targets"]["hook"]["headers"] == {"Authorization": file_ref(HOOK_TOKEN)}
    assert kept["targets"]["box"]["private_key"] == file_ref(SFTP_KEY)
    assert "present" not in json.dumps(kept)
    inspect = await api.get("/api/config/inspect")
    assert_no_secret(inspect.text, again.text)


async def test_secrets_are_not_carried_to_another_name_or_type(
    api: httpx.AsyncClient, codex_home: Path
) -> None:
    await api.put("/api/storage", json=body(codex_home))
    omitted = {"source": "file", "present": True, "value": {"_omitted": "secret"}}
    response = await api.put("/api/storage", json={"targets": {
        "dav": {"type": "sftp", "host": "h", "username": "u", "remote_dir": "/",
                "password": omitted},
        "renamed": {"type": "webdav", "url": "https://dav.example/", "password": omitted}}})
    assert response.status_code == 200, response.text
    stored = stored_storage(codex_home)
    assert stored["targets"]["dav"]["password"] == file_ref("")
    assert stored["targets"]["renamed"]["password"] == file_ref("")
    assert DAV_PASS not in config_file(codex_home).read_text()


async def test_a_locked_policy_is_kept_and_coerces_the_pipeline(
    api: httpx.AsyncClient, codex_home: Path
) -> None:
    await api.put("/api/storage", json=body(codex_home))
    doc = json.loads(config_file(codex_home).read_text())
    policy = {"managed": True, "allow_user_overrides": False, "allowed_modes": ["mirror"],
              "locked_origin": None, "locked_archives": ["bucket"], "message": "IT says so"}
    doc["storage"]["policy"] = policy
    config_file(codex_home).write_text(json.dumps(doc))
    submitted = body(codex_home)
    submitted["pipeline"] = {"mode": "cloud_archive_only", "archives": ["dav"]}
    submitted["policy"] = {"managed": False}
    response = await api.put("/api/storage", json=submitted)
    assert response.status_code == 200, response.text
    stored = stored_storage(codex_home)
    assert stored["policy"] == policy
    assert stored["pipeline"]["mode"] == "mirror"
    assert stored["pipeline"]["archives"] == ["bucket"]


@pytest.mark.parametrize(("change", "code"), [
    (lambda b: b["targets"]["bucket"].update(bucket=""), "storage_target_invalid"),
    (lambda b: b["targets"]["dav"].update(url="ftp://dav.example"), "storage_target_invalid"),
    (lambda b: b["targets"]["hook"].update(method="DELETE"), "storage_target_invalid"),
    (lambda b: b["targets"]["box"].update(remote_dir=""), "storage_target_invalid"),
    (lambda b: b["targets"]["bucket"].update(secret_access_key={"source": "env"}),
     "storage_target_invalid"),
    (lambda b: b["targets"].update({"bad name": {"type": "local", "directory": "/x"}}),
     "storage_target_invalid"),
    (lambda b: b.update(default_targets=["ghost"]), "storage_target_unknown"),
    (lambda b: b.update(pipeline={"mode": "mirror", "archives": ["ghost"]}),
     "storage_target_unknown"),
    (lambda b: b.update(pipeline={"mode": "cloud_primary"}), "storage_origin_missing"),
    (lambda b: b.update(pipeline={"mode": "cloud_primary", "origin": "ghost"}),
     "storage_origin_missing"),
    (lambda b: b.update(pipeline={"mode": "cloud_primary", "origin": "hook"}),
     "storage_origin_readback_unsupported"),
    (lambda b: b.update(pipeline={"mode": "mirror", "cleanup": {"mode": "by_age"}}),
     "storage_pipeline_invalid"),
    (lambda b: b["targets"]["disk"].update(directory="/etc/gpt-image-2"), "invalid_argument"),
    (lambda b: b["targets"]["disk"].update(directory="relative/dir"), "invalid_argument"),
])
async def test_invalid_storage_is_refused_and_the_file_is_untouched(
    api: httpx.AsyncClient, codex_home: Path, change: Any, code: str
) -> None:
    await api.put("/api/storage", json=body(codex_home))
    before = config_file(codex_home).read_bytes()
    submitted = copy.deepcopy(body(codex_home))
    change(submitted)
    response = await api.put("/api/storage", json=submitted)
    assert_refused(response, code)
    assert_no_secret(response.text)
    assert config_file(codex_home).read_bytes() == before
    assert os.stat(config_file(codex_home)).st_mode & 0o777 == 0o600


async def test_unknown_target_type_is_a_validation_error(api: httpx.AsyncClient) -> None:
    response = await api.put("/api/storage", json={"targets": {"x": {"type": "ftp"}}})
    assert_refused(response, "invalid_argument", 422)


async def test_local_target_probe_writes_and_removes_a_file(
    api: httpx.AsyncClient, codex_home: Path
) -> None:
    await api.put("/api/storage", json=body(codex_home))
    response = await api.post("/api/storage/disk/test", json={})
    assert response.status_code == 200, response.text
    result = response.json()
    folder = (shared(codex_home) / "uploads").resolve()
    assert result["ok"] is True and result["target"] == "disk"
    assert result["target_type"] == "local" and result["local_only"] is True
    assert result["unsupported"] is False
    assert isinstance(result["latency_ms"], int) and result["latency_ms"] >= 0
    assert result["detail"] == {"directory": str(folder)}
    assert folder.is_dir() and list(folder.iterdir()) == []

    # a draft is tested without saving it
    draft_dir = shared(codex_home) / "draft"
    draft = await api.post("/api/storage/new-disk/test",
                           json={"target": {"type": "local", "directory": str(draft_dir)}})
    assert draft.status_code == 200 and draft.json()["ok"] is True, draft.text
    assert draft_dir.is_dir()
    assert "new-disk" not in stored_storage(codex_home)["targets"]

    # local-default without a folder uses <data root>/storage/fallback
    fallback = await api.post("/api/storage/local-default/test",
                              json={"target": {"type": "local"}})
    assert fallback.json()["ok"] is True, fallback.text
    assert (shared(codex_home) / "storage" / "fallback").is_dir()


async def test_local_probe_reports_a_failure_as_a_result(
    api: httpx.AsyncClient, codex_home: Path
) -> None:
    blocker = shared(codex_home) / "blocker"
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("x")
    response = await api.post("/api/storage/d/test", json={
        "target": {"type": "local", "directory": str(blocker / "sub")}})
    assert response.status_code == 200, response.text
    assert response.json()["ok"] is False
    assert "cannot be created" in response.json()["message"]


async def test_remote_targets_answer_unsupported_and_drafts_reuse_stored_secrets(
    api: httpx.AsyncClient, codex_home: Path
) -> None:
    await api.put("/api/storage", json=body(codex_home))
    for name, kind in (("bucket", "s3"), ("dav", "webdav"), ("hook", "http"), ("box", "sftp"),
                       ("baidu", "baidu_netdisk"), ("pan", "pan123_open")):
        response = await api.post(f"/api/storage/{name}/test", json={})
        assert response.status_code == 200, response.text
        result = response.json()
        assert result["ok"] is False and result["unsupported"] is True
        assert result["target_type"] == kind and result["local_only"] is False
        assert_no_secret(response.text)
    draft = await api.post("/api/storage/bucket/test", json={"target": {
        "type": "s3", "bucket": "images",
        "secret_access_key": {"source": "file", "present": True,
                              "value": {"_omitted": "secret"}}}})
    assert draft.status_code == 200 and draft.json()["unsupported"] is True
    assert_no_secret(draft.text)


async def test_storage_test_errors(api: httpx.AsyncClient, codex_home: Path) -> None:
    error = assert_refused(await api.post("/api/storage/ghost/test", json={}),
                           "storage_target_unknown")
    assert error["message"] == "Unknown storage target: ghost"
    assert_refused(await api.post("/api/storage/ghost/test",
                                  json={"target": {"type": "s3", "bucket": ""}}),
                   "storage_target_invalid")
    outside = await api.post("/api/storage/d/test",
                             json={"target": {"type": "local", "directory": "/etc/gpt2-probe"}})
    assert_refused(outside, "invalid_argument")
    assert not Path("/etc/gpt2-probe").exists()
    assert not config_file(codex_home).exists()  # tests never write the config
