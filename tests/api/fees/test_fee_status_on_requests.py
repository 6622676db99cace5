"""$1 at intake (W1) and for complaints (C1): the request page shows the unit's fee status to the
service centre, with its as-of date; a technician does not see it."""

from __future__ import annotations

from datetime import date

from app.fees.tables import FeeStatus
from tests.support.sync import sync_one


async def test_the_request_page_shows_the_units_fee_status_to_the_desk_not_to_technicians(
    client, new_client, office, make_staff, login
):
    desk = await make_staff(office["id"], "frontdesk")
    token = await login(client, desk)
    unit_id = office["units"][0]
    await FeeStatus.insert(
        FeeStatus(office=office["id"], unit=unit_id, months_owed=3, amount_fen=45600, as_of=date(2026, 11, 30))
    )
    data = {"channel": "phone", "kind": "complaint", "description": "投诉电梯噪音", "unit_id": unit_id}
    result = await sync_one(client, token, "request.create", data)
    assert result["status"] == "applied", result
    html = (await client.get(f"/work/requests/{result['id']}")).text
    assert "缴费情况" in html and "456" in html and "2026-11-30" in html
    tech = await make_staff(office["id"], "technician")
    async with new_client() as other:
        await login(other, tech)
        page = await other.get(f"/work/requests/{result['id']}")
        assert "缴费情况" not in page.text
