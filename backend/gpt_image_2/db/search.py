"""A trigram full-text index over the searchable parts of each history row.

``jobs_search`` is an FTS5 table (``tokenize='trigram'``) keyed by the rowid of
``jobs``. It holds id, command, provider and the prompt/size/quality/format of
the metadata, so substring search over 100,000 rows stays in the millisecond
range where a ``LIKE`` scan of the raw JSON takes ~100 ms. No triggers are
installed (the reference CLI must be able to write the file with any SQLite);
we index rows ourselves on every write and catch up on rows written by other
programs before searching. Terms shorter than three characters, or an SQLite
without FTS5, fall back to ``LIKE``.

A page of matches, newest first, is found one of two ways (:func:`page_rowids`):

* few matches: join them to ``jobs`` and sort (cost grows with the matches);
* many matches: walk the index newest rowid first (FTS5 gives rowid order for
  free) and stop after a page. Rowid order is insertion order, which is
  ``created_at`` order for rows this service writes; a cheap check on the
  ``created_at`` index proves that no older-rowid row could sort into the page,
  and when the check fails (rows imported out of order) the sort is used.

Either way the page is exactly the ``ORDER BY created_at DESC, id DESC`` page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, literal_column, select, table, text, tuple_
from sqlalchemy.sql.expression import ColumnClause

from .tables import jobs

__all__ = [
    "BODY_SQL",
    "behind",
    "catch_up",
    "count_matches",
    "create_index",
    "fts_query",
    "jobs_rowid",
    "page_rowids",
    "reindex_job",
    "unindex_job",
]

BODY_SQL = (
    "id || ' ' || command || ' ' || provider || ' ' || status || ' ' || "
    "coalesce(json_extract(metadata, '$.prompt'), '') || ' ' || "
    "coalesce(json_extract(metadata, '$.size'), '') || ' ' || "
    "coalesce(json_extract(metadata, '$.quality'), '') || ' ' || "
    "coalesce(json_extract(metadata, '$.format'), '')"
)
# json_extract raises on malformed JSON; such rows are indexed by their columns only.
_SAFE_BODY_SQL = f"CASE WHEN json_valid(metadata) THEN {BODY_SQL} ELSE id || ' ' || command END"

_fts = table("jobs_search", literal_column("rowid"))
_fts_rowid: ColumnClause[Any] = literal_column("jobs_search.rowid")
jobs_rowid: ColumnClause[Any] = literal_column("jobs.rowid")
"""``jobs.rowid`` as a column expression (the key of the index rows)."""


def create_index(sync_conn: Any) -> bool:
    """Create (and on first use fill) the index; False when FTS5 is unavailable."""
    try:
        sync_conn.execute(text(
            "CREATE VIRTUAL TABLE IF NOT EXISTS jobs_search USING fts5(body, tokenize='trigram')"
        ))
    except Exception:  # SQLite built without FTS5 or trigram: LIKE fallback
        return False
    jobs_count = sync_conn.execute(text("SELECT count(*) FROM jobs")).scalar_one()
    indexed = sync_conn.execute(text("SELECT count(*) FROM jobs_search")).scalar_one()
    if jobs_count != indexed:  # rows written or deleted by another program: rebuild
        sync_conn.execute(text("DELETE FROM jobs_search"))
        sync_conn.execute(text(
            f"INSERT INTO jobs_search(rowid, body) SELECT rowid, {_SAFE_BODY_SQL} FROM jobs"
        ))
    return True


_BEHIND = text(
    "SELECT coalesce((SELECT max(rowid) FROM jobs), 0) > "
    "coalesce((SELECT rowid FROM jobs_search ORDER BY rowid DESC LIMIT 1), 0)")


def behind(sync_conn: Any) -> bool:
    """True when ``jobs`` has rows newer than the last indexed one (another writer)."""
    return bool(sync_conn.execute(_BEHIND).scalar())


def catch_up(sync_conn: Any) -> None:
    """Index rows appended by other writers since the last indexed rowid."""
    last = sync_conn.execute(
        text("SELECT rowid FROM jobs_search ORDER BY rowid DESC LIMIT 1")
    ).scalar()
    sync_conn.execute(
        text(f"INSERT INTO jobs_search(rowid, body) SELECT rowid, {_SAFE_BODY_SQL} FROM jobs "
             "WHERE rowid > :last"),
        {"last": last or 0},
    )


_REINDEX = text(  # FTS5 replaces the row's old index entries itself
    f"INSERT OR REPLACE INTO jobs_search(rowid, body) SELECT rowid, {_SAFE_BODY_SQL} "
    "FROM jobs WHERE id = :id")
_UNINDEX = text(
    "DELETE FROM jobs_search WHERE rowid IN (SELECT rowid FROM jobs WHERE id = :id)")


def reindex_job(sync_conn: Any, job_id: str) -> None:
    sync_conn.execute(_REINDEX, {"id": job_id})


def unindex_job(sync_conn: Any, job_id: str) -> None:
    sync_conn.execute(_UNINDEX, {"id": job_id})


def fts_query(term: str) -> str | None:
    """An FTS5 phrase query matching ``term`` as a substring, or None to use LIKE."""
    if len(term) < 3:
        return None
    return '"' + term.replace('"', '""') + '"'


def _matches(match: str) -> Any:
    return literal_column("jobs_search").op("MATCH")(match)


def count_matches(sync_conn: Any, match: str, filters: Sequence[Any], *,
                  exclude_deleted: bool) -> int:
    """How many ``jobs`` rows match, satisfy ``filters`` and (with ``exclude_deleted``)
    are not deleted.

    Without filters the count comes from the index alone, minus the matching
    deleted rows when there are any; otherwise the matches drive a join (never a
    scan of ``jobs``).
    """
    if filters:
        conds = [*filters, jobs.c.deleted_at.is_(None)] if exclude_deleted else filters
        return _join_count(sync_conn, match, conds)
    total = int(sync_conn.execute(
        select(func.count()).select_from(_fts).where(_matches(match))).scalar_one())
    if exclude_deleted and sync_conn.execute(
            select(jobs.c.id).where(jobs.c.deleted_at.is_not(None)).limit(1)).first():
        total -= _join_count(sync_conn, match, [jobs.c.deleted_at.is_not(None)])
    return total


def _join_count(sync_conn: Any, match: str, conds: Sequence[Any]) -> int:
    stmt = (select(func.count()).select_from(_fts.join(jobs, jobs_rowid == _fts_rowid))
            .where(_matches(match), *conds))
    return int(sync_conn.execute(stmt).scalar_one())


def page_rowids(sync_conn: Any, match: str, conds: Sequence[Any], want: int, *,
                matches: int, older_than: tuple[str, str] | None = None) -> list[int]:
    """Rowids of the first ``want`` matching rows satisfying ``conds``, in
    ``created_at DESC, id DESC`` order. ``matches`` is how many rows qualify without
    the cursor (the cost model); ``older_than`` is the page cursor ``(created_at, id)``.
    """
    if older_than is not None:
        conds = [*conds, tuple_(jobs.c.created_at, jobs.c.id) < tuple_(*older_than)]
    if matches > 0:
        rows_total = sync_conn.execute(
            select(func.max(jobs_rowid)).select_from(jobs)).scalar() or 0
        # Sorting costs ~matches; the rowid walk ~want * rows/matches (the rows
        # newer than the page's last one, in the created_at index) when the matches
        # are spread evenly. The walk gives up once it sees that is not so.
        if matches * matches > want * rows_total:
            found = _walk(sync_conn, match, conds, want, older_than, budget=matches)
            if found is not None:
                return found
    stmt = (select(jobs_rowid).select_from(_fts.join(jobs, jobs_rowid == _fts_rowid))
            .where(_matches(match), *conds)
            .order_by(jobs.c.created_at.desc(), jobs.c.id.desc()).limit(want))
    return [int(r[0]) for r in sync_conn.execute(stmt)]


def _walk(sync_conn: Any, match: str, conds: Sequence[Any], want: int,
          older_than: tuple[str, str] | None, budget: int) -> list[int] | None:
    """The rowid walk; None when it cannot prove its page cheaply (a row out of
    rowid order could belong to it, or proving it would cost more than ``budget``
    index rows): the caller sorts instead."""
    found: list[tuple[str, str, int]] = []
    before: int | None = None
    chunk = max(64, want * 2)
    exhausted = False
    while len(found) < want and not exhausted:
        # The matches drive the join (each one a rowid lookup in ``jobs``), newest
        # rowid first; the conditions filter the rows they find.
        step = (select(jobs.c.created_at, jobs.c.id, _fts_rowid)
                .select_from(_fts.join(jobs, jobs_rowid == _fts_rowid))
                .where(_matches(match), *conds))
        if before is not None:
            step = step.where(_fts_rowid < before)
        rows = [(r[0], r[1], int(r[2])) for r in sync_conn.execute(
            step.order_by(_fts_rowid.desc()).limit(chunk))]
        exhausted = len(rows) < chunk
        if rows:
            before = rows[-1][2]
            found += rows
        chunk = min(chunk * 4, 4096)
    found.sort(key=lambda r: (r[0], r[1]), reverse=True)
    found = found[:want]
    if exhausted:
        return [r[2] for r in found]  # every match was seen
    # Every qualifying match with rowid >= ``before`` was seen; the page is exact
    # unless an unseen row (rowid < ``before``) sorts above the page's last row.
    # Finding one scans the index rows newer than that last row: roughly the rows
    # inserted after ``before`` when rowid order is insertion order.
    rows_total = sync_conn.execute(select(func.max(jobs_rowid)).select_from(jobs)).scalar() or 0
    assert before is not None
    if rows_total - before > budget:
        return None
    last = found[-1]
    check = select(jobs_rowid).where(
        tuple_(jobs.c.created_at, jobs.c.id) > tuple_(last[0], last[1]), jobs_rowid < before)
    if older_than is not None:
        check = check.where(tuple_(jobs.c.created_at, jobs.c.id) < tuple_(*older_than))
    if sync_conn.execute(check.limit(1)).first() is not None:
        return None
    return [r[2] for r in found]
