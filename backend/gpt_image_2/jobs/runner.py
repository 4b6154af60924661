"""Executes one job: claim it, call the provider, save outputs, record the result.

Every step is an event on the job's stream; every terminal state is written to
the history row before the terminal event is published, so a poller and an SSE
subscriber always agree. Image jobs (``images generate|edit``) and raw jobs
(``request create``) share the claim/complete/fail steps.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import httpx

from ..config import ConfigStore
from ..db import HistoryRepository, JobRow
from ..errors import AppError
from ..fsutil import atomic_write_bytes, epoch_seconds
from ..paths import DataPaths
from ..providers import (
    ImageRequest,
    ImageResult,
    ProviderOverrides,
    ProviderRuntime,
    ProviderSpec,
    RetryPolicy,
    RunContext,
    SelectionInputs,
    build_provider,
    select_for_request,
    select_provider,
)
from ..providers.base import progress
from ..providers.codex import CodexProvider
from ..providers.http_clients import HttpClients
from ..providers.images import extension_for
from ..providers.options import check_request_operation
from ..redact import SecretRegistry, redact, scrub_spool
from ..settings import Settings
from .batch import fan_out
from .bus import EventBus
from .inputs import load_edit_inputs
from .models import JobEvent
from .outputs import REQUEST_BODY_FILE, write_outputs
from .recovery_state import RecoveryRecorder
from .views import job_view

__all__ = ["Executor", "JobOutcome", "JobRunner", "request_from_metadata", "write_outputs"]

log = logging.getLogger(__name__)

RAW_RESPONSE_FILE = "raw_response.json"


def request_from_metadata(meta: dict[str, Any]) -> ImageRequest:
    return ImageRequest(
        operation="edit" if meta.get("operation") == "edit" else "generate",
        prompt=str(meta.get("prompt") or ""),
        model=meta.get("model"),
        size=meta.get("size"),
        quality=meta.get("quality"),
        format=meta.get("format"),
        background=meta.get("background"),
        compression=meta.get("compression"),
        n=meta.get("n"),
        moderation=meta.get("moderation"),
        input_fidelity=meta.get("input_fidelity"),
        instructions=meta.get("instructions"),
    )


@dataclass
class _Outcome:
    """What a finished provider call hands to ``_complete``."""

    spec: ProviderSpec
    images: list[bytes]
    summaries: dict[str, Any]
    status: str = "completed"
    error: dict[str, Any] | None = None


JobOutcome = _Outcome
"""Public name of the outcome type, for executors outside this module."""
Executor = Callable[
    ["JobRunner", str, dict[str, Any], ProviderOverrides, Path], Awaitable[_Outcome]
]


@dataclass
class JobRunner:
    settings: Settings
    paths: DataPaths
    repo: HistoryRepository
    bus: EventBus
    config: ConfigStore
    http: httpx.AsyncClient
    secrets: SecretRegistry
    overrides: dict[str, ProviderOverrides] = field(default_factory=dict)
    cancel_requested: set[str] = field(default_factory=set)
    prepare: dict[str, Callable[[ImageRequest, Path], ImageRequest]] = field(default_factory=dict)
    refresh_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    executors: dict[str, Executor] = field(default_factory=dict)
    on_terminal: Callable[[str, dict[str, Any] | None], None] | None = None
    """Called with the job after its terminal event (notifications)."""
    """Commands with their own pipeline: ``executor(runner, job_id, meta, overrides, job_dir)``
    returns the outcome that the shared save/complete steps record."""
    clients: HttpClients | None = None
    """Outbound clients per effective proxy (providers/http_clients.py); None: ``http``."""
    recorders: dict[str, RecoveryRecorder] = field(default_factory=dict)
    """Per running job: writes ``recovery_state.json`` (request sent / body spooled)."""

    def __post_init__(self) -> None:
        self.prepare.setdefault("edit", load_edit_inputs)
        from ..transparent.pipeline import TRANSPARENT_GENERATE, execute_generate

        self.executors.setdefault(TRANSPARENT_GENERATE, execute_generate)

    # -- provider plumbing ------------------------------------------------------
    def retry_policy(self, overrides: ProviderOverrides | None = None) -> RetryPolicy:
        o = overrides or ProviderOverrides()
        return RetryPolicy(
            self.settings.retries if o.retries is None else o.retries,
            self.settings.retry_delay_seconds if o.retry_delay_seconds is None
            else o.retry_delay_seconds,
        )

    def runtime(self, overrides: ProviderOverrides) -> ProviderRuntime:
        timeout = overrides.request_timeout_seconds or self.settings.request_timeout_seconds
        return ProviderRuntime(
            http=self.http, retry=self.retry_policy(overrides), timeout=timeout,
            max_download_bytes=self.settings.max_download_bytes, config=self.config,
            token_url=self.settings.codex_token_url, refresh_lock=self.refresh_lock,
            clients=self.clients,
        )

    def inputs(self, overrides: ProviderOverrides) -> SelectionInputs:
        return SelectionInputs(
            config=self.config.load(),
            config_file=self.config.path,
            env_api_key=self.settings.openai_api_key,
            default_api_base=self.settings.openai_api_base,
            default_codex_endpoint=self.settings.codex_endpoint,
            auth_file=self.paths.auth_file,
            overrides=overrides,
        )

    def select(self, requested: str | None, overrides: ProviderOverrides) -> ProviderSpec:
        spec = select_provider(requested, self.inputs(overrides))
        self.secrets.add(spec.api_key)
        return spec

    def select_request(
        self, requested: str | None, operation: str, overrides: ProviderOverrides
    ) -> ProviderSpec:
        spec = select_for_request(requested, operation, self.inputs(overrides))
        check_request_operation(spec.selection, operation)
        self.secrets.add(spec.api_key)
        return spec

    def _context(self, job_id: str, job_dir: Path, slot: int | None = None) -> RunContext:
        recorder = self.recorders.setdefault(job_id, RecoveryRecorder(job_dir))

        async def emit(kind: str, event_type: str, data: dict[str, Any]) -> None:
            if event_type == "request.started":  # recovery evidence before every send
                await recorder.request_started(slot)
            if slot is not None:
                data = {**data, "slot": slot}
            await self.bus.emit(job_id, kind, event_type, data)

        name = RAW_RESPONSE_FILE if slot is None else f"raw_response-{slot}.json"

        async def spool(body: bytes) -> None:
            body = scrub_spool(body, self.secrets)  # an upstream may echo the key back
            await recorder.response_received(
                slot, len(body), lambda: atomic_write_bytes(job_dir / name, body, sync="none"))

        return RunContext(emit=emit, spool_raw=spool, add_secret=self.secrets.add)

    # -- lifecycle ---------------------------------------------------------------
    async def run(self, job_id: str) -> None:
        row = await self.repo.claim_job(job_id, _claimed)
        if row is None or row.metadata is None:
            return  # gone, or somebody else claimed or cancelled it
        meta = dict(row.metadata)
        await self.bus.emit(job_id, "local", "job.running", {"status": "running"})
        overrides = self.overrides.pop(job_id, ProviderOverrides())
        job_dir = self.paths.job_dir(job_id)
        try:
            executor = self.executors.get(row.command)
            if executor is not None:
                outcome = await executor(self, job_id, meta, overrides, job_dir)
            elif row.command == "request create":
                outcome = await self._execute_raw(job_id, meta, overrides, job_dir)
            else:
                outcome = await self._execute(job_id, meta, overrides, job_dir)
            files = await anyio.to_thread.run_sync(write_outputs, job_dir, outcome.images)
            await self._complete(job_id, meta, outcome, files, overrides)
        except asyncio.CancelledError:
            if job_id in self.cancel_requested:
                await self._finish_failed(job_id, meta, None, status="cancelled")
            raise
        except AppError as error:
            await self._finish_failed(job_id, meta, error)
        except Exception:
            log.exception("job %s failed unexpectedly", job_id)
            await self._finish_failed(
                job_id, meta, AppError("internal_error", "The job failed unexpectedly.")
            )
        finally:
            self.cancel_requested.discard(job_id)
            self.recorders.pop(job_id, None)
            self.bus.forget(job_id)

    async def _execute(
        self, job_id: str, meta: dict[str, Any], overrides: ProviderOverrides, job_dir: Path
    ) -> _Outcome:
        spec = self.select(meta.get("provider_requested"), overrides)
        provider = build_provider(spec, self.runtime(overrides))
        request = request_from_metadata(meta)
        hook = self.prepare.get(str(meta.get("operation")))
        if hook is not None:
            request = await anyio.to_thread.run_sync(hook, request, job_dir)
        count = request.n or 1
        if count > 1 and not spec.selection.supports_n:
            batch = await fan_out(
                provider, request, count, lambda slot: self._context(job_id, job_dir, slot)
            )
            return _Outcome(spec, batch.result.images, _summaries(batch.result),
                            status=batch.status, error=batch.error)
        result = await provider.run(request, self._context(job_id, job_dir))
        return _Outcome(spec, result.images, _summaries(result))

    async def _execute_raw(
        self, job_id: str, meta: dict[str, Any], overrides: ProviderOverrides, job_dir: Path
    ) -> _Outcome:
        operation = str(meta.get("operation") or "responses")
        spec = self.select_request(meta.get("provider_requested"), operation, overrides)
        provider = build_provider(spec, self.runtime(overrides))
        body = json.loads((job_dir / REQUEST_BODY_FILE).read_text(encoding="utf-8"))
        ctx = self._context(job_id, job_dir)
        if isinstance(provider, CodexProvider):
            result = await provider.run_raw(body, ctx)
        else:
            result = await provider.run_raw(operation, body, ctx)
        if meta.get("expect_image") and not result.images:
            raise AppError("missing_image_result",
                           "The response did not include a generated image.")
        image_output = None
        if result.images:
            image_output = {"available": True, "count": len(result.images),
                            "suggested_extension": extension_for(result.images[0])}
        summaries: dict[str, Any] = {
            "request": {"operation": operation, "body_file": meta.get("body_file"),
                        **({"model": body.get("model")} if spec.family == "openai" else {})},
            "response": result.response,
            "auth": result.auth,
            "retry_count": result.retry_count,
            "image_output": image_output,
        }
        if result.output_items is not None:
            summaries["output_items"] = result.output_items
        return _Outcome(spec, result.images, summaries)

    async def _complete(
        self, job_id: str, meta: dict[str, Any], outcome: _Outcome,
        files: list[dict[str, Any]], overrides: ProviderOverrides,
    ) -> None:
        output = {
            "path": files[0]["path"] if len(files) == 1 else None,
            "bytes": sum(f["bytes"] for f in files),
            "files": files,
        }
        family = outcome.spec.family
        if files:
            await self.bus.emit(
                job_id, "progress", "output_saved",
                progress(family, "output_saved", "Generated image files saved.",
                         status="completed", percent=100, file_count=len(files), output=output),
            )
        secrets = list(self.secrets)
        summaries = dict(outcome.summaries)
        retry_count = summaries.pop("retry_count", 0)
        meta.update({key: redact(value, secrets) for key, value in summaries.items()})
        meta.update(
            {
                "provider_selection": outcome.spec.selection.to_dict(),
                "output": output,
                "retry": {"count": retry_count,
                          "max_retries": self.retry_policy(overrides).max_retries},
                "updated_at": epoch_seconds(),
                "error": outcome.error,
            }
        )
        row = await self.repo.update_job_row(
            job_id, status=outcome.status, provider=outcome.spec.selection.resolved,
            output_path=files[0]["path"] if files else None, metadata=meta,
        )
        await self._terminal(job_id, outcome.status, output, outcome.error, row=row)

    async def _finish_failed(
        self, job_id: str, meta: dict[str, Any], error: AppError | None, *, status: str = "failed"
    ) -> None:
        secrets = list(self.secrets)
        err = None if error is None else redact(error.to_dict(), secrets)
        if status == "cancelled":
            err = {"code": "cancelled", "message": "The job was cancelled."}
        meta.update({"error": err, "updated_at": epoch_seconds()})
        row = await self.repo.update_job_row(job_id, status=status, metadata=meta)
        await self._terminal(job_id, status, None, err, row=row)

    async def _terminal(
        self, job_id: str, status: str, output: dict[str, Any] | None, error: Any,
        *, row: JobRow | None = None,
    ) -> JobEvent:
        """Publish the terminal event with the job as stored (``row``: already read)."""
        if row is None:
            row = await self.repo.get_job(job_id)
        job = job_view(row).model_dump(mode="json") if row else None
        event = await self.bus.emit(
            job_id, "local", f"job.{status}",
            {"status": status, "output": output, "error": error, "job": job},
        )
        if self.on_terminal is not None:
            self.on_terminal(job_id, job)
        return event


def _claimed(meta: dict[str, Any]) -> dict[str, Any]:
    """A job's metadata as it starts running."""
    meta["updated_at"] = epoch_seconds()
    meta.pop("error", None)
    return meta


def _summaries(result: ImageResult) -> dict[str, Any]:
    return {
        "request": result.request_summary,
        "response": result.response,
        "auth": result.auth,
        "retry_count": result.retry_count,
    }
