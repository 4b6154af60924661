"""``POST /api/transparent/verify`` and ``/extract``: envelopes, files, history, error codes."""

from __future__ import annotations

import base64
import threading
from pathlib import Path
from typing import Any

import cv2
import httpx
import numpy as np
import pytest

from gpt_image_2.settings import Settings
from gpt_image_2.transparent import service as tp_service
from tests.conftest import app_client


def upload(path: Path, name: str | None = None) -> dict[str, str]:
    return {"name": name or path.name, "data_base64": base64.b64encode(path.read_bytes()).decode()}


def decode_rgba(data: bytes) -> np.ndarray:
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    assert img is not None and img.ndim == 3 and img.shape[2] == 4
    return img


async def test_verify_returns_the_cli_envelope(tp_api: httpx.AsyncClient,
                                               samples: dict[str, Path]) -> None:
    r = await tp_api.post("/api/transparent/verify",
                          json={"input": upload(samples["clean"]), "profile": "icon"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert {k: body[k] for k in ("ok", "command", "profile", "passed")} == {
        "ok": True, "command": "transparent verify", "profile": "icon", "passed": True}
    v = body["verification"]
    assert v["path"] == "clean.png" and v["is_png"] and v["color_type"] == "Rgba8"
    assert v["failure_reasons"] == [] and v["matte_residue_checked"] is False
    assert (v["width"], v["height"]) == (96, 96)


async def test_verify_accepts_byte_arrays_and_checks_the_expected_matte(
    tp_api: httpx.AsyncClient, samples: dict[str, Path]
) -> None:
    data = list(samples["clean"].read_bytes())
    r = await tp_api.post("/api/transparent/verify", json={
        "input": {"bytes": data}, "profile": "generic", "expected_matte_color": "GREEN"})
    assert r.status_code == 200, r.text
    v = r.json()["verification"]
    assert v["path"] == "input" and v["matte_residue_checked"] is True
    assert isinstance(v["matte_residue_score"], float)


async def test_verify_strict_failure_is_422_with_the_verification(
    tp_api: httpx.AsyncClient, samples: dict[str, Path]
) -> None:
    r = await tp_api.post("/api/transparent/verify", json={
        "input": upload(samples["jpeg"]), "profile": "icon", "strict": True})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "transparent_verification_failed"
    assert err["message"] == "Transparent PNG verification failed."
    assert set(err["detail"]) == {"verification"}
    assert err["detail"]["verification"]["failure_reasons"][:2] == ["not_png",
                                                                    "missing_alpha_channel"]
    # without strict the same image is a 200 with passed false
    r = await tp_api.post("/api/transparent/verify",
                          json={"input": upload(samples["jpeg"]), "profile": "icon"})
    assert r.status_code == 200 and r.json()["passed"] is False


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"expected_matte_color": "red"}, 400, "invalid_argument"),
    ({"expected_matte_color": "auto"}, 400, "invalid_argument"),
    ({"profile": "poster"}, 422, "invalid_argument"),
])
async def test_verify_argument_errors(tp_api: httpx.AsyncClient, samples: dict[str, Path],
                                      body: dict[str, Any], status: int, code: str) -> None:
    r = await tp_api.post("/api/transparent/verify",
                          json={"input": upload(samples["clean"]), **body})
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code


async def test_verify_refuses_non_images_with_the_decode_codes(
    tp_api: httpx.AsyncClient, samples: dict[str, Path]
) -> None:
    r = await tp_api.post("/api/transparent/verify", json={"input": upload(samples["text"])})
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["code"] == "image_decode_failed"
    assert err["message"] == "Unable to decode image file."
    assert err["detail"]["path"] == "notes.txt"
    truncated = samples["clean"].read_bytes()[:60]
    r = await tp_api.post("/api/transparent/verify", json={
        "input": {"name": "cut.png", "data_base64": base64.b64encode(truncated).decode()}})
    assert r.status_code == 400 and r.json()["error"]["code"] == "image_decode_failed"
    r = await tp_api.post("/api/transparent/verify",
                          json={"input": {"name": "x", "data_base64": "%%%"}})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_argument"
    r = await tp_api.post("/api/transparent/verify", json={"input": {"name": "x"}})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_argument"


async def test_uploads_above_the_limit_are_413(codex_home: Path, tp_settings: Settings,
                                               samples: dict[str, Path]) -> None:
    small = tp_settings.model_copy(update={"max_upload_bytes": 2048})
    async with app_client(small) as api:
        r = await api.post("/api/transparent/verify", json={"input": upload(samples["green"])})
        assert r.status_code == 413
        assert r.json()["error"]["code"] == "payload_too_large"
        r = await api.post("/api/transparent/extract", json={"input": upload(samples["green"])})
        assert r.status_code == 413


async def test_imaging_runs_in_worker_threads(tp_api: httpx.AsyncClient,
                                              samples: dict[str, Path],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    loop_thread = threading.get_ident()
    real_verify, real_extract = tp_service.verify_envelope, tp_service.extract

    def verify_spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(threading.get_ident())
        return real_verify(*args, **kwargs)

    def extract_spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(threading.get_ident())
        return real_extract(*args, **kwargs)

    monkeypatch.setattr(tp_service, "verify_envelope", verify_spy)
    monkeypatch.setattr(tp_service, "extract", extract_spy)
    r = await tp_api.post("/api/transparent/verify", json={"input": upload(samples["clean"])})
    assert r.status_code == 200
    r = await tp_api.post("/api/transparent/extract", json={"input": upload(samples["green"])})
    assert r.status_code == 200
    assert len(seen) == 2 and loop_thread not in seen


async def test_extract_chroma_keeps_the_png_in_a_history_job(
    tp_api: httpx.AsyncClient, samples: dict[str, Path], codex_home: Path
) -> None:
    r = await tp_api.post("/api/transparent/extract", json={
        "input": upload(samples["magenta"]), "profile": "icon", "material": "soft3d"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["command"] == "transparent extract" and body["method"] == "chroma"
    assert body["material"] == body["extraction"]["material"] == "soft-3d"  # as the reference
    ext = body["extraction"]
    assert ext["matte_color"] == "#ff00ff" and ext["matte_color_source"] == "auto-sampled"
    assert ext["inputs"] == {"input": "magenta.png"}
    assert ext["threshold"] == 60.0 and ext["spill_suppression"] == 0.20000000298023224
    assert body["verification"]["passed"] is True
    assert body["verification"]["matte_residue_checked"] is True
    job_id = body["history"]["job_id"]
    job_dir = codex_home / "gpt-image-2-skill" / "jobs" / job_id
    assert body["output"]["path"] == str(job_dir / "out.png")
    assert body["output"]["url"] == f"/api/jobs/{job_id}/outputs/0"
    assert body["verification"]["path"] == str(job_dir / "out.png")
    png = await tp_api.get(body["output"]["url"])
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert len(png.content) == body["output"]["bytes"] == (job_dir / "out.png").stat().st_size
    rgba = decode_rgba(png.content)
    assert rgba[0, 0, 3] == 0 and rgba[64, 64, 3] == 255  # keyed corner, opaque centre
    assert not [p for p in job_dir.iterdir() if p.name.startswith(".")]  # no temp files
    # recorded like the reference: finished job, provider local, findable in history
    assert body["job"]["status"] == "completed" and body["job"]["provider"] == "local"
    listing = (await tp_api.get("/api/jobs", params={"q": "transparent extract"})).json()
    assert job_id in [j["id"] for j in listing["jobs"]]
    meta = (await tp_api.get(f"/api/jobs/{job_id}")).json()["job"]["metadata"]
    assert {"method", "profile", "material", "output", "extraction", "verification"} <= set(meta)


async def test_extract_with_a_provided_matte_and_overrides(
    tp_api: httpx.AsyncClient, samples: dict[str, Path]
) -> None:
    r = await tp_api.post("/api/transparent/extract", json={
        "method": "chroma", "input": upload(samples["green"]), "matte_color": "#00FF00",
        "threshold": -5, "softness": 10, "spill_suppression": 1})
    assert r.status_code == 200, r.text
    ext = r.json()["extraction"]
    assert ext["matte_color"] == "#00ff00" and ext["matte_color_source"] == "provided"
    assert (ext["threshold"], ext["softness"], ext["spill_suppression"]) == (-5.0, 10.0, 1.0)
    assert ext["material"] is None


async def test_extract_dual(tp_api: httpx.AsyncClient, samples: dict[str, Path]) -> None:
    r = await tp_api.post("/api/transparent/extract", json={
        "dark_image": upload(samples["dark"]), "light_image": upload(samples["light"]),
        "profile": "icon", "material": "glow", "matte_color": "not-parsed-for-dual"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["method"] == "dual" and body["material"] == "glow"
    ext = body["extraction"]
    assert ext["inputs"] == {"dark_image": "dark.png", "light_image": "light.png"}
    assert ext["matte_color"] is None and ext["matte_decontamination_applied"] is False
    assert set(ext["dual_alignment"]) == {"score", "passed", "negative_delta_ratio",
                                          "delta_channel_noise", "color_space"}
    assert body["verification"]["matte_residue_checked"] is False
    assert body["verification"]["passed"] is True


@pytest.mark.parametrize(("keys", "method", "message"), [
    ((), "auto", "transparent extract needs --input or a --dark-image/--light-image pair."),
    (("input", "dark_image"), "auto",
     "Dual extraction needs both --dark-image and --light-image."),
    (("dark_image",), "dual", "transparent extract --method dual requires --light-image."),
    (("light_image",), "dual", "transparent extract --method dual requires --dark-image."),
    (("dark_image", "light_image"), "chroma",
     "transparent extract --method chroma requires --input."),
])
async def test_extract_method_resolution(tp_api: httpx.AsyncClient, samples: dict[str, Path],
                                         keys: tuple[str, ...], method: str,
                                         message: str) -> None:
    files = {"input": "green", "dark_image": "dark", "light_image": "light"}
    body: dict[str, Any] = {"method": method, **{k: upload(samples[files[k]]) for k in keys}}
    r = await tp_api.post("/api/transparent/extract", json=body)
    assert r.status_code == 400
    assert r.json()["error"] == {"code": "invalid_argument", "message": message}


async def test_extract_refuses_mismatched_pairs(tp_api: httpx.AsyncClient,
                                                samples: dict[str, Path]) -> None:
    r = await tp_api.post("/api/transparent/extract", json={
        "dark_image": upload(samples["small_dark"]), "light_image": upload(samples["light"])})
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["code"] == "transparent_input_mismatch"
    assert err["detail"]["dark_size"] == {"width": 96, "height": 96}
    assert err["detail"]["light_size"] == {"width": 128, "height": 128}


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"matte_color": "red"}, 400, "invalid_argument"),
    ({"spill_suppression": 2}, 422, "invalid_argument"),
    ({"material": "plastic"}, 422, "invalid_argument"),
    ({"threshold": 1e39}, 422, "invalid_argument"),
])
async def test_extract_argument_errors(tp_api: httpx.AsyncClient, samples: dict[str, Path],
                                       body: dict[str, Any], status: int, code: str) -> None:
    r = await tp_api.post("/api/transparent/extract",
                          json={"input": upload(samples["green"]), **body})
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code


async def test_extract_strict_failure_keeps_the_output_in_a_failed_job(
    tp_api: httpx.AsyncClient, samples: dict[str, Path]
) -> None:
    r = await tp_api.post("/api/transparent/extract", json={
        "input": upload(samples["edge"]), "profile": "icon", "matte_color": "green",
        "strict": True})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "transparent_verification_failed"
    detail = err["detail"]
    assert "subject_touches_edge" in detail["verification"]["failure_reasons"]
    assert set(detail) == {"output", "verification", "history"}
    job_id = detail["history"]["job_id"]
    job = (await tp_api.get(f"/api/jobs/{job_id}")).json()["job"]
    assert job["status"] == "failed"
    assert job["error"]["code"] == "transparent_verification_failed"
    png = await tp_api.get(detail["output"]["url"])
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")


async def test_openapi_types_the_transparent_routes(tp_api: httpx.AsyncClient) -> None:
    schema = (await tp_api.get("/api/openapi.json")).json()
    paths = schema["paths"]
    for route in ("verify", "extract", "generate"):
        op = paths[f"/api/transparent/{route}"]["post"]
        ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith(f"Transparent{route.capitalize()}Request")
        assert {"200", "400", "413", "422"} <= set(op["responses"])
    parts = schema["components"]["schemas"]
    assert "failure_reasons" in parts["Verification"]["properties"]
    assert "dual_alignment" in parts["Extraction"]["properties"]
    assert "/api/transparent/jobs/{job_id}/source" in paths
