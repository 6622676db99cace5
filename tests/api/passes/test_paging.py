"""Issue 17: /passes pages by 50, newest first, with a keyset cursor on (created_at, id); the state
filter is part of the query, so every page holds 50 passes of that state: every pass once, in
order, only the office's; the filter and search stay in the link; a bad cursor is a 400."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from app.paging import PAGE_SIZE
from app.passes.tables import AccessPass
from tests.api.work.conftest import zh
from tests.support.paging import next_link, two_offices, walk

PASS_ID = re.compile(r'data-pass-id="([0-9a-f-]{36})"')
T0 = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
TODAY = date.today()


async def _passes(office_id: int, staff: int, n: int, expired: bool = False, company: str = "") -> list[str]:
    """`n` passes, two made at each time; their ids newest first (the id breaks the tie)."""
    start = TODAY - timedelta(days=400)
    end = TODAY - timedelta(days=30) if expired else TODAY + timedelta(days=400)
    first = await AccessPass.count().where(AccessPass.office == office_id)
    rows = [
        AccessPass(
            id=uuid.uuid4(),
            office=office_id,
            number=f"P{first + i + 1:04d}",
            holder_name=f"工人{i}",
            holder_kind="contractor",
            company=company,
            id_kind="id_card",
            id_last4="1234",
            valid_from=start,
            valid_to=end,
            issued_by=staff,
            created_at=T0 + timedelta(hours=i // 2),
        )
        for i in range(n)
    ]
    await AccessPass.insert(*rows)
    return [str(r.id) for r in sorted(rows, key=lambda r: (r.created_at, str(r.id)), reverse=True)]


@pytest.fixture
async def desk(client, office, other_office, make_staff):
    return await two_offices(client, office, other_office, make_staff, "frontdesk")


async def test_passes_page_newest_first_each_once_and_only_the_office(client, desk):
    ours = await _passes(desk["office"], desk["staff"], 2 * PAGE_SIZE + 1)
    await _passes(desk["other"], desk["stranger"], 3)
    pages = await walk(client, "/passes", PASS_ID)
    assert [len(p) for p in pages] == [PAGE_SIZE, PAGE_SIZE, 1]
    assert [i for p in pages for i in p] == ours


async def test_a_state_pages_full_pages_of_that_state_and_the_filter_stays(client, desk):
    valid = await _passes(desk["office"], desk["staff"], PAGE_SIZE + 3, company="甲公司")
    expired = await _passes(desk["office"], desk["staff"], PAGE_SIZE + 2, expired=True, company="甲公司")
    first = (await client.get("/passes?show=expired&q=甲公司")).text
    older = next_link(first)
    assert older and "show=expired" in older and "q=" in older
    pages = await walk(client, "/passes?show=expired&q=甲公司", PASS_ID)
    assert [len(p) for p in pages] == [PAGE_SIZE, 2]
    assert [i for p in pages for i in p] == expired
    pages = await walk(client, "/passes?show=valid", PASS_ID)
    assert [i for p in pages for i in p] == valid


@pytest.mark.parametrize("bad", ["x", "1_1", "_00000000-0000-0000-0000-000000000000"])
async def test_a_bad_cursor_is_a_400_that_says_so(client, desk, bad):
    response = await client.get(f"/passes?before={bad}")
    assert response.status_code == 400, response.text[:300]
    assert zh("That page link is not valid. Open the list again from its first page.") in response.text
