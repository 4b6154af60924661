"""History repository: jobs, their events and upload records.

Every method is one short transaction: a synchronous function of a connection
handed to :meth:`Database.write` / :meth:`Database.read` (see db/engine.py:
short ones run on the event loop, page queries over the whole history in a
thread). :meth:`HistoryRepository.append_event` numbers one event inside the
insert (``max(seq)+1``); :meth:`HistoryRepository.append_events` stores a batch
of events the event bus already numbered (jobs/bus.py).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Connection,
    Update,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)

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


# Statements built once (building one costs ~4x executing it through the cache).
_JOB_BY_ID = select(jobs).where(jobs.c.id == bindparam("job_id"))
_LIVE_JOB_BY_ID = _JOB_BY_ID.where(jobs.c.deleted_at.is_(None))
_UPLOADS = select(output_uploads).where(output_uploads.c.job_id == bindparam("job_id"))
_INSERT_JOB = insert(jobs)
_INSERT_EVENTS = insert(job_events)
_LIVE_IDS = select(jobs.c.id).where(jobs.c.id.in_(bindparam("ids", expanding=True)))
_EVENTS_AFTER = (
    select(job_events)
    .where(job_events.c.job_id == bindparam("job_id"), job_events.c.seq > bindparam("after"))
    .order_by(job_events.c.seq)
)
_LAST_SEQ = select(func.coalesce(func.max(job_events.c.seq), 0)).where(
    job_events.c.job_id == bindparam("job_id"))
_APPEND_EVENT = (
    insert(job_events)
    .values(
        job_id=bindparam("e_job_id"),
        seq=select(func.coalesce(func.max(job_events.c.seq), 0) + 1)
        .where(job_events.c.job_id == bindparam("e_job_id"))
        .scalar_subquery(),
        kind=bindparam("e_kind"),
        event_type=bindparam("e_event_type"),
        data=bindparam("e_data"),
        created_at=bindparam("e_created_at"),
    )
    .returning(job_events.c.seq)
)


@functools.cache
def _update_stmt(columns: tuple[str, ...], compare_status: bool) -> Update:
    """``UPDATE jobs SET <columns> WHERE id = :w_id [AND status IN :w_statuses]``."""
    stmt = update(jobs).where(jobs.c.id == bindparam("w_id"))
    if compare_status:
        stmt = stmt.where(jobs.c.status.in_(bindparam("w_statuses", expanding=True)))
    return stmt.values({c: bindparam(f"v_{c}") for c in columns})


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class HistoryRepository:
    def __init__(self, db: Database) -> None:
        self.db = db
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
        new: bool = False,
    ) -> JobRow:
        """Insert or update a job row; returns it as stored (read in the same transaction).

        ``new``: the id was never used (just made for a new job): one insert and its index
        entry, no update attempt and no read back (an existing row fails the insert)."""
        stored = _dumps(metadata)
        values = {"command": command, "provider": provider, "status": status,
                  "output_path": output_path, "metadata": stored}
        reindex = self.search

        def run(conn: Connection) -> JobRow | None:
            inserted = new
            if not new:
                result = conn.execute(_update_stmt(tuple(values), False),
                                      {"w_id": job_id, **{f"v_{k}": v for k, v in values.items()}})
                inserted = result.rowcount == 0
            if inserted:
                conn.execute(_INSERT_JOB, {"id": job_id, "created_at": created_at, **values})
            if reindex:
                search.reindex_job(conn, job_id)
            return None if new else _read_job(conn, job_id, include_deleted=True)

        row = await self.db.write(run)
        if row is None:  # new: the row is exactly what was inserted
            row = JobRow(id=job_id, created_at=created_at, metadata=json.loads(stored),
                         command=command, provider=provider, status=status,
                         output_path=output_path)
        return row

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
        run = self._updater(job_id, status=status, provider=provider, output_path=output_path,
                            metadata=metadata, only_if_status=only_if_status)
        return await self.db.write(lambda conn: run(conn) is not None)

    async def update_job_row(
        self,
        job_id: str,
        *,
        status: str | None = None,
        provider: str | None = None,
        output_path: str | None = None,
        metadata: dict[str, Any] | None = None,
        only_if_status: Iterable[str] | None = None,
    ) -> JobRow | None:
        """:meth:`update_job`, returning the updated row (None: nothing was updated)."""
        run = self._updater(job_id, status=status, provider=provider, output_path=output_path,
                            metadata=metadata, only_if_status=only_if_status)
        return await self.db.write(run)

    async def claim_job(
        self,
        job_id: str,
        prepare: Callable[[dict[str, Any]], dict[str, Any]],
        *,
        from_status: Iterable[str] = ("queued",),
        to_status: str = "running",
    ) -> JobRow | None:
        """Compare-and-set a job from ``from_status`` to ``to_status`` with its metadata
        replaced by ``prepare(metadata)``, in one transaction; returns the claimed row, or
        None when the job is gone, has no metadata or is not in ``from_status``."""
        allowed = list(from_status)

        def run(conn: Connection) -> JobRow | None:
            row = _read_job(conn, job_id, include_deleted=False, uploads=False)
            if row is None or row.metadata is None or row.status not in allowed:
                return None
            meta = prepare(dict(row.metadata))
            update = self._update_fn(job_id, status=to_status, metadata=meta,
                                     only_if_status=allowed)
            if not update(conn):
                return None
            # The row as stored: the one just read with the new values (same transaction).
            row.status, row.metadata = to_status, json.loads(_dumps(meta))
            return row

        return await self.db.write(run)

    def _updater(
        self,
        job_id: str,
        *,
        status: str | None = None,
        provider: str | None = None,
        output_path: str | None = None,
        metadata: dict[str, Any] | None = None,
        only_if_status: Iterable[str] | None = None,
    ) -> Callable[[Connection], JobRow | None]:
        """The update as a function of a connection: the row as stored afterwards, or
        None when no row matched."""
        apply = self._update_fn(job_id, status=status, provider=provider,
                                output_path=output_path, metadata=metadata,
                                only_if_status=only_if_status)

        def run(conn: Connection) -> JobRow | None:
            return _read_job(conn, job_id, include_deleted=True) if apply(conn) else None

        return run

    def _update_fn(
        self,
        job_id: str,
        *,
        status: str | None = None,
        provider: str | None = None,
        output_path: str | None = None,
        metadata: dict[str, Any] | None = None,
        only_if_status: Iterable[str] | None = None,
    ) -> Callable[[Connection], bool]:
        """The update (and its index entry) as a function of a connection: did a row match?"""
        values: dict[str, Any] = {}
        if status is not None:
            values["status"] = status
        if provider is not None:
            values["provider"] = provider
        if output_path is not None:
            values["output_path"] = output_path
        if metadata is not None:
            values["metadata"] = _dumps(metadata)
        stmt = _update_stmt(tuple(values), only_if_status is not None)
        params = {"w_id": job_id, **{f"v_{k}": v for k, v in values.items()}}
        if only_if_status is not None:
            params["w_statuses"] = list(only_if_status)
        reindex = self.search and ("metadata" in values or "status" in values)

        def apply(conn: Connection) -> bool:
            if not conn.execute(stmt, params).rowcount:
                return False
            if reindex:
                search.reindex_job(conn, job_id)
            return True

        return apply

    async def get_job(self, job_id: str, *, include_deleted: bool = False) -> JobRow | None:
        return await self.db.read(
            lambda conn: _read_job(conn, job_id, include_deleted=include_deleted))

    async def list_jobs(
        self,
        *,
        limit: int = 100,
        cursor: str | None = None,
        status: str | None = None,
        query: str | None = None,
        include_deleted: bool = False,
        provider: str | None = None,
        command: str | Sequence[str] | None = None,
    ) -> JobPage:
        """One page, newest first; ``provider`` matches exactly, ``command`` is one exact
        command or a list of them (any of)."""
        limit = max(1, min(200, limit))
        filters: list[Any] = []  # everything but the deleted and search conditions
        statuses = status_group(status)
        if statuses:
            filters.append(jobs.c.status.in_(statuses))
        if provider:
            filters.append(jobs.c.provider == provider)
        commands = [command] if isinstance(command, str) else [c for c in command or () if c]
        if len(commands) == 1:
            filters.append(jobs.c.command == commands[0])
        elif commands:
            filters.append(jobs.c.command.in_(commands))
        conds = list(filters)
        if not include_deleted:
            conds.append(jobs.c.deleted_at.is_(None))
        after: tuple[str, str] | None = None
        if cursor and "|" in cursor:
            created, _, last_id = cursor.partition("|")
            after = (created, last_id)
        term = (query or "").strip().lower()
        match = search.fts_query(term) if term and self.search else None
        if match is not None:
            fts = match

            def run_search(conn: Connection, fresh: bool) -> tuple[list[JobRow], int] | None:
                if not fresh and search.behind(conn):
                    return None  # another program added rows: index them first
                total = search.count_matches(conn, fts, filters,
                                             exclude_deleted=not include_deleted)
                rowids = search.page_rowids(conn, fts, conds, limit + 1, matches=total,
                                            older_than=after)
                return _rows_by_rowid(conn, rowids), total

            # A page can take milliseconds at 100,000 rows: in a thread, off the loop.
            found = await self.db.read(lambda conn: run_search(conn, False), offload=True)
            if found is None:
                await self.db.write(search.catch_up, offload=True)
                found = await self.db.read(lambda conn: run_search(conn, True), offload=True)
            assert found is not None
            rows, total = found
        else:
            if term:
                # SQLite's LIKE folds ASCII case itself; lower() would only cost a second pass.
                pattern = f"%{_escape_like(term)}%"
                like = or_(*(col.like(pattern, escape="\\")
                             for col in (jobs.c.id, jobs.c.command, jobs.c.provider,
                                         jobs.c.metadata)))
                filters.append(like)
                conds.append(like)
            page_conds = list(conds)
            if after is not None:
                page_conds.append(or_(
                    jobs.c.created_at < after[0],
                    and_(jobs.c.created_at == after[0], jobs.c.id < after[1]),
                ))
            stmt = (select(jobs).order_by(jobs.c.created_at.desc(), jobs.c.id.desc())
                    .limit(limit + 1))
            if page_conds:
                stmt = stmt.where(and_(*page_conds))

            def run(conn: Connection) -> tuple[list[JobRow], int]:
                page = [JobRow.from_mapping(r) for r in conn.execute(stmt)]
                return page, _count(conn, filters, exclude_deleted=not include_deleted)

            rows, total = await self.db.read(run, offload=True)
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
        return await self.db.read(
            lambda conn: [JobRow.from_mapping(r) for r in conn.execute(stmt)], offload=True)

    async def interrupted_jobs(self) -> list[JobRow]:
        """Every non-deleted ``failed`` row whose metadata names an ``interrupted_reason``,
        newest first (the JSON test is repeated by the caller; this is the cheap filter)."""
        stmt = (
            select(jobs)
            .where(jobs.c.status == "failed", jobs.c.deleted_at.is_(None),
                   jobs.c.metadata.like('%"interrupted\\_reason"%', escape="\\"))
            .order_by(jobs.c.created_at.desc(), jobs.c.id.desc())
        )
        return await self.db.read(
            lambda conn: [JobRow.from_mapping(r) for r in conn.execute(stmt)], offload=True)

    async def delete_job(self, job_id: str) -> int:
        unindex = self.search

        def run(conn: Connection) -> int:
            if unindex:
                search.unindex_job(conn, job_id)
            conn.execute(delete(job_events).where(job_events.c.job_id == job_id))
            conn.execute(delete(output_uploads).where(output_uploads.c.job_id == job_id))
            return int(conn.execute(delete(jobs).where(jobs.c.id == job_id)).rowcount or 0)

        return await self.db.write(run)

    # -- events -----------------------------------------------------------
    async def append_event(
        self, job_id: str, kind: str, event_type: str, data: dict[str, Any]
    ) -> EventRow:
        """Store one event numbered ``max(seq)+1`` inside the insert."""
        created = epoch_seconds()
        params = {"e_job_id": job_id, "e_kind": kind, "e_event_type": event_type,
                  "e_data": _dumps(data), "e_created_at": created}
        seq = await self.db.write(
            lambda conn: int(conn.execute(_APPEND_EVENT, params).scalar_one()))
        return EventRow(job_id, seq, kind, event_type, data, created)

    async def last_event_seq(self, job_id: str) -> int:
        """The job's highest event ``seq`` (0: no events)."""
        return await self.db.read(
            lambda conn: int(conn.execute(_LAST_SEQ, {"job_id": job_id}).scalar_one()))

    async def append_events(self, events: Sequence[EventRow]) -> None:
        """Store already-numbered events in one transaction. Events of jobs that no
        longer exist (deleted meanwhile) are dropped; a duplicate ``(job_id, seq)``
        fails the whole batch."""
        if not events:
            return
        ids = sorted({e.job_id for e in events})
        params = [
            {"job_id": e.job_id, "seq": e.seq, "kind": e.kind, "event_type": e.type,
             "data": _dumps(e.data), "created_at": e.created_at}
            for e in events
        ]

        def run(conn: Connection) -> None:
            alive = {r[0] for r in conn.execute(_LIVE_IDS, {"ids": ids})}
            rows = [p for p in params if p["job_id"] in alive]
            if rows:
                conn.execute(_INSERT_EVENTS, rows)

        await self.db.write(run)

    async def events_after(self, job_id: str, after_seq: int = 0) -> list[EventRow]:
        def run(conn: Connection) -> list[EventRow]:
            out = []
            for r in conn.execute(_EVENTS_AFTER, {"job_id": job_id, "after": after_seq}):
                try:
                    data = json.loads(r.data)
                except ValueError:
                    data = {}
                out.append(
                    EventRow(r.job_id, r.seq, r.kind, r.event_type, data or {}, r.created_at)
                )
            return out

        return await self.db.read(run)


def _read_job(conn: Connection, job_id: str, *, include_deleted: bool,
              uploads: bool = True) -> JobRow | None:
    """One job row with its upload records (``uploads``), or None."""
    stmt = _JOB_BY_ID if include_deleted else _LIVE_JOB_BY_ID
    row = conn.execute(stmt, {"job_id": job_id}).first()
    if row is None:
        return None
    job = JobRow.from_mapping(row)
    if uploads:
        job.uploads = [dict(u._mapping) for u in conn.execute(_UPLOADS, {"job_id": job_id})]
    return job


def _rows_by_rowid(conn: Connection, rowids: list[int]) -> list[JobRow]:
    """The rows with these rowids, in the order given."""
    if not rowids:
        return []
    fetched = {int(r[0]): r for r in conn.execute(
        select(search.jobs_rowid, jobs).where(search.jobs_rowid.in_(rowids)))}
    return [JobRow.from_mapping(fetched[r]) for r in rowids if r in fetched]


def _count(conn: Connection, filters: list[Any], *, exclude_deleted: bool) -> int:
    """Rows satisfying ``filters`` (and not deleted). Without filters this is the
    b-tree's own row count minus the (normally zero) deleted rows: no scan."""
    if filters:
        conds = [*filters, jobs.c.deleted_at.is_(None)] if exclude_deleted else filters
        return int(conn.execute(select(func.count()).select_from(jobs).where(*conds))
                   .scalar_one())
    total = int(conn.execute(select(func.count()).select_from(jobs)).scalar_one())
    if exclude_deleted:
        total -= int(conn.execute(select(func.count()).select_from(jobs)
                                  .where(jobs.c.deleted_at.is_not(None))).scalar_one())
    return total
