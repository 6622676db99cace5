"""Issue 17: the escalated entries (/duty-log/escalated) page by 50, latest number first, with a
keyset cursor on (seq, id): every escalated entry once, in order, only the office's (and never a
plain entry); a bad cursor is a 400."""

from __future__ import annotations

import re

import pytest

from app.paging import PAGE_SIZE
from tests.api.work.conftest import signed_in, zh
from tests.support.paging import walk
from tests.support.sync import mutation, sync

ENTRY = re.compile(r'data-entry-id="([0-9a-f-]{36})"')


async def _write(client, token: str, n: int, escalation: str = "difficult") -> list[str]:
    """`n` entries through the sync API (as the phones write them); their ids, oldest first."""
    ids = []
    for start in range(0, n, 50):
        batch = [
            mutation("duty_log.append", {"category": "help", "text": f"第{i + 1}条", "escalation": escalation})
            for i in range(start, min(n, start + 50))
        ]
        response = await sync(client, token, batch)
        assert all(r["status"] == "applied" for r in response.json()["results"]), response.text
        ids += [m["id"] for m in batch]  # an entry's id is its mutation's
    return ids


@pytest.fixture
async def desk(client, new_client, office, other_office, make_staff, login):
    writer = await make_staff(office["id"], "duty")
    stranger = await make_staff(other_office["id"], "duty")
    supervisor = await make_staff(office["id"], "supervisor")
    async with new_client() as theirs:
        await _write(theirs, await login(theirs, stranger), 3)
    token = await login(client, writer)
    return {"client": client, "token": token, "supervisor": supervisor}


async def test_escalated_entries_page_latest_first_each_once_only_the_offices(desk, new_client):
    ours = await _write(desk["client"], desk["token"], PAGE_SIZE + 4)
    await _write(desk["client"], desk["token"], 5, escalation="")  # not escalated: never listed
    async with new_client() as reader:
        await signed_in(reader, desk["supervisor"])
        pages = await walk(reader, "/duty-log/escalated", ENTRY)
        assert [len(p) for p in pages] == [PAGE_SIZE, 4]
        assert [i for p in pages for i in p] == list(reversed(ours))
        response = await reader.get("/duty-log/escalated?before=7")
        assert response.status_code == 400
        assert zh("That page link is not valid. Open the list again from its first page.") in response.text
