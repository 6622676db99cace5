"""Issue 17: a key's lendings (/keys/<id>) page by 30 — the number the page showed — latest first,
with a keyset cursor on (out_at, id): every lending once, in order; another key's (or office's)
never; a bad cursor is a 400."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.keys.service import LENDINGS_PAGE
from app.keys.tables import Key, KeyLending
from tests.api.work.conftest import signed_in, zh
from tests.support.paging import walk

LENDING_ID = re.compile(r'data-lending-id="([0-9a-f-]{36})"')
T0 = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)


async def _key(office_id: int, code: str) -> int:
    row = Key(office=office_id, code=code, name="配电房钥匙", kind="public", hook="A-1")
    return (await Key.insert(row))[0]["id"]


async def _lendings(office_id: int, key_id: int, staff: int, n: int) -> list[str]:
    """`n` returned lendings, two lent at each time; their ids, latest first (the id breaks the tie)."""
    rows = [
        KeyLending(
            id=uuid.uuid4(),
            office=office_id,
            key=key_id,
            borrower_staff=staff,
            note=f"用途{i}",
            out_at=T0 + timedelta(hours=i // 2),
            out_by=staff,
            back_at=T0 + timedelta(hours=i // 2, minutes=30),
            back_by=staff,
            received_at=T0,
        )
        for i in range(n)
    ]
    await KeyLending.insert(*rows)
    return [str(r.id) for r in sorted(rows, key=lambda r: (r.out_at, str(r.id)), reverse=True)]


@pytest.fixture
async def desk(client, office, other_office, make_staff):
    clerk = await make_staff(office["id"], "frontdesk")
    await signed_in(client, clerk)
    return {"office": office["id"], "staff": clerk["id"], "other": other_office["id"]}


async def test_a_keys_lendings_page_by_thirty_latest_first_each_once(client, desk):
    key = await _key(desk["office"], "K1")
    ours = await _lendings(desk["office"], key, desk["staff"], 2 * LENDINGS_PAGE + 4)
    await _lendings(desk["office"], await _key(desk["office"], "K2"), desk["staff"], 3)  # another key
    pages = await walk(client, f"/keys/{key}", LENDING_ID)
    assert [len(p) for p in pages] == [LENDINGS_PAGE, LENDINGS_PAGE, 4]
    assert [i for p in pages for i in p] == ours


async def test_another_offices_key_is_not_found_on_any_page(client, desk):
    theirs = await _key(desk["other"], "K9")
    assert (await client.get(f"/keys/{theirs}")).status_code == 404


@pytest.mark.parametrize("bad", ["x", "1_1", "1_" + "0" * 36])
async def test_a_bad_cursor_is_a_400_that_says_so(client, desk, bad):
    key = await _key(desk["office"], "K3")
    response = await client.get(f"/keys/{key}?before={bad}")
    assert response.status_code == 400, response.text[:300]
    assert zh("That page link is not valid. Open the list again from its first page.") in response.text
