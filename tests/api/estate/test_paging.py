"""Issue 17: the file spot checks (/estate/file-checks, an audit list) page by 10 — the number the
page showed — latest first, with a keyset cursor on the id: every check once, in order, with its
drawn files, only the office's; a bad cursor is a 400."""

from __future__ import annotations

import re

import pytest

from app.estate.files import CHECKS_PAGE
from app.estate.tables import FileCheck, FileCheckItem
from tests.api.work.conftest import signed_in, zh
from tests.support.paging import walk

CHECK_ID = re.compile(r'data-check-id="(\d+)"')


async def _checks(office: dict, n: int) -> list[str]:
    """`n` spot checks, each of one file (the office's first unit); their ids, latest first."""
    ids = [
        r["id"] for r in await FileCheck.insert(*[FileCheck(office=office["id"], seed="s", size=1) for _ in range(n)])
    ]
    await FileCheckItem.insert(*[FileCheckItem(office=office["id"], check=i, unit=office["units"][0]) for i in ids])
    return [str(i) for i in sorted(ids, reverse=True)]


@pytest.fixture
async def desk(client, office, other_office, make_staff):
    supervisor = await make_staff(office["id"], "supervisor")
    await signed_in(client, supervisor)
    return {"office": office, "other": other_office}


async def test_spot_checks_page_by_ten_latest_first_each_once_and_only_the_office(client, desk):
    ours = await _checks(desk["office"], 2 * CHECKS_PAGE + 3)
    await _checks(desk["other"], 2)
    pages = await walk(client, "/estate/file-checks", CHECK_ID)
    assert [len(p) for p in pages] == [CHECKS_PAGE, CHECKS_PAGE, 3]
    assert [i for p in pages for i in p] == ours
    page = (await client.get("/estate/file-checks")).text
    unit = desk["office"]["units"][0]
    assert page.count(f'href="/estate/units/{unit}/file"') == CHECKS_PAGE  # each check with its file


@pytest.mark.parametrize("bad", ["x", "3_00000000-0000-0000-0000-000000000000", "3_0"])
async def test_a_bad_cursor_is_a_400_that_says_so(client, desk, bad):
    response = await client.get(f"/estate/file-checks?before={bad}")
    assert response.status_code == 400, response.text[:300]
    assert zh("That page link is not valid. Open the list again from its first page.") in response.text
