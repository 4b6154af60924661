"""``transparent extract|verify|generate`` over the API (``--server``, or embedded fallback).

The CLI owns local files: inputs are read here and uploaded as base64, results
are downloaded and written to ``--out`` (atomically), and every path in the
envelope is rewritten to the one the user gave, so the JSON matches the
in-process fast path (:mod:`.transparent_local`) and the reference.
"""

from __future__ import annotations

import argparse
import base64
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import AppError
from ..fsutil import atomic_write_json
from ..providers.sizes import normalize_size
from ..transparent.local import output_value, write_output
from ..transparent.options import (
    check_generate_method,
    check_matte_color,
    normalize_out,
    resolve_method,
    verification_failed,
)
from .client import ApiClient
from .images import follow_job

__all__ = ["read_input", "run_tp_extract", "run_tp_generate", "run_tp_verify"]

OnEvent = Callable[[dict[str, Any]], None]


def read_input(path: str) -> bytes:
    """A local input file; ``image_read_failed`` as the reference reports it."""
    try:
        return Path(path).expanduser().read_bytes()
    except OSError as exc:
        raise AppError("image_read_failed", "Unable to open image file.",
                       {"path": path, "error": exc.strerror or str(exc)}) from exc


def _upload(path: str) -> dict[str, str]:
    return {"name": path, "data_base64": base64.b64encode(read_input(path)).decode("ascii")}


def _optional(args: argparse.Namespace, *names: str) -> dict[str, Any]:
    return {n: getattr(args, n) for n in names if getattr(args, n) is not None}


async def _save(client: ApiClient, url: str, target: str) -> dict[str, Any]:
    data = await client.download(url)
    write_output(target, data)
    return output_value(target, len(data))


async def run_tp_verify(
    args: argparse.Namespace, client: ApiClient, on_event: OnEvent
) -> dict[str, Any]:
    if args.expected_matte_color is not None:
        check_matte_color(args.expected_matte_color)
    body = {"input": _upload(args.input), "profile": args.profile, "strict": args.strict,
            **_optional(args, "expected_matte_color")}
    result: dict[str, Any] = await client.request("POST", "/api/transparent/verify", json=body)
    result["verification"]["path"] = args.input
    return result


async def run_tp_extract(
    args: argparse.Namespace, client: ApiClient, on_event: OnEvent
) -> dict[str, Any]:
    out = normalize_out(args.out)
    method = resolve_method(args.method, has_input=args.input is not None,
                            has_dark=args.dark_image is not None,
                            has_light=args.light_image is not None)
    body: dict[str, Any] = {
        "method": method, "profile": args.profile, "strict": args.strict,
        **_optional(args, "material", "matte_color", "threshold", "softness",
                    "spill_suppression"),
    }
    if method == "chroma" and args.matte_color is not None:
        check_matte_color(args.matte_color, allow_auto=True)
    if method == "dual":
        body["dark_image"] = _upload(args.dark_image)
        body["light_image"] = _upload(args.light_image)
    else:
        body["input"] = _upload(args.input)
    try:
        result: dict[str, Any] = await client.request(
            "POST", "/api/transparent/extract", json=body)
    except AppError as exc:
        detail = exc.detail if isinstance(exc.detail, dict) else {}
        url = (detail.get("output") or {}).get("url") if isinstance(
            detail.get("output"), dict) else None
        if exc.code != "transparent_verification_failed" or not url:
            raise
        await _save(client, url, out)  # the reference leaves the output on disk
        verification = {**detail.get("verification", {}), "path": out}
        raise verification_failed({"output": out, "verification": verification}) from None
    output = await _save(client, result["output"]["url"], out)
    result.pop("job", None)
    result["output"] = output
    result["extraction"]["output"] = output
    result["verification"]["path"] = out
    return result


def _source_target(args: argparse.Namespace) -> str | None:
    if args.source_out:
        path = str(args.source_out)
        return path if os.path.splitext(path)[1] else path + ".png"
    if args.report_dir:
        return str(Path(args.report_dir) / "source.png")
    return None


def _generate_body(args: argparse.Namespace) -> dict[str, Any]:
    if not args.prompt.strip():
        raise AppError("invalid_argument", "Prompt is required.", {"field": "prompt"})
    body: dict[str, Any] = {
        "prompt": args.prompt, "method": args.method, "profile": args.profile,
        "matte_color": args.matte_color, "strict": args.strict,
        "keep_source": bool(args.keep_sources or args.source_out or args.report_dir),
        **_optional(args, "model", "instructions", "quality", "compression", "moderation",
                    "material", "threshold", "softness", "spill_suppression",
                    "source_prompt"),
    }
    if args.size is not None:
        body["size"] = normalize_size(args.size)
    if args.provider and args.provider != "auto":
        body["provider"] = args.provider
    return body


async def run_tp_generate(
    args: argparse.Namespace, client: ApiClient, on_event: OnEvent
) -> dict[str, Any]:
    check_generate_method(args.method)
    check_matte_color(args.matte_color)
    out = normalize_out(args.out)
    source_target = _source_target(args)
    body = _generate_body(args)
    enqueued = await client.request("POST", "/api/transparent/generate", json=body)
    job_id = enqueued["job_id"]
    try:
        job = await follow_job(client, job_id, on_event)
        failure: AppError | None = None
    except AppError as exc:
        if exc.code != "transparent_verification_failed":
            raise
        failure = exc
        job = (await client.request("GET", f"/api/jobs/{job_id}"))["job"]
    meta = job.get("metadata") or {}
    output = await _save(client, f"/api/jobs/{job_id}/outputs/0", out)
    source = dict(meta.get("source") or {})
    generation = dict(source.get("generation") or {})
    if source_target is not None and source.get("kept"):
        saved = await _save(client, f"/api/transparent/jobs/{job_id}/source", source_target)
        source["path"] = source_target
        generation["output"] = saved
    if not args.json_events:  # the reference counts the events it printed
        generation["events"] = {"count": 0}
    source["generation"] = generation
    extraction = {**(meta.get("extraction") or {}), "output": output,
                  "inputs": {"input": source.get("path")}}
    verification = {**(meta.get("verification") or {}), "path": out}
    payload = {
        "ok": True,
        "command": "transparent generate",
        "provider": job["provider"],
        "provider_selection": meta.get("provider_selection"),
        "request": meta.get("transparent_request"),
        "source": source,
        "extraction": extraction,
        "verification": verification,
        "output": output,
        "history": {"job_id": job_id},
    }
    if args.report_dir:
        report = {**payload, "ok": failure is None}
        atomic_write_json(Path(args.report_dir) / "report.json", report)
    if failure is not None:
        raise verification_failed({"source": source.get("path"), "output": out,
                                   "verification": verification}) from None
    return payload
