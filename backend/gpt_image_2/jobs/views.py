"""Build the API's Job object from a history row (spec/protocol.md §5.5)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..db import JobRow
from .models import Job, JobError, JobOutput, ReferenceImage

__all__ = ["job_view", "storage_status"]

_REF_RE = re.compile(r"^ref-(\d+)\.[A-Za-z0-9]+$")
_HIDDEN_META = ("attempts", "attempts_truncated_count")


def storage_status(uploads: list[dict[str, Any]]) -> str:
    if not uploads:
        return "not_configured"
    statuses = [u.get("status") for u in uploads]
    if any(s in ("pending", "running") for s in statuses):
        return "running"
    if all(s == "completed" for s in statuses):
        return "completed"
    if any(s == "completed" for s in statuses):
        return "partial_failed"
    return "failed"


def _job_dir(
    meta: dict[str, Any], outputs: list[JobOutput], output_path: str | None
) -> Path | None:
    recovery = meta.get("recovery")
    if isinstance(recovery, dict) and isinstance(recovery.get("job_dir"), str):
        return Path(recovery["job_dir"])
    if isinstance(meta.get("job_dir"), str):
        return Path(meta["job_dir"])
    first = next((o.path for o in outputs if o.path), None) or output_path
    return Path(first).parent if first else None


def _references(job_dir: Path | None) -> list[ReferenceImage]:
    if job_dir is None or not job_dir.is_dir():
        return []
    refs = []
    for entry in job_dir.iterdir():
        match = _REF_RE.match(entry.name)
        if match and entry.is_file():
            refs.append(ReferenceImage(index=int(match.group(1)), path=str(entry)))
    return sorted(refs, key=lambda r: r.index)


def job_view(row: JobRow) -> Job:
    meta = dict(row.metadata) if row.metadata is not None else None
    source = meta or {}
    files: Any = (source.get("output") or {}).get("files") if isinstance(
        source.get("output"), dict
    ) else None
    if files is None and isinstance(source.get("image_output"), dict):
        files = source["image_output"].get("files")
    outputs: list[JobOutput] = []
    for item in files or []:
        if isinstance(item, dict) and isinstance(item.get("index"), int):
            uploads = [u for u in row.uploads if u.get("output_index") == item["index"]]
            outputs.append(
                JobOutput(
                    index=item["index"],
                    path=item.get("path"),
                    bytes=item.get("bytes"),
                    uploads=uploads or None,
                )
            )
    if meta is not None:
        for key in _HIDDEN_META:
            meta.pop(key, None)
    error = source.get("error")
    job_error: JobError | None = None
    if isinstance(error, dict) and error.get("message"):
        job_error = JobError(**error)
    elif isinstance(error, str) and error:
        job_error = JobError(message=error)
    refs = (
        _references(_job_dir(source, outputs, row.output_path))
        if row.command == "images edit"
        else []
    )
    updated = source.get("updated_at")
    return Job(
        id=row.id,
        command=row.command,
        provider=row.provider,
        status=row.status,
        created_at=row.created_at,
        updated_at=str(updated) if updated else row.created_at,
        metadata=meta,
        outputs=outputs,
        output_path=row.output_path,
        reference_images=refs,
        storage_status=storage_status(row.uploads),
        error=job_error,
    )
