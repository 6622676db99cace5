"""Sync ingest: duty-log mutations applied per second through POST /api/sync (batches of 50), against a
plain insert of the same rows through the ORM — the ratio is the figure (aim: ≥ 1,000/s on SQLite)."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

from app.db import get_engine, write_transaction
from app.duty.service import GENESIS_HASH, entry_hash
from app.duty.tables import DutyLogEntry
from tests.perf.conftest import report
from tests.support.sync import mutation, sync

N = 2000
BATCH = 50


def _rows(office_id: int, author_id: int) -> list[dict]:
    now = datetime.now(UTC)
    rows, prev = [], GENESIS_HASH
    for i in range(N):
        row = {
            "id": uuid.uuid4(),
            "office": office_id,
            "seq": i + 1,
            "author": author_id,
            "device_id": "bench",
            "recorded_at": now - timedelta(seconds=N - i),
            "received_at": now,
            "clock_suspect": False,
            "shift_date": now.date(),
            "shift_code": "day",
            "category": "inquiry",
            "text": f"基准记录 {i}",
            "unit": None,
            "corrects": None,
            "escalation": "",
            "prev_hash": prev,
        }
        row["entry_hash"] = prev = entry_hash(row)
        rows.append(row)
    return rows


async def test_sync_ingest_against_plain_orm_insert(client, office, other_office, make_staff, login):
    engine = get_engine().engine_type
    staff = await make_staff(office["id"], "duty")
    token = await login(client, staff)
    batches = [
        [mutation("duty_log.append", {"category": "inquiry", "text": f"同步基准 {i + j}"}) for j in range(BATCH)]
        for i in range(0, N, BATCH)
    ]
    start = time.perf_counter()
    for batch in batches:
        results = (await sync(client, token, batch)).json()["results"]
        assert all(r["status"] == "applied" for r in results)
    sync_seconds = time.perf_counter() - start

    other = await make_staff(other_office["id"], "duty")
    rows = _rows(other_office["id"], other["id"])
    start = time.perf_counter()
    for i in range(0, N, BATCH):
        async with write_transaction():
            await DutyLogEntry.insert(*[DutyLogEntry(**row) for row in rows[i : i + BATCH]])
    orm_seconds = time.perf_counter() - start

    sync_rate, orm_rate = N / sync_seconds, N / orm_seconds
    report(
        f"sync_ingest_{engine}",
        [
            ("POST /api/sync, batches of 50 (in-process ASGI)", f"{sync_rate:,.0f}", f"{sync_seconds:.2f}"),
            ("ORM bulk insert, same rows, same batches", f"{orm_rate:,.0f}", f"{orm_seconds:.2f}"),
            ("ratio sync / plain insert", f"{sync_rate / orm_rate:.2f}", ""),
        ],
        ("path", f"rows/s ({engine}, {N} rows)", "seconds"),
    )
    assert await DutyLogEntry.count().where(DutyLogEntry.office == office["id"]) == N
