"""Recovery actions (spec/web.md §11.4): ``POST /api/jobs/{id}/resume``.

* ``continue_save`` decodes the spooled provider answer into outputs; it never
  contacts the provider.
* ``fill_missing`` reuses every cached fan-out slot answer and sends ``n=1``
  requests only for the slots that have none.
* ``resubmit`` is ``retry`` (a new, billed job); the old row records
  ``resubmitted_as``.
* ``discard`` stamps ``metadata.discarded_at`` (the job leaves ``/jobs/interrupted``).
* ``reupload`` is refused with ``not_recoverable``: this server has no storage
  targets, so there is never anything to upload again.

An action is run only when the job's descriptor offers it (``discard`` excepted),
else ``recovery_action_unavailable`` (409). The job is claimed with a
compare-and-set to ``running`` while an action works, so two clicks (or two
processes) never recover the same job twice; on failure the row is put back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import anyio
from pydantic import BaseModel, Field

from ..errors import AppError
from ..fsutil import epoch_seconds
from ..providers import ImageResult, ProviderOverrides, build_provider
from ..redact import redact
from .models import EnqueueResponse, Job, JobEvent, QueueSnapshot
from .outputs import write_outputs
from .recovery import (
    ACTIVE_STATUSES,
    RECOVERABLE_COMMANDS,
    Evidence,
    RecoveryDescriptor,
    decode_spool,
    describe,
    gather_evidence,
)
from .recovery_state import RecoveryRecorder, raw_response_name
from .runner import JobRunner, request_from_metadata

__all__ = ["ACTIONS", "JobRecovery", "ResumeRequest", "ResumeResponse"]

ACTIONS = ("continue_save", "fill_missing", "reupload", "resubmit", "discard")


class ResumeRequest(BaseModel):
    action: str = Field(description="continue_save | fill_missing | reupload | resubmit | discard")


class ResumeResponse(BaseModel):
    """``{job_id, job, events, recovered}``; ``discard`` adds ``discarded``; ``resubmit``
    is the enqueue response of the new job (``job_id`` is the new id)."""

    job_id: str
    job: Job
    events: list[JobEvent] = Field(default_factory=list)
    recovered: bool | None = None
    discarded: bool | None = None
    queue: QueueSnapshot | None = None
    queued: bool | None = None


def _unavailable(message: str, **detail: Any) -> AppError:
    return AppError("recovery_action_unavailable", message, detail, http_status=409)


class JobRecovery:
    def __init__(
        self,
        runner: JobRunner,
        get_job: Callable[[str], Awaitable[Job]],
        retry: Callable[[str], Awaitable[EnqueueResponse]],
        can_resubmit: Callable[[Job], bool],
    ) -> None:
        self.runner = runner
        self.repo = runner.repo
        self.get_job = get_job
        self.retry = retry
        self.can_resubmit = can_resubmit
        self._busy: set[str] = set()

    def job_dir(self, job_id: str) -> Path | None:
        try:
            return self.runner.paths.job_dir(job_id)
        except AppError:
            return None

    # -- reading ------------------------------------------------------------------
    async def evidence(self, job: Job) -> Evidence:
        return await anyio.to_thread.run_sync(gather_evidence, job, self.job_dir(job.id))

    async def describe(self, job: Job) -> RecoveryDescriptor:
        return describe(job, await self.evidence(job), can_resubmit=self.can_resubmit(job))

    async def descriptors(self, jobs: list[Job]) -> list[RecoveryDescriptor]:
        found = await anyio.to_thread.run_sync(
            lambda: [gather_evidence(j, self.job_dir(j.id)) for j in jobs])
        return [describe(j, ev, can_resubmit=self.can_resubmit(j)) for j, ev in zip(jobs, found,
                                                                                   strict=True)]

    # -- actions ------------------------------------------------------------------
    async def resume(self, job_id: str, action: str) -> ResumeResponse:
        if action not in ACTIONS:
            raise AppError("invalid_argument", "Unsupported recovery action.",
                           {"action": action[:40], "allowed": list(ACTIONS)})
        job = await self.get_job(job_id)
        if action == "reupload":
            raise AppError("not_recoverable", "This server has no storage targets, so there "
                           "is nothing to upload again.", {"job_id": job_id}, http_status=409)
        if job_id in self._busy:
            raise _unavailable("A recovery action is already running for this job.",
                               job_id=job_id)
        self._busy.add(job_id)
        try:
            if action == "discard":
                return await self._discard(job)
            ev = await self.evidence(job)
            desc = describe(job, ev, can_resubmit=self.can_resubmit(job))
            offered = [a.id for a in (desc.primary_action, *desc.secondary_actions) if a]
            if action not in offered:
                raise _unavailable(f"The action {action} is not available for this job.",
                                   job_id=job_id, action=action,
                                   recoverability=desc.recoverability, offered=offered)
            if action == "resubmit":
                return await self._resubmit(job)
            return await self._finish(job, ev, fill=action == "fill_missing")
        finally:
            self._busy.discard(job_id)

    async def _raw_meta(self, job_id: str) -> tuple[str, dict[str, Any]]:
        """The stored status and full metadata (the API view hides attempt evidence)."""
        row = await self.repo.get_job(job_id)
        if row is None:
            raise _unavailable("The job is gone.", job_id=job_id)
        return row.status, dict(row.metadata or {})

    async def _discard(self, job: Job) -> ResumeResponse:
        if job.status in ACTIVE_STATUSES:
            raise _unavailable("Only finished jobs can be dismissed.", job_id=job.id,
                               status=job.status)
        _status, meta = await self._raw_meta(job.id)
        meta["discarded_at"] = meta["updated_at"] = epoch_seconds()
        await self.repo.update_job(job.id, metadata=meta)
        return ResumeResponse(job_id=job.id, job=await self.get_job(job.id), discarded=True)

    async def _resubmit(self, job: Job) -> ResumeResponse:
        queued = await self.retry(job.id)
        _status, meta = await self._raw_meta(job.id)
        meta["resubmitted_as"] = queued.job_id
        await self.repo.update_job(job.id, metadata=meta)
        return ResumeResponse(job_id=queued.job_id, job=queued.job, events=queued.events,
                              queue=queued.queue, queued=True)

    async def _finish(self, job: Job, ev: Evidence, *, fill: bool) -> ResumeResponse:
        job_dir = self.job_dir(job.id)
        if job_dir is None or job.command not in RECOVERABLE_COMMANDS:
            raise _unavailable("This job cannot be finished locally.", job_id=job.id)
        previous, meta = await self._raw_meta(job.id)
        claimed = {**meta, "updated_at": epoch_seconds()}
        if not await self.repo.update_job(job.id, status="running", metadata=claimed,
                                          only_if_status=(previous,)):
            raise _unavailable("The job changed; reload it and try again.", job_id=job.id)
        try:
            if fill:
                images, failures, response = await self._fill(job.id, meta, ev, job_dir)
            else:
                images, response = await anyio.to_thread.run_sync(_decode_cached, job_dir, ev)
                failures = []
            old = _output_paths(meta)
            files = await anyio.to_thread.run_sync(write_outputs, job_dir, images)
            if files:
                await anyio.to_thread.run_sync(_remove_stale, old, files, job_dir)
        except BaseException:
            await self.repo.update_job(job.id, status=previous, metadata=meta,
                                       only_if_status=("running",))
            raise
        return await self._record(job, meta, ev, files, failures, response,
                                  action="fill_missing" if fill else "continue_save")

    async def _fill(
        self, job_id: str, meta: dict[str, Any], ev: Evidence, job_dir: Path
    ) -> tuple[list[bytes], list[dict[str, Any]], dict[str, Any]]:
        count = ev.public.outputs_expected
        cached: dict[int, list[bytes]] = await anyio.to_thread.run_sync(
            _cached_slots, job_dir, ev, meta)
        missing = [k for k in range(1, count + 1) if k not in cached]
        results: list[ImageResult | BaseException] = []
        if missing:
            overrides = ProviderOverrides()
            spec = self.runner.select(meta.get("provider_requested"), overrides)
            provider = build_provider(spec, self.runner.runtime(overrides))
            request = request_from_metadata(meta)
            hook = self.runner.prepare.get(str(meta.get("operation")))
            if hook is not None:
                request = await anyio.to_thread.run_sync(hook, request, job_dir)
            single = replace(request, n=None)
            try:
                results = await asyncio.gather(
                    *(provider.run(single, self.runner._context(job_id, job_dir, k))
                      for k in missing), return_exceptions=True)
            finally:
                self.runner.recorders.pop(job_id, None)
        failures: list[dict[str, Any]] = []
        revised: list[str] = []
        for k, item in zip(missing, results, strict=True):
            if isinstance(item, ImageResult):
                cached[k] = item.images
                revised.extend(item.revised_prompts)
            elif isinstance(item, AppError):
                failures.append({"index": k - 1, **item.to_dict()})
            else:
                raise item
        images = [image for k in sorted(cached) for image in cached[k]]
        response = {"batch_request_count": count, "image_count": len(images),
                    "revised_prompts": revised, "filled_slots": [k - 1 for k in missing]}
        return images, failures, response

    async def _record(
        self, job: Job, meta: dict[str, Any], ev: Evidence, files: list[dict[str, Any]],
        failures: list[dict[str, Any]], response: dict[str, Any], *, action: str,
    ) -> ResumeResponse:
        count = ev.public.outputs_expected
        status = "completed" if files and not failures else (
            "partial_failed" if files else "failed")
        error: dict[str, Any] | None = None
        if failures:
            first = failures[0]
            error = ({"code": "batch_partial_failed",
                      "message": f"{len(failures)} of {count} image requests failed: "
                                 f"{first.get('message')}", "items": failures}
                     if files else {k: v for k, v in first.items() if k != "index"})
        output = {"path": files[0]["path"] if len(files) == 1 else None,
                  "bytes": sum(f["bytes"] for f in files), "files": files} if files else None
        secrets = list(self.runner.secrets)
        meta.update({
            "response": redact(response, secrets),
            "error": redact(error, secrets),
            "stage": "completed" if status == "completed" else "materialized",
            "recoverability": "recoverable.partial_outputs" if action == "fill_missing"
            else "recoverable.local_response_cached",
            "recovered_by": {"action": action, "at": epoch_seconds()},
            "updated_at": epoch_seconds(),
        })
        if output is not None:
            meta["output"] = output
        await self.repo.update_job(job.id, status=status, metadata=meta,
                                   output_path=files[0]["path"] if files else None,
                                   only_if_status=("running",))
        job_dir = self.job_dir(job.id)
        if status == "completed" and job_dir is not None:
            await RecoveryRecorder(job_dir).mark("completed")
        event = await self.runner._terminal(job.id, status, output, error)
        return ResumeResponse(job_id=job.id, job=await self.get_job(job.id), events=[event],
                              recovered=status == "completed")


# -- blocking helpers (worker threads) ------------------------------------------------
def _decode_cached(job_dir: Path, ev: Evidence) -> tuple[list[bytes], dict[str, Any]]:
    """All images of the spooled answer(s); the job must be fully cached."""
    names = [raw_response_name(k) for k in ev.cached_slots] if ev.batch \
        else [raw_response_name(None)]
    images: list[bytes] = []
    summaries: list[dict[str, Any]] = []
    for name in names:
        decoded, summary = decode_spool((job_dir / name).read_bytes())
        images.extend(decoded)
        summaries.append(summary)
    if not ev.batch:
        return images, summaries[0]
    revised = [p for s in summaries for p in s.get("revised_prompts") or []]
    return images, {"batch_request_count": len(names), "image_count": len(images),
                    "revised_prompts": revised}


def _cached_slots(job_dir: Path, ev: Evidence, meta: dict[str, Any]) -> dict[int, list[bytes]]:
    """Slot (1-based) → images already here: decodable slot spools, or for a job without
    slots (native ``n``) its existing output files in order."""
    found: dict[int, list[bytes]] = {}
    if ev.batch:
        for k in ev.cached_slots:
            try:
                found[k] = decode_spool((job_dir / raw_response_name(k)).read_bytes())[0]
            except (AppError, OSError):
                continue  # an unreadable answer is generated again
        return found
    for k, path in enumerate(_output_paths(meta), start=1):
        try:
            found[k] = [path.read_bytes()]
        except OSError:
            continue
    return found


def _output_paths(meta: dict[str, Any]) -> list[Path]:
    output = meta.get("output")
    files = output.get("files") if isinstance(output, dict) else None
    if not isinstance(files, list):
        return []
    return [Path(f["path"]) for f in files
            if isinstance(f, dict) and isinstance(f.get("path"), str)]


def _remove_stale(old: list[Path], files: list[dict[str, Any]], job_dir: Path) -> None:
    """Delete earlier output files of this job that the new output set does not name."""
    keep = {Path(f["path"]) for f in files}
    for path in old:
        if path not in keep and path.parent == job_dir:
            path.unlink(missing_ok=True)
