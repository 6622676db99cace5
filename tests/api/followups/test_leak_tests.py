"""F2 leak repairs: a missing leak test date is shown (no follow-up can exist without it), and the page
where it is recorded is open to every role `record_leak_test` allows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.followups.rules import generate_followups
from app.followups.tables import FollowupTask, LeakTest
from tests.api.followups.conftest import make_order

MISSING = "闭水试验日期未填"  # "Leak test date missing"


async def test_f2_leak_repair_without_leak_test_date_is_listed_as_missing(people):
    """F2: a done leak repair with no leak test date has no follow-up; the follow-ups page and its
    first responder's home list it as "leak test date missing", linking to where it is recorded —
    paid ones too (F2 is every repair's), not a tested leak or another repair."""
    office, fd, desk2 = people["office"], people["frontdesk"], people["desk2"]
    done = datetime.now(UTC) - timedelta(days=1)
    untested = await make_order(office, fd.id, done, category="leaks")
    tested = await make_order(office, fd.id, done, category="leaks")
    paid = await make_order(office, fd.id, done, category="leaks", paid=True, charges_fen=5000)
    plumbing = await make_order(office, fd.id, done)
    assert (
        await fd.post(f"/followups/leak-tests/{tested['id']}", {"tested_on": done.date().isoformat()})
    ).status_code == 303
    await generate_followups(office["id"], datetime.now(UTC))
    assert not await FollowupTask.exists().where(FollowupTask.work_order == untested["id"])
    assert f'data-leak-order="{paid["id"]}"' in (await desk2.client.get("/followups")).text

    page = await desk2.client.get("/followups")
    assert page.status_code == 200 and MISSING in page.text
    assert f'data-leak-order="{untested["id"]}"' in page.text
    assert f"/followups/leak-tests#order-{untested['id']}" in page.text
    for other in (tested, plumbing):
        assert f'data-leak-order="{other["id"]}"' not in page.text
    leak_page = await desk2.client.get("/followups/leak-tests")
    assert f'id="order-{untested["id"]}"' in leak_page.text  # the link's target

    home = await fd.client.get("/")
    assert MISSING in home.text and "/followups/leak-tests" in home.text
    assert MISSING not in (await desk2.client.get("/")).text  # the follow-up will be fd's (C4), not desk2's

    for order in (untested, paid):
        await fd.post(f"/followups/leak-tests/{order['id']}", {"tested_on": done.date().isoformat()})
    assert MISSING not in (await fd.client.get("/followups")).text
    assert MISSING not in (await fd.client.get("/")).text


async def test_f2_technician_reaches_the_leak_test_page_and_records_the_date(people):
    """F2: the leak tests page is open to the roles `record_leak_test` allows — technicians included —
    and closed to others (patrol)."""
    office, fd, tech, patrol = people["office"], people["frontdesk"], people["tech"], people["patrol"]
    order = await make_order(office, fd.id, datetime.now(UTC) - timedelta(days=1), category="leaks")
    page = await tech.client.get("/followups/leak-tests")
    assert page.status_code == 200 and f'id="order-{order["id"]}"' in page.text
    day = (datetime.now(UTC) - timedelta(days=1)).date()
    response = await tech.post(f"/followups/leak-tests/{order['id']}", {"tested_on": day.isoformat()})
    assert response.status_code == 303
    row = await LeakTest.select().where(LeakTest.work_order == order["id"]).first()
    assert row["tested_on"] == day and row["recorded_by"] == tech.id
    assert (await patrol.client.get("/followups/leak-tests")).status_code == 403
    assert (
        await patrol.post(f"/followups/leak-tests/{order['id']}", {"tested_on": day.isoformat()})
    ).status_code == 403
