"""Server benchmark: ``uv run python bench/server.py [--quick] [--repeat N]``.

Three processes, all on 127.0.0.1:

* the server under test: a real ``gpt-image-2 serve`` (uvicorn) subprocess;
* the fake OpenAI upstream (tests/fakes/openai.py) in a subprocess of its own,
  with a control route for its latency and a record of when it answered;
* this process: the load generator, a minimal HTTP/1.1 + SSE client on raw
  asyncio streams (a full client costs ~0.2 ms of CPU per SSE chunk, which with
  100 subscribers would be measured as delivery latency).

Measures:

* job overhead: ``POST /api/images/generate`` sent → ``job.completed`` received
  on the job's SSE stream, minus the time the upstream spent on the request
  (its own record, from its server handing over the request to the last byte of
  its response; 50 ms of it an injected delay): p50 / p99;
* throughput: jobs per second with N clients each submitting a job and waiting
  for its ``job.completed`` (server ``max_parallel`` = N), zero-latency upstream,
  N = 1, 4, 16;
* SSE delivery: 100 subscribers on one job; from the moment the upstream sent its
  response to ``request_completed`` arriving at each subscriber (p99). This is an
  upper bound: it includes the server reading, spooling and decoding the
  response before it publishes the event. The spread (last minus first
  subscriber for the same event) is the fan-out cost alone;
* history: ``GET /api/jobs?limit=50&q=<term>`` over 100,000 rows (p95), three
  terms of different selectivity; the page without a term for reference.

Prints a table and replaces its own section of ``docs/performance.md`` (between
``<!-- bench:server -->`` markers; other sections are kept). ``--repeat N`` runs
every measurement N times and reports the median of the N results.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.process import ServerProcess  # noqa: E402

KEY = "sk-bench-0000000000000000"
DOC = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- bench:server -->", "<!-- /bench:server -->"
OVERHEAD_LATENCY = 0.05
SSE_LATENCY = 0.3
SUBSCRIBERS = 100
HISTORY_ROWS = 100_000
TERMS = ("robot", "lighthouse number 1", "number 99")
ALL = "overhead,throughput,sse,history"
TARGETS = {  # name: (limit in ms, description)
    "overhead_p50": (15.0, "job overhead p50 ≤ 15 ms"),
    "sse_p99": (50.0, "SSE delivery p99 (100 subscribers) ≤ 50 ms"),
    "history_p95": (50.0, "history page (50, search) p95 at 100,000 rows ≤ 50 ms"),
}


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


# -- the fake upstream, as its own process -------------------------------------------
def serve_fake() -> int:
    """``--fake-upstream``: run FakeOpenAI, print its port, serve until stdin closes."""
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route
    from tests.fakes.openai import FakeOpenAI

    fake = FakeOpenAI()
    served: list[list[float]] = []  # [arrived, sent] per image request, monotonic clock
    inner = fake.server.app

    async def timed(scope: dict[str, Any], receive: Any, send: Any) -> None:
        """The upstream's time: from its server handing over the request to the last
        byte of the response (its own parsing and encoding included, not ours)."""
        if scope["type"] != "http" or not scope["path"].startswith("/v1/images/"):
            return await inner(scope, receive, send)
        arrived = time.monotonic()

        async def timed_send(message: dict[str, Any]) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                served.append([arrived, time.monotonic()])

        await inner(scope, receive, timed_send)

    fake.server.server.config.app = timed

    async def control(request: Request) -> Response:
        if request.method == "POST":
            fake.latency = float((await request.json())["latency"])
            return JSONResponse({"latency": fake.latency})
        out = list(served)
        served.clear()
        return JSONResponse({"served": out})

    fake.server.app.router.routes.append(Route("/_bench", control, methods=["GET", "POST"]))
    def stop(*_: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    fake.start()
    print(fake.server.port, flush=True)
    try:
        sys.stdin.read()  # until the benchmark closes our stdin (or SIGTERM)
    finally:
        fake.stop()
    return 0


class FakeUpstream:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--fake-upstream"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT,
        )
        assert self.proc.stdout is not None
        self.port = int(self.proc.stdout.readline())
        self.api_base = f"http://127.0.0.1:{self.port}/v1"

    async def set_latency(self, seconds: float) -> None:
        async with Http(self.port) as http:
            await http.request("POST", "/_bench", {"latency": seconds})

    async def served(self) -> list[tuple[float, float]]:
        """(arrived, sent) of each image request since the last call."""
        async with Http(self.port) as http:
            _, body = await http.request("GET", "/_bench")
        return [(a, s) for a, s in json.loads(body)["served"]]

    def stop(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


# -- a minimal HTTP/1.1 client ----------------------------------------------------------
class Http:
    """One keep-alive connection to 127.0.0.1:port (JSON requests, SSE streams)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.host = f"127.0.0.1:{port}".encode()
        self.reader: asyncio.StreamReader
        self.writer: asyncio.StreamWriter

    async def __aenter__(self) -> Http:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        return self

    async def __aexit__(self, *_: object) -> None:
        self.writer.close()

    def _send(self, method: str, path: str, body: Any = None,
              headers: dict[str, str] | None = None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        head = [f"{method} {path} HTTP/1.1".encode(), b"Host: " + self.host]
        if body is not None:
            head += [b"Content-Type: application/json", f"Content-Length: {len(data)}".encode()]
        head += [f"{k}: {v}".encode() for k, v in (headers or {}).items()]
        self.writer.write(b"\r\n".join(head) + b"\r\n\r\n" + data)

    async def _head(self) -> tuple[int, dict[str, str]]:
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                key, _, value = line.partition(":")
                headers[key.strip().lower()] = value.strip()
        return status, headers

    async def request(self, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
        self._send(method, path, body)
        status, headers = await self._head()
        if headers.get("transfer-encoding") == "chunked":
            data = b"".join([chunk async for chunk, _ in self._chunks()])
        else:
            data = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if status >= 400:
            raise RuntimeError(f"{method} {path}: HTTP {status}: {data[:300]!r}")
        return status, data

    async def _chunks(self) -> AsyncIterator[tuple[bytes, float]]:
        """Chunks of a chunked body, each with the monotonic time it arrived."""
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            arrived = time.monotonic()
            if size == 0:
                await self.reader.readuntil(b"\r\n")
                return
            data = await self.reader.readexactly(size + 2)
            yield data[:-2], arrived

    async def events(self, path: str) -> AsyncIterator[tuple[str, dict[str, Any], float]]:
        """An SSE stream: (event type, parsed data, arrival time) until the stream ends."""
        self._send("GET", path, headers={"Accept": "text/event-stream"})
        status, _ = await self._head()
        if status != 200:
            raise RuntimeError(f"GET {path}: HTTP {status}")
        buffer = ""
        async for chunk, arrived in self._chunks():
            buffer += chunk.decode()
            *blocks, buffer = re.split(r"\r\n\r\n|\n\n|\r\r", buffer)
            for block in blocks:
                kind, data = "message", ""
                for line in block.splitlines():
                    if line.startswith("event:"):
                        kind = line[6:].strip()
                    elif line.startswith("data:"):
                        data += line[5:].strip()
                if data:
                    yield kind, json.loads(data), arrived


def is_terminal(kind: str) -> bool:
    return kind.startswith("job.") and kind not in ("job.queued", "job.running",
                                                    "job.notifications")


async def submit(http: Http, prompt: str) -> str:
    _, body = await http.request("POST", "/api/images/generate", {"prompt": prompt})
    return str(json.loads(body)["job_id"])


async def follow(port: int, job_id: str) -> dict[str, float]:
    """Follow a job's SSE stream to its end; first arrival time per event type."""
    marks: dict[str, float] = {}
    async with Http(port) as http:
        async for kind, _data, arrived in http.events(f"/api/jobs/{job_id}/events"):
            marks.setdefault(kind, arrived)
            if is_terminal(kind):
                break
    return marks


# -- the measurements --------------------------------------------------------------------
async def bench_overhead(port: int, fake: FakeUpstream, runs: int) -> dict[str, float]:
    await fake.set_latency(OVERHEAD_LATENCY)
    await fake.served()
    samples, upstream = [], []
    async with Http(port) as http:
        for i in range(runs + 3):
            t0 = time.monotonic()
            job = await submit(http, f"overhead {i}")
            marks = await follow(port, job)
            if "job.completed" not in marks:
                raise RuntimeError(f"job {job} did not complete: {sorted(marks)}")
            (arrived, sent), = await fake.served()
            if i >= 3:  # warm-up
                upstream.append((sent - arrived) * 1000)
                samples.append((marks["job.completed"] - t0 - (sent - arrived)) * 1000)
    await fake.set_latency(0)
    return {"p50_ms": pct(samples, 50), "p99_ms": pct(samples, 99),
            "upstream_ms": statistics.median(upstream)}


async def bench_throughput(port: int, fake: FakeUpstream, concurrency: int,
                           jobs: int) -> float:
    await fake.set_latency(0)
    async with Http(port) as http:
        await http.request("POST", "/api/queue/concurrency", {"max_parallel": concurrency})

    async def clients(total: int) -> None:
        left = total

        async def client() -> None:
            nonlocal left
            async with Http(port) as http:
                while left > 0:
                    left -= 1
                    job = await submit(http, f"throughput {left}")
                    marks = await follow(port, job)
                    if "job.completed" not in marks:
                        raise RuntimeError(f"job {job} did not complete: {sorted(marks)}")

        await asyncio.gather(*(client() for _ in range(concurrency)))

    await clients(concurrency * 2)  # warm-up
    t0 = time.monotonic()
    await clients(jobs)
    return jobs / (time.monotonic() - t0)


async def bench_sse(port: int, fake: FakeUpstream, rounds: int) -> dict[str, float]:
    await fake.set_latency(SSE_LATENCY)
    await fake.served()
    latencies: list[float] = []
    spreads: list[float] = []
    async with Http(port) as http:
        for r in range(rounds):
            job = await submit(http, f"sse {r}")
            marks = await asyncio.gather(*(follow(port, job) for _ in range(SUBSCRIBERS)))
            (_arrived, sent), = await fake.served()
            got = [m["request_completed"] for m in marks]
            latencies += [(t - sent) * 1000 for t in got]
            spreads.append((max(got) - min(got)) * 1000)
            done = [m["job.completed"] for m in marks]
            spreads.append((max(done) - min(done)) * 1000)
    await fake.set_latency(0)
    return {"p50_ms": pct(latencies, 50), "p99_ms": pct(latencies, 99),
            "spread_ms": statistics.median(spreads), "samples": len(latencies)}


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


async def bench_history(port: int, requests: int) -> dict[str, float]:
    samples, plain = [], []
    async with Http(port) as http:
        for i in range(requests + len(TERMS)):
            term = TERMS[i % len(TERMS)].replace(" ", "%20")
            t0 = time.monotonic()
            _, body = await http.request("GET", f"/api/jobs?limit=50&q={term}")
            elapsed = (time.monotonic() - t0) * 1000
            if not json.loads(body)["jobs"]:
                raise RuntimeError(f"no results for {term}")
            if i >= len(TERMS):  # warm-up
                samples.append(elapsed)
        for _ in range(10):
            t0 = time.monotonic()
            await http.request("GET", "/api/jobs?limit=50")
            plain.append((time.monotonic() - t0) * 1000)
    return {"p50_ms": pct(samples, 50), "p95_ms": pct(samples, 95),
            "plain_ms": statistics.median(plain)}


# -- orchestration -----------------------------------------------------------------------
def start_server(home: Path, fake: FakeUpstream, parallel: int) -> ServerProcess:
    env = {
        "CODEX_HOME": str(home),
        "OPENAI_API_KEY": KEY,
        "GPT_IMAGE_2_OPENAI_API_BASE": fake.api_base,
        "GPT_IMAGE_2_MAX_PARALLEL": str(parallel),
        "GPT_IMAGE_2_RETRIES": "0",
    }
    return ServerProcess(env, log=home.parent / f"{home.name}.log").start(timeout=120)


def load() -> str:
    return " / ".join(f"{v:.2f}" for v in os.getloadavg())


async def run_once(tmp: Path, fake: FakeUpstream, quick: bool, index: int,
                   only: set[str]) -> dict[str, Any]:
    nan = float("nan")
    out: dict[str, Any] = {
        "overhead": {"p50_ms": nan, "p99_ms": nan, "upstream_ms": nan},
        "throughput": {1: nan, 4: nan, 16: nan},
        "sse": {"p50_ms": nan, "p99_ms": nan, "spread_ms": nan, "samples": 0},
    }
    if not only & set(out):
        return out
    server = start_server(tmp / f"jobs{index}", fake, 4)
    try:
        if "overhead" in only:
            out["overhead"] = await bench_overhead(server.port, fake, 30 if quick else 100)
        if "throughput" in only:
            out["throughput"] = {
                c: await bench_throughput(server.port, fake, c,
                                          (40 if quick else 200) * max(1, c // 4))
                for c in (1, 4, 16)
            }
        if "sse" in only:
            out["sse"] = await bench_sse(server.port, fake, 3 if quick else 5)
    finally:
        server.stop()
    return out


async def run_history(tmp: Path, fake: FakeUpstream, quick: bool, repeat: int
                      ) -> list[dict[str, float]]:
    home = tmp / "history"
    start_server(home, fake, 2).stop()  # creates the schema
    seed_history(home, HISTORY_ROWS)
    server = start_server(home, fake, 2)  # indexes the rows at start-up
    try:
        return [await bench_history(server.port, 30 if quick else 100) for _ in range(repeat)]
    finally:
        server.stop()


def median_of(runs: list[dict[str, Any]], *path: Any) -> float:
    values = []
    for run in runs:
        value: Any = run
        for key in path:
            value = value[key]
        values.append(float(value))
    return statistics.median(values)


def summarise(runs: list[dict[str, Any]], history: list[dict[str, float]]) -> dict[str, Any]:
    return {
        "overhead": {k: median_of(runs, "overhead", k) for k in runs[0]["overhead"]},
        "throughput": {c: median_of(runs, "throughput", c) for c in (1, 4, 16)},
        "sse": {k: median_of(runs, "sse", k) for k in runs[0]["sse"]},
        "history": {k: median_of(history, k) for k in history[0]},
    }


def verdicts(r: dict[str, Any]) -> list[tuple[str, float, float, bool]]:
    measured = {
        "overhead_p50": r["overhead"]["p50_ms"],
        "sse_p99": r["sse"]["p99_ms"],
        "history_p95": r["history"]["p95_ms"],
    }
    return [(TARGETS[k][1], measured[k], TARGETS[k][0], measured[k] <= TARGETS[k][0])
            for k in TARGETS]


def render(r: dict[str, Any], repeat: int) -> str:
    o, s, h, t = r["overhead"], r["sse"], r["history"], r["throughput"]

    def target(key: str, value: float) -> str:
        limit = TARGETS[key][0]
        if math.isnan(value):
            return f"≤ {limit:g} ms | | not run"
        return f"≤ {limit:g} ms | {value / limit:.2f} | {'PASS' if value <= limit else 'FAIL'}"

    rows = [
        "| measure | result | target | result / target | verdict |",
        "|---|---:|---:|---:|---|",
        f"| job overhead p50 (upstream {o['upstream_ms']:.0f} ms subtracted) "
        f"| {o['p50_ms']:.1f} ms | {target('overhead_p50', o['p50_ms'])} |",
        f"| job overhead p99 | {o['p99_ms']:.1f} ms | — | | |",
        f"| throughput, concurrency 1 | {t[1]:.1f} jobs/s | — | | |",
        f"| throughput, concurrency 4 | {t[4]:.1f} jobs/s | — | | |",
        f"| throughput, concurrency 16 | {t[16]:.1f} jobs/s | — | | |",
        f"| SSE delivery p50, {SUBSCRIBERS} subscribers | {s['p50_ms']:.1f} ms | — | | |",
        f"| SSE delivery p99, {SUBSCRIBERS} subscribers | {s['p99_ms']:.1f} ms "
        f"| {target('sse_p99', s['p99_ms'])} |",
        f"| SSE fan-out spread (last − first subscriber), median | {s['spread_ms']:.1f} ms "
        "| — | | |",
        f"| history page (50, search) p50 at {HISTORY_ROWS:,} rows | {h['p50_ms']:.1f} ms "
        "| — | | |",
        f"| history page (50, search) p95 at {HISTORY_ROWS:,} rows | {h['p95_ms']:.1f} ms "
        f"| {target('history_p95', h['p95_ms'])} |",
        f"| history page (50, no search) at {HISTORY_ROWS:,} rows, median "
        f"| {h['plain_ms']:.1f} ms | — | | |",
    ]
    judged = [v for v in verdicts(r) if not math.isnan(v[1])]
    passed = [v for v in judged if v[3]]
    failed = [v for v in judged if not v[3]]
    summary = f"**{len(passed)} of {len(judged)} measured targets pass.**"
    if len(judged) < len(TARGETS):
        summary += f" ({len(TARGETS) - len(judged)} not run.)"
    if failed:
        summary += " Failing: " + "; ".join(f"{name} (measured {value:.1f} ms)"
                                            for name, value, _, _ in failed) + "."
    note = f" Each value is the median of {repeat} runs." if repeat > 1 else ""
    return "\n".join(rows) + "\n\n" + summary + note


def write_doc(section: str) -> None:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Performance\n"
    block = f"{BEGIN}\n{section.strip()}\n{END}"
    if BEGIN in text and END in text:
        start, end = text.index(BEGIN), text.index(END) + len(END)
        text = text[:start] + block + text[end:]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")


def describe(args: argparse.Namespace, before: str, after: str) -> str:
    command = "uv run python bench/server.py" + (" --quick" if args.quick else "") + (
        f" --repeat {args.repeat}" if args.repeat > 1 else "")
    return (
        "## Server (jobs, SSE, history)\n\n"
        f"Measured {time.strftime('%Y-%m-%d %H:%M:%S')} with `{command}` on "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}: "
        "one `gpt-image-2 serve` process (uvicorn), the fake OpenAI upstream in a second "
        "process and the load generator (raw asyncio HTTP/SSE client) in a third, all on "
        f"127.0.0.1. Load average before / after: {before} → {after} (the machine is "
        "shared; single runs vary by ±20 % or more).\n\n"
        "Job overhead is submit → `job.completed` received over SSE, minus the time the "
        "upstream spent, from its server handing over the request to the last byte of its "
        f"response (a {OVERHEAD_LATENCY * 1000:.0f} ms injected delay plus its own work). "
        "Throughput: N clients each submit a job and wait for its completion, server "
        f"`max_parallel` N, zero-latency upstream. SSE delivery: {SUBSCRIBERS} subscribers "
        "on one job, upstream response sent → `request_completed` received (an upper "
        "bound: it includes the server reading, spooling and decoding that response). "
        f"History: {HISTORY_ROWS:,} seeded rows, terms "
        + ", ".join(f"`{t}`" for t in TERMS) + " in turn, `limit=50`.\n"
    )


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    only = set(args.only.split(","))
    fake = FakeUpstream()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-server-") as tmp:
            runs = [await run_once(Path(tmp), fake, args.quick, i, only)
                    for i in range(args.repeat)]
            nan = float("nan")
            history = (await run_history(Path(tmp), fake, args.quick, args.repeat)
                       if "history" in only else
                       [{"p50_ms": nan, "p95_ms": nan, "plain_ms": nan}])
    finally:
        fake.stop()
    return summarise(runs, history)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer jobs and requests")
    parser.add_argument("--repeat", type=int, default=1, help="runs; medians are reported")
    parser.add_argument("--no-write", action="store_true",
                        help="do not update docs/performance.md")
    parser.add_argument("--only", default=ALL,
                        help=f"comma list of measurements (default {ALL}); "
                        "a partial run never updates docs/performance.md")
    parser.add_argument("--fake-upstream", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.fake_upstream:
        return serve_fake()
    before = load()
    results = asyncio.run(main_async(args))
    table = render(results, args.repeat)
    print(table)
    if not args.no_write and set(args.only.split(",")) >= set(ALL.split(",")):
        write_doc(describe(args, before, load()) + "\n" + table)
        print(f"\nwrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
