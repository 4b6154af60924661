"""History search pages are exactly the ``created_at DESC, id DESC`` pages of the matches,
whichever way the index finds them (sort the matches, or walk rowids newest first)."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from gpt_image_2.db import HistoryRepository, open_database, search

WORDS = ["harbour", "lighthouse", "robot", "garden"]


def _insert(con: sqlite3.Connection, rowid: int, job_id: str, created: int, prompt: str,
            status: str = "completed", deleted: bool = False) -> None:
    con.execute(
        "INSERT INTO jobs (rowid, id, command, provider, status, output_path, created_at, "
        "metadata, deleted_at) VALUES (?, ?, 'images generate', 'openai', ?, NULL, ?, ?, ?)",
        (rowid, job_id, status, str(created), json.dumps({"prompt": prompt}),
         "1700000000" if deleted else None),
    )


def _expected(rows: list[tuple[str, int, str, str, bool]], term: str, status: str | None,
              ) -> list[str]:
    hits = [r for r in rows if term in r[2].lower() and not r[4]
            and (status is None or r[3] == status)]
    hits.sort(key=lambda r: (str(r[1]), r[0]), reverse=True)
    return [r[0] for r in hits]


async def _all_pages(repo: HistoryRepository, term: str, limit: int,
                     status: str | None) -> tuple[list[str], set[int]]:
    seen: list[str] = []
    totals: set[int] = set()
    cursor: str | None = None
    while True:
        page = await repo.list_jobs(limit=limit, cursor=cursor, query=term, status=status)
        seen += [j.id for j in page.jobs]
        totals.add(page.total)
        assert len(page.jobs) <= limit
        if not page.has_more:
            return seen, totals
        cursor = page.next_cursor


@pytest.mark.parametrize("scramble", [False, True])
async def test_search_pages_match_a_plain_sort(
    tmp_path: Path, scramble: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    walks: list[bool] = []  # each rowid walk: did it prove its page (else: sorted instead)
    real_walk = search._walk

    def spy(*args: Any, **kwargs: Any) -> list[int] | None:
        found = real_walk(*args, **kwargs)
        walks.append(found is not None)
        return found

    monkeypatch.setattr(search, "_walk", spy)
    rng = random.Random(7)
    db_file = tmp_path / "history.sqlite"
    db = await open_database(db_file)  # schema first
    await db.dispose()
    rows: list[tuple[str, int, str, str, bool]] = []
    con = sqlite3.connect(db_file)
    order = list(range(400))
    if scramble:  # rowid order unrelated to created_at (rows imported out of order)
        rng.shuffle(order)
    for rowid, i in enumerate(order, start=1):
        created = 1_700_000_000 + i // 3  # ties on created_at, broken by id
        prompt = f"a {WORDS[i % 4]} number {i}" + (" rare-thing" if i % 97 == 0 else "")
        status = "failed" if i % 5 == 0 else "completed"
        deleted = i % 31 == 0
        job_id = f"job-{rng.randrange(10**6):06d}-{i}"
        _insert(con, rowid, job_id, created, prompt, status, deleted)
        rows.append((job_id, created, prompt, status, deleted))
    # one newest row with the lowest key space: a walk by rowid alone would miss it
    con.execute("UPDATE jobs SET created_at = '1800000000' WHERE rowid = 1")
    rows[0] = (rows[0][0], 1_800_000_000, *rows[0][2:])
    con.commit()
    con.close()

    db = await open_database(db_file)
    repo = HistoryRepository(db)
    try:
        for term in ("harbour", "number 1", "rare-thing", "a ", "nothing-like-it", "robot n"):
            for status in (None, "failed"):
                for limit in (1, 7, 50):
                    seen, totals = await _all_pages(repo, term, limit, status)
                    want = _expected(rows, term, status)
                    assert seen == want, (term, status, limit)
                    assert totals == {len(want)}, (term, status, limit)
    finally:
        await db.dispose()
    assert True in walks  # the rowid walk proved pages (rare terms were sorted)
    if scramble:
        assert False in walks  # and out-of-order rows were caught


async def test_search_finds_rows_other_programs_appended(tmp_path: Path) -> None:
    db_file = tmp_path / "history.sqlite"
    db = await open_database(db_file)
    repo = HistoryRepository(db)
    for i in range(120):
        await repo.upsert_job(job_id=f"job-{i:03d}", command="images generate",
                              provider="openai", status="completed", output_path=None,
                              created_at=str(1_700_000_000 + i),
                              metadata={"prompt": f"harbour {i}"})
    con = sqlite3.connect(db_file)  # another writer appends a newer, matching row
    _insert(con, 10_000, "job-theirs", 1_800_000_000, "a harbour at night")
    con.commit()
    con.close()
    page = await repo.list_jobs(limit=5, query="harbour")
    assert [j.id for j in page.jobs] == ["job-theirs", "job-119", "job-118", "job-117",
                                         "job-116"]
    assert page.total == 121 and page.has_more
    await db.dispose()
