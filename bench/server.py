"""Server benchmark: ``uv run python bench/server.py [--quick]``.

Runs the real server (``gpt-image-2 serve`` subprocess) against the fake OpenAI
upstream on loopback and measures:

* job overhead: submit → terminal event, minus the upstream's latency (p50/p99)
* throughput: jobs per second at concurrency 1, 4 and 16, zero-latency upstream
* SSE delivery: upstream response sent → ``request_completed`` received by each
  of 100 subscribers (p99; an upper bound on delivery latency)
* history: ``GET /api/jobs?limit=50&q=<term>`` with 100,000 rows (p95)

Prints a table and writes ``docs/performance.md``. Everything stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.openai import FakeOpenAI  # noqa: E402
from tests.fakes.process import ServerProcess  # noqa: E402

KEY = "sk-bench-0000000000000000"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def start_server(home: Path, fake: FakeOpenAI, parallel: int) -> ServerProcess:
    env = {
        "CODEX_HOME": str(home),
        "OPENAI_API_KEY": KEY,
        "GPT_IMAGE_2_OPENAI_API_BASE": fake.api_base,
        "GPT_IMAGE_2_MAX_PARALLEL": str(parallel),
        "GPT_IMAGE_2_RETRIES": "0",
    }
    return ServerProcess(env).start()


async def follow(
    client: httpx.AsyncClient, job_id: str, marks: dict[str, float] | None = None
) -> str:
    async with client.stream("GET", f"/api/jobs/{job_id}/events") as response:
        async for line in response.aiter_lines():
            if not line.startswith("data:"):
                continue
            event = json.loads(line[5:])
            if marks is not None:
                marks.setdefault(event["type"], time.monotonic())
            if event["type"].startswith("job.") and event["type"] not in (
                "job.queued",
                "job.running",
            ):
                return str(event["type"])
    return "ended"


async def submit(client: httpx.AsyncClient, prompt: str) -> str:
    response = await client.post("/api/images/generate", json={"prompt": prompt})
    response.raise_for_status()
    return str(response.json()["job_id"])


async def bench_overhead(url: str, fake: FakeOpenAI, runs: int) -> dict[str, float]:
    fake.latency = 0.05
    samples = []
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        for i in range(runs):
            t0 = time.monotonic()
            job = await submit(client, f"overhead {i}")
            assert await follow(client, job) == "job.completed"
            samples.append((time.monotonic() - t0 - fake.latency) * 1000)
    fake.latency = 0.0
    return {"p50_ms": pct(samples, 50), "p99_ms": pct(samples, 99)}


async def bench_throughput(url: str, jobs: int) -> float:
    async with httpx.AsyncClient(
        base_url=url, timeout=60, limits=httpx.Limits(max_connections=200)
    ) as client:
        t0 = time.monotonic()
        ids = await asyncio.gather(*(submit(client, f"tp {i}") for i in range(jobs)))
        results = await asyncio.gather(*(follow(client, j) for j in ids))
        elapsed = time.monotonic() - t0
    assert all(r == "job.completed" for r in results), results
    return jobs / elapsed


async def bench_sse(url: str, fake: FakeOpenAI, subscribers: int, rounds: int) -> dict[str, float]:
    fake.latency = 0.5
    latencies: list[float] = []
    async with httpx.AsyncClient(
        base_url=url, timeout=60, limits=httpx.Limits(max_connections=subscribers + 10)
    ) as client:
        for r in range(rounds):
            fake.requests.clear()
            job = await submit(client, f"sse {r}")
            marks = [dict[str, float]() for _ in range(subscribers)]
            await asyncio.gather(*(follow(client, job, m) for m in marks))
            sent = fake.requests[-1]["at"] + fake.latency
            latencies += [(m["request_completed"] - sent) * 1000 for m in marks]
    fake.latency = 0.0
    return {"p50_ms": pct(latencies, 50), "p99_ms": pct(latencies, 99)}


def seed_history(home: Path, rows: int) -> None:
    db = home / "gpt-image-2-skill" / "history.sqlite"
    con = sqlite3.connect(db)
    base = 1_700_000_000
    words = ["apple", "fox", "lighthouse", "robot", "garden", "city", "ocean", "mountain"]
    con.executemany(
        "INSERT INTO jobs (id, command, provider, status, output_path, created_at, metadata) "
        "VALUES (?, 'images generate', 'openai', ?, NULL, ?, ?)",
        (
            (
                f"job-{base + i:010d}000000000-1",
                "completed" if i % 7 else "failed",
                str(base + i),
                json.dumps(
                    {
                        "prompt": f"a {words[i % 8]} number {i} in soft light",
                        "size": "1024x1024",
                        "quality": "high",
                        "format": "png",
                        "provider_selection": {"resolved": "openai"},
                    }
                ),
            )
            for i in range(rows)
        ),
    )
    con.commit()
    con.close()


async def bench_history(url: str, requests: int) -> dict[str, float]:
    samples = []
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        for i in range(requests):
            term = ["robot", "lighthouse number 1", "number 99"][i % 3]
            t0 = time.monotonic()
            response = await client.get("/api/jobs", params={"limit": 50, "q": term})
            samples.append((time.monotonic() - t0) * 1000)
            response.raise_for_status()
            assert response.json()["jobs"], term
        t0 = time.monotonic()
        plain = await client.get("/api/jobs", params={"limit": 50})
        plain_ms = (time.monotonic() - t0) * 1000
        plain.raise_for_status()
    return {"p50_ms": pct(samples, 50), "p95_ms": pct(samples, 95), "plain_ms": plain_ms}


async def main_async(quick: bool) -> dict[str, Any]:
    fake = FakeOpenAI().start()
    results: dict[str, Any] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            server = start_server(Path(tmp) / "a", fake, 4)
            try:
                results["overhead"] = await bench_overhead(server.url, fake, 20 if quick else 100)
                results["sse"] = await bench_sse(server.url, fake, 100, 2 if quick else 5)
            finally:
                server.stop()
            results["throughput"] = {}
            for parallel in (1, 4, 16):
                server = start_server(Path(tmp) / f"tp{parallel}", fake, parallel)
                try:
                    results["throughput"][parallel] = await bench_throughput(
                        server.url, 40 if quick else 200
                    )
                finally:
                    server.stop()
            home = Path(tmp) / "hist"
            server = start_server(home, fake, 2)
            server.stop()
            rows = 100_000
            seed_history(home, rows)
            server = start_server(home, fake, 2)
            try:
                results["history"] = await bench_history(server.url, 30 if quick else 100)
                results["history"]["rows"] = rows
            finally:
                server.stop()
    finally:
        fake.stop()
    return results


def render(results: dict[str, Any]) -> str:
    o, s, h, t = results["overhead"], results["sse"], results["history"], results["throughput"]
    lines = [
        "| measure | result | target |",
        "|---|---|---|",
        f"| job overhead p50 | {o['p50_ms']:.1f} ms | ≤ 15 ms |",
        f"| job overhead p99 | {o['p99_ms']:.1f} ms | — |",
        f"| throughput, concurrency 1 | {t[1]:.1f} jobs/s | — |",
        f"| throughput, concurrency 4 | {t[4]:.1f} jobs/s | — |",
        f"| throughput, concurrency 16 | {t[16]:.1f} jobs/s | — |",
        f"| SSE delivery p50, 100 subscribers | {s['p50_ms']:.1f} ms | — |",
        f"| SSE delivery p99, 100 subscribers | {s['p99_ms']:.1f} ms | ≤ 50 ms |",
        f"| history page (50, search) p50 at {h['rows']:,} rows | {h['p50_ms']:.1f} ms | — |",
        f"| history page (50, search) p95 at {h['rows']:,} rows | {h['p95_ms']:.1f} ms | ≤ 50 ms |",
        f"| history page (50, no search) at {h['rows']:,} rows | {h['plain_ms']:.1f} ms | — |",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--no-write", action="store_true", help="do not rewrite docs/performance.md"
    )
    args = parser.parse_args()
    results = asyncio.run(main_async(args.quick))
    table = render(results)
    print(table)
    if not args.no_write:
        doc = ROOT / "docs" / "performance.md"
        doc.write_text(
            "# Server performance\n\n"
            f"Measured by `uv run python bench/server.py{' --quick' if args.quick else ''}` on "
            f"{platform.machine()} with {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, one `gpt-image-2 serve` process, the fake OpenAI "
            "upstream on loopback.\n\n" + table + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
