"""SPEC S4: convenience and commissioned services — the office's announced list with prices; the terms
agreed with the resident; the department head (of the service's department) sends someone; the
resident accepts; then pays against a receipt (cash is a valid choice); each step needs the one before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.alerts.tables import Alert
from app.convenience.tables import ServiceBooking
from tests.support.sync import sync_one


async def add_item(client, token, **extra) -> None:
    form = {
        "kind": "convenience",
        "name": "家电清洗",
        "department": "cleaning",
        "price_yuan": "80",
        "price_unit": "台",
        "_csrf_token": token,
        **extra,
    }
    response = await client.post("/convenience/items", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text


async def test_s4_agreed_assigned_accepted_then_paid_in_cash_against_a_receipt(
    client, office, other_office, make_staff, login, new_client
):
    boss = await make_staff(office["id"], "supervisor")
    token = await login(client, boss)
    await add_item(client, token)
    bad = await client.post(
        "/convenience/items",
        data={"kind": "convenience", "name": "x", "department": "cleaning", "price_yuan": "-1", "_csrf_token": token},
    )
    assert bad.status_code == 422 and 'id="e-price_yuan"' in bad.text
    listing = await client.get("/convenience")
    assert "家电清洗" in listing.text and "¥80.00/台" in listing.text
    item_id = int(listing.text.split('<option value="')[2].split('"')[0])  # first option after "Choose"
    cleaning = await make_staff(office["id"], "dept_head", department="cleaning")
    security = await make_staff(office["id"], "dept_head", department="security")
    desk_token = await login(client, await make_staff(office["id"], "frontdesk"))
    when = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    agreed = await sync_one(
        client,
        desk_token,
        "convenience.agree",
        {
            "item_id": item_id,
            "resident_name": "李女士",
            "phone_tail": "5678",
            "place": "2栋 2-301",
            "appointment_at": when,
            "terms": "清洗空调2台，含内机拆洗",
            "price_yuan": 160,
        },
    )
    assert agreed["status"] == "applied"
    booking = await ServiceBooking.select().where(ServiceBooking.office == office["id"]).first()
    assert booking["state"] == "agreed" and booking["price_fen"] == 16000
    # Paying before the work was accepted is refused.
    early = await sync_one(
        client,
        desk_token,
        "convenience.pay",
        {"booking_id": str(booking["id"]), "method": "cash", "receipt_no": "R001"},
    )
    assert early["status"] == "rejected" and early["error"]["field"] == "booking_id"
    assert await Alert.count().where((Alert.office == office["id"]) & (Alert.kind == "convenience_service")) == 1
    worker = await make_staff(office["id"], "technician")
    async with new_client() as head:
        other = await login(head, security)
        refused = await sync_one(
            head, other, "convenience.assign", {"booking_id": str(booking["id"]), "assignee_id": worker["id"]}
        )
        assert refused["status"] == "rejected"  # another department's head
        mine = await login(head, cleaning)
        sent = await sync_one(
            head, mine, "convenience.assign", {"booking_id": str(booking["id"]), "assignee_id": worker["id"]}
        )
        assert sent["status"] == "applied"
    accepted = await sync_one(
        client, desk_token, "convenience.accept", {"booking_id": str(booking["id"]), "note": "满意"}
    )
    assert accepted["status"] == "applied"
    paid = await sync_one(
        client,
        desk_token,
        "convenience.pay",
        {"booking_id": str(booking["id"]), "method": "cash", "receipt_no": "R001"},
    )
    assert paid["status"] == "applied"
    row = await ServiceBooking.select().where(ServiceBooking.id == booking["id"]).first()
    assert row["state"] == "paid" and row["payment_method"] == "cash" and row["paid_fen"] == 16000
    assert "R001" in (await client.get("/convenience")).text
    # Another office does not see this office's list or services.
    async with new_client() as them:
        await login(them, await make_staff(other_office["id"], "frontdesk"))
        assert "家电清洗" not in (await them.get("/convenience")).text


async def test_s4_bad_input_answered_beside_the_field(client, office, make_staff, login):
    await add_item(client, await login(client, await make_staff(office["id"], "manager")))
    token = await login(client, await make_staff(office["id"], "frontdesk"))
    empty = await client.post("/convenience/agree", data={"item_id": "1", "resident_name": "", "_csrf_token": token})
    assert empty.status_code == 422 and "e-resident_name" in empty.text
    no_receipt = await sync_one(
        client,
        token,
        "convenience.pay",
        {"booking_id": "00000000-0000-0000-0000-000000000000", "method": "cash", "receipt_no": ""},
    )
    assert no_receipt["status"] == "rejected"
    bad_method = await sync_one(
        client,
        token,
        "convenience.pay",
        {"booking_id": "00000000-0000-0000-0000-000000000000", "method": "iou", "receipt_no": "1"},
    )
    assert bad_method["status"] == "rejected"


async def test_s4_the_front_desk_intake_leads_to_the_convenience_flow(client, office, make_staff, login, new_client):
    """S4 and the paid-service intake: one entry point — the new-request page links to agreeing a
    convenience service, and the link lands on the agree form; a technician sees no such link."""
    token = await login(client, await make_staff(office["id"], "supervisor"))
    await add_item(client, token)
    async with new_client() as desk:
        await login(desk, await make_staff(office["id"], "frontdesk"))
        intake = await desk.get("/work/requests/new")
        assert intake.status_code == 200 and 'href="/convenience#agree-form"' in intake.text
        assert "到便民服务与住户确认" in intake.text
        landing = await desk.get("/convenience")
        assert 'id="agree-form"' in landing.text and "家电清洗" in landing.text
    async with new_client() as lead:
        await login(lead, await make_staff(office["id"], "engineering_lead"))
        assert 'href="/convenience#agree-form"' not in (await lead.get("/work/requests/new")).text
