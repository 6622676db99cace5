"""The duty log (SPEC D5, D6): append-only, hash-chained, corrections beside the original."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.db import get_engine
from app.duty.service import shift_of, verify_chain
from app.duty.tables import DutyLogEntry
from app.settings import ROOT
from tests.support.sync import mutation, sync


@pytest.fixture
async def duty(client, office, make_staff, login):
    staff = await make_staff(office["id"], "duty")
    token = await login(client, staff)
    return {"staff": staff, "token": token, "office": office}


def _entry(text, **extra):
    return {"category": "help", "text": text, **extra}


def _verify_cli(office_id: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app", "verify-duty-log", "--office", str(office_id)],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=60,
    )


async def _tamper(sql: str, *args) -> None:
    """Change a row behind the app's back, as a person with database access could (D5 test)."""
    engine = get_engine()
    if engine.engine_type == "postgres":
        await engine.run_ddl("ALTER TABLE duty_log_entry DISABLE TRIGGER USER")
        try:
            await DutyLogEntry.raw(sql, *args)
        finally:
            await engine.run_ddl("ALTER TABLE duty_log_entry ENABLE TRIGGER USER")
    else:
        await engine.run_ddl("DROP TRIGGER duty_log_entry_no_update")
        try:
            await DutyLogEntry.raw(sql, *args)
        finally:
            await engine.run_ddl(
                "CREATE TRIGGER duty_log_entry_no_update BEFORE UPDATE ON duty_log_entry "
                "BEGIN SELECT RAISE(ABORT, 'duty log is append-only (D5)'); END"
            )


async def test_chain_links_each_entry_to_the_previous_one(client, duty):
    ms = [mutation("duty_log.append", _entry(f"链{i}")) for i in range(3)]
    await sync(client, duty["token"], ms[:2])
    await sync(client, duty["token"], ms[2:])
    rows = await DutyLogEntry.select().where(DutyLogEntry.office == duty["office"]["id"]).order_by(DutyLogEntry.seq)
    assert [r["seq"] for r in rows] == [1, 2, 3]
    assert rows[0]["prev_hash"] == "0" * 64
    assert rows[1]["prev_hash"] == rows[0]["entry_hash"] and rows[2]["prev_hash"] == rows[1]["entry_hash"]
    assert await verify_chain(duty["office"]["id"]) == []
    result = _verify_cli(duty["office"]["id"])
    assert result.returncode == 0, result.stderr


async def test_verify_fails_naming_the_first_altered_entry(client, duty):
    """D5: an entry altered directly in the database breaks the chain; the CLI exits non-zero naming it."""
    ms = [mutation("duty_log.append", _entry(f"篡改测试{i}")) for i in range(4)]
    await sync(client, duty["token"], ms)
    await _tamper("UPDATE duty_log_entry SET text = {} WHERE id = {}", "被改过的内容", uuid.UUID(ms[1]["id"]))
    breaks = await verify_chain(duty["office"]["id"])
    assert len(breaks) == 1 and breaks[0].seq == 2 and breaks[0].entry_id == ms[1]["id"]
    result = _verify_cli(duty["office"]["id"])
    assert result.returncode != 0
    assert ms[1]["id"] in result.stderr and "#2" in result.stderr


async def test_verify_detects_a_removed_entry(client, duty):
    ms = [mutation("duty_log.append", _entry(f"删除测试{i}")) for i in range(3)]
    await sync(client, duty["token"], ms)
    # Renumbering is the only way to hide a deletion from a sequence check; a hash check still catches it.
    await _tamper("UPDATE duty_log_entry SET seq = seq + 1000 WHERE id = {}", uuid.UUID(ms[1]["id"]))
    breaks = await verify_chain(duty["office"]["id"])
    assert breaks and breaks[0].seq in (3, 1002)


async def test_update_and_delete_are_refused_by_the_database(client, duty):
    m = mutation("duty_log.append", _entry("不可修改"))
    await sync(client, duty["token"], [m])
    with pytest.raises(Exception, match="append-only"):
        await DutyLogEntry.update({DutyLogEntry.text: "改"}).where(DutyLogEntry.id == uuid.UUID(m["id"]))
    with pytest.raises(Exception, match="append-only"):
        await DutyLogEntry.delete().where(DutyLogEntry.id == uuid.UUID(m["id"]))
    row = await DutyLogEntry.select(DutyLogEntry.text).where(DutyLogEntry.id == uuid.UUID(m["id"])).first()
    assert row["text"] == "不可修改"


async def test_a_correction_is_a_new_entry_shown_beside_the_original(client, duty):
    original = mutation("duty_log.append", _entry("3栋电梯困人，已通知维保"))
    correction = mutation("duty_log.append", _entry("更正：是2栋电梯", corrects=original["id"]))
    results = (await sync(client, duty["token"], [original, correction])).json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied"]
    page = await client.get("/duty-log")
    assert page.status_code == 200
    html = page.text
    # The correction is rendered inside the original's item, after its text.
    start = html.index(f'id="entry-{original["id"]}"')
    assert html.index("3栋电梯困人", start) < html.index("更正：是2栋电梯", start)
    assert html.index(f'id="entry-{correction["id"]}"') > start


async def test_d5_a_correction_written_another_day_is_shown_beside_its_original(client, duty):
    """D5: a correction written today of yesterday's entry sits beside yesterday's entry, and today's
    page says which earlier entry it corrects, with a link to it."""
    yesterday = datetime.now(UTC) - timedelta(days=1)
    original = mutation("duty_log.append", _entry("昨天：4栋门禁故障"), recorded_at=yesterday)
    await sync(client, duty["token"], [original])
    correction = mutation("duty_log.append", _entry("更正：是5栋门禁", corrects=original["id"]))
    results = (await sync(client, duty["token"], [correction])).json()["results"]
    assert results[0]["status"] == "applied", results
    days = {
        str(r["id"]): r["shift_date"]
        for r in await DutyLogEntry.select(DutyLogEntry.id, DutyLogEntry.shift_date).where(
            DutyLogEntry.office == duty["office"]["id"]
        )
    }
    first_day, second_day = days[original["id"]], days[correction["id"]]
    assert first_day < second_day  # two different days (by shift date)

    html = (await client.get(f"/duty-log?day={first_day.isoformat()}")).text
    start = html.index(f'id="entry-{original["id"]}"')
    assert html.index("昨天：4栋门禁故障", start) < html.index("更正：是5栋门禁", start)
    assert html.index(f'id="entry-{correction["id"]}"') > start

    html = (await client.get(f"/duty-log?day={second_day.isoformat()}")).text
    item = html[html.index(f'id="entry-{correction["id"]}"') :]
    assert "更正：是5栋门禁" in item
    link = f"/duty-log?day={first_day.isoformat()}&amp;office={duty['office']['id']}#entry-{original['id']}"
    assert link in item and f"更正 {first_day.isoformat()} 的第 #1 条记录" in item
    assert "昨天：4栋门禁故障" not in html  # the original stays on its own day


async def test_late_entries_keep_their_recorded_time_and_are_appended_in_arrival_order(client, duty):
    now = datetime.now(UTC)
    late = mutation("duty_log.append", _entry("离线时写的"), recorded_at=now - timedelta(hours=3))
    await sync(client, duty["token"], [mutation("duty_log.append", _entry("先到的"))])
    await sync(client, duty["token"], [late])
    rows = (
        await DutyLogEntry.select(DutyLogEntry.text, DutyLogEntry.seq, DutyLogEntry.recorded_at)
        .where(DutyLogEntry.office == duty["office"]["id"])
        .order_by(DutyLogEntry.seq)
    )
    assert [r["text"] for r in rows] == ["先到的", "离线时写的"]
    recorded = rows[1]["recorded_at"] if rows[1]["recorded_at"].tzinfo else rows[1]["recorded_at"].replace(tzinfo=UTC)
    assert abs((recorded - (now - timedelta(hours=3))).total_seconds()) < 1
    assert await verify_chain(duty["office"]["id"]) == []


async def test_a_phone_clock_far_in_the_future_is_flagged(client, duty):
    future = mutation("duty_log.append", _entry("时钟错误"), recorded_at=datetime.now(UTC) + timedelta(hours=12))
    await sync(client, duty["token"], [future])
    row = (
        await DutyLogEntry.select(DutyLogEntry.clock_suspect).where(DutyLogEntry.id == uuid.UUID(future["id"])).first()
    )
    assert row["clock_suspect"] is True


async def test_escalated_entries_are_listed_for_the_supervisor(client, duty, make_staff, login):
    """D6: difficult → supervisor, major → manager at once; both listed and marked."""
    await sync(
        client,
        duty["token"],
        [
            mutation("duty_log.append", _entry("水管爆裂", escalation="major")),
            mutation("duty_log.append", _entry("住户投诉噪音", escalation="difficult")),
            mutation("duty_log.append", _entry("普通咨询")),
        ],
    )
    supervisor = await make_staff(duty["office"]["id"], "supervisor")
    await login(client, supervisor)
    page = await client.get("/duty-log/escalated")
    assert page.status_code == 200
    assert "水管爆裂" in page.text and "住户投诉噪音" in page.text and "普通咨询" not in page.text
    home = await client.get("/")
    assert "水管爆裂" in home.text
    # A duty officer does not get the supervisor's list.
    await login(client, duty["staff"])
    assert (await client.get("/duty-log/escalated", follow_redirects=False)).status_code == 403


def test_shifts_follow_the_office_templates_across_midnight():
    """D2: a night shift 23:30–08:30 belongs to the date it started."""
    from zoneinfo import ZoneInfo

    from app.org.service import DEFAULT_SHIFTS

    tz = ZoneInfo("Asia/Shanghai")
    assert shift_of(datetime(2026, 3, 2, 2, 0, tzinfo=tz), DEFAULT_SHIFTS) == (datetime(2026, 3, 1).date(), "night")
    assert shift_of(datetime(2026, 3, 2, 23, 45, tzinfo=tz), DEFAULT_SHIFTS) == (datetime(2026, 3, 2).date(), "night")
    assert shift_of(datetime(2026, 3, 2, 8, 30, tzinfo=tz), DEFAULT_SHIFTS) == (datetime(2026, 3, 2).date(), "day")
    assert shift_of(datetime(2026, 3, 2, 16, 29, tzinfo=tz), DEFAULT_SHIFTS) == (datetime(2026, 3, 2).date(), "day")
    assert shift_of(datetime(2026, 3, 2, 16, 30, tzinfo=tz), DEFAULT_SHIFTS) == (datetime(2026, 3, 2).date(), "evening")


async def test_plain_form_post_appends_through_the_same_mutation(client, duty):
    form_id = str(uuid.uuid4())
    data = {"_csrf_token": duty["token"], "id": form_id, "category": "inquiry", "text": "表单提交", "escalation": ""}
    first = await client.post("/duty-log", data=data, follow_redirects=False)
    again = await client.post("/duty-log", data=data, follow_redirects=False)  # double tap on a slow phone
    assert first.status_code == again.status_code == 303
    assert await DutyLogEntry.count().where(DutyLogEntry.text == "表单提交") == 1


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"category": "inquiry", "text": ""}, "text", "必填"),
        ({"category": "inquiry", "text": "   "}, "text", ""),
        ({"category": "inquiry", "text": "x" * 4001}, "text", "4000"),
        ({"category": "weather", "text": "x"}, "category", ""),
        ({"category": "inquiry", "text": "x", "unit_id": "999999"}, "unit_id", ""),
    ],
)
async def test_plain_form_bad_input_gets_a_422_with_the_message_beside_the_field(client, duty, fields, field, message):
    response = await client.post("/duty-log", data={"_csrf_token": duty["token"], **fields}, follow_redirects=False)
    assert response.status_code == 422
    assert f'id="e-{field}"' in response.text  # the message sits next to its field
    assert message in response.text
