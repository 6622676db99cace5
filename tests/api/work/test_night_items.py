"""D11 with the handover (issue 5): a night item carried over at the handover is turned into a
request the next morning — through the handover's own conversion rule — and then a work order."""

from __future__ import annotations

import uuid

from app.handover.tables import HandoverItem
from app.work.tables import ServiceRequest
from tests.api.roster.support import decide, following, last_night_shift, publish, submit
from tests.api.work.conftest import issue, repair
from tests.support.sync import sync


async def test_d11_a_night_item_becomes_a_request_then_a_work_order_once(people):
    night, day, tech = people["duty"], people["frontdesk"], people["tech"]
    shift = last_night_shift()
    await publish(people["office"]["id"], [(*shift, night.id), (*following(shift), day.id)])
    handed = submit(shift, open_items=[{"text": "1栋101卫生间漏水，已关总阀待维修", "major_repair": False}])
    accepted = decide("accept", handed["data"]["handover_id"], day.staff, night.staff)
    results = (await sync(night.client, night.token, [handed, accepted])).json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied"], results
    item = await HandoverItem.select().where(HandoverItem.handover == uuid.UUID(handed["data"]["handover_id"])).first()
    assert item["night"] is True and item["state"] == "open"

    # The day shift sees it on the night list and starts a request from it (text filled in).
    listing = (await day.client.get("/work/requests?view=night")).text
    assert "1栋101卫生间漏水，已关总阀待维修" in listing and f"/work/requests/new?handover_item={item['id']}" in listing
    form = (await day.client.get(f"/work/requests/new?handover_item={item['id']}")).text
    assert f'value="{item["id"]}"' in form and "1栋101卫生间漏水，已关总阀待维修</textarea>" in form

    data = repair(people["office"], item["text"], handover_item_id=str(item["id"]))
    result = await day.send("request.create", data)
    assert result["status"] == "applied", result
    request = await ServiceRequest.select().where(ServiceRequest.id == uuid.UUID(result["id"])).first()
    assert request["night"] is True and request["source"] == f"handover:{item['id']}"
    item = await HandoverItem.select().where(HandoverItem.id == item["id"]).first()
    assert (item["state"], item["target_kind"], item["target_ref"]) == (
        "converted",
        "work_order",
        f"/work/requests/{result['id']}",
    )
    assert item["resolved_by"] == day.id
    # The same item cannot become a second request.
    again = await day.send("request.create", repair(people["office"], "重复转单", handover_item_id=str(item["id"])))
    assert again["status"] == "rejected" and again["error"]["code"] == "already_converted"
    assert not await ServiceRequest.exists().where(ServiceRequest.description == "重复转单")

    # It waits on the day shift's list until it is a work order (W8, D11).
    assert item["text"] in (await day.client.get("/work/requests?view=night")).text
    await issue(day, result["id"], tech)
    assert item["text"] not in (await day.client.get("/work/requests?view=night")).text
