"""Issue 17: /renovation pages by 50, latest application first, with a keyset cursor on the id:
every renovation once, in order, only the office's, with its unit's label (read once for the page,
not once a row); a unit with a renovation under way on any page may not apply again; a bad cursor
is a 400."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app.paging import PAGE_SIZE
from app.renovation.tables import Renovation
from tests.api.work.conftest import signed_in, zh
from tests.support.paging import walk

RENOVATION_ID = re.compile(r'data-renovation-id="(\d+)"')


async def _renovations(office: dict, n: int, state: str = "completed") -> list[str]:
    """`n` renovations of the office's first unit; their ids, latest first."""
    rows = [
        Renovation(
            office=office["id"],
            unit=office["units"][0],
            state=state,
            applicant_name=f"业主{i}",
            start_on=date(2026, 1, 1),
            end_on=date(2026, 2, 1),
        )
        for i in range(n)
    ]
    ids = [r["id"] for r in await Renovation.insert(*rows)]
    return [str(i) for i in sorted(ids, reverse=True)]


@pytest.fixture
async def desk(client, office, other_office, make_staff):
    clerk = await make_staff(office["id"], "frontdesk")
    await signed_in(client, clerk)
    return {"office": office, "other": other_office}


async def test_renovations_page_latest_first_each_once_and_only_the_office(client, desk):
    under_way = await _renovations(desk["office"], 1, state="permitted")  # the oldest: on the last page
    ours = await _renovations(desk["office"], 2 * PAGE_SIZE + 2) + under_way
    await _renovations(desk["other"], 3)
    pages = await walk(client, "/renovation", RENOVATION_ID)
    assert [len(p) for p in pages] == [PAGE_SIZE, PAGE_SIZE, 3]
    assert [i for p in pages for i in p] == ours
    first = (await client.get("/renovation")).text
    assert "1栋 1-101" in first  # the unit's label, from the one read of the office's units
    options = re.findall(r'<option value="(\d+)">', first.split("renovation-list")[1])
    assert str(desk["office"]["units"][0]) not in options  # under way (on the last page): cannot apply


@pytest.mark.parametrize("bad", ["x", "1_00000000-0000-0000-0000-000000000000", "2147483648_2147483648"])
async def test_a_bad_cursor_is_a_400_that_says_so(client, desk, bad):
    response = await client.get(f"/renovation?before={bad}")
    assert response.status_code == 400, response.text[:300]
    assert zh("That page link is not valid. Open the list again from its first page.") in response.text
