"""Reading handovers: night items converted next morning (D11), the printable record, the monthly
summary, escalation contacts (D6, D7), and the mutations in the OpenAPI schema."""

from __future__ import annotations

import uuid

import pytest

from app.auth.tables import Staff
from app.handover import records
from app.handover.tables import HandoverItem
from app.roster.service import month_key
from app.work.service import seed_office_defaults
from tests.api.roster.support import current_shift, decide, following, last_night_shift, publish, submit
from tests.support.sync import mutation, sync


async def _apply(client, token, mutations) -> None:
    response = await sync(client, token, mutations)
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["applied"] * len(mutations), results


@pytest.fixture
async def night(client, office, make_staff, login):
    """The last night shift handed over to the day shift, with two open items."""
    night_staff = await make_staff(office["id"], "duty")
    day_staff = await make_staff(office["id"], "frontdesk")
    shift = last_night_shift()
    await publish(office["id"], [(*shift, night_staff["id"]), (*following(shift), day_staff["id"])])
    token = await login(client, night_staff)
    # No major repair among them: an unfinished one would block the acceptance (H5).
    items = [{"text": "5栋住户投诉楼上漏水", "major_repair": False}, {"text": "地库照明故障", "major_repair": False}]
    s = submit(shift, open_items=items)
    a = decide("accept", s["data"]["handover_id"], day_staff, night_staff)
    await _apply(client, token, [s, a])
    token = await login(client, day_staff)
    return {"office": office, "token": token, "handover": s["data"]["handover_id"], "day_staff": day_staff}


async def test_night_items_are_listed_for_the_day_shift_and_converted_with_one_action(client, night):
    """D11: items the night shift could not handle are turned into a work order or a complaint record."""
    page = await client.get("/handover/items")
    assert page.status_code == 200
    night_part = page.text.split("其他遗留事项")[0]
    assert "5栋住户投诉楼上漏水" in night_part and "地库照明故障" in night_part
    rows = await HandoverItem.select().where(HandoverItem.handover == uuid.UUID(night["handover"]))
    assert all(r["night"] and r["state"] == "open" for r in rows)
    leak = next(r for r in rows if "漏水" in r["text"])

    response = await client.post(
        f"/handover/items/{leak['id']}/convert",
        data={"_csrf_token": night["token"], "kind": "complaint", "ref": "TS-001"},
    )
    assert response.status_code == 303
    row = await HandoverItem.select().where(HandoverItem.id == leak["id"]).first()
    assert (row["state"], row["target_kind"], row["target_ref"]) == ("converted", "complaint", "TS-001")
    assert row["resolved_by"] == night["day_staff"]["id"]
    again = await client.post(
        f"/handover/items/{leak['id']}/convert", data={"_csrf_token": night["token"], "kind": "work_order", "ref": ""}
    )
    assert again.status_code == 422 and "投诉记录" in again.text
    page = await client.get("/handover/items")
    assert "最近已转单" in page.text and "TS-001" in page.text


async def test_d11_w8_a_night_item_is_taken_as_a_real_request_from_the_items_page(client, night):
    """D11, W8: for a work order the items page links to the intake form pre-filled from the night
    item (no free-text work order); once intake saves the request, the item shows as converted with a
    link to that request. Complaint record and "handled" stay one action on the page."""
    rows = await HandoverItem.select().where(HandoverItem.handover == uuid.UUID(night["handover"]))
    leak = next(r for r in rows if "漏水" in r["text"])
    card = _item_card((await client.get("/handover/items")).text, leak["id"])
    assert f'href="/work/requests/new?handover_item={leak["id"]}"' in card and "转为报事" in card
    assert 'value="work_order"' not in card
    assert 'value="complaint"' in card and 'value="handled"' in card

    await seed_office_defaults(night["office"]["id"])
    request = mutation(
        "request.create",
        {"channel": "phone", "kind": "repair", "category": "plumbing", "location": "5栋", "description": leak["text"]}
        | {"handover_item_id": str(leak["id"])},
    )
    await _apply(client, night["token"], [request])
    page = (await client.get("/handover/items")).text
    assert f'id="item-{leak["id"]}"' not in page  # no longer open
    converted = page.split("最近已转单")[1]
    assert leak["text"] in converted and f'<a href="/work/requests/{request["id"]}">' in converted


def _item_card(html: str, item_id) -> str:
    start = html.index(f'id="item-{item_id}"')
    return html[start : html.index("</li>", start)]


async def test_a_bad_conversion_is_refused_beside_the_item(client, night):
    rows = await HandoverItem.select(HandoverItem.id).where(HandoverItem.handover == uuid.UUID(night["handover"]))
    item = rows[0]["id"]
    for data in ({"kind": "teleport"}, {"kind": "handled", "ref": ""}, {"kind": "work_order", "ref": "x" * 201}):
        response = await client.post(f"/handover/items/{item}/convert", data={"_csrf_token": night["token"], **data})
        assert response.status_code == 422
    assert (await HandoverItem.select(HandoverItem.state).where(HandoverItem.id == item).first())["state"] == "open"


async def test_the_handover_record_is_printable_like_the_paper_form(client, night):
    page = await client.get(f"/handover/{night['handover']}")
    assert page.status_code == 200
    for text in ("客户服务中心交接班记录", "物品清点", "双方签名", "地库照明故障", "已接班"):
        assert text in page.text
    assert "print-only" in page.text and "data-print" in page.text


async def test_the_monthly_summary_counts_shifts_handovers_and_refusals(client, office, make_staff, login):
    outgoing = await make_staff(office["id"], "duty")
    incoming = await make_staff(office["id"], "frontdesk")
    now = current_shift()
    await publish(office["id"], [(*now, outgoing["id"]), (*following(now), incoming["id"])])
    token = await login(client, outgoing)
    s1 = submit(now)
    refuse = decide("refuse", s1["data"]["handover_id"], incoming)
    s2 = submit(now)
    accept = decide("accept", s2["data"]["handover_id"], incoming, outgoing)
    await _apply(client, token, [s1, refuse, s2, accept])

    supervisor = await make_staff(office["id"], "supervisor")
    await login(client, supervisor)
    month = now[0].replace(day=1)
    page = await client.get(f"/duty-summary?month={month_key(month)}")
    assert page.status_code == 200 and "月度值班汇总" in page.text
    from app.auth.schemas import CurrentStaff

    viewer = CurrentStaff(
        id=supervisor["id"],
        username="x",
        display_name="主管",
        role="supervisor",
        office_id=office["id"],
        office_name="x",
        office_time_zone="Asia/Shanghai",
        department=None,
        language="zh-CN",
        session_id=0,
    )
    summary = await records.duty_summary(viewer, office["id"], month)
    by_id = {r["person"]["id"]: r for r in summary["rows"]}
    assert (by_id[outgoing["id"]]["given"], by_id[outgoing["id"]]["refused_to"]) == (1, 1)
    assert (by_id[incoming["id"]]["taken"], by_id[incoming["id"]]["refused_by"]) == (1, 1)
    assert by_id[outgoing["id"]]["rostered"] >= 1
    assert summary["handover_count"] == 1 and summary["refusal_count"] == 1


async def test_on_duty_lists_escalation_contacts_in_order_with_phones(client, office, make_staff, login):
    """D6, D7: the supervisor, the manager, then the security and engineering heads, with phone numbers."""
    people = [
        await make_staff(office["id"], "engineering_lead", "engineering"),
        await make_staff(office["id"], "dept_head", "security"),
        await make_staff(office["id"], "manager"),
        await make_staff(office["id"], "supervisor"),
    ]
    for i, person in enumerate(people):
        await Staff.update({Staff.phone: f"1390000{i:04d}"}).where(Staff.id == person["id"])
    duty = await make_staff(office["id"], "duty")
    await login(client, duty)
    body = (await client.get("/api/on-duty")).json()
    assert [c["group"] for c in body["contacts"]] == ["supervisor", "manager", "security_head", "engineering_head"]
    assert body["contacts"][0]["phone"] == "13900000003"
    page = await client.get("/on-duty")
    assert 'href="tel:13900000003"' in page.text and "上报联系人" in page.text
    fragment = await client.get("/on-duty", headers={"hx-request": "true"})
    assert "<html" not in fragment.text and "data-on-duty" in fragment.text


async def test_the_handover_mutations_are_in_the_openapi_schema(client, office, make_staff, login):
    await login(client, await make_staff(office["id"], "duty"))
    schema = (await client.get("/schema/openapi.json")).text
    for tag in ("handover.submit", "handover.accept", "handover.refuse", "/api/on-duty"):
        assert tag in schema


async def test_the_desk_page_works_for_each_role_that_takes_part(client, office, make_staff, login):
    now = current_shift()
    for role in ("duty", "frontdesk", "supervisor", "manager", "engineering_lead", "qa"):
        person = await make_staff(office["id"], role)
        await login(client, person)
        page = await client.get("/handover")
        assert page.status_code == 200, role
        assert ('id="prepare-form"' in page.text) is (role != "qa")
        if role != "qa":
            assert f'value="{now[0].isoformat()}|{now[1]}"' in page.text  # the current shift, offered
