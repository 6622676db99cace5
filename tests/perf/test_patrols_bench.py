"""Patrol benchmarks (issue 4): a 40-checkpoint round recorded offline in Chromium and synced (time from
"online" to "all applied", bytes sent), and the supervisor's daily review page (P4) over a year of one
office's data (≈ 40 rounds a day): server render time p50/p99, on SQLite or PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
import statistics
import struct
import time
import uuid
import zlib
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.db import get_engine
from app.patrols.tables import Finding, Nonconformance, NonconformanceEvent, PatrolRound, Visit
from app.settings import get_settings
from tests.api.patrols.conftest import make_route
from tests.e2e.conftest import PHONE, sign_in, wait_ready
from tests.e2e.test_patrols import Api, checkpoint_codes, controlled_by_worker
from tests.perf.conftest import report

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _photo(path: Path, seed: int, width: int = 2400, height: int = 1800) -> Path:
    """A camera-sized PNG (wider than 1600 px, so the phone resizes it) with a noisy, photo-like texture,
    so the resized JPEG weighs what a real photo does rather than what a flat test card does."""
    rng = random.Random(seed)

    def row(y: int) -> bytes:
        values = []
        for x in range(width):  # smooth colour fields with sensor-like noise
            values += [
                (x * 200 // width + seed * 9 + rng.randrange(12)) % 256,
                (y * 180 // height + 40 + rng.randrange(12)) % 256,
                (120 + (x // 300) * 15 + rng.randrange(12)) % 256,
            ]
        return bytes(values)

    pool = {y: row(y) for y in range(0, height, 90)}
    raw = b"".join(b"\x00" + pool[y - y % 90] for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b"")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + body)
    return path


@pytest.fixture
def long_route(live_server) -> dict:
    """A 40-checkpoint route of the demo office A, set up through the supervisor's forms."""
    api = Api(live_server, "super_a")
    created = api.post("/patrols/routes", {"name": f"基准路线{uuid.uuid4().hex[:4]}", "kind": "patrol"})
    route_id = int(created.headers["location"].rsplit("/", 1)[1])
    for n in range(1, 41):
        added = api.post(f"/patrols/routes/{route_id}/checkpoints", {"name": f"基准点{n}"})
        checkpoint_id = int(added.headers["location"].rsplit("/", 1)[1])
        items = {
            "name": f"基准点{n}",
            "active": "true",
            "new-0-label": "地面清洁",
            "new-0-department": "cleaning",
            "new-1-label": "照明正常",
            "new-1-department": "engineering",
        }
        assert api.post(f"/patrols/checkpoints/{checkpoint_id}", items).status_code == 303
    codes = checkpoint_codes(api, route_id)
    return {"id": route_id, "checkpoints": [{"id": cp, "code": code} for cp, code in codes]}


def test_a_40_checkpoint_round_recorded_offline_then_synced(browser, live_server, long_route, tmp_path):
    context = browser.new_context(**PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server)
    page = context.new_page()
    sign_in(page, "patrol_a")
    controlled_by_worker(page)
    page.goto(f"/patrols/routes/{long_route['id']}/walk")
    wait_ready(page)
    page.wait_for_selector("#walk[data-ready='1']")
    context.set_offline(True)  # the whole round is recorded with no signal, its start included
    page.wait_for_function("!navigator.onLine")
    page.get_by_role("button", name="开始巡查").click()
    page.wait_for_selector("#round-active:not([hidden])")

    for cp in long_route["checkpoints"]:
        page.locator("#f-code").fill(cp["code"])
        page.get_by_role("button", name="确认到达").click()
        page.wait_for_selector(f"#cp-{cp['id']}.visited")
    photos = [_photo(tmp_path / f"p{i}.png", i) for i in range(5)]
    photo_bytes = sum(p.stat().st_size for p in photos)
    for n, cp in enumerate(long_route["checkpoints"][:10]):
        page.locator(f"#cp-{cp['id']} [data-record]").click()
        form = page.locator("#finding-form")
        form.get_by_label("不合格").check()
        form.locator("#f-note").fill(f"基准问题 {n}")
        if n < 5:
            form.locator("#f-photos").set_input_files(str(photos[n]))
        form.get_by_role("button", name="保存检查").click()
        page.wait_for_selector(f"#cp-{cp['id']} [data-cp-findings] li.fail")
        page.locator("#nc-form").get_by_role("button", name="暂不").click()
    page.locator("#finish-form button[type=submit]").click()
    page.wait_for_selector("#round-finished:not([hidden])")
    pending = int(page.evaluate("document.body.dataset.pending"))
    # The photo uploads' bodies are these blobs exactly (the browser does not report blob body sizes).
    blob_bytes = page.evaluate(
        "async () => (await (await import('/static/js/idb.js')).all('blobs')).reduce((n, b) => n + b.blob.size, 0)"
    )

    requests = []
    context.on("requestfinished", lambda request: requests.append(request))
    start = time.perf_counter()
    context.set_offline(False)
    page.wait_for_function("document.body.dataset.pending === '0'", timeout=120_000, polling=20)
    seconds = time.perf_counter() - start
    sent: dict[str, list[int]] = {"sync": [0, 0], "attachments": [0, 0]}
    for request in requests:
        kind = "sync" if "/api/sync" in request.url else "attachments" if "/api/attachments/" in request.url else None
        if kind:
            sizes = request.sizes()
            sent[kind][0] += 1
            sent[kind][1] += sizes["requestHeadersSize"] + (sizes["requestBodySize"] if kind == "sync" else 0)
    sent["attachments"][1] += blob_bytes
    context.close()
    total = sent["sync"][1] + sent["attachments"][1]
    report(
        f"patrol_round_sync-{get_engine().engine_type}",
        [
            ("changes waiting (start, 40 visits, 10 findings, finish)", pending, ""),
            ("online → all applied", f"{seconds * 1000:.0f} ms", ""),
            ("POST /api/sync", sent["sync"][0], f"{sent['sync'][1] / 1024:.1f} KB"),
            (
                "PUT /api/attachments (5 photos, ≤1600 px JPEG)",
                sent["attachments"][0],
                f"{sent['attachments'][1] / 1024:.1f} KB",
            ),
            ("bytes sent in all", "", f"{total / 1024:.1f} KB"),
            ("(the 5 source photos, 2400×1800 PNG)", "", f"{photo_bytes / 1024:.0f} KB"),
        ],
        ("what", "count / time", "bytes sent (headers + bodies)"),
    )
    assert pending == 52 and sent["attachments"][0] == 5


# --- the supervisor's daily review over a year of data ---------------------------------------------

DAYS = 365
ROUNDS_PER_DAY = 40


def _sqlite_insert(sql: str, values: list[tuple]) -> None:
    with sqlite3.connect(get_settings().sqlite_path, timeout=30) as conn:  # Piccolo's adapters are global
        conn.executemany(sql, values)


async def _bulk(table, rows: list[dict]) -> None:
    """Load rows fast, straight through the driver (COPY on PostgreSQL): the load is set-up, not the result."""
    columns = list(rows[0])
    values = [tuple(json.dumps(v) if isinstance(v, list) else v for v in row.values()) for row in rows]
    name = table._meta.tablename
    engine = get_engine()
    if engine.engine_type == "postgres":
        conn = await engine.get_new_connection()
        try:
            await conn.copy_records_to_table(name, records=values, columns=columns)
        finally:
            await conn.close()
    else:
        sql = f'INSERT INTO "{name}" ({", ".join(columns)}) VALUES ({", ".join("?" for _ in columns)})'
        await asyncio.to_thread(_sqlite_insert, sql, values)


async def _year_of_rounds(office_id: int, staff_id: int, routes: list[dict], today: date) -> dict[str, int]:
    """≈ 40 rounds a day for a year: 10 visits each, two findings (one failed in four), nonconformances
    from some of the failed checks (closed, except those of the last days)."""
    rng = random.Random(4)
    rounds, visits, findings, ncs, events = [], [], [], [], []
    for back in range(DAYS):
        day = today - timedelta(days=back)
        for n in range(ROUNDS_PER_DAY):
            route = routes[n % len(routes)]
            started = datetime(day.year, day.month, day.day, 6, 0, tzinfo=SHANGHAI) + timedelta(minutes=20 * n)
            round_id = uuid.uuid4()
            rounds.append(
                {
                    "id": round_id,
                    "office": office_id,
                    "route": route["id"],
                    "kind": "patrol",
                    "task": None,
                    "started_by": staff_id,
                    "subject_staff": None,
                    "device_id": "bench",
                    "started_at": started,
                    "local_date": day,
                    "received_at": started,
                    "clock_suspect": False,
                    "status": "finished",
                    "finished_at": started + timedelta(minutes=15),
                    "skipped": [],
                    "note": "",
                }
            )
            for k, cp in enumerate(route["checkpoints"]):
                visits.append(
                    {
                        "id": uuid.uuid4(),
                        "office": office_id,
                        "round": round_id,
                        "checkpoint": cp["id"],
                        "method": "typed",
                        "visited_at": started + timedelta(minutes=k),
                        "received_at": started,
                        "staff": staff_id,
                        "device_id": "bench",
                    }
                )
            for k in range(2):
                cp = route["checkpoints"][rng.randrange(len(route["checkpoints"]))]
                failed = rng.random() < 0.25
                finding_id = uuid.uuid4()
                findings.append(
                    {
                        "id": finding_id,
                        "office": office_id,
                        "round": round_id,
                        "checkpoint": cp["id"],
                        "check_item": cp["items"][k],
                        "label": f"检查项{k}",
                        "result": "fail" if failed else "pass",
                        "note": "基准" if failed else "",
                        "photos": [],
                        "location": "",
                        "recorded_at": started,
                        "local_date": day,
                        "received_at": started,
                        "staff": staff_id,
                        "device_id": "bench",
                    }
                )
                if failed and rng.random() < 0.5:
                    still_open = back < 3
                    nc_id = uuid.uuid4()
                    ncs.append(
                        {
                            "id": nc_id,
                            "office": office_id,
                            "finding": finding_id,
                            "round": round_id,
                            "checkpoint": cp["id"],
                            "title": f"{cp['name']}: 检查项{k}",
                            "department": "cleaning",
                            "state": "open" if still_open else "closed",
                            "cycle": 0,
                            "deadline": day + timedelta(days=1),
                            "raised_by": staff_id,
                            "raised_at": started,
                            "received_at": started,
                            "changed_at": started,
                            "changed_by": staff_id,
                            "closed_at": None if still_open else started,
                        }
                    )
                    events.append(
                        {
                            "id": nc_id,
                            "office": office_id,
                            "nonconformance": nc_id,
                            "kind": "raised",
                            "from_state": "",
                            "to_state": "open",
                            "note": "",
                            "photos": [],
                            "deadline": None,
                            "reason": "",
                            "staff": staff_id,
                            "recorded_at": started,
                            "received_at": started,
                        }
                    )
    for table, rows in (
        (PatrolRound, rounds),
        (Visit, visits),
        (Finding, findings),
        (Nonconformance, ncs),
        (NonconformanceEvent, events),
    ):
        await _bulk(table, rows)
    return {"rounds": len(rounds), "visits": len(visits), "findings": len(findings), "nonconformances": len(ncs)}


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def test_the_daily_review_over_a_year_of_one_office(client, office, make_staff, login):
    engine = get_engine().engine_type
    supervisor = await make_staff(office["id"], "supervisor")
    routes = [await make_route(office["id"], f"年度路线{i}", checkpoints=10, daily=10) for i in range(4)]
    today = datetime.now(SHANGHAI).date()
    started = time.perf_counter()
    counts = await _year_of_rounds(office["id"], supervisor["id"], routes, today)
    load_seconds = time.perf_counter() - started
    if engine == "postgres":
        await get_engine().run_ddl("ANALYZE")
    await login(client, supervisor)
    days = [today - timedelta(days=d) for d in random.Random(7).sample(range(DAYS), 60)] + [today] * 20
    timings = []
    for day in days:
        begin = time.perf_counter()
        response = await client.get(f"/patrols/review?day={day.isoformat()}")
        timings.append((time.perf_counter() - begin) * 1000)
        assert response.status_code == 200 and response.text.count("data-round-id=") == ROUNDS_PER_DAY
    report(
        f"patrol_review_year-{engine}",
        [
            (
                "data",
                f"{counts['rounds']} rounds, {counts['visits']} visits, {counts['findings']} findings, "
                f"{counts['nonconformances']} nonconformances (loaded in {load_seconds:.1f} s)",
                "",
            ),
            (
                "GET /patrols/review (in-process, 80 requests)",
                f"{statistics.median(timings):.1f}",
                f"{_p(timings, 0.99):.1f}",
            ),
        ],
        (f"{engine}", "p50 ms", "p99 ms"),
    )
    assert len(timings) == len(days)  # the numbers are the result; no timing is asserted
