"""``request create``: the raw escape hatch, run as a job so it lands in the history."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import AppError
from .client import ApiClient
from .images import follow_job, save_job_outputs
from .sources import inline_body_sources

__all__ = ["add_request_commands", "run_request"]


def add_request_commands(sub: Any) -> None:
    request = sub.add_parser("request", help="raw upstream requests")
    rsub = request.add_subparsers(dest="subcommand", required=True)
    create = rsub.add_parser("create", help="send a JSON body to the OpenAI or Codex upstream")
    create.add_argument("--body-file", required=True, help="JSON file, or - for stdin")
    create.add_argument("--request-operation", default="responses",
                        choices=["responses", "generate", "edit"])
    create.add_argument("--out-image", help="save the returned image(s) here")
    create.add_argument("--expect-image", action="store_true",
                        help="fail with missing_image_result when no image comes back")


def _read_body(source: str) -> dict[str, Any]:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).expanduser().read_text(
            encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        if source == "-":
            raise AppError("invalid_body_json", "Unable to read stdin body.") from exc
        raise AppError("invalid_body_json", "Unable to read request body.",
                       {"error": str(exc), "body_file": source}) from exc
    try:
        body = json.loads(text)
    except ValueError as exc:
        raise AppError("invalid_body_json", "Request body must be valid JSON.",
                       {"error": str(exc), "body_file": source}) from exc
    if not isinstance(body, dict):
        raise AppError("invalid_body_json", "Request body must be a JSON object.",
                       {"body_file": source})
    return body


async def run_request(
    args: argparse.Namespace, client: ApiClient, on_event: Callable[[dict[str, Any]], None]
) -> dict[str, Any]:
    body = _read_body(args.body_file)
    if args.request_operation == "edit":
        body = inline_body_sources(body)
    submit: dict[str, Any] = {"operation": args.request_operation, "body": body,
                              "expect_image": bool(args.expect_image),
                              "body_file": args.body_file}
    if args.provider and args.provider != "auto":
        submit["provider"] = args.provider
    enqueued = await client.request("POST", "/api/requests", json=submit)
    job = await follow_job(client, enqueued["job_id"], on_event)
    meta = job.get("metadata") or {}
    image_output = meta.get("image_output")
    if args.out_image and image_output:
        image_output = await save_job_outputs(client, job, args.out_image)
    payload = {
        "ok": True,
        "command": "request create",
        "provider": job["provider"],
        "provider_selection": meta.get("provider_selection"),
        "request": meta.get("request"),
        "response": meta.get("response"),
        "auth": meta.get("auth"),
        "retry": meta.get("retry"),
        "history": {"job_id": job["id"]},
        "image_output": image_output,
    }
    if "output_items" in meta:
        payload["output_items"] = meta["output_items"]
    return payload
