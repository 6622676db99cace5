"""Issue 17: /notices pages by 50, newest published first, with a keyset cursor on
(published_at, id): every notice once, in order, only the office's; the topic stays in the link;
a bad cursor is a 400."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.notices.tables import Notice
from app.paging import PAGE_SIZE
from tests.api.work.conftest import zh
from tests.support.paging import next_link, two_offices, walk

NOTICE_ID = re.compile(r'data-notice-id="([0-9a-f-]{36})"')
T0 = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)


async def _notices(office_id: int, staff: int, n: int, topic: str = "") -> list[str]:
    """`n` notices, two published at each time; their ids newest first (the id breaks the tie)."""
    rows = [
        Notice(
            id=uuid.uuid4(),
            office=office_id,
            kind="general",
            title=f"通知{i}",
            body="内容",
            topic=topic,
            published_at=T0 + timedelta(hours=i // 2),
            published_by=staff,
        )
        for i in range(n)
    ]
    await Notice.insert(*rows)
    return [str(r.id) for r in sorted(rows, key=lambda r: (r.published_at, str(r.id)), reverse=True)]


@pytest.fixture
async def desk(client, office, other_office, make_staff):
    return await two_offices(client, office, other_office, make_staff)


async def test_notices_page_newest_first_each_once_and_only_the_office(client, desk):
    ours = await _notices(desk["office"], desk["staff"], 2 * PAGE_SIZE + 5)
    await _notices(desk["other"], desk["stranger"], 3)
    pages = await walk(client, "/notices", NOTICE_ID)
    assert [len(p) for p in pages] == [PAGE_SIZE, PAGE_SIZE, 5]
    assert [i for p in pages for i in p] == ours


async def test_the_topic_stays_in_the_older_link(client, desk):
    water = await _notices(desk["office"], desk["staff"], PAGE_SIZE + 2, topic="节约用水")
    await _notices(desk["office"], desk["staff"], 4, topic="")
    first = (await client.get("/notices", params={"topic": "节约用水"})).text
    older = next_link(first)
    assert older and "topic=" in older and "before=" in older
    pages = await walk(client, "/notices?topic=%E8%8A%82%E7%BA%A6%E7%94%A8%E6%B0%B4", NOTICE_ID)
    assert [i for p in pages for i in p] == water


@pytest.mark.parametrize("bad", ["x", "1_1", "1" * 17 + "_00000000-0000-0000-0000-000000000000"])
async def test_a_bad_cursor_is_a_400_that_says_so(client, desk, bad):
    response = await client.get(f"/notices?before={bad}")
    assert response.status_code == 400, response.text[:300]
    assert zh("That page link is not valid. Open the list again from its first page.") in response.text
