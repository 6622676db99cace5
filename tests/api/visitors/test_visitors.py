"""The visitor log (SPEC V1): in and out offline (exactly once), a department told by an alert, the desk
asked to call a unit's resident and the call recorded, bad input → messages, offices kept apart."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.alerts.tables import Alert, AlertRecipient
from app.visitors.tables import VisitorEntry
from tests.support.sync import mutation, sync, sync_one


def visit(**fields) -> dict:
    return {
        "visitor_name": "快递员小王",
        "id_kind": "id_card",
        "id_last4": "0012",
        "purpose": "送装修材料样品",
        "host_kind": "unit",
        "unit_ref": "1-101",
        "place": "gate",
        **fields,
    }


@pytest.fixture
async def gate(client, office, make_staff, login):
    guard = await make_staff(office["id"], "patrol")
    return {"token": await login(client, guard), "guard": guard, "office": office}


async def test_a_visitor_in_and_out_offline_is_recorded_exactly_once(client, gate):
    """V1: the gate phone sends `visit.in` then `visit.out` (each twice: lost answers): one visit, in and out."""
    came = datetime.now(UTC) - timedelta(minutes=20)
    m_in = mutation("visit.in", visit(), recorded_at=came)
    m_out = mutation("visit.out", {"visit_id": m_in["id"]}, recorded_at=came + timedelta(minutes=15))
    answers = [r["status"] for r in (await sync(client, gate["token"], [m_in, m_out, m_in, m_out])).json()["results"]]
    assert answers == ["applied", "applied", "duplicate", "duplicate"]
    row = await VisitorEntry.select().where(VisitorEntry.id == uuid.UUID(m_in["id"])).first()
    assert row["unit"] == gate["office"]["units"][0] and row["id_last4"] == "0012" and row["place"] == "gate"
    assert row["out_at"] is not None and row["out_at"] > row["in_at"]
    again = await sync_one(client, gate["token"], "visit.out", {"visit_id": m_in["id"]})
    assert again["status"] == "rejected" and "已登记离开" in again["error"]["message"]


async def test_a_department_visit_alerts_its_staff(client, gate, office, make_staff):
    """V1: notify the department concerned: its staff get an alert (others do not)."""
    lead = await make_staff(office["id"], "engineering_lead", department="engineering")
    other = await make_staff(office["id"], "technician", department="cleaning")
    data = visit(host_kind="department", unit_ref="", department="engineering", notify=True, purpose="燃气公司检修")
    m = mutation("visit.in", data)
    assert (await sync(client, gate["token"], [m])).json()["results"][0]["status"] == "applied"
    alert = await Alert.select().where((Alert.office == office["id"]) & (Alert.kind == "visitor_arrived")).first()
    assert alert is not None and "快递员小王" in alert["title"] and alert["url"] == f"/visitors/{m['id']}"
    notified = {
        r["staff"] for r in await AlertRecipient.select(AlertRecipient.staff).where(AlertRecipient.alert == alert["id"])
    }
    assert lead["id"] in notified and other["id"] not in notified


async def test_a_unit_visit_prompts_the_desk_to_call_and_the_call_is_recorded(
    client, gate, office, make_staff, login, new_client
):
    m = mutation("visit.in", visit(notify=True))
    await sync(client, gate["token"], [m])
    async with new_client() as desk:
        token = await login(desk, await make_staff(office["id"], "frontdesk"))
        listing = await desk.get("/visitors")
        assert "快递员小王" in listing.text and "请致电住户" in listing.text
        home = await desk.get("/")
        assert "访客到访：请致电住户" in home.text and "快递员小王" in home.text
        page = await desk.get(f"/visitors/{m['id']}")
        assert "13900000000" in page.text and 'id="called-form"' in page.text
        done = await desk.post(
            f"/visitors/{m['id']}/called", data={"note": "住户同意放行", "_csrf_token": token}, follow_redirects=False
        )
        assert done.status_code == 303
        assert "住户同意放行" in (await desk.get(f"/visitors/{m['id']}")).text
        assert "访客到访：请致电住户" not in (await desk.get("/")).text
    row = await VisitorEntry.select().where(VisitorEntry.id == uuid.UUID(m["id"])).first()
    assert row["resident_called_at"] is not None and row["call_note"] == "住户同意放行"


async def test_bad_visitor_input_gets_messages_beside_the_fields(client, office, make_staff, login):
    token = await login(client, await make_staff(office["id"], "frontdesk"))
    form = {**visit(place="desk"), "_csrf_token": token}
    for fields, name in (
        ({"unit_ref": "不存在"}, "unit_ref"),
        ({"unit_ref": "9-909"}, "unit_ref"),
        ({"id_last4": "1"}, "id_last4"),
        ({"purpose": ""}, "purpose"),
        ({"host_kind": "department", "unit_ref": ""}, "department"),
        ({"people": "51"}, "people"),
    ):
        response = await client.post("/visitors", data={**form, **fields})
        assert response.status_code == 422 and f'id="e-{name}"' in response.text, fields
    ok = await client.post("/visitors", data={**form, "people": "50"}, follow_redirects=False)
    assert ok.status_code == 303


async def test_office_b_cannot_see_or_close_office_a_visit(client, gate, other_office, make_staff, login, new_client):
    m = mutation("visit.in", visit())
    await sync(client, gate["token"], [m])
    async with new_client() as other:
        token = await login(other, await make_staff(other_office["id"], "patrol"))
        assert (await other.get(f"/visitors/{m['id']}")).status_code == 404
        assert "快递员小王" not in (await other.get("/visitors")).text
        assert all(v["id"] != m["id"] for v in (await other.get("/api/gate/snapshot")).json()["visits"])
        refused = await sync_one(other, token, "visit.out", {"visit_id": m["id"]})
        assert refused["status"] == "rejected"
        # Office B's unit numbers are the same strings: a visit there goes to B's unit, never A's.
        mine = mutation("visit.in", visit())
        await sync(other, token, [mine])
    row = await VisitorEntry.select().where(VisitorEntry.id == uuid.UUID(mine["id"])).first()
    assert row["unit"] == other_office["units"][0] and row["office"] == other_office["id"]
    assert (await VisitorEntry.select().where(VisitorEntry.id == uuid.UUID(m["id"])).first())["out_at"] is None
