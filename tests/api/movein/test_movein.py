"""Move-in (SPEC M1–M3, E2): the documents by case into the file, the house inspection made offline
and synced exactly once, its defects re-inspected with the owner, the unit occupied only when nothing
is missing (the refusal names it), offices kept apart."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from app.estate.tables import FileDocument
from app.movein import rules
from app.movein.tables import MoveIn, MoveInDefect, MoveInInspection
from app.org.tables import Unit
from tests.api.movein.conftest import upload
from tests.support.sync import mutation, sync, sync_one


async def open_case(client, desk, case_kind="in_person") -> int:
    result = await sync_one(
        client, desk["token"], "movein.open", {"unit_id": desk["unit"], "case_kind": case_kind, "owner_name": "张业主"}
    )
    assert result["status"] == "applied", result
    return (await MoveIn.select(MoveIn.id).where(MoveIn.unit == desk["unit"]).first())["id"]


def inspection(move_in_id: int, photos: list[str], signature: str, defects: int = 3) -> dict:
    items = []
    for n, (room, item) in enumerate(rules.DEFAULT_CHECKLIST):
        if n < defects:
            items.append({"room": room, "item": item, "result": "defect", "note": f"缺陷{n}", "photos": [photos[n]]})
        else:
            items.append({"room": room, "item": item, "result": "pass"})
    return {
        "move_in_id": move_in_id,
        "items": items,
        "water": 12.5,
        "electricity": 30,
        "gas": 1.2,
        "signed_by": "张业主",
        "signature": signature,
    }


async def test_m2_inspection_with_three_defects_synced_exactly_once(client, desk):
    """M2: an inspection made offline (3 defects with photos, signed) sent three times: one inspection,
    three rectification records with what, where, photo and the reported day."""
    case = await open_case(client, desk)
    photos = [await upload(client, desk["token"], (40 * n, 10, 10)) for n in range(1, 4)]
    signature = await upload(client, desk["token"], (1, 2, 3))
    m = mutation(
        "movein.inspect", inspection(case, photos, signature), recorded_at=datetime.now(UTC) - timedelta(minutes=2)
    )
    answers = [(await sync(client, desk["token"], [m])).json()["results"][0]["status"] for _ in range(3)]
    assert answers == ["applied", "duplicate", "duplicate"]
    assert await MoveInInspection.count().where(MoveInInspection.move_in == case) == 1
    defects = await MoveInDefect.select().where(MoveInDefect.move_in == case).output(load_json=True)
    assert len(defects) == 3 and {d["note"] for d in defects} == {"缺陷0", "缺陷1", "缺陷2"}
    assert sorted(p for d in defects for p in d["photos"]) == sorted(photos)
    assert all(d["state"] == "open" and d["reported_on"] for d in defects)
    page = await client.get(f"/movein/{case}")
    assert "缺陷1" in page.text and "12.5" in page.text


async def test_m2_defects_reinspected_with_the_owner(client, desk, make_staff, login):
    """M2: each defect is re-inspected with the owner's signature; the supervisor sees the open ones with their age."""
    case = await open_case(client, desk)
    photos = [await upload(client, desk["token"], (40 * n, 10, 10)) for n in range(1, 4)]
    signature = await upload(client, desk["token"], (1, 2, 3))
    assert (await sync_one(client, desk["token"], "movein.inspect", inspection(case, photos, signature)))[
        "status"
    ] == "applied"
    defects = await MoveInDefect.select(MoveInDefect.id).where(MoveInDefect.move_in == case)
    first = str(defects[0]["id"])
    assert (await sync_one(client, desk["token"], "movein.reinspect", {"defect_id": first, "signature": signature}))[
        "status"
    ] == "applied"
    again = await sync_one(client, desk["token"], "movein.reinspect", {"defect_id": first, "signature": signature})
    assert again["status"] == "rejected" and "已" in again["error"]["message"]
    states = [r["state"] for r in await MoveInDefect.select(MoveInDefect.state).where(MoveInDefect.move_in == case)]
    assert sorted(states) == ["fixed", "open", "open"]
    supervisor = await make_staff(desk["office"]["id"], "supervisor")
    await login(client, supervisor)
    page = await client.get("/movein/defects")
    assert page.status_code == 200 and page.text.count("data-defect") == 2 and "已 0 天" in page.text
    home = await client.get("/")
    assert "待开发商整改的问题" in home.text and "已 0 天" in home.text


async def test_m3_occupied_only_when_complete_and_the_missing_one_is_named(client, desk):
    """M1/M3: the refusal names each missing document, the inspection, agreement and item; once all are
    in the unit is occupied and the copies are in its resident file (E2)."""
    case = await open_case(client, desk, "proxy")
    token = desk["token"]
    refused = await sync_one(client, token, "movein.complete", {"move_in_id": case})
    assert refused["status"] == "rejected"
    for name in ("业主委托书", "代理人身份证复印件", "物业验收清单", "区域防火责任书", "业主手册"):
        assert name in refused["error"]["message"]
    photo = await upload(client, token, (9, 9, 9))
    for kind in rules.DOCUMENTS["proxy"]:
        assert (await sync_one(client, token, "movein.document", {"move_in_id": case, "kind": kind, "photo": photo}))[
            "status"
        ] == "applied"
    assert (await sync_one(client, token, "movein.inspect", inspection(case, [photo] * 3, photo, defects=0)))[
        "status"
    ] == "applied"
    assert (
        await sync_one(
            client, token, "movein.agreements", {"move_in_id": case, "names": rules.AGREEMENTS[:2], "signature": photo}
        )
    )["status"] == "applied"
    assert (
        await sync_one(client, token, "movein.issue", {"move_in_id": case, "names": rules.ISSUED, "signature": photo})
    )["status"] == "applied"
    refused = await sync_one(client, token, "movein.complete", {"move_in_id": case})
    assert refused["status"] == "rejected" and refused["error"]["message"].endswith("区域防火责任书")
    assert (await Unit.select(Unit.state).where(Unit.id == desk["unit"]).first())["state"] == "not_handed_over"
    assert (
        await sync_one(
            client, token, "movein.agreements", {"move_in_id": case, "names": rules.AGREEMENTS[2:], "signature": photo}
        )
    )["status"] == "applied"
    assert (await sync_one(client, token, "movein.complete", {"move_in_id": case}))["status"] == "applied"
    assert (await Unit.select(Unit.state).where(Unit.id == desk["unit"]).first())["state"] == "occupied"
    filed = {r["kind"] for r in await FileDocument.select(FileDocument.kind).where(FileDocument.unit == desk["unit"])}
    assert set(rules.DOCUMENTS["proxy"]) | set(rules.AGREEMENTS) | {"物业验收清单"} <= filed
    record = await client.get(f"/movein/{case}/record")
    assert record.status_code == 200 and "交房记录" in record.text and "张业主" in record.text


async def test_m1_only_a_unit_not_handed_over_and_offices_apart(
    client, desk, other_office, make_staff, login, new_client
):
    """M1: an occupied unit cannot start a move-in; another office neither sees nor changes the case."""
    occupied = desk["office"]["units"][2]
    result = await sync_one(
        client, desk["token"], "movein.open", {"unit_id": occupied, "case_kind": "in_person", "owner_name": "李"}
    )
    assert result["status"] == "rejected" and result["error"]["field"] == "unit_id"
    case = await open_case(client, desk)
    stranger = await make_staff(other_office["id"], "frontdesk")
    async with new_client() as other:
        token = await login(other, stranger)
        assert (await other.get(f"/movein/{case}")).status_code == 404
        foreign = await sync_one(
            other, token, "movein.open", {"unit_id": desk["unit"], "case_kind": "in_person", "owner_name": "李"}
        )
        assert foreign["status"] == "rejected"
        tick = await sync_one(other, token, "movein.complete", {"move_in_id": case})
        assert tick["status"] == "rejected" and tick["error"]["field"] == "move_in_id"


async def test_m2_a_defect_needs_a_note_or_photo_and_every_item_is_inspected(client, desk):
    """M2: bad input gets a message beside its field; nothing half-recorded."""
    case = await open_case(client, desk)
    signature = await upload(client, desk["token"], (1, 2, 3))
    data = inspection(case, [signature] * 3, signature, defects=0)
    data["items"][4] = {**data["items"][4], "result": "defect"}
    result = await sync_one(client, desk["token"], "movein.inspect", data)
    assert result["status"] == "rejected" and result["error"]["field"] == "items.4.note"
    data = inspection(case, [signature] * 3, signature, defects=0)
    data["items"] = data["items"][:-1]
    result = await sync_one(client, desk["token"], "movein.inspect", data)
    assert (
        result["status"] == "rejected"
        and result["error"]["field"] == "items"
        and "燃气表" in result["error"]["message"]
    )
    assert await MoveInInspection.count().where(MoveInInspection.move_in == case) == 0
    assert str(uuid.UUID(int=0))  # keep uuid imported for ids above


async def test_m2_the_inspection_list_is_the_office_setting(client, desk, make_staff, login):
    """M2: the supervisor sets the office's list ("room: item" a line); a bad line gets its message; an
    inspection then covers exactly the new list."""
    supervisor = await make_staff(desk["office"]["id"], "supervisor")
    token = await login(client, supervisor)
    bad = await client.post("/movein/settings", data={"checklist": "客厅墙面", "_csrf_token": token})
    assert bad.status_code == 422 and "房间：项目" in bad.text
    ok = await client.post("/movein/settings", data={"checklist": "客厅：墙面\n厨房: 水槽\n", "_csrf_token": token})
    assert ok.status_code == 303
    token = desk["token"] = await login(client, desk["staff"])
    case = await open_case(client, desk)
    signature = await upload(client, token, (1, 2, 3))
    items = [{"room": "客厅", "item": "墙面", "result": "pass"}, {"room": "厨房", "item": "水槽", "result": "pass"}]
    data = {"move_in_id": case, "items": items, "water": 0, "electricity": 0, "signed_by": "张", "signature": signature}
    assert (await sync_one(client, token, "movein.inspect", data))["status"] == "applied"
