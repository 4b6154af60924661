"""``images generate|edit``: submit a job, follow its events, save outputs to ``--out``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import AppError
from ..fsutil import atomic_write_bytes
from ..providers.images import extension_for
from ..providers.options import check_reference_count
from ..providers.sizes import normalize_size
from .client import ApiClient
from .sources import image_upload

__all__ = [
    "add_image_commands",
    "follow_job",
    "output_targets",
    "ranged",
    "run_edit",
    "run_generate",
    "save_job_outputs",
]

QUALITIES = ["auto", "low", "medium", "high", "xhigh", "max"]
FORMATS = ["png", "jpeg", "webp"]
BACKGROUNDS = ["auto", "transparent", "opaque"]
_OPTIONS = ("model", "quality", "format", "background", "compression", "n", "moderation",
            "instructions")


def ranged(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"invalid integer: {text!r}") from exc
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not in {low}..={high}")
        return value

    return parse


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--prompt", required=True)
    parser.add_argument("--out", required=True,
                        help="output file (several images: <stem>-<i>.<ext>)")
    parser.add_argument("-m", "--model")
    parser.add_argument("--instructions", help="Codex only: system instructions")
    parser.add_argument("--size", help="auto, 2K, 4K or WIDTHxHEIGHT")
    parser.add_argument("--quality", choices=QUALITIES)
    parser.add_argument("--format", choices=FORMATS)
    parser.add_argument("--background", choices=BACKGROUNDS)
    parser.add_argument("--compression", type=ranged(0, 100), help="0..100")
    parser.add_argument("--n", type=ranged(1, 10), help="1..10 images")
    parser.add_argument("--moderation", choices=["auto", "low"], help="OpenAI only")


def add_image_commands(sub: Any) -> None:
    images = sub.add_parser("images", help="generate and edit images")
    isub = images.add_subparsers(dest="subcommand", required=True)
    gen = isub.add_parser("generate", help="text to image")
    _common(gen)
    edit = isub.add_parser("edit", help="edit reference images")
    _common(edit)
    edit.add_argument("--ref-image", action="append", required=True, dest="ref_image",
                      help="local path, file://, data: or https URL (repeat, 1..16)")
    edit.add_argument("--mask", help="PNG with alpha, same size as the first reference")
    edit.add_argument("--input-fidelity", choices=["high", "low"], help="OpenAI only")


def output_targets(out: str, images: list[bytes]) -> list[Path]:
    """File names for ``--out`` (spec/providers.md §1.7)."""
    base = Path(out).expanduser()
    if len(images) == 1:
        return [base if base.suffix else base.with_name(base.name + extension_for(images[0]))]
    return [
        base.with_name(f"{base.stem}-{i + 1}{base.suffix or extension_for(data)}")
        for i, data in enumerate(images)
    ]


def _body(args: argparse.Namespace) -> dict[str, Any]:
    if not args.prompt.strip():
        raise AppError("invalid_argument", "Prompt is required.", {"field": "prompt"})
    body: dict[str, Any] = {"prompt": args.prompt}
    if args.size is not None:
        body["size"] = normalize_size(args.size)
    for key in _OPTIONS:
        value = getattr(args, key)
        if value is not None:
            body[key] = value
    if args.provider and args.provider != "auto":
        body["provider"] = args.provider
    return body


async def follow_job(
    client: ApiClient, job_id: str, on_event: Callable[[dict[str, Any]], None]
) -> dict[str, Any]:
    """Stream a job's events to ``on_event``; return the finished job or raise its error."""
    terminal: dict[str, Any] | None = None
    async for event in client.events(job_id):
        on_event(event)
        terminal = event
    detail = await client.request("GET", f"/api/jobs/{job_id}")
    job: dict[str, Any] = detail["job"]
    if job["status"] != "completed":
        err = job.get("error") or (terminal or {}).get("data", {}).get("error") or {}
        items = err.get("items") if isinstance(err.get("items"), list) else []
        first = items[0] if items and isinstance(items[0], dict) else err
        raise AppError(first.get("code") or err.get("code") or "job_failed",
                       first.get("message") or err.get("message") or "The job failed.",
                       first.get("detail") if first is not err else err.get("detail"))
    return job


async def run_generate(
    args: argparse.Namespace, client: ApiClient, on_event: Callable[[dict[str, Any]], None]
) -> dict[str, Any]:
    enqueued = await client.request("POST", "/api/images/generate", json=_body(args))
    job = await follow_job(client, enqueued["job_id"], on_event)
    return await _payload(client, job, args.out, "images generate")


async def run_edit(
    args: argparse.Namespace, client: ApiClient, on_event: Callable[[dict[str, Any]], None]
) -> dict[str, Any]:
    body = _body(args)
    check_reference_count(len(args.ref_image))
    body["refs"] = [image_upload(source) for source in args.ref_image]
    if args.mask is not None:
        body["mask"] = image_upload(args.mask)
    if args.input_fidelity is not None:
        body["input_fidelity"] = args.input_fidelity
    enqueued = await client.request("POST", "/api/images/edit", json=body)
    job = await follow_job(client, enqueued["job_id"], on_event)
    return await _payload(client, job, args.out, "images edit")


async def save_job_outputs(
    client: ApiClient, job: dict[str, Any], out: str
) -> dict[str, Any]:
    """Download a job's outputs and write them to ``out`` (atomic); the output object."""
    outputs = sorted(job.get("outputs") or [], key=lambda o: o["index"])
    blobs = [await client.download(f"/api/jobs/{job['id']}/outputs/{o['index']}")
             for o in outputs]
    if not blobs:
        raise AppError("missing_image_result", "No image bytes were available to save.")
    files = []
    for index, (target, data) in enumerate(zip(output_targets(out, blobs), blobs, strict=True)):
        try:
            atomic_write_bytes(target, data)
        except OSError as exc:
            raise AppError("output_write_failed", "Unable to write output image.",
                           {"error": exc.strerror or str(exc), "path": str(target)}) from exc
        files.append({"index": index, "path": str(target), "bytes": len(data)})
    return {
        "path": files[0]["path"] if len(files) == 1 else None,
        "bytes": sum(f["bytes"] for f in files),
        "files": files,
    }


async def _payload(
    client: ApiClient, job: dict[str, Any], out: str, command: str
) -> dict[str, Any]:
    output = await save_job_outputs(client, job, out)
    meta = job.get("metadata") or {}
    return {
        "ok": True,
        "command": command,
        "provider": job["provider"],
        "provider_selection": meta.get("provider_selection"),
        "request": meta.get("request"),
        "response": meta.get("response"),
        "auth": meta.get("auth"),
        "retry": meta.get("retry"),
        "history": {"job_id": job["id"]},
        "output": output,
    }
