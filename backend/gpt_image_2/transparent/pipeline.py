"""The ``transparent generate`` job: source request, chroma extraction, verification, report.

The job runner calls :func:`execute_generate` for jobs of command
``transparent generate`` (``JobRunner.executors``). Steps and events:

1. one provider request for the source on the requested matte (the provider's
   usual events: ``request.started``, ``request_started``, ``retry_scheduled``,
   ``request_completed`` …);
2. the source is saved as ``source.<ext>`` in the job folder → ``source_saved``;
3. chroma extraction, matte auto-sampled (spec §3.2 step 11) → ``extraction_completed``;
4. verification with the job's profile → ``verification_completed``;
5. ``report.json`` (the reference's result object) is written to the job folder;
   the source is deleted unless ``keep_source`` or the gate failed;
6. the runner writes ``out.png`` atomically → ``output_saved`` and the terminal event.

Percentages never go backwards (the reference puts ``source_saved`` at 50 after
a 95): the local stages take 96-99, ``output_saved`` 100. With ``strict`` (the
default, as the reference always gates) a failed gate fails the job with
``transparent_verification_failed``; the PNG, the report and the source stay.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio

from ..errors import AppError
from ..fsutil import atomic_write_bytes, atomic_write_json
from ..providers import ImageRequest, ProviderOverrides, RunContext, build_provider
from ..providers.base import progress
from ..providers.images import extension_for
from ..redact import redact
from .local import ExtractParams, Keyed, Source, check, key, output_value
from .options import verification_failed

if TYPE_CHECKING:
    from ..jobs.runner import JobOutcome, JobRunner

__all__ = ["OUTPUT_FILE", "REPORT_FILE", "TRANSPARENT_GENERATE", "execute_generate"]

TRANSPARENT_GENERATE = "transparent generate"
REPORT_FILE = "report.json"
OUTPUT_FILE = "out.png"  # the name JobRunner's write_outputs gives a single PNG
SOURCE_STEM = "source"
_RESULT_KEYS = ("source", "source_output", "transparent_request", "extraction", "verification",
                "report")


def _image_request(meta: dict[str, Any]) -> ImageRequest:
    """The source request: background opaque and PNG are forced (spec §3.2 step 8)."""
    return ImageRequest(
        operation="generate",
        prompt=str(meta.get("source_prompt") or ""),
        model=meta.get("model"),
        size=meta.get("size"),
        quality=meta.get("quality"),
        format="png",
        background="opaque",
        compression=meta.get("compression"),
        moderation=meta.get("moderation"),
        instructions=meta.get("instructions"),
    )


def _params(meta: dict[str, Any]) -> ExtractParams:
    return ExtractParams(
        method="chroma", profile=str(meta.get("profile") or "generic"),
        material=meta.get("material"), matte_color=None, threshold=meta.get("threshold"),
        softness=meta.get("softness"), spill_suppression=meta.get("spill_suppression"),
    )


def _transparent_request(meta: dict[str, Any], extraction: dict[str, Any]) -> dict[str, Any]:
    """The result's ``request`` object (spec §3.3)."""
    return {
        "prompt": meta.get("prompt"),
        "source_prompt": meta.get("source_prompt"),
        "method": "chroma",
        "profile": meta.get("profile"),
        "requested_matte_color": meta.get("requested_matte_color"),
        "matte_color": extraction.get("matte_color"),
        "matte_color_source": extraction.get("matte_color_source"),
        "threshold": extraction.get("threshold"),
        "softness": extraction.get("softness"),
        "spill_suppression": extraction.get("spill_suppression"),
        "material": extraction.get("material"),
        "size": meta.get("size"),
        "quality": meta.get("quality"),
        "format": "png",
    }


async def execute_generate(
    runner: JobRunner, job_id: str, meta: dict[str, Any], overrides: ProviderOverrides,
    job_dir: Path,
) -> JobOutcome:
    """Run one ``transparent generate`` job; the runner saves the PNG and records the row."""
    from ..jobs.runner import JobOutcome

    for stale in _RESULT_KEYS:  # a retried job starts from its parameters only
        meta.pop(stale, None)
    spec = runner.select(meta.get("provider_requested"), overrides)
    provider = build_provider(spec, runner.runtime(overrides))
    family = spec.family
    base = runner._context(job_id, job_dir)
    count = 0

    async def emit(kind: str, event_type: str, data: dict[str, Any]) -> None:
        nonlocal count
        count += 1
        await base.emit(kind, event_type, data)

    ctx = RunContext(emit=emit, spool_raw=base.spool_raw, add_secret=base.add_secret)
    result = await provider.run(_image_request(meta), ctx)
    if not result.images:
        raise AppError("missing_image_result", "The response did not include a generated image.")
    data = result.images[0]
    source_path = job_dir / f"{SOURCE_STEM}{extension_for(data)}"
    try:
        await anyio.to_thread.run_sync(
            lambda: atomic_write_bytes(source_path, data, sync="data"))
    except OSError as exc:
        raise AppError("output_write_failed", "Unable to write the source image.",
                       {"error": exc.strerror or str(exc), "path": str(source_path)}) from exc
    source_output = output_value(str(source_path), len(data))
    await emit("progress", "source_saved", progress(
        family, "source_saved", "Controlled transparent-PNG source image saved.",
        status="completed", percent=96, file_count=1, output=source_output))
    source_events = count  # the reference's events.count: the source request's events

    out_label = str(job_dir / OUTPUT_FILE)
    params = _params(meta)
    keyed: Keyed = await anyio.to_thread.run_sync(
        lambda: key(params, input=Source(str(source_path), str(source_path)),
                    output_label=out_label))
    extraction = keyed.extraction
    await emit("progress", "extraction_completed", progress(
        family, "extraction_completed", "Transparent PNG extracted.", status="completed",
        percent=98, method="chroma", matte_color=extraction["matte_color"],
        matte_color_source=extraction["matte_color_source"]))
    verification = await anyio.to_thread.run_sync(check, keyed, params.profile, out_label)
    passed = bool(verification["passed"])
    await emit("progress", "verification_completed", progress(
        family, "verification_completed",
        "Transparent PNG verified." if passed else "Transparent PNG failed verification.",
        status="completed", percent=99, profile=params.profile, passed=passed,
        failure_reasons=verification["failure_reasons"]))

    kept = bool(meta.get("keep_source")) or not passed
    retry = {"count": result.retry_count, "max_retries": runner.retry_policy(overrides).max_retries}
    generation: dict[str, Any] = {
        "provider": spec.selection.resolved,
        "provider_selection": spec.selection.to_dict(),
        "request": result.request_summary,
        "response": result.response,
        "output": source_output,
        "retry": retry,
        "events": {"count": source_events},
    }
    if result.auth:
        generation["auth"] = result.auth
    source = {"path": str(source_path), "kept": kept, "generation": generation}
    request = _transparent_request(meta, extraction)
    report = {
        "command": TRANSPARENT_GENERATE,
        "provider": spec.selection.resolved,
        "provider_selection": spec.selection.to_dict(),
        "request": request,
        "source": source,
        "extraction": extraction,
        "verification": verification,
        "output": extraction["output"],
        "history": {"job_id": job_id},
    }
    report_path = job_dir / REPORT_FILE
    await anyio.to_thread.run_sync(
        lambda: atomic_write_json(report_path, redact(report, list(runner.secrets)),
                                  sync="data"))
    if not kept:
        await anyio.to_thread.run_sync(lambda: source_path.unlink(missing_ok=True))

    error = None
    status = "completed"
    if meta.get("strict", True) and not passed:
        status = "failed"
        error = verification_failed({"source": str(source_path), "output": out_label,
                                     "verification": verification}).to_dict()
    summaries = {
        "request": result.request_summary,
        "response": result.response,
        "auth": result.auth,
        "retry_count": result.retry_count,
        "source": source,
        "source_output": source_output,
        "transparent_request": request,
        "extraction": extraction,
        "verification": verification,
        "report": {"path": str(report_path)},
    }
    return JobOutcome(spec, [keyed.png], summaries, status=status, error=error)
