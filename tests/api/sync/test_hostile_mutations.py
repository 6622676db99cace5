"""Hostile mutations (issue 16): a client's times are bounded (DESIGN "Time"), and every mutation's
failure is that mutation's answer — deferred-write types included (DESIGN "Sync API")."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.duty.service import verify_chain
from app.duty.tables import DutyLogEntry
from app.sync.tables import AppliedMutation
from tests.support.sync import mutation, sync


@pytest.fixture
async def duty(client, office, make_staff, login):
    staff = await make_staff(office["id"], "duty")
    return {"staff": staff, "token": await login(client, staff), "office": office}


def _entry(text: str, **extra) -> dict:
    return {"category": "inquiry", "text": text, **extra}


def _raw(text: str, recorded_at: str) -> dict:
    m = mutation("duty_log.append", _entry(text))
    m["recorded_at"] = recorded_at
    return m


async def _stored(office_id: int, text: str) -> int:
    return await DutyLogEntry.count().where((DutyLogEntry.office == office_id) & (DutyLogEntry.text == text))


@pytest.mark.parametrize(
    "recorded_at", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00", "2200-01-01T00:00:00+08:00"]
)
async def test_a_time_far_from_the_servers_clock_is_refused_alone_and_the_log_still_opens(client, duty, recorded_at):
    before, after = mutation("duty_log.append", _entry("时间之前")), mutation("duty_log.append", _entry("时间之后"))
    odd = _raw("离谱时间", recorded_at)
    response = await sync(client, duty["token"], [before, odd, after])
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    assert results[1]["error"]["code"] == "recorded_at_out_of_range"
    assert "手机" in results[1]["error"]["message"]  # says what to do, in Chinese
    assert await _stored(duty["office"]["id"], "离谱时间") == 0
    assert not await AppliedMutation.exists().where(AppliedMutation.id == odd["id"])
    assert (await client.get("/duty-log")).status_code == 200
    assert (await client.get("/")).status_code == 200
    assert await verify_chain(duty["office"]["id"]) == []


async def test_the_window_is_minus_30_days_to_plus_1_day(client, duty):
    server = datetime.now(UTC)
    deltas = (timedelta(days=-29), timedelta(hours=23), timedelta(days=-31), timedelta(days=2))
    batch = [_raw(f"窗口{n}", (server + delta).isoformat()) for n, delta in enumerate(deltas)]
    results = (await sync(client, duty["token"], batch)).json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied", "rejected", "rejected"]


@pytest.mark.parametrize("sent_at", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z"])
async def test_a_phone_clock_far_off_at_sending_refuses_each_change_with_the_reason(client, duty, sent_at):
    m = mutation("duty_log.append", _entry("发送时钟离谱"))
    response = await sync(client, duty["token"], [m], sent_at=sent_at)
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    assert result["status"] == "rejected" and result["error"]["code"] == "clock_out_of_range"
    assert result["id"] == m["id"]
    assert await _stored(duty["office"]["id"], "发送时钟离谱") == 0


async def test_a_resend_of_an_old_applied_change_is_still_a_duplicate(client, duty):
    m = mutation("duty_log.append", _entry("旧的已应用"))
    assert (await sync(client, duty["token"], [m])).json()["results"][0]["status"] == "applied"
    await AppliedMutation.update({AppliedMutation.recorded_at: datetime(2001, 1, 1, tzinfo=UTC)}).where(
        AppliedMutation.id == m["id"]
    )
    assert (await sync(client, duty["token"], [m])).json()["results"][0]["status"] == "duplicate"


@pytest.mark.parametrize("unit_id", [2**31, 2**63, 2**64 + 1, -(2**31) - 1, 10**60])
async def test_an_integer_the_database_cannot_hold_is_refused_alone(client, duty, unit_id):
    before, after = mutation("duty_log.append", _entry("整数之前")), mutation("duty_log.append", _entry("整数之后"))
    odd = mutation("duty_log.append", _entry("巨大单元", unit_id=unit_id))
    response = await sync(client, duty["token"], [before, odd, after])
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    assert results[1]["error"]["code"] == "out_of_range" and results[1]["error"]["field"] == "unit_id"
    assert await _stored(duty["office"]["id"], "巨大单元") == 0
    assert await _stored(duty["office"]["id"], "整数之后") == 1


async def test_a_nul_character_is_refused_alone(client, duty):
    odd = mutation("duty_log.append", _entry("空\u0000字符"))
    good = mutation("duty_log.append", _entry("空字符之后"))
    results = (await sync(client, duty["token"], [odd, good])).json()["results"]
    assert [r["status"] for r in results] == ["rejected", "applied"]


async def test_a_failing_bulk_write_falls_back_to_one_by_one_and_refuses_only_the_bad_row(client, duty):
    """The duty log writes its rows in bulk at the end of the batch; when that insert fails (here:
    an entry whose id is already in the log but whose applied record is gone), the batch is redone
    item by item, each in its own savepoint: the good ones apply, in order, once."""
    office_id = duty["office"]["id"]
    taken = mutation("duty_log.append", _entry("已占用的编号"))
    assert (await sync(client, duty["token"], [taken])).json()["results"][0]["status"] == "applied"
    await AppliedMutation.delete().where(AppliedMutation.id == taken["id"])
    clash = mutation("duty_log.append", _entry("编号冲突"), taken["id"])
    batch = [mutation("duty_log.append", _entry(f"回退{n}")) for n in range(3)]
    response = await sync(client, duty["token"], [batch[0], clash, batch[1], batch[2]])
    assert response.status_code == 200, response.text
    statuses = [r["status"] for r in response.json()["results"]]
    assert statuses == ["applied", "rejected", "applied", "applied"]
    assert response.json()["results"][1]["error"]["code"] == "server_error"
    for n in range(3):
        assert await _stored(office_id, f"回退{n}") == 1
    assert await _stored(office_id, "编号冲突") == 0
    assert await verify_chain(office_id) == []
    seqs = [r["seq"] for r in await DutyLogEntry.select(DutyLogEntry.seq).where(DutyLogEntry.office == office_id)]
    assert sorted(seqs) == list(range(1, len(seqs) + 1))
    again = (await sync(client, duty["token"], batch)).json()["results"]
    assert [r["status"] for r in again] == ["duplicate"] * 3


async def test_form_with_a_huge_unit_is_a_422_beside_the_field(client, duty):
    for unit_id in (str(2**63), "²", "9" * 5000):
        response = await client.post(
            "/duty-log",
            data={
                "_csrf_token": duty["token"],
                "id": str(uuid.uuid4()),
                "category": "inquiry",
                "text": "表单巨大单元",
                "unit_id": unit_id,
            },
        )
        assert response.status_code == 422, (unit_id[:10], response.status_code)
    assert await _stored(duty["office"]["id"], "表单巨大单元") == 0
