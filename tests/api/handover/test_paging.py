"""Issue 17: /handover/records pages by 50, newest prepared first, with a keyset cursor on
(prepared_at, id): every record once, in order, only the office's; the status stays in the link;
a bad cursor is a 400."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from app.handover.tables import Handover
from app.paging import PAGE_SIZE
from tests.api.work.conftest import zh
from tests.support.paging import next_link, two_offices, walk

RECORD_ID = re.compile(r'data-handover-id="([0-9a-f-]{36})"')
T0 = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)


async def _handovers(office_id: int, outgoing: int, n: int, status: str) -> list[dict]:
    """`n` handovers written straight into the table, two prepared at each time (the id breaks ties)."""
    rows = []
    first = await Handover.count().where(Handover.office == office_id)  # one handover a shift: its own day
    for i in range(n):
        at = T0 + timedelta(hours=i // 2)
        rows.append(
            Handover(
                id=uuid.uuid4(),
                office=office_id,
                from_date=date(2020, 1, 1) + timedelta(days=first + i),
                from_code="day",
                to_date=date(2020, 1, 1) + timedelta(days=first + i),
                to_code="night",
                status=status,
                outgoing=outgoing,
                prepared_at=at,
                received_at=at,
                desk_tidied_at=at,
            )
        )
    await Handover.insert(*rows)
    return [{"id": str(r.id), "at": r.prepared_at} for r in rows]


def _newest_first(rows: list[dict]) -> list[str]:
    return [r["id"] for r in sorted(rows, key=lambda r: (r["at"], r["id"]), reverse=True)]


@pytest.fixture
async def desk(client, office, other_office, make_staff):
    return await two_offices(client, office, other_office, make_staff, "supervisor", "duty")


async def test_records_page_newest_first_each_once_and_only_the_office(client, desk):
    ours = await _handovers(desk["office"], desk["staff"], 2 * PAGE_SIZE + 9, "submitted")
    await _handovers(desk["other"], desk["stranger"], 4, "submitted")
    pages = await walk(client, "/handover/records", RECORD_ID)
    assert [len(p) for p in pages] == [PAGE_SIZE, PAGE_SIZE, 9]
    assert [i for p in pages for i in p] == _newest_first(ours)


async def test_the_status_stays_in_the_older_link(client, desk):
    submitted = await _handovers(desk["office"], desk["staff"], PAGE_SIZE + 1, "submitted")
    await _handovers(desk["office"], desk["staff"], 3, "signing")
    first = (await client.get("/handover/records?status=submitted")).text
    older = next_link(first)
    assert older and "status=submitted" in older
    pages = await walk(client, "/handover/records?status=submitted", RECORD_ID)
    assert [i for p in pages for i in p] == _newest_first(submitted)


@pytest.mark.parametrize("bad", ["x", "12", "1_" + "z" * 36, "1764784320123456_0"])
async def test_a_bad_cursor_is_a_400_that_says_so(client, desk, bad):
    response = await client.get(f"/handover/records?before={bad}")
    assert response.status_code == 400, response.text[:300]
    assert zh("That page link is not valid. Open the list again from its first page.") in response.text
