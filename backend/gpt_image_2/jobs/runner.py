"""Executes one job: claim it, call the provider, save outputs, record the result.

Every step is an event on the job's stream; every terminal state is written to
the history row before the terminal event is published, so a poller and an SSE
subscriber always agree.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import httpx

from ..config import ConfigStore
from ..db import HistoryRepository
from ..errors import AppError
from ..fsutil import atomic_write_bytes, epoch_seconds
from ..paths import DataPaths
from ..providers import (
    ImageRequest,
    ImageResult,
    ProviderOverrides,
    RetryPolicy,
    RunContext,
    build_provider,
    select_provider,
)
from ..providers.base import progress
from ..providers.images import extension_for
from ..redact import SecretRegistry, redact
from ..settings import Settings
from .bus import EventBus
from .views import job_view

__all__ = ["JobRunner", "write_outputs"]

log = logging.getLogger(__name__)

RAW_RESPONSE_FILE = "raw_response.json"


def write_outputs(job_dir: Path, images: list[bytes]) -> list[dict[str, Any]]:
    """Write images atomically as ``out.<ext>`` or ``out-<i>.<ext>``; return file records.

    On any failure the files written so far are removed, so a job directory
    never holds a partial result.
    """
    written: list[Path] = []
    files: list[dict[str, Any]] = []
    try:
        for index, data in enumerate(images):
            stem = "out" if len(images) == 1 else f"out-{index + 1}"
            path = job_dir / f"{stem}{extension_for(data)}"
            atomic_write_bytes(path, data)
            written.append(path)
            files.append({"index": index, "path": str(path), "bytes": len(data)})
    except OSError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        raise AppError(
            "output_write_failed", "Unable to write output image.", {"error": str(exc)}
        ) from exc
    return files


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
    )


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

    @property
    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(self.settings.retries, self.settings.retry_delay_seconds)

    def select(self, requested: str | None, overrides: ProviderOverrides) -> Any:
        return select_provider(
            requested,
            self.config.load(),
            env_api_key=self.settings.openai_api_key,
            default_api_base=self.settings.openai_api_base,
            default_codex_endpoint=self.settings.codex_endpoint,
            auth_file=self.paths.auth_file,
            overrides=overrides,
        )

    async def run(self, job_id: str) -> None:
        row = await self.repo.get_job(job_id)
        if row is None or row.metadata is None:
            return
        meta = dict(row.metadata)
        meta["updated_at"] = epoch_seconds()
        meta.pop("error", None)
        if not await self.repo.update_job(
            job_id, status="running", metadata=meta, only_if_status=("queued",)
        ):
            return  # somebody else claimed or cancelled it
        await self.bus.emit(job_id, "local", "job.running", {"status": "running"})
        overrides = self.overrides.pop(job_id, ProviderOverrides())
        job_dir = self.paths.job_dir(job_id)
        try:
            result, spec_meta = await self._execute(job_id, meta, overrides, job_dir)
            files = await anyio.to_thread.run_sync(write_outputs, job_dir, result.images)
            await self._complete(job_id, meta, result, spec_meta, files)
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
            self.bus.forget(job_id)

    async def _execute(
        self, job_id: str, meta: dict[str, Any], overrides: ProviderOverrides, job_dir: Path
    ) -> tuple[ImageResult, dict[str, Any]]:
        spec = self.select(meta.get("provider_requested"), overrides)
        self.secrets.add(spec.api_key)
        provider = build_provider(
            spec,
            self.http,
            retry=self.retry_policy,
            timeout=self.settings.request_timeout_seconds,
            max_download_bytes=self.settings.max_download_bytes,
        )
        request = request_from_metadata(meta)
        hook = self.prepare.get(str(meta.get("operation")))
        if hook is not None:
            request = hook(request, job_dir)

        async def emit(kind: str, event_type: str, data: dict[str, Any]) -> None:
            await self.bus.emit(job_id, kind, event_type, data)

        async def spool(body: bytes) -> None:
            await anyio.to_thread.run_sync(atomic_write_bytes, job_dir / RAW_RESPONSE_FILE, body)

        result = await provider.run(request, RunContext(emit=emit, spool_raw=spool))
        return result, {"provider_selection": spec.selection.to_dict(),
                        "resolved": spec.selection.resolved, "family": spec.family}

    async def _complete(
        self,
        job_id: str,
        meta: dict[str, Any],
        result: ImageResult,
        spec_meta: dict[str, Any],
        files: list[dict[str, Any]],
    ) -> None:
        output = {
            "path": files[0]["path"] if len(files) == 1 else None,
            "bytes": sum(f["bytes"] for f in files),
            "files": files,
        }
        await self.bus.emit(
            job_id,
            "progress",
            "output_saved",
            progress(
                spec_meta["family"], "output_saved", "Generated image files saved.",
                status="completed", percent=100, file_count=len(files), output=output,
            ),
        )
        secrets = list(self.secrets)
        meta.update(
            {
                "provider_selection": spec_meta["provider_selection"],
                "output": output,
                "request": redact(result.request_summary, secrets),
                "response": redact(result.response, secrets),
                "auth": redact(result.auth, secrets),
                "retry": {"count": result.retry_count, "max_retries": self.settings.retries},
                "updated_at": epoch_seconds(),
                "error": None,
            }
        )
        await self.repo.update_job(
            job_id, status="completed", provider=spec_meta["resolved"],
            output_path=files[0]["path"], metadata=meta,
        )
        await self._terminal(job_id, "completed", output, None)

    async def _finish_failed(
        self, job_id: str, meta: dict[str, Any], error: AppError | None, *, status: str = "failed"
    ) -> None:
        secrets = list(self.secrets)
        err = None if error is None else redact(error.to_dict(), secrets)
        if status == "cancelled":
            err = {"code": "cancelled", "message": "The job was cancelled."}
        meta.update({"error": err, "updated_at": epoch_seconds()})
        await self.repo.update_job(job_id, status=status, metadata=meta)
        await self._terminal(job_id, status, None, err)

    async def _terminal(
        self, job_id: str, status: str, output: dict[str, Any] | None, error: Any
    ) -> None:
        row = await self.repo.get_job(job_id)
        job = job_view(row).model_dump(mode="json") if row else None
        await self.bus.emit(
            job_id, "local", f"job.{status}",
            {"status": status, "output": output, "error": error, "job": job},
        )
