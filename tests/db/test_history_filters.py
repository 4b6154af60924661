"""The exact-match history filters (``?provider=``, ``?command=``) are index-backed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from gpt_image_2.db import HistoryRepository
from gpt_image_2.db.engine import open_database


async def test_existing_history_gains_the_filter_indexes(tmp_path: Path) -> None:
    db_file = tmp_path / "history.sqlite"
    con = sqlite3.connect(db_file)  # a file written before the indexes existed
    con.execute("CREATE TABLE jobs (id TEXT PRIMARY KEY, command TEXT NOT NULL, provider TEXT "
                "NOT NULL, status TEXT NOT NULL, output_path TEXT, created_at TEXT NOT NULL, "
                "metadata TEXT NOT NULL)")
    con.commit()
    con.close()
    db = await open_database(db_file)
    repo = HistoryRepository(db)
    for i in range(6):
        await repo.upsert_job(job_id=f"job-{i}", command="images edit" if i % 2 else
                              "images generate", provider="relay" if i < 3 else "openai",
                              status="completed", output_path=None, created_at=str(100 + i),
                              metadata={"prompt": str(i)})
    page = await repo.list_jobs(provider="relay", command="images edit")
    assert [j.id for j in page.jobs] == ["job-1"] and page.total == 1
    await db.dispose()

    con = sqlite3.connect(db_file)
    try:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert {"idx_jobs_provider_created_at_id", "idx_jobs_command_created_at_id",
                "idx_jobs_deleted_at_created_at"} <= names
        plan = " ".join(str(r) for r in con.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM jobs WHERE deleted_at IS NULL AND provider = ? "
            "ORDER BY created_at DESC, id DESC LIMIT 101", ("relay",)))
        assert "idx_jobs_provider_created_at_id" in plan
    finally:
        con.close()
