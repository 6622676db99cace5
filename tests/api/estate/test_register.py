"""E1/E3/E4 register pages: add, edit, search as staff type, end residents, scoping, masked phones."""

from __future__ import annotations

from app.org.tables import Building, Resident, Unit
from app.patrols.service import sync_entrusted_checkpoints
from app.patrols.tables import Checkpoint, PatrolRoute


async def _building(office_id: int, name: str = "3栋") -> int:
    return (await Building.insert(Building(office=office_id, name=name, sort_order=3)))[0]["id"]


async def _post(client, token, url, **form):
    return await client.post(url, data={"_csrf_token": token, **form}, follow_redirects=False)


async def test_a_unit_added_as_entrusted_keeps_the_patrol_flag_in_step(office, signed_in):
    client, token = await signed_in(office["id"], "supervisor")
    building = await _building(office["id"])
    form = dict(
        building_id=building,
        number="3-402",
        floor=4,
        state="entrusted",
        area="89.5",
        entrusted_on="2026-03-01",
        water_start="12.5",
        power_start="300",
    )
    assert (await _post(client, token, "/estate/units", **form)).status_code == 303
    unit = await Unit.select().where((Unit.building == building) & (Unit.number == "3-402")).first()
    assert unit["entrusted"] is True and unit["state"] == "entrusted" and float(unit["area"]) == 89.5
    route = (await PatrolRoute.insert(PatrolRoute(office=office["id"], name="托管", kind="entrusted", daily_rounds=0)))[
        0
    ]["id"]
    await sync_entrusted_checkpoints(office["id"], route)
    assert await Checkpoint.exists().where((Checkpoint.route == route) & (Checkpoint.unit == unit["id"]))
    form |= {"unit_id": unit["id"], "state": "occupied"}
    assert (await _post(client, token, "/estate/units", **form)).status_code == 303
    assert (await Unit.select(Unit.entrusted).where(Unit.id == unit["id"]).first())["entrusted"] is False


async def test_bad_values_are_refused_with_messages_beside_the_fields(office, signed_in):
    client, token = await signed_in(office["id"], "frontdesk")
    building = await _building(office["id"])
    answer = await _post(
        client, token, "/estate/units", building_id=building, number="3 402!", floor="999", state="sold", area="-1"
    )
    assert answer.status_code == 422
    for field in ("number", "floor", "state", "area"):
        assert f'id="e-{field}"' in answer.text
    assert "数值超出范围。" in answer.text
    unit = office["units"][0]
    answer = await _post(
        client, token, "/estate/residents", unit_id=unit, name="张三", kind="owner", phone="12345", id_last4="123456"
    )
    assert answer.status_code == 422 and 'id="e-phone"' in answer.text and 'id="e-id_last4"' in answer.text
    assert not await Resident.exists().where(Resident.name == "张三")


async def test_search_by_the_forms_staff_type(office, signed_in):
    client, token = await signed_in(office["id"], "frontdesk")
    building = await _building(office["id"])
    await _post(client, token, "/estate/units", building_id=building, number="3-402", floor=4, state="occupied")
    unit = (await Unit.select(Unit.id).where(Unit.building == building).first())["id"]
    await _post(client, token, "/estate/residents", unit_id=unit, name="张建国", kind="owner", phone="13812341234")
    for q in ("3-402", "3栋402", "3栋-402", "张建", "13812341234", "1234"):
        page = await client.get("/estate", params={"q": q})
        assert "3栋 3-402" in page.text, q
    assert "3栋 3-402" not in (await client.get("/estate", params={"q": "5栋402"})).text
    fragment = await client.get("/estate", params={"q": "张建"}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and "张建国" in fragment.text


async def test_a_resident_who_moves_out_is_ended_not_deleted(office, signed_in):
    client, token = await signed_in(office["id"], "supervisor")
    unit = office["units"][0]
    rid = (await Resident.select(Resident.id).where(Resident.unit == unit).first())["id"]
    assert (await _post(client, token, f"/estate/residents/{rid}/end", ended_on="2026-01-31")).status_code == 303
    row = await Resident.select().where(Resident.id == rid).first()
    assert str(row["ended_on"]) == "2026-01-31"
    page = await client.get(f"/estate/units/{unit}")
    assert "迁出" in page.text or "2026-01-31" in page.text
    again = await _post(client, token, f"/estate/residents/{rid}/end", ended_on="2026-02-01")
    assert again.status_code == 422


async def test_parking_and_buildings(office, signed_in):
    client, token = await signed_in(office["id"], "supervisor")
    answer = await _post(
        client,
        token,
        "/estate/parking",
        number="B-001",
        unit_id=office["units"][0],
        rent="350",
        let_from="2026-01-01",
        let_until="2025-12-31",
    )
    assert answer.status_code == 422 and 'id="e-let_until"' in answer.text
    answer = await _post(
        client,
        token,
        "/estate/parking",
        number="B-001",
        unit_id=office["units"][0],
        rent="350",
        let_from="2026-01-01",
        let_until="2026-12-31",
    )
    assert answer.status_code == 303
    assert "¥350.00" in (await client.get("/estate/parking")).text
    assert (await _post(client, token, "/estate/buildings", name="1栋")).status_code == 422  # exists
    assert (await _post(client, token, "/estate/buildings", name="9栋")).status_code == 303


async def test_nothing_of_office_a_is_visible_from_office_b(office, other_office, signed_in):
    client_b, token_b = await signed_in(other_office["id"], "supervisor")
    unit_a = office["units"][0]
    assert (await client_b.get(f"/estate/units/{unit_a}")).status_code == 404
    assert (await client_b.get(f"/estate/units/{unit_a}/file")).status_code == 404
    assert (await client_b.get(f"/estate/units/{unit_a}/edit")).status_code == 404
    page = await client_b.get("/estate", params={"q": "1-101"})
    assert f'/estate/units/{unit_a}"' not in page.text
    building_a = (await Unit.select(Unit.building).where(Unit.id == unit_a).first())["building"]
    answer = await _post(
        client_b, token_b, "/estate/units", building_id=building_a, number="1-999", floor=9, state="vacant"
    )
    assert answer.status_code == 422 and not await Unit.exists().where(Unit.number == "1-999")
    rid = (await Resident.select(Resident.id).where(Resident.unit == unit_a).first())["id"]
    assert (await _post(client_b, token_b, f"/estate/residents/{rid}/end", ended_on="2026-01-01")).status_code == 404
    assert (
        await _post(client_b, token_b, "/estate/active", kind="unit", record_id=unit_a, active="false")
    ).status_code in (404, 422)
    assert (await Unit.select(Unit.active).where(Unit.id == unit_a).first())["active"] is True


async def test_callers_see_masked_phones_and_no_files(office, signed_in):
    client, _token = await signed_in(office["id"], "technician")
    page = await client.get("/estate", params={"q": "1-101"})
    assert "139****0000" in page.text and "13900000000" not in page.text
    assert (await client.get(f"/estate/units/{office['units'][0]}/file")).status_code == 403
    assert (await client.get("/estate/export.xlsx")).status_code == 403
