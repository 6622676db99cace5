"""Renovation (SPEC M4–M7, P6): the permit only after the prohibited works are acknowledged, a structural
change approved, the agreement signed and the fees paid (each refusal names what is missing); the
renovation patrol has exactly the renovating units; a violation reaches the supervisor once;
completion takes the unit off the patrol; bad input gets field messages; offices kept apart."""

from __future__ import annotations

from datetime import date, timedelta

from app.alerts.tables import Alert
from app.org.tables import Unit
from app.patrols import service as patrols
from app.patrols.tables import CheckItem, Checkpoint
from app.renovation import rules
from app.renovation.tables import Renovation
from tests.api.movein.conftest import upload
from tests.support.sync import mutation, sync, sync_one


def application(unit_id: int, photo: str, **extra) -> dict:
    start = date.today() + timedelta(days=1)
    return {
        "unit_id": unit_id,
        "applicant_kind": "owner",
        "applicant_name": "王业主",
        "ownership_photo": photo,
        "contractor_kind": "company",
        "contractor_name": "好家装饰公司",
        "licence_photo": photo,
        "qualification_photo": photo,
        "works": "厨房卫生间翻新，客厅吊顶",
        "start_on": start.isoformat(),
        "end_on": (start + timedelta(days=30)).isoformat(),
        "drawings": [photo],
        **extra,
    }


async def apply(client, token, unit_id, photo, **extra) -> int:
    result = await sync_one(client, token, "renovation.apply", application(unit_id, photo, **extra))
    assert result["status"] == "applied", result
    return (
        await Renovation.select(Renovation.id)
        .where(Renovation.unit == unit_id)
        .order_by(Renovation.id, ascending=False)
        .first()
    )["id"]


async def ready(client, token, rid, photo, *, pay=True, ack=True, agree=True) -> None:
    if ack:
        assert (await sync_one(client, token, "renovation.acknowledge", {"renovation_id": rid, "photo": photo}))[
            "status"
        ] == "applied"
    if agree:
        signatures = {"owner_signature": photo, "contractor_signature": photo, "office_signature": photo}
        assert (await sync_one(client, token, "renovation.agreement", {"renovation_id": rid, **signatures}))[
            "status"
        ] == "applied"
    if pay:
        assert (await sync_one(client, token, "renovation.pay", {"renovation_id": rid, "receipt_no": "SJ-0001"}))[
            "status"
        ] == "applied"


async def test_m6_no_permit_before_fees_ack_agreement_or_approval(client, desk):
    """M4–M6: each refusal names, in Chinese, what is missing; the permit comes once all are done."""
    token, unit = desk["token"], desk["office"]["units"][2]
    photo = await upload(client, token)
    rid = await apply(client, token, unit, photo, structural=True)
    refused = await sync_one(client, token, "renovation.permit", {"renovation_id": rid})
    assert refused["status"] == "rejected"
    for need in (rules.NEED_ACK, rules.NEED_APPROVAL, rules.NEED_AGREEMENT, rules.NEED_FEES):
        assert need in refused["error"]["message"]
    await ready(client, token, rid, photo, pay=False)
    refused = await sync_one(client, token, "renovation.permit", {"renovation_id": rid})
    assert rules.NEED_FEES in refused["error"]["message"] and rules.NEED_APPROVAL in refused["error"]["message"]
    assert rules.NEED_ACK not in refused["error"]["message"]
    assert (await sync_one(client, token, "renovation.pay", {"renovation_id": rid, "receipt_no": "SJ-1"}))[
        "status"
    ] == "applied"
    refused = await sync_one(client, token, "renovation.permit", {"renovation_id": rid})
    assert refused["error"]["message"].endswith(rules.NEED_APPROVAL)
    assert (await sync_one(client, token, "renovation.approval", {"renovation_id": rid, "photo": photo}))[
        "status"
    ] == "applied"
    assert (await sync_one(client, token, "renovation.permit", {"renovation_id": rid}))["status"] == "applied"
    row = await Renovation.select().where(Renovation.id == rid).first()
    assert row["state"] == "permitted" and row["permit_no"] and row["deposit"] == 2000 and row["receipt_no"] == "SJ-1"
    assert (await Unit.select(Unit.state).where(Unit.id == unit).first())["state"] == "renovating"
    alerts = await Alert.select(Alert.kind).where(
        (Alert.office == desk["office"]["id"]) & (Alert.kind == "renovation_permit")
    )
    assert len(alerts) == 1
    page = await client.get(f"/renovation/{rid}/permit")
    assert page.status_code == 200 and row["permit_no"] in page.text and "<svg" in page.text
    notice = await client.get(f"/renovation/{rid}/notice")
    assert all(w in notice.text for w in rules.PROHIBITED_WORKS) and all(p in notice.text for p in rules.SAFETY_POINTS)


async def test_p6_patrol_has_exactly_the_renovating_units_and_completion_removes_it(
    client, desk, make_staff, login, new_client
):
    """P6/M7: two permits → two checkpoints with the prohibited works as checks; a violation found offline
    reaches the supervisor once; completion puts the unit back to occupied and off the patrol."""
    token, office = desk["token"], desk["office"]
    photo = await upload(client, token)
    a, b = office["units"][2], office["units"][3]
    ids = [await apply(client, token, u, photo) for u in (a, b)]
    for rid in ids:
        await ready(client, token, rid, photo)
    assert (await sync_one(client, token, "renovation.permit", {"renovation_id": ids[0]}))["status"] == "applied"
    assert await patrols.renovation_units(office["id"]) == [a]
    assert (await sync_one(client, token, "renovation.permit", {"renovation_id": ids[1]}))["status"] == "applied"
    assert await patrols.renovation_units(office["id"]) == sorted([a, b])
    checkpoint = await Checkpoint.select().where((Checkpoint.unit == a) & Checkpoint.active.eq(True)).first()
    items = (
        await CheckItem.select(CheckItem.id, CheckItem.label)
        .where(CheckItem.checkpoint == checkpoint["id"])
        .order_by(CheckItem.position)
    )
    assert [i["label"] for i in items] == rules.PROHIBITED_WORKS

    guard = await make_staff(office["id"], "patrol")
    supervisor = await make_staff(office["id"], "supervisor")
    async with new_client() as phone:
        ptoken = await login(phone, guard)
        shot = await upload(phone, ptoken, (5, 90, 5))
        start = mutation("patrol_round.start", {"route_id": checkpoint["route"]})
        visit = mutation("checkpoint.visit", {"round_id": start["id"], "code": checkpoint["code"], "method": "typed"})
        finding = mutation(
            "finding.create",
            {
                "round_id": start["id"],
                "checkpoint_id": checkpoint["id"],
                "check_item_id": items[11]["id"],
                "result": "fail",
                "note": "燃气管被封包",
                "photos": [shot],
            },
        )
        for _ in range(2):  # the outbox resends the whole offline batch
            results = (await sync(phone, ptoken, [start, visit, finding])).json()["results"]
        assert [r["status"] for r in results] == ["duplicate"] * 3
    alerts = (
        await Alert.select(Alert.id, Alert.named, Alert.title)
        .where((Alert.office == office["id"]) & (Alert.kind == "renovation_violation"))
        .output(load_json=True)
    )
    assert len(alerts) == 1 and supervisor["id"] in alerts[0]["named"] and "燃气" in alerts[0]["title"]
    page = await client.get(f"/renovation/{ids[0]}")
    assert "燃气管被封包" in page.text

    done = {
        "renovation_id": ids[0],
        "items": rules.COMPLETION_ITEMS,
        "signature": photo,
        "photos": [photo],
        "deduction": 500,
    }
    refused = await sync_one(client, token, "renovation.complete", done)
    assert refused["status"] == "rejected" and refused["error"]["field"] == "deduction_reason"
    assert (await sync_one(client, token, "renovation.complete", {**done, "deduction_reason": "损坏公共走廊地砖"}))[
        "status"
    ] == "applied"
    row = await Renovation.select().where(Renovation.id == ids[0]).first()
    assert row["state"] == "completed" and row["refund"] == 1500 and row["deduction"] == 500
    assert (await Unit.select(Unit.state).where(Unit.id == a).first())["state"] == "occupied"
    assert await patrols.renovation_units(office["id"]) == [b]


async def test_m4_bad_input_gets_field_messages(client, desk):
    """M4: end before start, a tenant without lease or consent, a company without licence → the field named."""
    token, unit = desk["token"], desk["office"]["units"][2]
    photo = await upload(client, token)
    data = application(unit, photo)
    data["end_on"] = (date.fromisoformat(data["start_on"]) - timedelta(days=1)).isoformat()
    result = await sync_one(client, token, "renovation.apply", data)
    assert (
        result["status"] == "rejected" and result["error"]["field"] == "end_on" and "开工" in result["error"]["message"]
    )
    result = await sync_one(client, token, "renovation.apply", application(unit, photo, applicant_kind="tenant"))
    assert result["error"]["field"] == "lease_photo"
    result = await sync_one(client, token, "renovation.apply", application(unit, photo, licence_photo=""))
    assert result["error"]["field"] == "licence_photo"
    result = await sync_one(client, token, "renovation.apply", application(desk["unit"], photo))
    assert result["error"]["field"] == "unit_id"  # not handed over yet
    response = await client.post(
        "/renovation/apply",
        data={**application(unit, photo), "end_on": "2020-01-01", "_csrf_token": token, "drawings": photo},
    )
    assert response.status_code == 422 and "不能早于" in response.text
    assert await Renovation.count().where(Renovation.unit == unit) == 0


async def test_renovations_are_kept_apart_between_offices(client, desk, other_office, make_staff, login, new_client):
    token, unit = desk["token"], desk["office"]["units"][2]
    photo = await upload(client, token)
    rid = await apply(client, token, unit, photo)
    stranger = await make_staff(other_office["id"], "frontdesk")
    async with new_client() as other:
        otoken = await login(other, stranger)
        assert (await other.get(f"/renovation/{rid}")).status_code == 404
        result = await sync_one(other, otoken, "renovation.pay", {"renovation_id": rid, "receipt_no": "X"})
        assert result["status"] == "rejected" and result["error"]["field"] == "renovation_id"
        result = await sync_one(other, otoken, "renovation.apply", application(unit, photo))
        assert result["status"] == "rejected"


def worker(rid: int, unit: int, **extra) -> dict:
    start = date.today()
    return {
        "holder_name": "刘电工",
        "holder_kind": "contractor",
        "id_kind": "id_card",
        "id_last4": "123X",
        "valid_from": start.isoformat(),
        "valid_to": (start + timedelta(days=30)).isoformat(),
        "company": "好家装饰公司",
        "trade": "electrician",
        "certificate_no": "DG-2026-001",
        "unit_id": unit,
        "renovation_id": rid,
        **extra,
    }


async def test_m6_workers_passes_one_per_person_certificates_and_withdrawn_at_completion(client, desk):
    """M6: each worker's pass is issued through the passes domain with the renovation; an electrician
    without a certificate number gets a field message; completion withdraws the passes (M7)."""
    from app.passes.service import passes_for_renovation

    token, unit = desk["token"], desk["office"]["units"][2]
    photo = await upload(client, token)
    rid = await apply(client, token, unit, photo)
    await ready(client, token, rid, photo)
    assert (await sync_one(client, token, "renovation.permit", {"renovation_id": rid}))["status"] == "applied"
    refused = await sync_one(client, token, "pass.issue", worker(rid, unit, certificate_no=""))
    assert refused["status"] == "rejected" and refused["error"]["field"] == "certificate_no"
    assert (await sync_one(client, token, "pass.issue", worker(rid, unit)))["status"] == "applied"
    plumber = worker(rid, unit, holder_name="陈水工", trade="plumber", certificate_no="SG-77", id_last4="4567")
    assert (await sync_one(client, token, "pass.issue", plumber))["status"] == "applied"
    page = await client.get(f"/renovation/{rid}")
    assert page.text.count("data-pass") == 2 and "刘电工" in page.text and "DG-2026-001" in page.text
    done = {"renovation_id": rid, "items": rules.COMPLETION_ITEMS, "signature": photo}
    assert (await sync_one(client, token, "renovation.complete", done))["status"] == "applied"
    views = await passes_for_renovation(desk["office"]["id"], rid)
    assert len(views) == 2 and all(v.withdrawn_at for v in views)


async def test_m6_fees_are_the_office_setting(client, desk, make_staff, login):
    """M6: the supervisor sets the amounts (at most ¥1,000,000 deposit); the payment records them."""
    supervisor = await make_staff(desk["office"]["id"], "supervisor")
    token = await login(client, supervisor)
    form = {"waste_fee": "450", "deposit": "1000001", "_csrf_token": token}
    assert (await client.post("/renovation/settings", data=form)).status_code == 422
    form |= {"deposit": "1000000", "_csrf_token": (await client.get("/api/session")).json()["csrf_token"]}
    assert (await client.post("/renovation/settings", data=form)).status_code == 303
    token = await login(client, desk["staff"])
    unit = desk["office"]["units"][2]
    photo = await upload(client, token)
    rid = await apply(client, token, unit, photo)
    assert (await sync_one(client, token, "renovation.pay", {"renovation_id": rid, "receipt_no": "R1"}))[
        "status"
    ] == "applied"
    row = await Renovation.select(Renovation.waste_fee, Renovation.deposit).where(Renovation.id == rid).first()
    assert row["waste_fee"] == 450 and row["deposit"] == 1000000
