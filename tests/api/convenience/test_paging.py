"""Issue 17: the services agreed on /convenience page by 50, latest number first, with a keyset
cursor on (seq, id): every booking once, in order, only the office's (a department head: only
their department's); a bad cursor is a 400."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pytest

from app.convenience.tables import ServiceBooking, ServiceItem
from app.paging import PAGE_SIZE
from tests.api.work.conftest import signed_in, zh
from tests.support.paging import two_offices, walk

BOOKING_ID = re.compile(r'data-booking-id="([0-9a-f-]{36})"')
T0 = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)


async def _bookings(office_id: int, staff: int, n: int, department: str = "cleaning") -> list[str]:
    """`n` bookings numbered 1…n of one service item; their ids, latest number first."""
    item = (
        await ServiceItem.insert(
            ServiceItem(office=office_id, kind="convenience", name="疏通", department=department, price_fen=5000)
        )
    )[0]["id"]
    first = await ServiceBooking.count().where(ServiceBooking.office == office_id)
    rows = [
        ServiceBooking(
            id=uuid.uuid4(),
            office=office_id,
            seq=first + i + 1,
            item=item,
            resident_name="住户",
            place="1栋",
            appointment_at=T0,
            price_fen=5000,
            terms="疏通下水道",
            state="paid",
            agreed_by=staff,
            agreed_at=T0,
        )
        for i in range(n)
    ]
    await ServiceBooking.insert(*rows)
    return [str(r.id) for r in reversed(rows)]


@pytest.fixture
async def desk(client, office, other_office, make_staff):
    return await two_offices(client, office, other_office, make_staff)


async def test_bookings_page_latest_number_first_each_once_and_only_the_office(client, desk):
    ours = await _bookings(desk["office"], desk["staff"], 2 * PAGE_SIZE + 2)
    await _bookings(desk["other"], desk["stranger"], 3)
    pages = await walk(client, "/convenience", BOOKING_ID)
    assert [len(p) for p in pages] == [PAGE_SIZE, PAGE_SIZE, 2]
    assert [i for p in pages for i in p] == ours


async def test_a_department_head_pages_only_their_department(client, office, make_staff):
    head = await make_staff(office["id"], "dept_head", department="engineering")
    theirs = await _bookings(office["id"], head["id"], PAGE_SIZE + 1, department="engineering")
    await _bookings(office["id"], head["id"], 4, department="cleaning")
    await signed_in(client, head)
    pages = await walk(client, "/convenience", BOOKING_ID)
    assert [i for p in pages for i in p] == theirs


@pytest.mark.parametrize("bad", ["x", "2147483648_00000000-0000-0000-0000-000000000000", "5_0", "5_1"])
async def test_a_bad_cursor_is_a_400_that_says_so(client, desk, bad):
    response = await client.get(f"/convenience?before={bad}")
    assert response.status_code == 400, response.text[:300]
    assert zh("That page link is not valid. Open the list again from its first page.") in response.text
