"""app.paging's cursors: what a page link carries comes back as the same sort key and id, and
anything else is refused (a 400 by BadCursor), never passed on to a query."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from app import paging


def test_a_cursor_names_the_same_time_and_id_it_was_made_from():
    at = datetime(2026, 12, 3, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=8)))
    row_id = uuid.uuid4()
    cursor = paging.parse(paging.cursor_of(at, row_id))
    assert cursor is not None and cursor.at == at and cursor.id == row_id


def test_a_day_and_a_number_make_cursors_too():
    day = paging.parse(paging.cursor_of(date(2026, 12, 3), 7), int)
    assert day is not None and day.at == datetime(2026, 12, 3, tzinfo=UTC) and day.id == 7
    number = paging.parse(paging.cursor_of(42, 42), int)
    assert number is not None and (number.number, number.id) == (42, 42)


@pytest.mark.parametrize(
    ("value", "id_type"),
    [
        ("", uuid.UUID),
        ("x", uuid.UUID),
        ("12", uuid.UUID),
        ("-1_00000000-0000-0000-0000-000000000000", uuid.UUID),
        ("1" * 17 + "_00000000-0000-0000-0000-000000000000", uuid.UUID),  # beyond the year 2286
        ("1_00000000-0000-0000-0000-00000000000G", uuid.UUID),
        ("1_5", uuid.UUID),  # an id of the wrong kind
        ("1_00000000-0000-0000-0000-000000000000", int),
        ("1_0", int),
        ("1_2147483648", int),  # beyond the id columns' range
        ("1_5\n", int),
    ],
)
def test_anything_else_is_refused(value, id_type):
    with pytest.raises(paging.BadCursor):
        paging.parse(value, id_type)


def test_no_cursor_is_the_first_page():
    assert paging.parse(None) is None


def test_a_page_and_its_next_cursor():
    rows = [
        {"id": i, "at": datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=i)} for i in range(paging.PAGE_SIZE + 1)
    ]
    page, more = paging.cut(rows, "at")
    assert len(page) == paging.PAGE_SIZE and more == paging.cursor_of(
        rows[paging.PAGE_SIZE - 1]["at"], paging.PAGE_SIZE - 1
    )
    assert paging.cut(rows[: paging.PAGE_SIZE], "at") == (rows[: paging.PAGE_SIZE], None)


def test_the_links_keep_the_filters_and_drop_empty_ones():
    pager = paging.pager("/work/requests", {"view": "closed", "q": "", "office": None}, "5_7", paged=True)
    assert pager.older == "/work/requests?view=closed&before=5_7" and pager.first == "/work/requests?view=closed"
    soonest = paging.pager("/work/orders", {"view": "open"}, "5_7", paged=False, newest_first=False)
    assert soonest.older == "/work/orders?view=open&after=5_7" and soonest.first is None


def test_the_page_sizes_are_the_issues_fifty_or_the_smaller_number_a_list_showed():
    """Issue 17: 50 a page, unless a list already showed fewer (the API tests count pages by these)."""
    from app.estate.files import CHECKS_PAGE
    from app.followups.consultations import RECENT_PAGE
    from app.keys.service import LENDINGS_PAGE
    from app.patrols._round_reads import ROUNDS_PAGE
    from app.supervision._reports import HISTORY_PAGE

    assert paging.PAGE_SIZE == 50
    assert (HISTORY_PAGE, RECENT_PAGE, LENDINGS_PAGE, CHECKS_PAGE, ROUNDS_PAGE) == (30, 30, 30, 10, 10)
