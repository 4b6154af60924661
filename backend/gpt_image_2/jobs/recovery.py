"""Task recovery: classify a failed job from the evidence on disk (spec/web.md §11).

The goal is never to re-bill the user silently. :func:`gather_evidence` reads
the job folder (raw response spools, ``recovery_state.json``, outputs);
:func:`classify` maps it onto the recoverability classes of §11.2 and
:func:`describe` onto the actions the UI offers (§11.3). Labels are English;
clients translate by action ``id``.

Port notes (differences from the reference, on purpose):

* This server has no remote storage pipeline, so ``recoverable.upload_failed``
  (only possible for rows written by another program) offers no action and
  ``reupload`` is refused with ``not_recoverable``.
* ``continue_save`` / ``fill_missing`` are offered for ``images generate|edit``
  only; other commands (``transparent generate``, ``request create``) get
  ``resubmit``.
* A spool whose decoding already failed (``invalid_json_response``,
  ``missing_image_result``) is ``terminal.local_recovery_unavailable``: a free
  action that cannot work is never offered.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from ..errors import AppError
from ..paths import is_within
from ..providers.images import decode_b64_image
from .models import Job
from .recovery_state import load_state, raw_response_name

__all__ = [
    "ACTIVE_STATUSES",
    "RECOVERABLE_COMMANDS",
    "Evidence",
    "GenerationSlot",
    "RecoveryAction",
    "RecoveryDescriptor",
    "RecoveryEvidence",
    "classify",
    "decode_spool",
    "describe",
    "gather_evidence",
]

Recoverability = Literal[
    "recoverable.never_dispatched",
    "recoverable.local_response_cached",
    "recoverable.partial_outputs",
    "recoverable.upload_failed",
    "recoverable.remote_in_progress",
    "ambiguous.remote_maybe_accepted",
    "terminal.local_recovery_unavailable",
    "terminal.provider_rejected",
    "terminal.user_cancelled",
]
ActionId = Literal["continue_save", "fill_missing", "reupload", "resubmit", "discard"]

ACTIVE_STATUSES = frozenset({"queued", "running", "uploading"})
RECOVERABLE_COMMANDS = frozenset({"images generate", "images edit"})
"""Commands whose outputs are the decoded provider images (continue_save, fill_missing)."""
_BAD_SPOOL_CODES = frozenset({"invalid_json_response", "missing_image_result", "invalid_base64"})
_NOT_REJECTED_HTTP = frozenset({408, 409, 425, 429})


class RecoveryAction(BaseModel):
    id: ActionId
    label: str = Field(description="English label; clients translate by id")
    endpoint: str = Field(description="POST here with {\"action\": id}")
    billable: bool = Field(description="True when the action sends a new provider request")
    explanation: str | None = None
    warning: str | None = None
    estimated_cost_label: str | None = None
    count: int | None = Field(default=None, description="fill_missing: images to generate")


class GenerationSlot(BaseModel):
    index: int = Field(description="0-based output index (fan-out slot index - 1)")
    state: Literal["cached", "started", "missing"]
    raw_response_bytes: int = 0


class RecoveryEvidence(BaseModel):
    raw_response_present: bool
    raw_response_bytes: int
    outputs_present: int
    outputs_expected: int
    generation_slots: list[GenerationSlot]
    stage: str | None = None
    request_started: bool = False
    interrupted_reason: str | None = None


class RecoveryDescriptor(BaseModel):
    job_id: str
    status: str
    recoverability: Recoverability | None = Field(
        description="null for jobs that need no recovery (active or completed)")
    primary_action: RecoveryAction | None
    secondary_actions: list[RecoveryAction]
    evidence: RecoveryEvidence
    discarded_at: str | None = None


@dataclass
class Evidence:
    """Everything :func:`classify` looks at, read from the job folder."""

    public: RecoveryEvidence
    batch: bool = False
    cached_slots: list[int] = field(default_factory=list)
    last_attempt: dict[str, Any] | None = None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size if path.is_file() else 0
    except OSError:
        return 0


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _expected(job: Job) -> int:
    n = (job.metadata or {}).get("n")
    return n if isinstance(n, int) and 1 <= n <= 16 else 1


def gather_evidence(job: Job, job_dir: Path | None) -> Evidence:
    """Read the recovery evidence of ``job`` from ``job_dir`` (blocking: run in a thread).

    ``job_dir`` is None when the folder is not this server's to read.
    """
    meta = job.metadata or {}
    expected = _expected(job)
    present = sum(1 for o in job.outputs if o.path and job_dir is not None
                  and is_within(Path(o.path), job_dir) and _size(Path(o.path)) > 0)
    state = load_state(job_dir) if job_dir is not None else {}
    raw = _size(job_dir / raw_response_name(None)) if job_dir is not None else 0
    recorded = _dict(state.get("generation_slots"))
    slot_files = {k: _size(job_dir / raw_response_name(k)) for k in range(1, expected + 1)} \
        if job_dir is not None else {}
    request = _dict(meta.get("request"))
    batch = expected > 1 and (bool(recorded) or any(slot_files.values())
                              or request.get("batch_mode") == "parallel-single-output")
    slots: list[GenerationSlot] = []
    cached: list[int] = []
    if batch:
        for k in range(1, expected + 1):
            entry = recorded.get(str(k))
            if slot_files.get(k):
                cached.append(k)
                slots.append(GenerationSlot(index=k - 1, state="cached",
                                            raw_response_bytes=slot_files[k]))
            else:
                slots.append(GenerationSlot(index=k - 1,
                                            state="started" if entry else "missing"))
    attempts = [a for a in state.get("attempts") or [] if isinstance(a, dict)]
    reason = meta.get("interrupted_reason")
    public = RecoveryEvidence(
        raw_response_present=raw > 0 or bool(cached),
        raw_response_bytes=raw + sum(slot_files.get(k, 0) for k in cached),
        outputs_present=present,
        outputs_expected=expected,
        generation_slots=slots,
        stage=state.get("stage") if isinstance(state.get("stage"), str) else None,
        request_started=bool(attempts) or bool(recorded),
        interrupted_reason=reason if isinstance(reason, str) else None,
    )
    return Evidence(public=public, batch=batch, cached_slots=cached,
                    last_attempt=attempts[-1] if attempts else None)


def _rejected(error: Any) -> bool:
    """Did the provider refuse the request (a 4xx other than timeouts and rate limits)?"""
    if not isinstance(error, dict):
        return False
    code = error.get("code")
    if code in ("provider_rejected", "moderation_blocked"):
        return True
    match = re.fullmatch(r"HTTP (\d{3})", str(error.get("message") or ""))
    if code == "http_error" and match:
        status = int(match.group(1))
        return 400 <= status < 500 and status not in _NOT_REJECTED_HTTP
    return False


def classify(job: Job, ev: Evidence) -> Recoverability | None:
    """The recoverability class of §11.2, or None when the job needs no recovery."""
    status = job.status
    if status in ACTIVE_STATUSES:
        return None
    pub = ev.public
    if (job.storage_status in ("failed", "partial_failed")
            and pub.outputs_present >= pub.outputs_expected):
        return "recoverable.upload_failed"
    if status == "completed" or pub.stage == "completed":
        return None
    if status in ("cancelled", "canceled"):
        return "terminal.user_cancelled"
    error = (job.metadata or {}).get("error")
    if ev.batch:
        done = len(ev.cached_slots)
        if 0 < done < pub.outputs_expected:
            return "recoverable.partial_outputs"
        if done >= pub.outputs_expected:
            return "recoverable.local_response_cached"
        if _rejected(error):
            return "terminal.provider_rejected"
        return "ambiguous.remote_maybe_accepted" if pub.request_started \
            else "recoverable.never_dispatched"
    if status == "partial_failed" and 0 < pub.outputs_present < pub.outputs_expected:
        return "recoverable.partial_outputs"
    bad_spool = isinstance(error, dict) and error.get("code") in _BAD_SPOOL_CODES
    last = ev.last_attempt
    answered = last is not None and bool(last.get("response_body_completed_at"))
    # A spooled body is whole (atomic write) and only a complete answer is spooled, so
    # its presence alone says "answered"; the attempt's mark may be missing (rows from
    # before attempts were recorded; the mark is not fsynced, a power cut can lose it).
    if pub.raw_response_present or answered:
        if pub.raw_response_present and not bad_spool:
            return "recoverable.local_response_cached"
        return "terminal.local_recovery_unavailable"
    if last is None:  # no attempt recorded (older rows) and nothing spooled
        return "terminal.provider_rejected" if _rejected(error) \
            else "recoverable.never_dispatched"
    if _rejected(error):
        return "terminal.provider_rejected"
    return "ambiguous.remote_maybe_accepted"


def _action(job_id: str, action: ActionId, **fields: Any) -> RecoveryAction:
    labels = {
        "continue_save": "Finish saving",
        "fill_missing": "Generate the missing images",
        "reupload": "Upload again",
        "resubmit": "Generate again",
        "discard": "Dismiss",
    }
    fields.setdefault("label", labels[action])
    return RecoveryAction(id=action, endpoint=f"/jobs/{job_id}/resume", **fields)


def describe(job: Job, ev: Evidence, *, can_resubmit: bool) -> RecoveryDescriptor:
    """The descriptor of §11.3: class, recommended action and alternatives."""
    klass = classify(job, ev)
    meta = job.metadata or {}
    resubmit: RecoveryAction | None = None
    if can_resubmit:
        warning = "Sends a new request to the provider; it is billed again."
        if klass == "ambiguous.remote_maybe_accepted":
            warning = ("The provider may already have accepted (and billed) the original "
                       "request; generating again is a new, billed request.")
        if isinstance(meta.get("resubmitted_as"), str):
            warning += f" Already resubmitted as {meta['resubmitted_as']}."
        resubmit = _action(job.id, "resubmit", billable=True, warning=warning)
    local = job.command in RECOVERABLE_COMMANDS
    primary: RecoveryAction | None = None
    secondary: list[RecoveryAction] = []
    if klass == "recoverable.local_response_cached" and local:
        primary = _action(
            job.id, "continue_save", billable=False,
            explanation="The provider's complete answer is saved on this server; the images "
                        "are decoded from it without a new request.")
    elif klass == "recoverable.partial_outputs" and local:
        missing = max(1, ev.public.outputs_expected - len(ev.cached_slots)) if ev.batch \
            else max(1, ev.public.outputs_expected - ev.public.outputs_present)
        primary = _action(
            job.id, "fill_missing", billable=True, count=missing,
            label=f"Generate the {missing} missing image{'s' if missing != 1 else ''}",
            warning=f"Sends {missing} new request{'s' if missing != 1 else ''} to the "
                    "provider (billed); saved answers are reused for free.")
    elif klass in ("recoverable.never_dispatched", "ambiguous.remote_maybe_accepted"):
        primary, resubmit = resubmit, None
        if klass == "recoverable.never_dispatched" and primary is not None:
            primary = primary.model_copy(update={
                "explanation": "The request never reached the provider."})
    if resubmit is not None and klass in (
        "recoverable.local_response_cached", "recoverable.partial_outputs",
        "terminal.local_recovery_unavailable", "terminal.user_cancelled",
    ):
        secondary.append(resubmit)
    return RecoveryDescriptor(
        job_id=job.id, status=job.status, recoverability=klass, primary_action=primary,
        secondary_actions=secondary, evidence=ev.public,
        discarded_at=str(meta["discarded_at"]) if meta.get("discarded_at") else None,
    )


def decode_spool(raw: bytes) -> tuple[list[bytes], dict[str, Any]]:
    """Images and a response summary from a spooled answer: an OpenAI Images API body,
    or the Responses API object a Codex stream was spooled as.

    Pure: never contacts anyone. A body that only holds image URLs cannot be
    finished locally (``not_recoverable``).
    """
    try:
        payload = json.loads(raw)
    except ValueError as exc:
        raise AppError("invalid_json_response", "The saved response is not valid JSON.",
                       {"error": str(exc)}) from exc
    if not isinstance(payload, dict):
        raise AppError("invalid_json_response", "The saved response is not a JSON object.")
    if isinstance(payload.get("output"), list):
        return _decode_responses(payload)
    items = [i for i in payload.get("data") or [] if isinstance(i, dict)] \
        if isinstance(payload.get("data"), list) else []
    images = [decode_b64_image(i["b64_json"]) for i in items if isinstance(i.get("b64_json"), str)]
    if not images:
        if any(isinstance(i.get("url"), str) for i in items):
            raise AppError("not_recoverable",
                           "The saved response only links to the images; resubmit instead.")
        raise AppError("missing_image_result", "The saved response holds no image.")
    revised = [i["revised_prompt"] for i in items if isinstance(i.get("revised_prompt"), str)]
    summary = {key: payload.get(key)
               for key in ("created", "background", "output_format", "quality", "size", "usage")}
    summary.update(revised_prompts=revised, image_count=len(images))
    return images, summary


def _decode_responses(payload: dict[str, Any]) -> tuple[list[bytes], dict[str, Any]]:
    """A spooled Codex answer (``CodexOutcome.spool_body``): the summary a live run
    records (``CodexOutcome.summary``)."""
    items = [i for i in payload["output"] if isinstance(i, dict)
             and i.get("type") == "image_generation_call" and isinstance(i.get("result"), str)]
    if not items:
        raise AppError("missing_image_result", "The saved response holds no image.")
    images = [decode_b64_image(i["result"]) for i in items]
    summary = {key: payload.get(key) for key in ("model", "service_tier", "status")}
    summary.update(
        response_id=payload.get("id"), image_count=len(images),
        item_ids=[i.get("id") for i in items],
        revised_prompts=[i["revised_prompt"] for i in items
                         if isinstance(i.get("revised_prompt"), str)],
    )
    return images, summary
