"""The history database: pragmas, schema, and compatibility with the reference CLI."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Connection

from gpt_image_2.db import HistoryRepository, open_database
from gpt_image_2.settings import Settings
from tests.conftest import TEST_KEY, app_client
from tests.fakes.openai import FakeOpenAI
from tests.reference import run_reference
from tests.web.test_generate_flow import wait_done


async def test_pragmas_and_schema(tmp_path: Path) -> None:
    db_file = tmp_path / "h" / "history.sqlite"
    db = await open_database(db_file)

    def pragmas(conn: Connection) -> dict[str, object]:
        names = ("journal_mode", "busy_timeout", "foreign_keys", "synchronous", "user_version")
        return {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in names}

    # On the loop, busy_timeout 0: a lock held by another process is waited for by
    # async retries (tests/db/test_database.py), never by blocking the loop's thread.
    expected = {"journal_mode": "wal", "busy_timeout": 0, "foreign_keys": 1,
                "synchronous": 1, "user_version": 0}
    assert await db.write(pragmas) == expected  # the writer's connection
    assert await db.read(pragmas) == expected  # and the readers'
    # Offloaded calls go through aiosqlite, whose connection threads may wait there.
    offloaded = {**expected, "busy_timeout": 5000}
    assert await db.read(pragmas, offload=True) == offloaded
    assert await db.write(pragmas, offload=True) == offloaded
    assert db.offloaded is not None and db.offloaded.dialect.driver == "aiosqlite"
    await db.dispose()
    con = sqlite3.connect(db_file)
    tables = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
    assert {"jobs", "job_events", "output_uploads"} <= tables
    cols = [r[1] for r in con.execute("PRAGMA table_info(jobs)")]
    assert cols == ["id", "command", "provider", "status", "output_path", "created_at",
                    "metadata", "deleted_at"]
    indexes = {r[0] for r in con.execute("select name from sqlite_master where type='index'")}
    assert {"idx_jobs_created_at_id", "idx_jobs_status_created_at_id",
            "idx_jobs_deleted_at_created_at", "idx_job_events_job_created",
            "idx_output_uploads_job_output"} <= indexes


async def test_old_schema_gains_deleted_at_and_events_need_a_job(tmp_path: Path) -> None:
    db_file = tmp_path / "history.sqlite"
    con = sqlite3.connect(db_file)
    con.execute("CREATE TABLE jobs (id TEXT PRIMARY KEY, command TEXT NOT NULL, provider TEXT "
                "NOT NULL, status TEXT NOT NULL, output_path TEXT, created_at TEXT NOT NULL, "
                "metadata TEXT NOT NULL)")
    con.execute("INSERT INTO jobs VALUES ('job-1','images generate','openai','completed',NULL,"
                "'1700000000','{\"prompt\":\"old\"}')")
    con.commit()
    con.close()
    db = await open_database(db_file)
    repo = HistoryRepository(db)
    page = await repo.list_jobs()
    assert [j.id for j in page.jobs] == ["job-1"]
    assert page.jobs[0].metadata == {"prompt": "old"}
    with pytest.raises(Exception, match="FOREIGN KEY"):
        await repo.append_event("no-such-job", "local", "x", {})
    first = await repo.append_event("job-1", "local", "a", {})
    second = await repo.append_event("job-1", "local", "b", {})
    assert (first.seq, second.seq) == (1, 2)
    assert await repo.delete_job("job-1") == 1
    assert await repo.events_after("job-1") == []
    await db.dispose()


async def test_paging_search_and_status_filters(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "history.sqlite")
    repo = HistoryRepository(db)
    for i in range(7):
        await repo.upsert_job(job_id=f"job-{i:02d}", command="images generate", provider="openai",
                              status="failed" if i % 3 == 0 else "completed", output_path=None,
                              created_at=str(1700000000 + i // 2),
                              metadata={"prompt": f"cat {i}" if i % 2 else f"dog_{i}%"})
    page = await repo.list_jobs(limit=3)
    assert [j.id for j in page.jobs] == ["job-06", "job-05", "job-04"]
    assert page.has_more and page.total == 7
    seen = [j.id for j in page.jobs]
    while page.next_cursor:
        page = await repo.list_jobs(limit=3, cursor=page.next_cursor)
        seen += [j.id for j in page.jobs]
    assert seen == [f"job-{i:02d}" for i in range(6, -1, -1)]
    assert (await repo.list_jobs(status="failed")).total == 3
    assert (await repo.list_jobs(query="CAT")).total == 3
    assert (await repo.list_jobs(query="_4%")).total == 1  # LIKE wildcards are literal
    await db.dispose()


@pytest.mark.reference
async def test_reference_rows_are_read_and_ours_are_read_by_the_reference(
    settings: Settings, fake_openai: FakeOpenAI, codex_home: Path, tmp_path: Path
) -> None:
    env = {"CODEX_HOME": str(codex_home), "OPENAI_API_KEY": TEST_KEY}
    out = tmp_path / "ref.png"
    proc = run_reference(["--json", "--openai-api-base", fake_openai.api_base, "images",
                          "generate", "--prompt", "from the reference", "--out", str(out)], env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    ref_job = json.loads(proc.stdout)["history"]["job_id"]

    async with app_client(settings) as api:
        listing = (await api.get("/api/jobs")).json()
        assert [j["id"] for j in listing["jobs"]] == [ref_job]
        job = listing["jobs"][0]
        assert job["command"] == "images generate"
        assert job["status"] == "completed"
        assert job["metadata"]["prompt"] == "from the reference"
        assert job["outputs"][0]["path"] == str(out)
        assert (await api.get(f"/api/jobs/{ref_job}")).json()["events"] == []
        ours = (await api.post("/api/images/generate", json={"prompt": "from us"})).json()
        await wait_done(api, ours["job_id"])

    proc = run_reference(["--json", "history", "list"], env)
    assert proc.returncode == 0, proc.stdout
    jobs = {j["id"]: j for j in json.loads(proc.stdout)["jobs"]}
    assert set(jobs) == {ref_job, ours["job_id"]}
    mine = jobs[ours["job_id"]]
    assert mine["status"] == "completed"
    assert mine["metadata"]["prompt"] == "from us"
    assert Path(mine["outputs"][0]["path"]).read_bytes() == fake_openai.image
    assert mine["output_path"] == mine["outputs"][0]["path"]
    shown = run_reference(["--json", "history", "show", ours["job_id"]], env)
    assert json.loads(shown.stdout)["job"]["id"] == ours["job_id"]
    deleted = run_reference(["--json", "history", "delete", ours["job_id"]], env)
    assert json.loads(deleted.stdout)["deleted"] == 1  # cascades through our event rows
    async with app_client(settings) as api:
        assert (await api.get(f"/api/jobs/{ours['job_id']}")).status_code == 404


async def test_data_root_created_on_first_use(api: httpx.AsyncClient, codex_home: Path) -> None:
    shared = codex_home / "gpt-image-2-skill"
    assert (shared / "history.sqlite").is_file()
    assert (shared / "jobs").is_dir()


async def test_search_index_catches_up_with_other_writers(tmp_path: Path) -> None:
    db_file = tmp_path / "history.sqlite"
    db = await open_database(db_file)
    repo = HistoryRepository(db)
    await repo.upsert_job(job_id="job-ours", command="images generate", provider="openai",
                          status="completed", output_path=None, created_at="1700000001",
                          metadata={"prompt": "a quiet harbour"})
    con = sqlite3.connect(db_file)  # another program (e.g. the reference CLI) appends a row
    con.execute("INSERT INTO jobs (id, command, provider, status, output_path, created_at, "
                "metadata) VALUES ('job-theirs', 'images generate', 'codex', 'completed', NULL, "
                "'1700000002', '{\"prompt\": \"a busy Harbour market\"}')")
    con.commit()
    con.close()
    found = await repo.list_jobs(query="harbour")
    assert [j.id for j in found.jobs] == ["job-theirs", "job-ours"] and found.total == 2
    assert [j.id for j in (await repo.list_jobs(query="busy harb")).jobs] == ["job-theirs"]
    await repo.update_job("job-ours", metadata={"prompt": "a lighthouse"})
    assert [j.id for j in (await repo.list_jobs(query="harbour")).jobs] == ["job-theirs"]
    await repo.delete_job("job-theirs")
    assert (await repo.list_jobs(query="harbour")).total == 0
    assert (await repo.list_jobs(query="ha")).total == 0  # short terms use LIKE
    assert (await repo.list_jobs(query="li")).total == 1
    await db.dispose()


async def test_insert_and_claim_return_the_row_as_stored(tmp_path: Path) -> None:
    """A new job's upsert and claim_job skip the read-back: what they return equals a
    fresh read, and the search index follows both."""
    db = await open_database(tmp_path / "history.sqlite")
    repo = HistoryRepository(db)
    meta = {"prompt": "a red kite over dunes", "size": "1024x1024", "n": 1, "tags": ("a", "b")}
    inserted = await repo.upsert_job(job_id="job-new", command="images generate",
                                     provider="openai", status="queued", output_path=None,
                                     created_at="1700000003", metadata=meta, new=True)
    assert inserted == await repo.get_job("job-new")
    assert inserted.metadata is not None and inserted.metadata["tags"] == ["a", "b"]
    assert [j.id for j in (await repo.list_jobs(query="red kite")).jobs] == ["job-new"]

    claimed = await repo.claim_job("job-new", lambda m: {**m, "started_at": "1700000004"})
    assert claimed is not None and claimed.status == "running"
    assert claimed.metadata is not None and claimed.metadata["started_at"] == "1700000004"
    assert claimed == await repo.get_job("job-new")
    assert [j.id for j in (await repo.list_jobs(query="running")).jobs] == ["job-new"]
    assert await repo.claim_job("job-new", lambda m: m) is None  # not queued any more
    assert await repo.claim_job("job-missing", lambda m: m) is None
    with pytest.raises(Exception, match="UNIQUE"):  # an id is never inserted twice
        await repo.upsert_job(job_id="job-new", command="images generate", provider="openai",
                              status="queued", output_path=None, created_at="1",
                              metadata={}, new=True)
    assert (await repo.get_job("job-new")) == claimed
    await db.dispose()
