"""History repository: jobs, their events and upload records.

All writes are single short transactions. Event sequence numbers are assigned
inside the insert (``max(seq)+1``), so two writers never collide and every
job's events stay gap-free and monotonic.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select, text, update

from ..fsutil import epoch_seconds
from . import search
from .engine import Database
from .tables import job_events, jobs, output_uploads

__all__ = ["EventRow", "HistoryRepository", "JobPage", "JobRow", "status_group"]

_STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    "active": ("queued", "running", "uploading"),
    "running": ("queued", "running", "uploading"),
    "completed": ("completed", "partial_failed"),
    "failed": ("failed", "partial_failed", "cancelled", "canceled"),
    "queued": ("queued",),
    "cancelled": ("cancelled", "canceled"),
    "canceled": ("cancelled", "canceled"),
}


def status_group(name: str | None) -> tuple[str, ...] | None:
    """Statuses matched by a history ``status`` filter; None means no filter."""
    if not name:
        return None
    return _STATUS_GROUPS.get(name.strip().lower())


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass
class JobRow:
    id: str
    command: str
    provider: str
    status: str
    output_path: str | None
    created_at: str
    metadata: dict[str, Any] | None
    deleted_at: str | None = None
    uploads: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_mapping(cls, row: Any) -> JobRow:
        try:
            meta = json.loads(row.metadata)
            if not isinstance(meta, dict):
                meta = None
        except (TypeError, ValueError):
            meta = None
        return cls(
            id=row.id,
            command=row.command,
            provider=row.provider,
            status=row.status,
            output_path=row.output_path,
            created_at=row.created_at,
            metadata=meta,
            deleted_at=row.deleted_at,
        )


@dataclass
class EventRow:
    job_id: str
    seq: int
    kind: str
    type: str
    data: dict[str, Any]
    created_at: str


@dataclass
class JobPage:
    jobs: list[JobRow]
    next_cursor: str | None
    has_more: bool
    total: int


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class HistoryRepository:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.writer = db.writer
        self.reader = db.reader
        self.search = db.search

    # -- jobs -------------------------------------------------------------
    async def upsert_job(
        self,
        *,
        job_id: str,
        command: str,
        provider: str,
        status: str,
        output_path: str | None,
        created_at: str,
        metadata: dict[str, Any],
    ) -> None:
        values = {
            "command": command,
            "provider": provider,
            "status": status,
            "output_path": output_path,
            "metadata": _dumps(metadata),
        }
        async with self.writer.begin() as conn:
            result = await conn.execute(update(jobs).where(jobs.c.id == job_id).values(**values))
            if result.rowcount == 0:
                await conn.execute(
                    insert(jobs).values(id=job_id, created_at=created_at, **values)
                )
            if self.search:
                await conn.run_sync(search.reindex_job, job_id)

    async def update_job(
        self,
        job_id: str,
        *,
        status: str | None = None,
        provider: str | None = None,
        output_path: str | None = None,
        metadata: dict[str, Any] | None = None,
        only_if_status: Iterable[str] | None = None,
    ) -> bool:
        """Update selected columns; with ``only_if_status`` it is a compare-and-set."""
        values: dict[str, Any] = {}
        if status is not None:
            values["status"] = status
        if provider is not None:
            values["provider"] = provider
        if output_path is not None:
            values["output_path"] = output_path
        if metadata is not None:
            values["metadata"] = _dumps(metadata)
        stmt = update(jobs).where(jobs.c.id == job_id)
        if only_if_status is not None:
            stmt = stmt.where(jobs.c.status.in_(list(only_if_status)))
        reindex = self.search and ("metadata" in values or "status" in values)
        async with self.writer.begin() as conn:
            result = await conn.execute(stmt.values(**values))
            if reindex and result.rowcount:
                await conn.run_sync(search.reindex_job, job_id)
        return bool(result.rowcount)

    async def get_job(self, job_id: str, *, include_deleted: bool = False) -> JobRow | None:
        stmt = select(jobs).where(jobs.c.id == job_id)
        if not include_deleted:
            stmt = stmt.where(jobs.c.deleted_at.is_(None))
        async with self.reader.connect() as conn:
            row = (await conn.execute(stmt)).first()
            if row is None:
                return None
            job = JobRow.from_mapping(row)
            uploads = await conn.execute(
                select(output_uploads).where(output_uploads.c.job_id == job_id)
            )
            job.uploads = [dict(u._mapping) for u in uploads]
        return job

    async def list_jobs(
        self,
        *,
        limit: int = 100,
        cursor: str | None = None,
        status: str | None = None,
        query: str | None = None,
        include_deleted: bool = False,
    ) -> JobPage:
        limit = max(1, min(200, limit))
        conds: list[Any] = []
        if not include_deleted:
            conds.append(jobs.c.deleted_at.is_(None))
        statuses = status_group(status)
        if statuses:
            conds.append(jobs.c.status.in_(statuses))
        term = (query or "").strip().lower()
        match = search.fts_query(term) if term and self.search else None
        if match is not None:
            async with self.writer.begin() as conn:
                await conn.run_sync(search.catch_up)
            conds.append(text(
                "jobs.rowid IN (SELECT rowid FROM jobs_search WHERE jobs_search MATCH :match)"
            ).bindparams(match=match))
        elif term:
            # SQLite's LIKE folds ASCII case itself; lower() would only cost a second pass.
            pattern = f"%{_escape_like(term)}%"
            conds.append(
                or_(
                    *(
                        col.like(pattern, escape="\\")
                        for col in (jobs.c.id, jobs.c.command, jobs.c.provider, jobs.c.metadata)
                    )
                )
            )
        base = and_(*conds) if conds else None
        page_conds = list(conds)
        if cursor and "|" in cursor:
            created, _, last_id = cursor.partition("|")
            page_conds.append(
                or_(
                    jobs.c.created_at < created,
                    and_(jobs.c.created_at == created, jobs.c.id < last_id),
                )
            )
        stmt = select(jobs).order_by(jobs.c.created_at.desc(), jobs.c.id.desc()).limit(limit + 1)
        if page_conds:
            stmt = stmt.where(and_(*page_conds))
        count = select(func.count()).select_from(jobs)
        if base is not None:
            count = count.where(base)
        async with self.reader.connect() as conn:
            rows = [JobRow.from_mapping(r) for r in (await conn.execute(stmt))]
            total = int((await conn.execute(count)).scalar_one())
        has_more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = f"{rows[-1].created_at}|{rows[-1].id}" if has_more and rows else None
        return JobPage(jobs=rows, next_cursor=next_cursor, has_more=has_more, total=total)

    async def jobs_with_status(self, statuses: Iterable[str]) -> list[JobRow]:
        stmt = (
            select(jobs)
            .where(jobs.c.status.in_(list(statuses)), jobs.c.deleted_at.is_(None))
            .order_by(jobs.c.created_at, jobs.c.id)
        )
        async with self.reader.connect() as conn:
            return [JobRow.from_mapping(r) for r in await conn.execute(stmt)]

    async def delete_job(self, job_id: str) -> int:
        async with self.writer.begin() as conn:
            if self.search:
                await conn.run_sync(search.unindex_job, job_id)
            await conn.execute(delete(job_events).where(job_events.c.job_id == job_id))
            await conn.execute(delete(output_uploads).where(output_uploads.c.job_id == job_id))
            result = await conn.execute(delete(jobs).where(jobs.c.id == job_id))
        return int(result.rowcount or 0)

    # -- events -----------------------------------------------------------
    async def append_event(
        self, job_id: str, kind: str, event_type: str, data: dict[str, Any]
    ) -> EventRow:
        created = epoch_seconds()
        next_seq = (
            select(func.coalesce(func.max(job_events.c.seq), 0) + 1)
            .where(job_events.c.job_id == job_id)
            .scalar_subquery()
        )
        stmt = (
            insert(job_events)
            .values(
                job_id=job_id,
                seq=next_seq,
                kind=kind,
                event_type=event_type,
                data=_dumps(data),
                created_at=created,
            )
            .returning(job_events.c.seq)
        )
        async with self.writer.begin() as conn:
            seq = int((await conn.execute(stmt)).scalar_one())
        return EventRow(job_id, seq, kind, event_type, data, created)

    async def events_after(self, job_id: str, after_seq: int = 0) -> list[EventRow]:
        stmt = (
            select(job_events)
            .where(job_events.c.job_id == job_id, job_events.c.seq > after_seq)
            .order_by(job_events.c.seq)
        )
        async with self.reader.connect() as conn:
            out = []
            for r in await conn.execute(stmt):
                try:
                    data = json.loads(r.data)
                except ValueError:
                    data = {}
                out.append(
                    EventRow(r.job_id, r.seq, r.kind, r.event_type, data or {}, r.created_at)
                )
        return out
