"""Issue 17: the requests and work-order lists page by 50 with a keyset cursor: every row once, in
order, across pages; filters kept in the links; only the office's own rows; a bad cursor is a 400."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.paging import PAGE_SIZE
from app.work.service import seed_office_defaults
from app.work.tables import WorkOrder
from tests.api.work.conftest import zh
from tests.support.paging import make_requests, next_link, two_offices, walk

REQUEST_ID = re.compile(r'data-request-id="([0-9a-f-]{36})"')
ORDER_ID = re.compile(r'data-order-id="([0-9a-f-]{36})"')
T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
N = 2 * PAGE_SIZE + 7  # two full pages and a short one


async def _requests(office_id: int, owner: int, n: int, state: str = "open") -> list[dict]:
    """`n` requests, three to a minute (rows sharing a time: the cursor's id breaks the tie)."""
    rows = await make_requests(office_id, owner, [T0 + timedelta(minutes=i // 3) for i in range(n)], state)
    return [{"id": str(r.id), "at": r.recorded_at} for r in rows]


async def _orders(office_id: int, staff: int, requests: list[dict], state: str) -> list[dict]:
    first = await WorkOrder.count().where(WorkOrder.office == office_id)
    rows = [
        WorkOrder(
            id=uuid.uuid4(),
            office=office_id,
            seq=first + i + 1,
            request=uuid.UUID(r["id"]),
            category="plumbing",
            state=state,
            issued_by=staff,
            issued_at=T0,
            standard_hours=4,
            due_at=T0 + timedelta(hours=i // 2),
            changed_at=T0,
        )
        for i, r in enumerate(requests)
    ]
    await WorkOrder.insert(*rows)
    return [{"id": str(o.id), "at": o.due_at} for o in rows]


def _newest_first(rows: list[dict]) -> list[str]:
    return [r["id"] for r in sorted(rows, key=lambda r: (r["at"], r["id"]), reverse=True)]


def _soonest_first(rows: list[dict]) -> list[str]:
    return [r["id"] for r in sorted(rows, key=lambda r: (r["at"], r["id"]))]


@pytest.fixture
async def desk(client, office, other_office, make_staff):
    await seed_office_defaults(office["id"])
    return await two_offices(client, office, other_office, make_staff)


async def test_requests_page_by_fifty_newest_first_each_once_and_only_the_office(client, desk):
    mine = await _requests(desk["office"], desk["staff"], N)
    await _requests(desk["other"], desk["stranger"], 5)
    await _requests(desk["office"], desk["staff"], 3, state="closed")  # another view: never listed here
    pages = await walk(client, "/work/requests?view=open", REQUEST_ID)
    assert [len(p) for p in pages] == [PAGE_SIZE, PAGE_SIZE, 7]
    assert [i for p in pages for i in p] == _newest_first(mine)


async def test_the_older_link_keeps_the_view_and_the_last_page_has_none(client, desk):
    await _requests(desk["office"], desk["staff"], PAGE_SIZE + 1, state="closed")
    first = (await client.get("/work/requests?view=closed")).text
    older = next_link(first)
    assert older and "view=closed" in older and "before=" in older
    last = (await client.get(older)).text
    assert len(REQUEST_ID.findall(last)) == 1 and next_link(last) is None
    assert 'href="/work/requests?view=closed"' in last  # back to the newest


async def test_exactly_a_page_of_requests_has_no_older_link(client, desk):
    await _requests(desk["office"], desk["staff"], PAGE_SIZE)
    page = (await client.get("/work/requests?view=open")).text
    assert len(REQUEST_ID.findall(page)) == PAGE_SIZE and next_link(page) is None


async def test_done_orders_page_latest_due_first_and_open_ones_soonest_due_first(client, desk):
    done = await _orders(desk["office"], desk["staff"], await _requests(desk["office"], desk["staff"], N), "completed")
    open_ = await _orders(desk["office"], desk["staff"], await _requests(desk["office"], desk["staff"], 60), "queued")
    theirs = await _requests(desk["other"], desk["stranger"], 4)
    await _orders(desk["other"], desk["stranger"], theirs, "completed")
    pages = await walk(client, "/work/orders?view=done", ORDER_ID)
    assert [len(p) for p in pages] == [PAGE_SIZE, PAGE_SIZE, 7]
    assert [i for p in pages for i in p] == _newest_first(done)
    pages = await walk(client, "/work?view=open", ORDER_ID)
    assert [len(p) for p in pages] == [PAGE_SIZE, 10]
    assert [i for p in pages for i in p] == _soonest_first(open_)


@pytest.mark.parametrize(
    "bad",
    [
        "x",
        "0",
        "1764784320123456",
        "1764784320123456_not-a-uuid",
        "99999999999999999_00000000-0000-0000-0000-000000000000",
        "1_" + "0" * 100,
    ],
)
@pytest.mark.parametrize(
    "url", ["/work/requests?view=open&before=", "/work/orders?view=done&before=", "/work?view=open&after="]
)
async def test_a_bad_cursor_is_a_400_that_says_so(client, desk, url, bad):
    response = await client.get(url + bad)
    assert response.status_code == 400, response.text[:300]
    assert zh("That page link is not valid. Open the list again from its first page.") in response.text
