"""Issue 17: /followups pages by 50 with a keyset cursor on (due time, id): done follow-ups latest
first (`before`), open ones soonest due first (`after`); the view and rule stay in the links; only
the office's own tasks; a bad cursor is a 400."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.followups.consultations import RECENT_PAGE
from app.followups.tables import Consultation, FollowupDraw, FollowupTask
from app.paging import PAGE_SIZE
from tests.api.work.conftest import zh
from tests.support.paging import make_requests, next_link, two_offices, walk

TASK_ID = re.compile(r'data-task-id="([0-9a-f-]{36})"')
T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
N = 2 * PAGE_SIZE + 3


async def _tasks(office_id: int, owner: int, n: int, state: str, rule: str = "F2") -> list[dict]:
    """`n` tasks, two due at each time (the id breaks the tie), each on a request of its own."""
    requests = await make_requests(office_id, owner, [T0] * n, state="closed")
    rows = [
        FollowupTask(
            id=uuid.uuid4(),
            office=office_id,
            key=f"{rule}:{r.id}",
            rule=rule,
            request=r.id,
            assignee_role="frontdesk",
            due_at=T0 + timedelta(hours=i // 2),
            created_at=T0,
            state=state,
        )
        for i, r in enumerate(requests)
    ]
    await FollowupTask.insert(*rows)
    return [{"id": str(t.id), "at": t.due_at} for t in rows]


def _in_order(rows: list[dict], newest_first: bool) -> list[str]:
    return [r["id"] for r in sorted(rows, key=lambda r: (r["at"], r["id"]), reverse=newest_first)]


@pytest.fixture
async def desk(client, office, other_office, make_staff):
    return await two_offices(client, office, other_office, make_staff)


async def test_done_follow_ups_page_latest_first_each_once_and_only_the_office(client, desk):
    done = await _tasks(desk["office"], desk["staff"], N, "done")
    await _tasks(desk["other"], desk["stranger"], 4, "done")
    await _tasks(desk["office"], desk["staff"], 2, "open")  # another view
    pages = await walk(client, "/followups?view=done", TASK_ID)
    assert [len(p) for p in pages] == [PAGE_SIZE, PAGE_SIZE, 3]
    assert [i for p in pages for i in p] == _in_order(done, newest_first=True)


async def test_open_follow_ups_page_soonest_due_first_and_the_rule_stays_in_the_link(client, desk):
    open_ = await _tasks(desk["office"], desk["staff"], PAGE_SIZE + 5, "open", rule="F3")
    await _tasks(desk["office"], desk["staff"], 3, "open", rule="F2")  # another rule: filtered out
    first = (await client.get("/followups?view=open&rule=F3")).text
    older = next_link(first)
    assert older and "rule=F3" in older and "view=open" in older and "after=" in older
    pages = await walk(client, "/followups?view=open&rule=F3", TASK_ID)
    assert [len(p) for p in pages] == [PAGE_SIZE, 5]
    assert [i for p in pages for i in p] == _in_order(open_, newest_first=False)


@pytest.mark.parametrize("bad", ["x", "123", "1_2_3", "1764784320123456_" + "f" * 36])
async def test_a_bad_cursor_is_a_400_that_says_so(client, desk, bad):
    for url in (f"/followups?view=done&before={bad}", f"/followups?view=open&after={bad}"):
        response = await client.get(url)
        assert response.status_code == 400, (url, response.text[:300])
        assert zh("That page link is not valid. Open the list again from its first page.") in response.text


DRAW_ID = re.compile(r'data-draw-id="(\d+)"')


async def _draws(office_id: int, n: int) -> list[dict]:
    """`n` sampling draws, two at each time (the id breaks the tie)."""
    rows = [
        FollowupDraw(
            office=office_id,
            key=f"{office_id}:F3:{uuid.uuid4().hex[:12]}",
            rule="F3",
            period="2026-W45",
            seed="0" * 32,
            population=[],
            chosen=[],
            quota=0,
            drawn_at=T0 + timedelta(minutes=i // 2),
        )
        for i in range(n)
    ]
    ids = [r["id"] for r in await FollowupDraw.insert(*rows)]
    return [{"id": str(i), "at": r.drawn_at} for i, r in zip(ids, rows, strict=True)]


async def test_sampling_draws_page_latest_first_each_once_and_only_the_office(client, desk):
    ours = await _draws(desk["office"], PAGE_SIZE + 6)
    await _draws(desk["other"], 3)
    pages = await walk(client, "/followups/draws", DRAW_ID)
    assert [len(p) for p in pages] == [PAGE_SIZE, 6]
    expected = [r["id"] for r in sorted(ours, key=lambda r: (r["at"], int(r["id"])), reverse=True)]
    assert [i for p in pages for i in p] == expected


@pytest.mark.parametrize("bad", ["x", "1_0", "1_2147483648", "1_00000000-0000-0000-0000-000000000000"])
async def test_a_bad_draws_cursor_is_a_400(client, desk, bad):
    response = await client.get(f"/followups/draws?before={bad}")
    assert response.status_code == 400, response.text[:300]


CONSULTATION_ID = re.compile(r'data-consultation-id="([0-9a-f-]{36})"')


async def _consultations(office_id: int, staff: int, n: int) -> list[dict]:
    rows = [
        Consultation(
            id=uuid.uuid4(),
            office=office_id,
            topic="fees",
            question=f"问题{i}",
            staff=staff,
            recorded_at=T0 + timedelta(minutes=i // 3),
            received_at=T0,
        )
        for i in range(n)
    ]
    await Consultation.insert(*rows)
    return [{"id": str(r.id), "at": r.recorded_at} for r in rows]


async def test_consultations_page_by_thirty_latest_first_only_the_office(client, desk):
    ours = await _consultations(desk["office"], desk["staff"], 2 * RECENT_PAGE + 1)
    await _consultations(desk["other"], desk["stranger"], 2)
    pages = await walk(client, "/consultations", CONSULTATION_ID)
    assert [len(p) for p in pages] == [RECENT_PAGE, RECENT_PAGE, 1]
    assert [i for p in pages for i in p] == _in_order(ours, newest_first=True)
    assert (await client.get("/consultations?before=1_2")).status_code == 400
