"""Issue 17: /supervision/calls pages by 50, newest call first, on (called_at, id), and the submitted
reports on /supervision by 30 (as before), last submitted first, on (submitted_at, id): every row once, in order,
only the office's; a bad cursor is a 400."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from app.paging import PAGE_SIZE
from app.supervision._reports import HISTORY_PAGE
from app.supervision.tables import EmergencyCall, SupervisionReport
from tests.api.work.conftest import zh
from tests.support.paging import two_offices, walk

CALL_ID = re.compile(r'data-call-id="([0-9a-f-]{36})"')
T0 = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)


async def _calls(office_id: int, caller: int, n: int) -> list[dict]:
    """`n` calls, two at each minute (the id breaks the tie), all answered and on site."""
    rows = [
        EmergencyCall(
            id=uuid.uuid4(),
            office=office_id,
            callee=caller,
            called_by=caller,
            called_at=T0 + timedelta(minutes=i // 2),
            answered_at=T0 + timedelta(minutes=i // 2 + 1),
            on_site_at=T0 + timedelta(minutes=i // 2 + 2),
        )
        for i in range(n)
    ]
    await EmergencyCall.insert(*rows)
    return [{"id": str(r.id), "at": r.called_at} for r in rows]


@pytest.fixture
async def duty(client, office, other_office, make_staff):
    return await two_offices(client, office, other_office, make_staff)


async def test_calls_page_newest_first_each_once_and_only_the_office(client, duty):
    ours = await _calls(duty["office"], duty["staff"], 2 * PAGE_SIZE + 3)
    await _calls(duty["other"], duty["stranger"], 4)
    pages = await walk(client, "/supervision/calls", CALL_ID)
    assert [len(p) for p in pages] == [PAGE_SIZE, PAGE_SIZE, 3]
    expected = [r["id"] for r in sorted(ours, key=lambda r: (r["at"], r["id"]), reverse=True)]
    assert [i for p in pages for i in p] == expected


@pytest.mark.parametrize("bad", ["x", "5", "1_1"])
async def test_a_bad_cursor_is_a_400_that_says_so(client, duty, bad):
    response = await client.get(f"/supervision/calls?before={bad}")
    assert response.status_code == 400, response.text[:300]
    assert zh("That page link is not valid. Open the list again from its first page.") in response.text


REPORT_ID = re.compile(r'data-report-id="([0-9a-f-]{36})"')


async def _reports(office_id: int, author: int, n: int) -> list[dict]:
    """`n` submitted weekly reports of successive weeks, two submitted at each time (the id breaks ties)."""
    monday = date(2020, 1, 6)
    rows = [
        SupervisionReport(
            id=uuid.uuid4(),
            office=office_id,
            kind="weekly",
            period=(monday + timedelta(weeks=i)).isoformat(),
            title=f"周报{i}",
            body="内容",
            state="submitted",
            due_at=T0,
            updated_by=author,
            submitted_at=T0 + timedelta(hours=i // 2),
            submitted_by=author,
        )
        for i in range(n)
    ]
    await SupervisionReport.insert(*rows)
    return [{"id": str(r.id), "at": r.submitted_at} for r in rows]


async def test_submitted_reports_page_last_submitted_first_only_the_office(client, duty):
    ours = await _reports(duty["office"], duty["staff"], 2 * HISTORY_PAGE + 7)
    await _reports(duty["other"], duty["stranger"], 3)
    pages = await walk(client, "/supervision", REPORT_ID)
    assert [len(p) for p in pages] == [HISTORY_PAGE, HISTORY_PAGE, 7]
    expected = [r["id"] for r in sorted(ours, key=lambda r: (r["at"], r["id"]), reverse=True)]
    assert [i for p in pages for i in p] == expected


async def test_a_bad_reports_cursor_is_a_400(client, duty):
    response = await client.get("/supervision?before=nonsense")
    assert response.status_code == 400
    assert zh("That page link is not valid. Open the list again from its first page.") in response.text
