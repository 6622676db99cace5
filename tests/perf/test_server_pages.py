"""Issue 17, server half: each page against a real server process loaded with `seed-load` (SQLite one
office-year; PostgreSQL 2 offices × BENCH_PG_YEARS years, default 10 = 20 office-years), with wrk:
p50/p99 at c=1 and requests/s and p99 at c=50, /healthz in the same run as the floor; sync ingest over
HTTP beside the raw driver's insert of the same rows; the duty officer's page while 50 connections
hammer the supervisor's home. Targets are printed beside the numbers, never asserted (noisy cores)."""

from __future__ import annotations

import os
import re
import sqlite3
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.perf.conftest import report
from tests.perf.server import HEADER, PAGES, ROOT, have_wrk, measure_pages, server, session_cookie, settle

pytestmark = pytest.mark.skipif(not have_wrk(), reason="wrk is not installed (make bench installs it)")
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
PG = os.environ.get("DATABASE_URL", "").startswith("postgres")
ENGINE = "postgresql" if PG else "sqlite"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> dict[str, str]:
    """A data dir (and the session's database on PostgreSQL) with the demo and seed-load volumes."""
    env = os.environ | {"APP_DATA_DIR": str(tmp_path_factory.mktemp("load")), "APP_ALERTS_WORKER": "0"}
    offices, years = (2, int(os.environ.get("BENCH_PG_YEARS", "10"))) if PG else (1, 1)
    run = [sys.executable, "-m", "app"]
    subprocess.run([*run, "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
    start = time.perf_counter()
    out = subprocess.run(
        [*run, "seed-load", "--offices", str(offices), "--years", str(years)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    print(f"\nseed-load {offices} office(s) × {years} year(s) on {ENGINE}: {time.perf_counter() - start:.0f} s\n{out}")
    return {k: env[k] for k in ("APP_DATA_DIR", "APP_ALERTS_WORKER") if k in env} | {
        "DATABASE_URL": os.environ.get("DATABASE_URL", ""),
        "office_years": str(offices * years),
    }


def _env(loaded: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in loaded.items() if k != "office_years"}


def test_each_page_at_one_and_fifty_connections(loaded):
    with server(_env(loaded)) as url:
        rows = measure_pages(url, PAGES, SECONDS)
    floor = float(rows[0][3])
    targets = f"targets: c=1 p99 ≤ 20 ms; c=50 ≥ 80 % of /healthz ({0.8 * floor:.0f}/s) with p99 ≤ 250 ms" + (
        "; PostgreSQL at 20 office-years within 1.5× of SQLite" if PG else ""
    )
    report(f"server_pages_{ENGINE}_{loaded['office_years']}_office_years", rows, HEADER)
    print(targets)


@pytest.mark.parametrize("admission", ["4", "0"], ids=["fair-admission", "admission-off"])
def test_the_duty_officers_phone_while_fifty_users_load_the_supervisors_home(loaded, admission):
    """50 connections on the supervisor's home; one duty officer opens their home page meanwhile. Run
    with fair admission (app.admission, the default) and without it (APP_ADMISSION=0) for the ratio."""
    with server(_env(loaded) | {"APP_ADMISSION": admission}) as url:
        duty = session_cookie(url, "duty_a")
        boss = session_cookie(url, "super_a")

        def sample(seconds: float) -> list[float]:
            times, until = [], time.monotonic() + seconds
            with httpx.Client(base_url=url, headers={"cookie": duty}, timeout=30) as http:
                while time.monotonic() < until:
                    start = time.perf_counter()
                    assert http.get("/").status_code == 200
                    times.append((time.perf_counter() - start) * 1000)
            return times

        quiet = sample(SECONDS)
        settle(url)
        hammer = subprocess.Popen(
            ["wrk", "-c50", "-t2", f"-d{SECONDS + 2}s", "--timeout", "10s", "-H", f"Cookie: {boss}", f"{url}/"],
            stdout=subprocess.PIPE,
            text=True,
        )
        time.sleep(1)
        loaded_times = sample(SECONDS)
        out, _ = hammer.communicate()
    boss_rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    rows = [
        (label, len(t), f"{statistics.median(t):.0f}", f"{max(t):.0f}")
        for label, t in (("quiet", quiet), ("while 50 load the supervisor's home", loaded_times))
    ]
    refused = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    rows.append(("supervisor's home meanwhile (req/s)", boss_rps.group(1) if boss_rps else "?", "", ""))
    rows.append(("supervisor's home answered 503 (busy)", refused.group(1) if refused else "0", "", ""))
    header = ("duty officer's home", "requests", "p50 ms", "max ms")
    report(f"duty_phone_under_supervisor_load_{ENGINE}_admission_{admission}", rows, header)


def _mutations(n: int) -> list[dict]:
    now = datetime.now(UTC)
    return [
        {
            "id": str(uuid.uuid4()),
            "type": "duty_log.append",
            "recorded_at": (now - timedelta(seconds=n - i)).isoformat(),
            "data": {"category": "inquiry", "text": f"同步基准 {i}"},
        }
        for i in range(n)
    ]


def _raw_insert(loaded: dict[str, str], n: int, batch: int) -> float:
    """The same rows inserted with the raw driver in the same batches (rows/s)."""
    from app.duty.service import GENESIS_HASH, entry_hash

    now, rows, prev = datetime.now(UTC), [], GENESIS_HASH
    for i in range(n):
        row = {"id": uuid.uuid4(), "office": 2, "seq": 10_000_000 + i, "author": None, "device_id": "bench",
               "recorded_at": now, "received_at": now, "clock_suspect": False, "shift_date": now.date(),
               "shift_code": "day", "category": "inquiry", "text": f"基准记录 {i}", "unit": None, "corrects": None,
               "escalation": "", "prev_hash": prev}  # fmt: skip
        row["entry_hash"] = prev = entry_hash(row)
        rows.append(row)
    columns = list(rows[0])
    if PG:
        import asyncio

        import asyncpg

        from app.db import _postgres_config

        async def go() -> float:
            conn = await asyncpg.connect(**_postgres_config(loaded["DATABASE_URL"]))
            author = await conn.fetchval("SELECT id FROM staff WHERE office = 2 LIMIT 1")
            values = [tuple(author if c == "author" else r[c] for c in columns) for r in rows]
            start = time.perf_counter()
            for i in range(0, n, batch):
                async with conn.transaction():
                    await conn.copy_records_to_table("duty_log_entry", records=values[i : i + batch], columns=columns)
            elapsed = time.perf_counter() - start
            await conn.close()
            return n / elapsed

        return asyncio.run(go())
    conn = sqlite3.connect(Path(loaded["APP_DATA_DIR"]) / "app.sqlite3", isolation_level=None)
    author = conn.execute("SELECT id FROM staff WHERE office = 2 LIMIT 1").fetchone()[0]

    def text(v):
        return v.isoformat(sep=" ") if isinstance(v, datetime) else str(v) if isinstance(v, uuid.UUID) else v

    values = [tuple(author if c == "author" else text(r[c]) for c in columns) for r in rows]
    sql = f"INSERT INTO duty_log_entry ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    start = time.perf_counter()
    for i in range(0, n, batch):
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(sql, values[i : i + batch])
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return n / elapsed


def test_sync_ingest_over_http_beside_the_raw_driver(loaded):
    n, batch = 2000, 50
    with server(_env(loaded)) as url, httpx.Client(base_url=url, timeout=60) as http:
        http.headers["cookie"] = session_cookie(url, "duty_a")
        token = http.get("/api/session").json()["csrf_token"]
        mutations = _mutations(n)
        start = time.perf_counter()
        for i in range(0, n, batch):
            body = {"device_id": "bench", "mutations": mutations[i : i + batch]}
            results = http.post("/api/sync", json=body, headers={"x-csrftoken": token}).json()["results"]
            assert all(r["status"] == "applied" for r in results), results[:2]
        http_rate = n / (time.perf_counter() - start)
    raw_rate = _raw_insert(loaded, n, batch)
    report(
        f"sync_ingest_http_{ENGINE}",
        [
            ("POST /api/sync over HTTP, batches of 50 (real server)", f"{http_rate:,.0f}"),
            ("raw driver insert, same rows, same batches", f"{raw_rate:,.0f}"),
            ("ratio HTTP / raw (target ≥ 5 %; ≥ 5,000/s on SQLite)", f"{100 * http_rate / raw_rate:.1f} %"),
        ],
        ("path", f"mutations/s ({ENGINE}, {n})"),
    )
