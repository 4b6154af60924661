"""The transparent facade behind ``/api/transparent/*``.

``verify`` and ``extract`` run synchronously for the caller: uploads are decoded
and the array work runs in worker threads (at most ``IMAGING_THREADS`` at a
time per app, so concurrent 4K requests cannot exhaust memory). An extract is
recorded as a finished history job whose folder holds ``out.png``, served by
``/api/jobs/{id}/outputs/0``. ``generate`` validates its options and queues a
``transparent generate`` job (:mod:`.pipeline`).
"""

from __future__ import annotations

import base64
import binascii
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import anyio

from ..errors import AppError, InvalidArgument, NotFound
from ..fsutil import epoch_seconds
from ..jobs import JobService
from ..jobs.models import EnqueueResponse, ImageUpload
from ..jobs.service import new_job_id
from ..paths import is_within
from ..providers import ProviderOverrides
from ..providers.openai import USER_AGENT
from ..providers.options import check_options
from ..providers.sources import download_image, parse_data_url
from .local import ExtractParams, Source, extract, verify_envelope, write_output
from .models import (
    TransparentExtractRequest,
    TransparentExtractResponse,
    TransparentGenerateRequest,
    TransparentVerifyRequest,
    TransparentVerifyResponse,
)
from .options import (
    build_source_prompt,
    canonical_material,
    check_generate_method,
    resolve_method,
    verification_failed,
)
from .pipeline import OUTPUT_FILE, TRANSPARENT_GENERATE
from .records import extract_metadata

__all__ = ["IMAGING_THREADS", "TransparentService"]

IMAGING_THREADS = 2
_LABEL_MAX = 200
T = TypeVar("T")


def _decode_b64(text: str, field: str) -> bytes:
    text = text.strip()
    if text.startswith("data:"):
        return parse_data_url(text)[1]
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidArgument(f"{field} is not valid base64.", {"field": field}) from exc


def _from_ints(values: list[int], field: str) -> bytes:
    if any(not 0 <= b <= 255 for b in values):
        raise InvalidArgument(f"{field} bytes must be integers 0..255.", {"field": field})
    return bytes(values)


def _resolve_generate(body: TransparentGenerateRequest) -> tuple[str, dict[str, Any]]:
    """Matte (no auto) and chroma settings of a generate request (spec §3.2 steps 2-3)."""
    from ..imaging import format_hex, parse_matte_color, resolve_chroma_settings
    from ..imaging.profiles import get_profile

    matte = parse_matte_color(body.matte_color)
    assert matte is not None  # allow_auto is off
    settings = resolve_chroma_settings(
        body.material, threshold=body.threshold, softness=body.softness,
        spill_suppression=body.spill_suppression,
    )
    get_profile(body.profile)
    return format_hex(matte), {
        "material": settings.material, "threshold": settings.threshold,
        "softness": settings.softness, "spill_suppression": settings.spill_suppression,
    }


class TransparentService:
    def __init__(self, jobs: JobService, limiter: anyio.CapacityLimiter) -> None:
        self.jobs = jobs
        self.limiter = limiter
        self.settings = jobs.runner.settings

    async def _run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await anyio.to_thread.run_sync(
            functools.partial(fn, *args, **kwargs), limiter=self.limiter)

    async def _upload(self, upload: ImageUpload, field: str) -> Source:
        """Bytes of one upload (exactly one of data_base64, bytes, url) with its label."""
        label = (upload.name or field)[:_LABEL_MAX]
        given = [v is not None for v in (upload.data_base64, upload.bytes, upload.url)]
        if sum(given) != 1:
            raise InvalidArgument(f"{field} needs exactly one of data_base64, bytes or url.",
                                  {"field": field})
        if upload.data_base64 is not None:
            data = await self._run(_decode_b64, upload.data_base64, field)
        elif upload.bytes is not None:
            data = await self._run(_from_ints, upload.bytes, field)
        else:
            assert upload.url is not None
            data, _ = await download_image(
                self.jobs.runner.http, upload.url, max_bytes=self.settings.max_download_bytes,
                timeout=self.settings.request_timeout_seconds, user_agent=USER_AGENT,
                insecure_message="Remote image URLs must use HTTPS.")
        return Source(data, label)

    # -- verify / extract -----------------------------------------------------------
    async def verify(self, body: TransparentVerifyRequest) -> TransparentVerifyResponse:
        source = await self._upload(body.input, "input")
        envelope = await self._run(verify_envelope, source, body.profile,
                                   body.expected_matte_color, strict=body.strict)
        return TransparentVerifyResponse.model_validate(envelope)

    async def extract(self, body: TransparentExtractRequest) -> TransparentExtractResponse:
        method = resolve_method(body.method, has_input=body.input is not None,
                                has_dark=body.dark_image is not None,
                                has_light=body.light_image is not None)
        sources: dict[str, Source] = {}
        if method == "dual":
            assert body.dark_image is not None and body.light_image is not None
            sources["dark"] = await self._upload(body.dark_image, "dark_image")
            sources["light"] = await self._upload(body.light_image, "light_image")
        else:
            assert body.input is not None
            sources["input"] = await self._upload(body.input, "input")
        material = canonical_material(body.material)
        params = ExtractParams(
            method=method, profile=body.profile, material=material,
            matte_color=body.matte_color, threshold=body.threshold, softness=body.softness,
            spill_suppression=body.spill_suppression,
        )
        job_id = new_job_id()
        job_dir = self.jobs.paths.job_dir(job_id)
        out = job_dir / OUTPUT_FILE
        done = await self._run(extract, params, output_label=str(out), **sources)
        await self._run(write_output, out, done.png)
        output = {**done.extraction["output"], "url": f"/api/jobs/{job_id}/outputs/0"}
        failed = body.strict and not done.passed
        error = None
        if failed:
            error = verification_failed({"output": output, "verification": done.verification,
                                         "history": {"job_id": job_id}})
        meta = extract_metadata(
            method=method, profile=body.profile, material=material, output=output,
            extraction=done.extraction, verification=done.verification,
            recovery={"job_dir": str(job_dir)}, strict=body.strict,
            error=None if error is None else error.to_dict(),
        )
        await self.jobs.repo.upsert_job(
            job_id=job_id, command="transparent extract", provider="local",
            status="failed" if failed else "completed", output_path=str(out),
            created_at=epoch_seconds(), metadata=meta,
        )
        if error is not None:
            raise error
        job = await self.jobs.get_job(job_id)
        return TransparentExtractResponse.model_validate({
            "method": method, "profile": body.profile, "material": material,
            "extraction": done.extraction, "verification": done.verification,
            "output": output, "history": {"job_id": job_id}, "job": job,
        })

    async def source_file(self, job_id: str) -> Path:
        """The kept source image of a ``transparent generate`` job."""
        job = await self.jobs.get_job(job_id)
        meta = job.metadata or {}
        source = meta.get("source") if isinstance(meta.get("source"), dict) else None
        missing = {"job_id": job_id}
        if job.command != TRANSPARENT_GENERATE or not source or not source.get("kept"):
            raise NotFound("output_not_found", "This job kept no source image.", missing)
        path = Path(str(source.get("path") or ""))
        jobs_dir = self.jobs.paths.jobs_dir
        if not path.is_absolute() or not is_within(path, jobs_dir) or not path.is_file():
            raise NotFound("output_not_found", "The source image is not available.", missing)
        return path

    # -- generate -------------------------------------------------------------------------
    async def submit_generate(
        self, body: TransparentGenerateRequest, overrides: ProviderOverrides | None = None
    ) -> EnqueueResponse:
        """Validate in the spec's order (§3.2 steps 1-8), then queue the job."""
        if not body.prompt.strip():
            raise AppError("invalid_argument", "Prompt is required.", {"field": "prompt"})
        check_generate_method(body.method)
        matte_hex, chroma = await self._run(_resolve_generate, body)
        overrides = overrides or ProviderOverrides()
        runner = self.jobs.runner
        runner.secrets.add(overrides.api_key)
        spec = runner.select(body.provider, overrides)
        check_options(spec.selection, moderation=body.moderation,
                      instructions=body.instructions)
        meta: dict[str, Any] = {
            "operation": "generate",
            "prompt": body.prompt,
            "source_prompt": build_source_prompt(body.prompt, matte_hex, body.source_prompt),
            "method": "chroma",
            "profile": body.profile,
            **chroma,
            "requested_matte_color": matte_hex,
            "provider_requested": body.provider,
            "model": body.model,
            "size": body.size,
            "quality": body.quality,
            "format": "png",
            "background": "opaque",
            "compression": body.compression,
            "moderation": body.moderation,
            "instructions": body.instructions,
            "keep_source": body.keep_source,
            "strict": body.strict,
            "provider_selection": spec.selection.to_dict(),
        }
        return await self.jobs.enqueue_job(TRANSPARENT_GENERATE, spec.selection.resolved, meta,
                                           overrides)
