"""``images generate``: submit a job, follow its events, save outputs to ``--out``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import AppError
from ..fsutil import atomic_write_bytes
from ..providers.images import extension_for
from ..providers.sizes import normalize_size
from .client import ApiClient

__all__ = ["add_image_commands", "output_targets", "run_generate"]

QUALITIES = ["auto", "low", "medium", "high", "xhigh", "max"]
FORMATS = ["png", "jpeg", "webp"]
BACKGROUNDS = ["auto", "transparent", "opaque"]


def add_image_commands(sub: Any) -> None:
    images = sub.add_parser("images", help="generate and edit images")
    isub = images.add_subparsers(dest="subcommand", required=True)
    gen = isub.add_parser("generate", help="text to image")
    gen.add_argument("--prompt", required=True)
    gen.add_argument("--out", required=True, help="output file (several images: <stem>-<i>.<ext>)")
    gen.add_argument("-m", "--model")
    gen.add_argument("--size", help="auto, 2K, 4K or WIDTHxHEIGHT")
    gen.add_argument("--quality", choices=QUALITIES)
    gen.add_argument("--format", choices=FORMATS)
    gen.add_argument("--background", choices=BACKGROUNDS)
    gen.add_argument("--compression", type=_ranged(0, 100))
    gen.add_argument("--n", type=_ranged(1, 16))
    gen.add_argument("--moderation", choices=["auto", "low"])


def _ranged(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"invalid integer: {text!r}") from exc
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not in {low}..={high}")
        return value

    return parse


def output_targets(out: str, images: list[bytes]) -> list[Path]:
    """File names for ``--out`` (spec/providers.md §1.7)."""
    base = Path(out).expanduser()
    if len(images) == 1:
        return [base if base.suffix else base.with_name(base.name + extension_for(images[0]))]
    return [
        base.with_name(f"{base.stem}-{i + 1}{base.suffix or extension_for(data)}")
        for i, data in enumerate(images)
    ]


async def run_generate(
    args: argparse.Namespace, client: ApiClient, on_event: Callable[[dict[str, Any]], None]
) -> dict[str, Any]:
    body: dict[str, Any] = {"prompt": args.prompt}
    if not args.prompt.strip():
        raise AppError("invalid_argument", "Prompt is required.", {"field": "prompt"})
    if args.size is not None:
        body["size"] = normalize_size(args.size)
    for key in ("model", "quality", "format", "background", "compression", "n", "moderation"):
        value = getattr(args, key)
        if value is not None:
            body[key] = value
    if args.provider and args.provider != "auto":
        body["provider"] = args.provider
    enqueued = await client.request("POST", "/api/images/generate", json=body)
    job_id = enqueued["job_id"]
    terminal: dict[str, Any] | None = None
    async for event in client.events(job_id):
        on_event(event)
        terminal = event
    detail = await client.request("GET", f"/api/jobs/{job_id}")
    job = detail["job"]
    if job["status"] != "completed":
        err = job.get("error") or (terminal or {}).get("data", {}).get("error") or {}
        raise AppError(err.get("code") or "job_failed", err.get("message") or "The job failed.",
                       err.get("detail"))
    return await _save_outputs(client, job, args.out, "images generate")


async def _save_outputs(
    client: ApiClient, job: dict[str, Any], out: str, command: str
) -> dict[str, Any]:
    outputs = sorted(job.get("outputs") or [], key=lambda o: o["index"])
    blobs = [await client.download(f"/api/jobs/{job['id']}/outputs/{o['index']}") for o in outputs]
    targets = output_targets(out, blobs)
    files = []
    for index, (target, data) in enumerate(zip(targets, blobs, strict=True)):
        try:
            atomic_write_bytes(target, data)
        except OSError as exc:
            raise AppError("output_write_failed", "Unable to write output image.",
                           {"error": str(exc), "path": str(target)}) from exc
        files.append({"index": index, "path": str(target), "bytes": len(data)})
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
        "output": {
            "path": files[0]["path"] if len(files) == 1 else None,
            "bytes": sum(f["bytes"] for f in files),
            "files": files,
        },
    }
