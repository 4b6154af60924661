"""A trigram full-text index over the searchable parts of each history row.

``jobs_search`` is an FTS5 table (``tokenize='trigram'``) keyed by the rowid of
``jobs``. It holds id, command, provider and the prompt/size/quality/format of
the metadata, so substring search over 100,000 rows stays in the millisecond
range where a ``LIKE`` scan of the raw JSON takes ~100 ms. No triggers are
installed (the reference CLI must be able to write the file with any SQLite);
we index rows ourselves on every write and catch up on rows written by other
programs before searching. Terms shorter than three characters, or an SQLite
without FTS5, fall back to ``LIKE``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

__all__ = [
    "BODY_SQL",
    "catch_up",
    "create_index",
    "fts_query",
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


def create_index(sync_conn: Any) -> bool:
    """Create (and on first use fill) the index; False when FTS5 is unavailable."""
    try:
        sync_conn.execute(text(
            "CREATE VIRTUAL TABLE IF NOT EXISTS jobs_search USING fts5(body, tokenize='trigram')"
        ))
    except Exception:  # SQLite built without FTS5 or trigram: LIKE fallback
        return False
    jobs = sync_conn.execute(text("SELECT count(*) FROM jobs")).scalar_one()
    indexed = sync_conn.execute(text("SELECT count(*) FROM jobs_search")).scalar_one()
    if jobs != indexed:  # rows written or deleted by another program: rebuild
        sync_conn.execute(text("DELETE FROM jobs_search"))
        sync_conn.execute(text(
            f"INSERT INTO jobs_search(rowid, body) SELECT rowid, {_SAFE_BODY_SQL} FROM jobs"
        ))
    return True


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


def reindex_job(sync_conn: Any, job_id: str) -> None:
    unindex_job(sync_conn, job_id)
    sync_conn.execute(
        text(f"INSERT INTO jobs_search(rowid, body) SELECT rowid, {_SAFE_BODY_SQL} FROM jobs "
             "WHERE id = :id"),
        {"id": job_id},
    )


def unindex_job(sync_conn: Any, job_id: str) -> None:
    sync_conn.execute(
        text("DELETE FROM jobs_search WHERE rowid IN (SELECT rowid FROM jobs WHERE id = :id)"),
        {"id": job_id},
    )


def fts_query(term: str) -> str | None:
    """An FTS5 phrase query matching ``term`` as a substring, or None to use LIKE."""
    if len(term) < 3:
        return None
    return '"' + term.replace('"', '""') + '"'
