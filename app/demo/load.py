"""`python -m app seed-load --offices N --years Y`: realistic volumes for benchmarks and server sizing
(issue 17), added to the demo offices (made first when absent). Per office-year: ≈ 15,000 patrol rounds
with 150,000 checkpoint visits, 8,000 duty-log entries (a valid hash chain, continuing the office's),
4,000 requests with their follow-ups, and 2,000 alerts — spread over the past Y years up to yesterday,
so today's pages look like an ordinary day's. Bulk inserts with the raw driver (sqlite3 executemany,
asyncpg COPY) within the tables' schema: seconds, not hours."""

from __future__ import annotations

import random
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import asyncpg

from app.db import _postgres_config, is_postgres
from app.duty.service import GENESIS_HASH, entry_hash
from app.settings import get_settings

PER_YEAR = {"rounds": 15_000, "visits_per_round": 10, "duty_log": 8_000, "requests": 4_000, "alerts": 2_000}
CHUNK = 20_000
_TEXTS = [
    "业主来电咨询停车收费",
    "巡查发现消防通道堆放杂物",
    "电梯困人已通知维保",
    "快递柜故障报修",
    "访客登记",
    "噪音投诉已劝导",
]
_CATEGORIES = ["inquiry", "help", "repair", "complaint", "patrol", "other"]


def _times(rng: random.Random, n: int, years: int, today: date) -> list[datetime]:
    """n moments spread over the `years` before today (UTC), in order."""
    start = datetime.combine(today - timedelta(days=365 * years), datetime.min.time(), UTC)
    span = int(timedelta(days=365 * years).total_seconds())
    return sorted(start + timedelta(seconds=rng.randrange(span)) for _ in range(n))


class _Writer:
    """Inserts tuples into a table with the raw driver of the engine in use."""

    def __init__(self) -> None:
        self.pg: asyncpg.Connection | None = None
        self.lite: sqlite3.Connection | None = None
        self.count = 0

    async def open(self) -> None:
        if is_postgres():
            self.pg = await asyncpg.connect(**_postgres_config(get_settings().database_url))
        else:
            self.lite = sqlite3.connect(get_settings().sqlite_path, timeout=30, isolation_level=None)
            self.lite.execute("PRAGMA foreign_keys = 1")

    async def close(self) -> None:
        if self.pg:
            await self.pg.close()
        if self.lite:
            self.lite.close()

    async def fetch(self, sql: str) -> list[tuple]:
        if self.pg:
            return [tuple(r) for r in await self.pg.fetch(sql)]
        assert self.lite
        return self.lite.execute(sql).fetchall()

    async def insert(self, table: str, columns: list[str], rows: Iterator[tuple]) -> None:
        batch: list[tuple] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                await self._write(table, columns, batch)
                batch = []
        if batch:
            await self._write(table, columns, batch)

    async def _write(self, table: str, columns: list[str], batch: list[tuple]) -> None:
        self.count += len(batch)
        if self.pg:
            await self.pg.copy_records_to_table(table, records=batch, columns=columns)
            return
        assert self.lite
        marks = ", ".join("?" for _ in columns)
        names = ", ".join(f'"{c}"' for c in columns)
        self.lite.execute("BEGIN IMMEDIATE")
        self.lite.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', batch)
        self.lite.execute("COMMIT")


def _lite(value):
    """The text Piccolo stores in SQLite for a Python value (UTC datetimes, str UUIDs, JSON text)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(sep=" ")
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


async def _office_facts(w: _Writer, office: int) -> dict:
    staff = await w.fetch(f"SELECT id, role FROM staff WHERE office = {office}")
    routes = await w.fetch(f"SELECT id FROM patrol_route WHERE office = {office} AND kind = 'patrol'")
    route_ids = [r[0] for r in routes]
    checkpoints: dict[int, list[int]] = {r: [] for r in route_ids}
    if route_ids:
        ids = ", ".join(str(r) for r in route_ids)
        for cp, route in await w.fetch(f"SELECT id, route FROM checkpoint WHERE route IN ({ids}) ORDER BY position"):
            checkpoints[route].append(cp)
    head = await w.fetch(
        f"SELECT seq, entry_hash FROM duty_log_entry WHERE office = {office} ORDER BY seq DESC LIMIT 1"
    )
    by_role: dict[str, list[int]] = {}
    for sid, role in staff:
        by_role.setdefault(role, []).append(sid)
    return {
        "staff": by_role,
        "checkpoints": {r: c for r, c in checkpoints.items() if c},
        "head": head[0] if head else None,
    }


def _duty_rows(rng: random.Random, office: int, facts: dict, n: int, years: int, today: date) -> Iterator[tuple]:
    seq, prev = facts["head"] or (0, GENESIS_HASH)
    authors = facts["staff"].get("duty") or [next(iter(facts["staff"].values()))[0]]
    for at in _times(rng, n, years, today):
        seq += 1
        row = {
            "id": uuid.uuid4(),
            "office": office,
            "seq": seq,
            "author": rng.choice(authors),
            "device_id": "seed-load",
            "recorded_at": at,
            "received_at": at + timedelta(seconds=rng.randrange(1, 60)),
            "clock_suspect": False,
            "shift_date": (at + timedelta(hours=8)).date(),
            "shift_code": "day" if 0 <= at.hour < 10 else "night",
            "category": rng.choice(_CATEGORIES),
            "text": rng.choice(_TEXTS),
            "unit": None,
            "corrects": None,
            "escalation": "",
            "prev_hash": prev,
        }
        row["entry_hash"] = prev = entry_hash(row)
        yield tuple(row.values())


_DUTY_COLUMNS = [
    "id", "office", "seq", "author", "device_id", "recorded_at", "received_at", "clock_suspect", "shift_date",
    "shift_code", "category", "text", "unit", "corrects", "escalation", "prev_hash", "entry_hash",
]  # fmt: skip


async def _rounds(w: _Writer, rng: random.Random, office: int, facts: dict, n: int, years: int, today: date) -> None:
    walkers = facts["staff"].get("patrol") or [next(iter(facts["staff"].values()))[0]]
    routes = list(facts["checkpoints"])
    if not routes:
        return
    rounds, visits = [], []
    for at in _times(rng, n, years, today):
        rid, route, who = uuid.uuid4(), rng.choice(routes), rng.choice(walkers)
        local = (at + timedelta(hours=8)).date()
        rounds.append((rid, office, route, "patrol", who, "seed-load", at, local, at, False, "finished",
                       at + timedelta(minutes=40), "[]", ""))  # fmt: skip
        points = facts["checkpoints"][route]
        for i in range(PER_YEAR["visits_per_round"]):
            t = at + timedelta(minutes=4 * i)
            visits.append((uuid.uuid4(), office, rid, points[i % len(points)], "scan", t, t, who, "seed-load"))
    await w.insert("patrol_round", ["id", "office", "route", "kind", "started_by", "device_id", "started_at",
                   "local_date", "received_at", "clock_suspect", "status", "finished_at", "skipped", "note"],
                   _fix(w, rounds))  # fmt: skip
    await w.insert("visit", ["id", "office", "round", "checkpoint", "method", "visited_at", "received_at", "staff",
                   "device_id"], _fix(w, visits))  # fmt: skip


def _fix(w: _Writer, rows: list[tuple]) -> Iterator[tuple]:
    if w.pg:
        yield from rows
    else:
        for row in rows:
            yield tuple(_lite(v) for v in row)


async def _requests(w: _Writer, rng: random.Random, office: int, facts: dict, n: int, years: int, today: date) -> None:
    owners = facts["staff"].get("frontdesk") or facts["staff"].get("duty") or [next(iter(facts["staff"].values()))[0]]
    requests, tasks = [], []
    for at in _times(rng, n, years, today):
        rid, owner = uuid.uuid4(), rng.choice(owners)
        requests.append((rid, office, rng.choice(["phone", "visit", "online"]), rng.choice(["help", "consultation"]),
                         "", "", "张先生", "", rng.choice(_TEXTS), "[]", False, "", owner, "closed", False, "",
                         "seed-load", at, at, False, False, at + timedelta(hours=3), at + timedelta(hours=3),
                         owner))  # fmt: skip
        tasks.append((uuid.uuid4(), office, f"LOAD:{rid}", "F1", rid, owner, "frontdesk", at + timedelta(days=1),
                      at + timedelta(hours=3), "done", at + timedelta(days=1), True))  # fmt: skip
    await w.insert("service_request", ["id", "office", "channel", "kind", "category", "location", "resident_name",
                   "resident_phone", "description", "photos", "urgent", "urgent_reason", "owner", "state", "night",
                   "source", "device_id", "recorded_at", "received_at", "clock_suspect", "synced_later", "changed_at",
                   "closed_at", "closed_by"], _fix(w, requests))  # fmt: skip
    await w.insert("followup_task", ["id", "office", "key", "rule", "request", "assignee", "assignee_role", "due_at",
                   "created_at", "state", "done_at", "satisfied"], _fix(w, tasks))  # fmt: skip


async def _alerts(w: _Writer, rng: random.Random, office: int, facts: dict, n: int, years: int, today: date) -> None:
    rows = []
    for at in _times(rng, n, years, today):
        rows.append((uuid.uuid4(), office, "manual", rng.choice(_TEXTS), "", "", f"load:{uuid.uuid4()}", at, False,
                     "[]", "[]", "[]", 0, None, "resolved", None, None, ""))  # fmt: skip
    await w.insert("alert", ["id", "office", "kind", "title", "body", "url", "source", "raised_at", "needs_ack",
                   "channels", "ladder", "named", "level", "next_escalation_at", "status", "acknowledged_by",
                   "acknowledged_at", "ack_note"], _fix(w, rows))  # fmt: skip


async def seed_load(offices: int, years: int, seed: int = 17) -> dict[str, int]:
    """Adds `years` of records to each of the first `offices` demo offices; returns rows per table."""
    from app.demo import demo_exists, seed_demo

    if not await demo_exists():
        await seed_demo()
    rng, today = random.Random(seed), date.today()
    w = _Writer()
    await w.open()
    counts: dict[str, int] = {}
    try:
        ids = [r[0] for r in await w.fetch("SELECT id FROM office ORDER BY id")][:offices]
        if len(ids) < offices:
            raise SystemExit(f"only {len(ids)} offices exist (the demo has 2): use --years for more office-years")
        for office in ids:
            facts = await _office_facts(w, office)
            steps = [
                ("duty_log_entry", None),
                ("patrol_round+visit", _rounds),
                ("service_request+followup_task", _requests),
                ("alert", _alerts),
            ]
            for name, step in steps:
                before = w.count
                if step is None:
                    rows = _duty_rows(rng, office, facts, PER_YEAR["duty_log"] * years, years, today)
                    await w.insert("duty_log_entry", _DUTY_COLUMNS, _fix(w, list(rows)))
                else:
                    key = {"patrol_round+visit": "rounds", "service_request+followup_task": "requests"}.get(
                        name, "alerts"
                    )
                    await step(w, rng, office, facts, PER_YEAR[key] * years, years, today)
                counts[name] = counts.get(name, 0) + w.count - before
        if w.pg:
            await w.pg.execute("ANALYZE")
        elif w.lite:
            w.lite.execute("ANALYZE")
    finally:
        await w.close()
    return counts
