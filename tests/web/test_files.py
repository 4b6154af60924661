"""``GET /api/files?path=`` and its path-safety rules (spec/web.md §6.6, §10.1)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from gpt_image_2.web.routes import jobs as jobs_routes
from tests.web.test_generate_flow import wait_done

SECRET = b"top secret, outside the jobs folder"


@pytest.fixture
async def output(api: httpx.AsyncClient) -> Path:
    job = (await api.post("/api/images/generate", json={"prompt": "served by path"})).json()
    await wait_done(api, job["job_id"])
    done = (await api.get(f"/api/jobs/{job['job_id']}")).json()["job"]
    return Path(done["output_path"])


def shared(codex_home: Path) -> Path:
    return codex_home / "gpt-image-2-skill"


async def fetch(api: httpx.AsyncClient, path: str) -> httpx.Response:
    return await api.get("/api/files", params={"path": path})


def refused(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    assert "Traceback" not in response.text
    assert SECRET.decode() not in response.text


async def test_serves_an_output_with_headers(api: httpx.AsyncClient, output: Path) -> None:
    response = await fetch(api, str(output))
    assert response.status_code == 200
    assert response.content == output.read_bytes()
    assert response.headers["content-type"] == "image/png"
    assert response.headers["content-disposition"] == (
        "inline; filename=\"out.png\"; filename*=UTF-8''out.png")
    assert response.headers["cache-control"] == "private, max-age=31536000"


async def test_non_ascii_names_use_rfc_6266(api: httpx.AsyncClient, output: Path) -> None:
    named = output.parent / 'a "fox" 狐.png'
    named.write_bytes(b"\x89PNG fake")
    response = await fetch(api, str(named))
    assert response.status_code == 200 and response.content == b"\x89PNG fake"
    assert response.headers["content-disposition"] == (
        "inline; filename=\"a _fox_ _.png\"; "
        "filename*=UTF-8''a%20%22fox%22%20%E7%8B%90.png")


async def test_host_codex_paths_are_remapped(api: httpx.AsyncClient, output: Path,
                                             codex_home: Path) -> None:
    relative = output.relative_to(shared(codex_home))
    host_path = f"/Users/someone/.codex/gpt-image-2-skill/{relative}"
    response = await fetch(api, host_path)
    assert response.status_code == 200 and response.content == output.read_bytes()
    # only a whole path component is a marker
    refused(await fetch(api, f"/x/.codex/gpt-image-2-skill-evil/{relative}"), 403, "forbidden")


async def test_traversal_and_escapes_are_refused_without_reading(
    api: httpx.AsyncClient, output: Path, codex_home: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = shared(codex_home)
    outside = tmp_path / "secret.txt"
    outside.write_bytes(SECRET)
    sibling = root / "jobs2"  # shares the string prefix of jobs/
    sibling.mkdir()
    (sibling / "secret.png").write_bytes(SECRET)
    link_dir = root / "jobs" / "evil"
    link_dir.mkdir()
    os.symlink(outside, link_dir / "out.png")
    os.symlink(tmp_path, link_dir / "up")

    served: list[str] = []
    real_response = jobs_routes.FileResponse

    def spy(path: Any, *args: Any, **kwargs: Any) -> Any:
        served.append(str(path))
        return real_response(path, *args, **kwargs)

    monkeypatch.setattr(jobs_routes, "FileResponse", spy)
    cases = [
        (f"{root}/jobs/../config.json", 403, "forbidden"),
        (f"{output.parent}/../../history.sqlite", 403, "forbidden"),
        (f"{root}/jobs/{output.parent.name}/../../../../secret.txt", 403, "forbidden"),
        (str(link_dir / "out.png"), 403, "forbidden"),
        (f"{link_dir}/up/secret.txt", 403, "forbidden"),
        (str(sibling / "secret.png"), 403, "forbidden"),
        (str(outside), 403, "forbidden"),
        (str(tmp_path / "does-not-exist.png"), 403, "forbidden"),  # no existence oracle
        ("/etc/passwd", 403, "forbidden"),
        (f"jobs/{output.parent.name}/out.png", 400, "invalid_argument"),
        ("../secret.txt", 400, "invalid_argument"),
        (f"{output}\x00.txt", 400, "invalid_argument"),
        ("", 400, "invalid_argument"),
    ]
    for path, status, code in cases:
        refused(await fetch(api, path), status, code)
    assert served == []  # refused before any file was opened
    assert (await fetch(api, str(output))).status_code == 200
    assert served == [str(output.resolve())]


async def test_missing_and_non_regular_files_are_404(api: httpx.AsyncClient, output: Path,
                                                     codex_home: Path) -> None:
    refused(await fetch(api, str(output.parent / "gone.png")), 404, "not_found")
    refused(await fetch(api, str(output.parent)), 404, "not_found")
    refused(await fetch(api, str(shared(codex_home) / "jobs")), 404, "not_found")
    refused(await api.get("/api/files"), 422, "invalid_argument")


async def test_legacy_jobs_folder_is_readable_only_when_enabled(
    api: httpx.AsyncClient, codex_home: Path
) -> None:
    legacy = shared(codex_home) / "legacy"
    (legacy / "jobs" / "job-old").mkdir(parents=True)
    image = legacy / "jobs" / "job-old" / "out.png"
    image.write_bytes(b"legacy image")
    refused(await fetch(api, str(image)), 403, "forbidden")
    body = {"legacy_shared_codex_dir": {"path": str(legacy), "enabled_for_read": True}}
    assert (await api.put("/api/paths", json=body)).status_code == 200
    response = await fetch(api, str(image))
    assert response.status_code == 200 and response.content == b"legacy image"
    body["legacy_shared_codex_dir"]["enabled_for_read"] = False
    assert (await api.put("/api/paths", json=body)).status_code == 200
    refused(await fetch(api, str(image)), 403, "forbidden")
