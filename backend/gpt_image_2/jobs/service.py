"""The job service: the one facade the routes (and so every surface) call."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio

from ..db import HistoryRepository
from ..errors import AppError, NotFound
from ..fsutil import atomic_write_bytes, epoch_seconds
from ..paths import DataPaths, is_within
from ..providers import ProviderOverrides
from ..providers.openai import USER_AGENT
from ..providers.options import check_options, check_reference_count
from .bus import EventBus
from .files import allowed_roots, resolve_job_file
from .inputs import decode_uploads, write_edit_inputs
from .models import (
    TERMINAL_EVENT_TYPES,
    TERMINAL_STATUSES,
    ActiveJobsResponse,
    DeleteJobResponse,
    EditRequest,
    EnqueueResponse,
    GenerateRequest,
    Job,
    JobDetail,
    JobEvent,
    JobPageResponse,
    QueueSnapshot,
    RawRequest,
)
from .outputs import REQUEST_BODY_FILE
from .queue import JobQueue
from .recovery import RecoveryDescriptor
from .resume import JobRecovery, ResumeResponse
from .runner import JobRunner
from .views import job_view

__all__ = ["JobService", "new_job_id"]

_counter = itertools.count()
_last_ns = 0


def new_job_id() -> str:
    """``job-<unix ns>-<pid>``, strictly increasing within the process."""
    global _last_ns
    now = max(time.time_ns(), _last_ns + 1)
    _last_ns = now
    return f"job-{now}-{os.getpid()}"


def _require_prompt(prompt: str) -> None:
    if not prompt.strip():
        raise AppError("invalid_argument", "Prompt is required.", {"field": "prompt"})


def image_metadata(
    operation: str, request: GenerateRequest, selection: dict[str, Any], job_dir: Path
) -> dict[str, Any]:
    """The parameters of an image job, kept in its history row (spec/web.md §5.2)."""
    return {
        "operation": operation,
        "prompt": request.prompt,
        "provider_requested": request.provider,
        "model": request.model,
        "size": request.size,
        "format": request.format,
        "quality": request.quality,
        "background": request.background,
        "n": request.n,
        "compression": request.compression,
        "moderation": request.moderation,
        "instructions": request.instructions,
        "provider_selection": selection,
        "recovery": {"job_dir": str(job_dir)},
        "updated_at": epoch_seconds(),
    }


class JobService:
    def __init__(
        self,
        *,
        paths: DataPaths,
        repo: HistoryRepository,
        bus: EventBus,
        runner: JobRunner,
        max_parallel: int,
    ) -> None:
        self.paths = paths
        self.repo = repo
        self.bus = bus
        self.runner = runner
        self.queue = JobQueue(runner.run, max_parallel)
        self.recovery = JobRecovery(runner, self.get_job, self.retry, self._retryable)

    # -- submission -------------------------------------------------------------
    def _prepare(self, overrides: ProviderOverrides | None) -> ProviderOverrides:
        overrides = overrides or ProviderOverrides()
        self.runner.secrets.add(overrides.api_key)
        return overrides

    def _new_job_dir(self) -> tuple[str, Path]:
        job_id = new_job_id()
        job_dir = self.paths.job_dir(job_id)
        job_dir.mkdir(parents=True, exist_ok=True)
        return job_id, job_dir

    async def submit_generate(
        self, request: GenerateRequest, overrides: ProviderOverrides | None = None
    ) -> EnqueueResponse:
        _require_prompt(request.prompt)
        overrides = self._prepare(overrides)
        spec = self.runner.select(request.provider, overrides)
        check_options(spec.selection, moderation=request.moderation,
                      instructions=request.instructions)
        job_id, job_dir = self._new_job_dir()
        meta = image_metadata("generate", request, spec.selection.to_dict(), job_dir)
        return await self._enqueue(job_id, "images generate", spec.selection.resolved, meta,
                                   overrides, meta["updated_at"])

    async def submit_edit(
        self, request: EditRequest, overrides: ProviderOverrides | None = None
    ) -> EnqueueResponse:
        _require_prompt(request.prompt)
        check_reference_count(len(request.refs))
        overrides = self._prepare(overrides)
        spec = self.runner.select(request.provider, overrides)
        check_options(spec.selection, moderation=request.moderation,
                      mask=request.mask is not None, input_fidelity=request.input_fidelity,
                      instructions=request.instructions,
                      selection_hint=request.selection_hint is not None)
        # spec/web.md §7.5: a soft-selection provider sees the painted target as one more
        # reference; native-mask providers get the mask instead
        hint = request.selection_hint \
            if spec.selection.edit_region_mode == "reference-hint" else None
        hinted = hint is not None
        refs = [*request.refs, hint] if hint is not None else list(request.refs)
        check_reference_count(len(refs))
        settings = self.runner.settings
        inputs = await decode_uploads(
            refs, request.mask, self.runner.http,
            max_bytes=settings.max_download_bytes, timeout=settings.request_timeout_seconds,
            user_agent=USER_AGENT,
        )
        job_id, job_dir = self._new_job_dir()
        await anyio.to_thread.run_sync(write_edit_inputs, job_dir, inputs)
        meta = image_metadata("edit", request, spec.selection.to_dict(), job_dir)
        meta.update({
            "input_fidelity": request.input_fidelity,
            "ref_count": len(inputs.refs),
            "has_mask": inputs.mask is not None,
            "selection_hint": hinted,
            "edit_region_mode": spec.selection.edit_region_mode if inputs.mask or hinted
            else "none",
        })
        return await self._enqueue(job_id, "images edit", spec.selection.resolved, meta,
                                   overrides, meta["updated_at"])

    async def submit_request(
        self, request: RawRequest, overrides: ProviderOverrides | None = None
    ) -> EnqueueResponse:
        overrides = self._prepare(overrides)
        spec = self.runner.select_request(request.provider, request.operation, overrides)
        job_id, job_dir = self._new_job_dir()
        text = json.dumps(request.body, ensure_ascii=False)
        await anyio.to_thread.run_sync(
            lambda: atomic_write_bytes(job_dir / REQUEST_BODY_FILE, text.encode(), mode=0o600,
                                       sync="data"))
        now = epoch_seconds()
        meta: dict[str, Any] = {
            "operation": request.operation,
            "provider_requested": request.provider,
            "expect_image": request.expect_image,
            "body_file": request.body_file,
            "provider_selection": spec.selection.to_dict(),
            "recovery": {"job_dir": str(job_dir)},
            "updated_at": now,
        }
        return await self._enqueue(job_id, "request create", spec.selection.resolved, meta,
                                   overrides, now)

    async def enqueue_job(
        self,
        command: str,
        provider: str,
        meta: dict[str, Any],
        overrides: ProviderOverrides | None = None,
        *,
        job_id: str | None = None,
    ) -> EnqueueResponse:
        """Queue a job of a command with its own executor (``JobRunner.executors``).

        ``meta`` must hold everything the executor needs; ``recovery.job_dir`` is
        filled in. ``job_id`` defaults to a new id with its folder created.
        """
        overrides = self._prepare(overrides)
        fresh = job_id is None
        if job_id is None:
            job_id, job_dir = self._new_job_dir()
        else:
            job_dir = self.paths.job_dir(job_id)
            job_dir.mkdir(parents=True, exist_ok=True)
        meta = {**meta, "recovery": {"job_dir": str(job_dir)}}
        now = str(meta.setdefault("updated_at", epoch_seconds()))
        return await self._enqueue(job_id, command, provider, meta, overrides, now, fresh=fresh)

    async def _enqueue(
        self,
        job_id: str,
        command: str,
        provider: str,
        meta: dict[str, Any],
        overrides: ProviderOverrides,
        now: str,
        *,
        fresh: bool = True,
    ) -> EnqueueResponse:
        """Store the queued row and its ``job.queued`` event, and queue the job. ``fresh``:
        the id was just made by :meth:`_new_job_dir` (no row, no events yet)."""
        # Which kind of process runs the job: a server recovers only its own jobs, so a
        # CLI run in flight on a shared data root is never failed or run twice by it.
        meta = {**meta, "runner": "cli" if self.runner.settings.embedded else "server"}
        row = await self.repo.upsert_job(
            job_id=job_id, command=command, provider=provider, status="queued",
            output_path=None, created_at=now, metadata=meta, new=fresh,
        )
        if fresh:
            self.bus.numbering_starts(job_id)
        if overrides != ProviderOverrides():
            self.runner.overrides[job_id] = overrides
        position = self.queue.snapshot().queued + 1
        event = await self.bus.emit(
            job_id, "local", "job.queued", {"status": "queued", "position": position}
        )
        job = job_view(row) if row.deleted_at is None else await self.get_job(job_id)
        self.queue.submit(job_id)
        # Let a job that can start now take its first steps (claim, request on its way)
        # before this answer is serialised and sent.
        await asyncio.sleep(0)
        return EnqueueResponse(
            job_id=job_id, job=job, events=[event], queue=self.queue.snapshot(), queued=True
        )

    # -- reading ------------------------------------------------------------------
    async def get_job(self, job_id: str) -> Job:
        row = await self.repo.get_job(job_id)
        if row is None:
            raise NotFound(
                "history_not_found", "History job was not found.", {"job_id": job_id[:200]}
            )
        return job_view(row)

    async def job_detail(self, job_id: str) -> JobDetail:
        job = await self.get_job(job_id)
        events = await self.bus.replay(job_id)
        return JobDetail(history_file=str(self.paths.history_file), job=job, events=events)

    async def list_jobs(
        self, *, limit: int, cursor: str | None, status: str | None, query: str | None,
        provider: str | None = None, command: str | list[str] | None = None,
    ) -> JobPageResponse:
        page = await self.repo.list_jobs(limit=limit, cursor=cursor, status=status, query=query,
                                         provider=provider, command=command)
        return JobPageResponse(
            history_file=str(self.paths.history_file),
            jobs=[job_view(r) for r in page.jobs],
            next_cursor=page.next_cursor,
            has_more=page.has_more,
            total=page.total,
        )

    async def active_jobs(self) -> ActiveJobsResponse:
        """Every queued/running/uploading job, newest first, unpaged."""
        rows = await self.repo.jobs_with_status(("queued", "running", "uploading"))
        return ActiveJobsResponse(history_file=str(self.paths.history_file),
                                  jobs=[job_view(r) for r in reversed(rows)])

    # -- recovery (spec/web.md §11) ---------------------------------------------
    async def recovery_descriptor(self, job_id: str) -> RecoveryDescriptor:
        return await self.recovery.describe(await self.get_job(job_id))

    async def interrupted(self) -> list[RecoveryDescriptor]:
        """Descriptors of all interrupted jobs not yet dismissed or resubmitted."""
        jobs = []
        for row in await self.repo.interrupted_jobs():
            meta = row.metadata or {}
            if meta.get("interrupted_reason") and not meta.get("discarded_at") \
                    and not meta.get("resubmitted_as"):
                jobs.append(job_view(row))
        return await self.recovery.descriptors(jobs)

    async def resume(self, job_id: str, action: str) -> ResumeResponse:
        return await self.recovery.resume(job_id, action)

    async def job_file(self, raw_path: str) -> Path:
        """A file under the jobs folder named by absolute path (spec/web.md §10.1)."""
        def resolve() -> Path:
            roots = allowed_roots(self.paths.jobs_dir, self.runner.config.load())
            return resolve_job_file(raw_path, shared_dir=self.paths.shared_dir, roots=roots)

        return await anyio.to_thread.run_sync(resolve)

    async def delete_job(self, job_id: str) -> DeleteJobResponse:
        """Delete the history row, its events and upload records (files stay on disk)."""
        if self.queue.is_queued(job_id) or self.queue.is_running(job_id):
            await self.cancel(job_id)
        deleted = await self.repo.delete_job(job_id)
        return DeleteJobResponse(job_id=job_id, deleted=deleted)

    async def output_file(self, job_id: str, index: int) -> Path:
        job = await self.get_job(job_id)
        output = next((o for o in job.outputs if o.index == index), None)
        if output is None or not output.path:
            raise NotFound("output_not_found", "Output was not found.",
                           {"job_id": job_id, "index": index})
        path = Path(output.path)
        if not path.is_absolute() or not is_within(path, self.paths.jobs_dir):
            raise NotFound("output_not_found", "Output is not available on this server.",
                           {"job_id": job_id, "index": index})
        if not path.is_file():
            raise NotFound("output_not_found", "Output file no longer exists.",
                           {"job_id": job_id, "index": index})
        return path

    async def require_job(self, job_id: str) -> None:
        """NotFound for an unknown job; a job in this process's queue needs no read."""
        if not (self.queue.is_running(job_id) or self.queue.is_queued(job_id)):
            await self.get_job(job_id)

    async def follow(self, job_id: str, after_seq: int = 0) -> AsyncIterator[JobEvent]:
        """Replay events after ``after_seq``, then follow live until the job ends."""
        await self.require_job(job_id)
        sub = self.bus.subscribe(job_id)
        try:
            last = after_seq
            for event in await self.bus.replay(job_id, after_seq):
                last = event.seq
                yield event
                if event.type in TERMINAL_EVENT_TYPES:
                    return
            # Events published after the backlog read are already in our queue; a job
            # that is over (and never emitted a terminal event, e.g. a reference CLI
            # row) ends the stream once that queue is drained.
            over = False
            if not (self.queue.is_running(job_id) or self.queue.is_queued(job_id)):
                job = await self.get_job(job_id)
                over = job.status in TERMINAL_STATUSES and not self.queue.is_running(job_id)
            while True:
                if over and sub.queue.empty():
                    return
                event = await sub.queue.get()
                if event.seq <= last:
                    continue
                last = event.seq
                yield event
                if event.type in TERMINAL_EVENT_TYPES:
                    return
        finally:
            sub.close()

    def queue_snapshot(self) -> QueueSnapshot:
        return self.queue.snapshot()

    # -- control ------------------------------------------------------------------
    async def cancel(self, job_id: str) -> Job:
        job = await self.get_job(job_id)
        if self.queue.remove_queued(job_id):
            await self.runner._finish_failed(job_id, dict(job.metadata or {}), None,
                                             status="cancelled")
        elif self.queue.is_running(job_id):
            self.runner.cancel_requested.add(job_id)
            self.queue.cancel_running(job_id)
            for _ in range(100):
                if not self.queue.is_running(job_id):
                    break
                await asyncio.sleep(0.01)
        else:
            raise AppError("job_not_cancellable", "Only queued or running jobs can be cancelled.",
                           {"job_id": job_id, "status": job.status}, http_status=409)
        return await self.get_job(job_id)

    async def recover_on_start(self) -> None:
        """Re-queue jobs that were waiting; mark jobs that were running as interrupted.

        Jobs run by an embedded CLI (``metadata.runner == "cli"``) belong to that
        process and are left alone.
        """
        for row in await self.repo.jobs_with_status(("running", "uploading")):
            meta = dict(row.metadata or {})
            if meta.get("runner") == "cli":
                continue
            meta.update(
                {
                    "interrupted_reason": "process_killed",
                    "updated_at": epoch_seconds(),
                    "error": {"code": "interrupted",
                              "message": "The server stopped while this job was running."},
                }
            )
            row.status, row.metadata = "failed", meta
            evidence = await self.recovery.describe(job_view(row))
            meta.update(stage=evidence.evidence.stage or "staged",
                        recoverability=evidence.recoverability)
            await self.repo.update_job(row.id, status="failed", metadata=meta)
            await self.runner._terminal(row.id, "failed", None, meta["error"])
        for row in await self.repo.jobs_with_status(("queued",)):
            if (row.metadata or {}).get("runner") == "cli":
                continue
            if (row.command in ("images generate", "images edit", "request create")
                    or row.command in self.runner.executors):
                self.queue.submit(row.id)

    # -- retry, references, concurrency -----------------------------------------
    def _retryable(self, job: Job) -> bool:
        return job.command in RETRYABLE_COMMANDS or job.command in self.runner.executors

    async def retry(self, job_id: str) -> EnqueueResponse:
        """Queue a new job with the same parameters and inputs (always a new upstream call)."""
        job = await self.get_job(job_id)
        if job.status in ("queued", "running", "uploading"):
            raise AppError("job_not_retryable", "Only finished jobs can be run again.",
                           {"job_id": job_id, "status": job.status}, http_status=409)
        if not self._retryable(job):
            raise AppError("job_not_retryable", "This kind of job cannot be run again.",
                           {"job_id": job_id, "command": job.command})
        meta = {k: v for k, v in (job.metadata or {}).items() if k not in _RESULT_KEYS}
        if not str(meta.get("prompt") or "").strip() and job.command != "request create":
            raise AppError("job_not_retryable", "The job has no prompt to run again.",
                           {"job_id": job_id})
        new_id, new_dir = self._new_job_dir()
        old_dir = self.paths.job_dir(job_id)
        if is_within(old_dir, self.paths.jobs_dir) and old_dir.is_dir():
            await anyio.to_thread.run_sync(_copy_inputs, old_dir, new_dir)
        if job.command == "images edit" and not any(new_dir.glob("ref-*")):
            raise AppError("job_not_retryable", "The job's reference images are gone.",
                           {"job_id": job_id})
        now = epoch_seconds()
        meta.update({"retry_of": job_id, "recovery": {"job_dir": str(new_dir)},
                     "updated_at": now})
        return await self._enqueue(new_id, job.command, job.provider, meta,
                                   ProviderOverrides(), now)

    async def reference_file(self, job_id: str, index: int) -> Path:
        job = await self.get_job(job_id)
        ref = next((r for r in job.reference_images if r.index == index), None)
        path = Path(ref.path) if ref else None
        if path is None or not path.is_file():
            raise NotFound("reference_not_found", "Reference image was not found.",
                           {"job_id": job_id, "index": index})
        if not is_within(path, self.paths.jobs_dir):
            raise AppError("forbidden", "Only files produced by this service can be read.",
                           http_status=403)
        return path

    def set_max_parallel(self, value: int) -> QueueSnapshot:
        self.queue.set_max_parallel(max(1, min(16, value)))
        return self.queue.snapshot()

    async def close(self) -> None:
        await self.queue.close()


RETRYABLE_COMMANDS = frozenset({"images generate", "images edit", "request create"})
_RESULT_KEYS = frozenset({
    "output", "image_output", "response", "request", "auth", "retry", "error",
    "interrupted_reason", "batch", "stage", "recoverability", "generation_slots",
    "updated_at", "recovery", "retry_of", "verification", "report", "discarded_at",
    "resubmitted_as", "recovered_by",
    "extraction", "source", "source_output", "transparent_request",  # transparent generate
})
_INPUT_PATTERNS = ("ref-*", "mask.png", "selection-hint.png", REQUEST_BODY_FILE)


def _copy_inputs(source: Path, target: Path) -> None:
    """Copy a job's inputs (references, mask, raw request body) into a new job folder."""
    for pattern in _INPUT_PATTERNS:
        for item in sorted(source.glob(pattern)):
            if item.is_file():
                atomic_write_bytes(target / item.name, item.read_bytes(),
                                   mode=item.stat().st_mode & 0o777, sync="data")
