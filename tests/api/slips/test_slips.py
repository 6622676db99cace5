"""Release slips (SPEC R1): issued at the desk (ID last 4, fee status, goods, the owner's call when the
person is not a resident), released once at the gate — a second release from another phone flagged to
the supervisor —, cancelled or expired slips refused with the reason, offices kept apart."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.alerts.tables import Alert, AlertRecipient
from app.fees.tables import FeeStatus
from app.slips.tables import ReleaseSlip
from tests.support.sync import mutation, sync, sync_one


def slip_form(token: str, unit: int, **fields) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "unit_id": str(unit),
        "person_name": "搬家公司刘师傅",
        "id_kind": "id_card",
        "id_last4": "5678",
        "goods_item": ["沙发", "", "纸箱"],
        "goods_quantity": ["1", "", "6"],
        "confirm_name": "业主陈女士",
        "confirm_phone": "13812345678",
        "confirm_time": "09:30",
        "_csrf_token": token,
        **fields,
    }


@pytest.fixture
async def desk(client, office, make_staff, login):
    staff = await make_staff(office["id"], "frontdesk")
    return {"token": await login(client, staff), "staff": staff, "office": office, "unit": office["units"][0]}


async def issue(client, token, unit_id, **fields) -> str:
    response = await client.post("/slips", data=slip_form(token, unit_id, **fields), follow_redirects=False)
    assert response.status_code == 303, response.text[-3000:]
    return re.search(r"/slips/([0-9a-f-]{36})$", response.headers["location"]).group(1)


async def owe(office_id: int, unit_id: int, fen: int = 128000) -> None:
    await FeeStatus.insert(
        FeeStatus(office=office_id, unit=unit_id, months_owed=4, amount_fen=fen, as_of=date(2026, 11, 30))
    )


async def test_a_slip_for_a_non_resident_records_the_owners_call_and_prints_two_copies(client, desk):
    """R1: not a resident → who confirmed, when, which number; the print view has the desk and gate copies."""
    slip_id = await issue(client, desk["token"], desk["unit"])
    row = await ReleaseSlip.select().where(ReleaseSlip.id == uuid.UUID(slip_id)).output(load_json=True).first()
    assert row["number"] == "R0001" and row["resident_id"] is None and row["person_name"] == "搬家公司刘师傅"
    assert row["goods"] == [{"item": "沙发", "quantity": 1}, {"item": "纸箱", "quantity": 6}]
    assert (
        row["confirm_name"] == "业主陈女士" and row["confirm_phone"] == "13812345678" and row["confirm_at"] is not None
    )
    assert row["id_last4"] == "5678" and row["valid_until"] == row["valid_on"] + timedelta(days=1)
    page = await client.get(f"/slips/{slip_id}")
    assert "业主陈女士" in page.text and "13812345678" in page.text and "待放行" in page.text
    printed = await client.get(f"/slips/{slip_id}/print")
    assert printed.text.count('class="slips-copy"') == 2 and printed.text.count("<svg") == 2
    assert "138****5678" in printed.text and "13812345678" not in printed.text.split("<main")[1]


async def test_a_resident_on_file_needs_no_call(client, desk):
    unit = (await client.get(f"/slips/new?unit_id={desk['unit']}")).text
    resident_id = re.search(r'name="resident_id" value="(\d+)"', unit).group(1)
    fields = {
        "resident_id": resident_id,
        "person_name": "",
        "confirm_name": "",
        "confirm_phone": "",
        "confirm_time": "",
    }
    slip_id = await issue(client, desk["token"], desk["unit"], **fields)
    row = await ReleaseSlip.select().where(ReleaseSlip.id == uuid.UUID(slip_id)).first()
    assert row["person_name"] == "住户" and row["resident_id"] == int(resident_id) and row["confirm_name"] == ""


async def test_a_non_resident_without_the_owners_confirmation_gets_messages(client, desk):
    for field in ("confirm_name", "confirm_phone", "confirm_time"):
        response = await client.post("/slips", data=slip_form(desk["token"], desk["unit"], **{field: ""}))
        assert response.status_code == 422 and f'id="e-{field}"' in response.text, field
    assert await ReleaseSlip.count() == 0 or not await ReleaseSlip.exists().where(
        ReleaseSlip.office == desk["office"]["id"]
    )


async def test_an_empty_goods_list_gets_a_message_beside_the_goods(client, desk):
    """R1: goods listed — none (every row blank) → a message beside the goods, never a 500."""
    response = await client.post(
        "/slips", data=slip_form(desk["token"], desk["unit"], goods_item=["", ""], goods_quantity=["", ""])
    )
    assert response.status_code == 422 and 'id="e-goods"' in response.text and "至少一件" in response.text
    bad_qty = await client.post(
        "/slips", data=slip_form(desk["token"], desk["unit"], goods_item="沙发", goods_quantity="1000")
    )
    assert bad_qty.status_code == 422 and 'id="e-goods"' in bad_qty.text
    await issue(client, desk["token"], desk["unit"], goods_item="沙发", goods_quantity="999")  # the edge
    for fields in (
        {"id_last4": "12"},
        {"unit_id": "99999999999"},
        {"confirm_time": "25:00"},
        {"person_name": "名" * 51},
    ):
        response = await client.post("/slips", data=slip_form(desk["token"], desk["unit"], **fields))
        assert response.status_code in (404, 422), fields


async def test_a_unit_in_arrears_gets_no_slip_without_the_supervisors_override(
    client, desk, make_staff, login, new_client
):
    """R1 + $1: arrears block the slip; the front desk is told to ask the supervisor; the supervisor
    issues it only with a reason, which is recorded with who gave it."""
    office_id, unit = desk["office"]["id"], desk["unit"]
    await owe(office_id, unit)
    refused = await client.post("/slips", data=slip_form(desk["token"], unit))
    assert refused.status_code == 422 and "1,280.00" in refused.text and 'id="e-override_reason"' in refused.text
    waived = await client.post("/slips", data=slip_form(desk["token"], unit, override_reason="经理同意"))
    assert waived.status_code == 422  # the front desk cannot override, even with a reason
    assert not await ReleaseSlip.exists().where(ReleaseSlip.office == office_id)
    async with new_client() as boss:
        supervisor = await make_staff(office_id, "supervisor")
        token = await login(boss, supervisor)
        no_reason = await boss.post("/slips", data=slip_form(token, unit))
        assert no_reason.status_code == 422 and 'id="e-override_reason"' in no_reason.text
        slip_id = await issue(boss, token, unit, override_reason="业主已承诺本周缴清，经理同意")
    row = await ReleaseSlip.select().where(ReleaseSlip.id == uuid.UUID(slip_id)).first()
    assert row["override_reason"] == "业主已承诺本周缴清，经理同意" and row["override_by"] == supervisor["id"]
    assert row["fee_amount_fen"] == 128000 and row["fee_months_owed"] == 4
    assert "经理同意" in (await client.get(f"/slips/{slip_id}")).text
    paid_unit = desk["office"]["units"][1]
    await owe(office_id, paid_unit, fen=0)
    await issue(client, desk["token"], paid_unit)  # paid up: no override needed


async def test_a_slip_released_on_two_phones_is_released_once_and_flagged(
    client, desk, office, make_staff, login, new_client
):
    """R1: two offline phones release the same slip (two mutation ids): the first is the release, the
    second is accepted as a fact, kept on the slip and flagged to the supervisor; resends are duplicates."""
    slip_id = await issue(client, desk["token"], desk["unit"])
    supervisor = await make_staff(office["id"], "supervisor")
    guards = [await make_staff(office["id"], "patrol"), await make_staff(office["id"], "patrol")]
    first_at = datetime.now(UTC) - timedelta(minutes=3)
    releases = [
        mutation("slip.release", {"slip_id": slip_id, "goods_checked": True}, recorded_at=first_at),
        mutation("slip.release", {"slip_id": slip_id, "goods_checked": True}),
    ]
    answers = []
    for guard, m, device in zip(guards, releases, ("phone-a", "phone-b"), strict=True):
        async with new_client() as phone:
            token = await login(phone, guard)
            for _ in range(2):  # the outbox resends (a lost answer)
                answers.append((await sync(phone, token, [m], device_id=device)).json()["results"][0]["status"])
    assert answers == ["applied", "duplicate", "applied", "duplicate"]
    row = await ReleaseSlip.select().where(ReleaseSlip.id == uuid.UUID(slip_id)).first()
    assert row["released_by"] == guards[0]["id"] and row["release_id"] == uuid.UUID(releases[0]["id"])
    assert row["second_release_by"] == guards[1]["id"] and row["second_release_id"] == uuid.UUID(releases[1]["id"])
    alerts = await Alert.select().where((Alert.office == office["id"]) & (Alert.kind == "slip_double_release"))
    assert len(alerts) == 1 and "R0001" in alerts[0]["title"] and alerts[0]["url"] == f"/slips/{slip_id}"
    notified = await AlertRecipient.select(AlertRecipient.staff).where(AlertRecipient.alert == alerts[0]["id"])
    assert supervisor["id"] in {r["staff"] for r in notified}
    page = await client.get(f"/slips/{slip_id}")
    assert 'id="double-release"' in page.text and "重复放行" in page.text


async def test_a_cancelled_or_expired_slip_is_refused_at_the_gate_with_the_reason(
    client, desk, office, make_staff, login, new_client
):
    """R1: cancelled → refused with its reason; valid the day issued and the next, refused the day after."""
    cancelled = await issue(client, desk["token"], desk["unit"])
    response = await client.post(
        f"/slips/{cancelled}/cancel",
        data={"reason": "业主改期搬家", "_csrf_token": desk["token"]},
        follow_redirects=False,
    )
    assert response.status_code == 303
    expiring = await issue(client, desk["token"], desk["unit"])
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the office's day (its time zone)
    issued = await ReleaseSlip.select(ReleaseSlip.valid_on, ReleaseSlip.valid_until).where(
        ReleaseSlip.id == uuid.UUID(expiring)
    )
    assert issued[0]["valid_until"] - issued[0]["valid_on"] == timedelta(days=1)  # the day issued and the next
    async with new_client() as phone:
        token = await login(phone, await make_staff(office["id"], "patrol"))
        refused = await sync_one(phone, token, "slip.release", {"slip_id": cancelled, "goods_checked": True})
        assert (
            refused["status"] == "rejected"
            and "作废" in refused["error"]["message"]
            and "业主改期搬家" in refused["error"]["message"]
        )
        unchecked = await sync_one(phone, token, "slip.release", {"slip_id": expiring})
        assert unchecked["status"] == "rejected" and unchecked["error"]["field"] == "goods_checked"
        # Issued two days ago: yesterday was its last day, today it is refused. (Moving the slip into the
        # past, not the release into the future: a phone's time more than a day ahead is refused anyway.)
        await ReleaseSlip.update(
            {ReleaseSlip.valid_on: today - timedelta(days=2), ReleaseSlip.valid_until: today - timedelta(days=1)}
        ).where(ReleaseSlip.id == uuid.UUID(expiring))
        answer = await sync_one(phone, token, "slip.release", {"slip_id": expiring, "goods_checked": True})
        assert answer["status"] == "rejected" and "过期" in answer["error"]["message"], answer
        # Issued yesterday: today is its last valid day, released.
        await ReleaseSlip.update(
            {ReleaseSlip.valid_on: today - timedelta(days=1), ReleaseSlip.valid_until: today}
        ).where(ReleaseSlip.id == uuid.UUID(expiring))
        released = await sync_one(phone, token, "slip.release", {"slip_id": expiring, "goods_checked": True})
        assert released["status"] == "applied", released
    row = await ReleaseSlip.select().where(ReleaseSlip.id == uuid.UUID(cancelled)).first()
    assert row["released_at"] is None and row["cancel_reason"] == "业主改期搬家"
    again = await client.post(f"/slips/{expiring}/cancel", data={"reason": "x", "_csrf_token": desk["token"]})
    assert again.status_code in (404, 422)


async def test_office_b_cannot_see_or_release_office_a_slip(client, desk, other_office, make_staff, login, new_client):
    slip_id = await issue(client, desk["token"], desk["unit"])
    async with new_client() as other:
        token = await login(other, await make_staff(other_office["id"], "patrol"))
        assert (await other.get(f"/slips/{slip_id}")).status_code == 404
        assert (await other.get(f"/slips/{slip_id}/print")).status_code == 404
        snapshot = (await other.get("/api/gate/snapshot")).json()
        assert all(s["id"] != slip_id for s in snapshot["slips"])
        refused = await sync_one(other, token, "slip.release", {"slip_id": slip_id, "goods_checked": True})
        assert refused["status"] == "rejected"
        desk_b = await make_staff(other_office["id"], "frontdesk")
        token = await login(other, desk_b)
        cross = await other.post("/slips", data=slip_form(token, desk["unit"]))
        assert cross.status_code in (404, 422)
    row = await ReleaseSlip.select().where(ReleaseSlip.id == uuid.UUID(slip_id)).first()
    assert row["released_at"] is None


async def test_the_gate_snapshot_keeps_open_slips_and_passes_without_phone_numbers(
    client, desk, office, make_staff, login, new_client
):
    slip_id = await issue(client, desk["token"], desk["unit"])
    async with new_client() as phone:
        await login(phone, await make_staff(office["id"], "patrol"))
        snapshot = (await phone.get("/api/gate/snapshot")).json()
        page = await phone.get("/gate")
    slip = next(s for s in snapshot["slips"] if s["id"] == slip_id)
    assert slip["state"] == "open" and slip["goods"][0]["item"] == "沙发" and "confirm_phone" not in slip
    assert "13812345678" not in str(snapshot) and page.status_code == 200 and "/static/js/gate." in page.text
