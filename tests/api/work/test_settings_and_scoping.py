"""The repair settings page (W3, W4, W6, S1) and office scoping of requests and orders."""

from __future__ import annotations

import uuid

from app.work.tables import PriceItem, StoreMaterial, WorkCategory
from tests.api.work.conftest import Actor, issue, signed_in, take_request, zh


async def test_settings_page_saves_times_keywords_materials_and_prices(people):
    lead = people["lead"]
    page = await lead.client.get("/work/settings")
    assert page.status_code == 200 and "水龙头" in page.text
    form = {f"hours_{code}": "24" for code in ("plumbing", "electrical", "doors_locks", "safety_facilities", "other")}
    form |= {"hours_lifts": "4", "hours_public_facilities": "72", "hours_leaks": "36", "urgent_lifts": "on"}
    assert (await lead.post("/work/settings/categories", form)).status_code == 303
    rows = {r["code"]: r for r in await WorkCategory.select().where(WorkCategory.office == people["office"]["id"])}
    assert (
        rows["leaks"]["standard_hours"] == 36
        and rows["lifts"]["urgent"] is True
        and rows["plumbing"]["urgent"] is False
    )

    response = await lead.post("/work/settings/categories", {**form, "hours_leaks": "0"})
    assert response.status_code == 422
    assert zh("Enter whole hours between 1 and %(max)s.", max=2160) in response.text

    response = await lead.post("/work/settings/materials", {"name": "PVC弯头", "unit": "个", "price": "3.5"})
    assert response.status_code == 303
    item = (
        await StoreMaterial.select()
        .where((StoreMaterial.office == people["office"]["id"]) & (StoreMaterial.name == "PVC弯头"))
        .first()
    )
    assert item["price_fen"] == 350 and item["active"] is True
    response = await lead.post(
        f"/work/settings/materials/{item['id']}", {"name": "PVC弯头", "unit": "个", "price": "4"}
    )
    assert response.status_code == 303
    item = await StoreMaterial.select().where(StoreMaterial.id == item["id"]).first()
    assert item["price_fen"] == 400 and item["active"] is False  # the box was not ticked

    response = await lead.post(
        "/work/settings/prices", {"name": "安装晾衣架", "unit": "套", "kind": "labour", "price": "-5"}
    )
    assert response.status_code == 422 and zh("Enter a price in yuan, e.g. 12.50.") in response.text
    response = await lead.post(
        "/work/settings/prices", {"name": "安装晾衣架", "unit": "套", "kind": "labour", "price": "80"}
    )
    assert response.status_code == 303
    assert await PriceItem.exists().where((PriceItem.name == "安装晾衣架") & (PriceItem.price_fen == 8000))

    response = await lead.post("/work/settings/keywords", {"keywords": "水浸\n电梯困人，燃气味"})
    assert response.status_code == 303
    from app.work.service import urgent_keywords

    assert await urgent_keywords(people["office"]["id"]) == ["水浸", "电梯困人", "燃气味"]


async def test_only_the_lead_and_supervisor_change_settings(people):
    for name in ("tech", "frontdesk", "manager"):
        actor = people[name]
        assert (await actor.client.get("/work/settings")).status_code == 403
        response = await actor.post("/work/settings/materials", {"name": "x", "unit": "个", "price": "1"})
        assert response.status_code == 403


async def test_another_office_cannot_see_or_touch_requests_and_orders(people, other_office, make_staff, new_client):
    desk, tech = people["frontdesk"], people["tech"]
    request_id = await take_request(desk, people["office"], "A办的秘密报修")
    order_id = await issue(desk, request_id, tech)
    async with new_client() as client:
        staff = await make_staff(other_office["id"], "engineering_lead")
        outsider = Actor(client=client, token=await signed_in(client, staff), staff=staff)
        for url in (f"/work/requests/{request_id}", f"/work/orders/{order_id}", f"/work/orders/{order_id}/slip"):
            response = await client.get(url)
            assert response.status_code == 404, url
            assert "A办的秘密报修" not in response.text
        for url in ("/work/requests?view=open", "/work/orders?view=open"):
            assert "A办的秘密报修" not in (await client.get(url)).text
        result = await outsider.send("work_order.dispatch", {"order_id": order_id, "expected_state": "dispatched"})
        assert result["status"] == "rejected" and result["error"]["code"] == "order_not_found"
        result = await outsider.send("work_order.issue", {"request_id": request_id})
        assert result["error"]["code"] == "request_not_found"
    # qa sees every office (SPEC "Who uses it").
    async with new_client() as client:
        staff = await make_staff(other_office["id"], "qa")
        await signed_in(client, staff)
        assert (await client.get(f"/work/orders/{order_id}")).status_code == 200


async def test_pages_render_for_every_role_that_reads_them(people):
    desk = people["frontdesk"]
    request_id = await take_request(desk, people["office"], "页面渲染检查")
    order_id = await issue(desk, request_id, people["tech"])
    for name in ("frontdesk", "duty", "tech", "lead", "supervisor", "manager"):
        actor = people[name]
        for url in ("/work", "/work/requests", f"/work/requests/{request_id}", f"/work/orders/{order_id}"):
            response = await actor.client.get(url)
            assert response.status_code == 200, (name, url)
    intake = await desk.client.get("/work/requests/new")
    assert intake.status_code == 200 and 'id="unit-directory"' in intake.text and "1栋 1-101" in intake.text
    assert (await people["tech"].client.get("/work/requests/new")).status_code == 403
    # htmx asks for the fragment only.
    fragment = await desk.client.get(f"/work/orders/{order_id}", headers={"HX-Request": "true"})
    assert (
        fragment.status_code == 200
        and "<html" not in fragment.text
        and 'data-server-state="dispatched"' in fragment.text
    )
    assert str(uuid.UUID(order_id)) in fragment.text


async def test_bad_input_gets_a_clear_4xx_never_a_500(people):
    desk, tech = people["frontdesk"], people["tech"]
    order_id = await issue(desk, await take_request(desk, people["office"], "坏输入检查"), tech)
    await tech.send(
        "work_order.accept", {"order_id": order_id, "expected_state": "dispatched", "expected_assignee": tech.id}
    )
    checks = [
        (tech, f"/work/orders/{order_id}/teleport", {}, 404),
        (tech, f"/work/orders/{uuid.uuid4()}/accept", {"expected_state": "dispatched"}, 404),
        (tech, f"/work/orders/{order_id}/materials", {"material_id": "1", "quantity": "abc"}, 422),
        (tech, f"/work/orders/{order_id}/charges", {"qty_1": "2", "payment_method": "at_centre"}, 422),
        (tech, f"/work/orders/{order_id}/accept", {"expected_state": "nonsense", "expected_assignee": "x"}, 422),
        (desk, "/work/requests", {"channel": "pigeon", "kind": "repair", "description": "x"}, 422),
        (
            desk,
            "/work/requests",
            {
                "channel": "visit",
                "kind": "repair",
                "category": "plumbing",
                "description": "x",
                "_unit_search": "1-101",
                "appointment_at": "2031-13-40T99:99",
            },
            422,
        ),
        (people["lead"], "/work/settings/nothing", {}, 404),
        (people["lead"], "/work/settings/prices", {"name": "", "unit": "", "kind": "gold", "price": "abc"}, 422),
    ]
    for actor, url, data, status in checks:
        response = await actor.post(url, data)
        assert response.status_code == status, (url, data, response.status_code, response.text[:300])
    for quantity in ("NaN", "Infinity", "1e9", "0.001", "-1"):
        from app.work.tables import StoreMaterial

        material = (
            await StoreMaterial.select(StoreMaterial.id).where(StoreMaterial.office == people["office"]["id"]).first()
        )
        data = {
            "order_id": order_id,
            "expected_state": "accepted",
            "lines": [{"material_id": material["id"], "quantity": quantity}],
        }
        result = await tech.send("work_order.add_materials", data)
        assert result["status"] == "rejected" and result["error"]["code"] in ("bad_quantity", "invalid"), (
            quantity,
            result,
        )
    assert (await desk.client.get(f"/work/orders/{uuid.uuid4()}")).status_code == 404
    assert (await desk.client.get("/work/requests/new?handover_item=nope")).status_code == 400
