"""Issue 17: the nonconformance inbox pages by 50 a part with a keyset cursor — the open part by
deadline (overdue first), the rectified part likewise, `part` + `after` paging one part — and its
history (view=closed) by closing time, last first (`before`). Every item once, in order, only the
office's (and, for a department head, the department's); a bad cursor is a 400."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from app.paging import PAGE_SIZE
from app.patrols._round_reads import ROUNDS_PAGE
from app.patrols.tables import Nonconformance, PatrolRound
from tests.api.work.conftest import signed_in, zh
from tests.support.paging import next_link, two_offices, walk

NC_ID = re.compile(r'data-nc-id="([0-9a-f-]{36})"')
DAY0 = date(2026, 11, 1)
T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


async def _ncs(office_id: int, staff: int, n: int, state: str, department: str = "cleaning") -> list[dict]:
    """`n` items, three to a deadline (the id breaks the tie), closed one a minute apart when closed."""
    rows = [
        Nonconformance(
            id=uuid.uuid4(),
            office=office_id,
            title=f"不合格{i}",
            department=department,
            state=state,
            deadline=DAY0 + timedelta(days=i // 3),
            raised_by=staff,
            raised_at=T0,
            received_at=T0,
            changed_at=T0,
            closed_at=T0 + timedelta(minutes=i // 2) if state == "closed" else None,
        )
        for i in range(n)
    ]
    await Nonconformance.insert(*rows)
    key = "closed_at" if state == "closed" else "deadline"
    return [{"id": str(r.id), "at": getattr(r, key)} for r in rows]


def _in_order(rows: list[dict], newest_first: bool) -> list[str]:
    return [r["id"] for r in sorted(rows, key=lambda r: (r["at"], r["id"]), reverse=newest_first)]


@pytest.fixture
async def heads(client, office, other_office, make_staff):
    return await two_offices(client, office, other_office, make_staff)


async def test_the_open_part_pages_by_deadline_each_item_once_and_the_department_stays(client, heads):
    open_ = await _ncs(heads["office"], heads["staff"], 2 * PAGE_SIZE + 4, "open")
    await _ncs(heads["office"], heads["staff"], 3, "open", department="security")  # another department
    await _ncs(heads["other"], heads["stranger"], 5, "open")  # another office
    rectified = await _ncs(heads["office"], heads["staff"], 2, "rectified")
    first = (await client.get("/patrols/inbox?department=cleaning")).text
    assert "(104)" in first and "(2)" in first  # the counts are the parts' totals, not the page's
    shown = NC_ID.findall(first)
    assert shown == _in_order(open_, False)[:PAGE_SIZE] + _in_order(rectified, False)
    more = next_link(first)
    assert more and "part=open" in more and "department=cleaning" in more and "after=" in more
    pages = await walk(client, more, NC_ID)
    assert [len(p) for p in pages] == [PAGE_SIZE, 4]
    assert shown[:PAGE_SIZE] + [i for p in pages for i in p] == _in_order(open_, False)


async def test_the_rectified_part_pages_on_its_own(client, heads):
    rectified = await _ncs(heads["office"], heads["staff"], PAGE_SIZE + 1, "rectified")
    first = (await client.get("/patrols/inbox")).text
    assert NC_ID.findall(first) == _in_order(rectified, False)[:PAGE_SIZE]
    more = next_link(first)
    assert more and "part=rectified" in more
    last = (await client.get(more)).text
    assert NC_ID.findall(last) == _in_order(rectified, False)[PAGE_SIZE:] and next_link(last) is None


async def test_closed_items_page_last_closed_first_only_the_office(client, heads):
    closed = await _ncs(heads["office"], heads["staff"], 2 * PAGE_SIZE + 1, "closed")
    await _ncs(heads["other"], heads["stranger"], 3, "closed")
    await _ncs(heads["office"], heads["staff"], 2, "open")  # not history
    pages = await walk(client, "/patrols/inbox?view=closed", NC_ID)
    assert [len(p) for p in pages] == [PAGE_SIZE, PAGE_SIZE, 1]
    assert [i for p in pages for i in p] == _in_order(closed, True)


async def test_a_department_head_pages_only_their_departments_history(client, office, make_staff):
    head = await make_staff(office["id"], "dept_head", department="security")
    own = await _ncs(office["id"], head["id"], PAGE_SIZE + 2, "closed", department="security")
    await _ncs(office["id"], head["id"], 4, "closed", department="cleaning")
    await signed_in(client, head)
    pages = await walk(client, "/patrols/inbox?view=closed&department=cleaning", NC_ID)  # asks for another: own
    assert [i for p in pages for i in p] == _in_order(own, True)


@pytest.mark.parametrize("url", ["/patrols/inbox?part=open&after=", "/patrols/inbox?view=closed&before="])
@pytest.mark.parametrize("bad", ["x", "1_1_1", "-5_00000000-0000-0000-0000-000000000000"])
async def test_a_bad_cursor_is_a_400_that_says_so(client, heads, url, bad):
    response = await client.get(url + bad)
    assert response.status_code == 400, response.text[:300]
    assert zh("That page link is not valid. Open the list again from its first page.") in response.text


ROUND_ID = re.compile(r'data-round-id="([0-9a-f-]{36})"')


async def _rounds(office_id: int, route_id: int, walker: int, n: int) -> list[str]:
    """`n` finished rounds, two started at each time; their ids, latest first (the id breaks ties)."""
    rows = [
        PatrolRound(
            id=uuid.uuid4(),
            office=office_id,
            route=route_id,
            kind="patrol",
            started_by=walker,
            started_at=T0 + timedelta(hours=i // 2),
            local_date=DAY0,
            received_at=T0,
            status="finished",
            finished_at=T0 + timedelta(hours=i // 2, minutes=40),
        )
        for i in range(n)
    ]
    await PatrolRound.insert(*rows)
    return [str(r.id) for r in sorted(rows, key=lambda r: (r.started_at, str(r.id)), reverse=True)]


async def test_my_rounds_on_the_patrols_page_page_by_ten_latest_first_only_mine(client, office, make_staff, route):
    walker = await make_staff(office["id"], "patrol", department="security")
    colleague = await make_staff(office["id"], "patrol", department="security")
    mine = await _rounds(office["id"], route["id"], walker["id"], 2 * ROUNDS_PAGE + 3)
    await _rounds(office["id"], route["id"], colleague["id"], 4)  # a colleague's: not in "my rounds"
    await signed_in(client, walker)
    pages = await walk(client, "/patrols", ROUND_ID)
    assert [len(p) for p in pages] == [ROUNDS_PAGE, ROUNDS_PAGE, 3]
    assert [i for p in pages for i in p] == mine
    assert (await client.get("/patrols?before=soon")).status_code == 400
