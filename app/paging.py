"""Keyset paging for the lists that grow with time (issue 17): a page of PAGE_SIZE rows after a
cursor naming the last row shown (its sort time and id), never OFFSET, so a page costs the same
however far back it is and a row written meanwhile neither repeats nor hides one.

A cursor reads `<microseconds since 1970 UTC>_<id>`; the routes take it as `?before=` (a list
newest first) and parse it here, so a bad one is a 400 with a message, never a 500."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID

from litestar.exceptions import ValidationException
from litestar.params import QueryParameter
from piccolo.columns import Date, Integer, Serial

from app.auth.schemas import CurrentStaff
from app.i18n import _

PAGE_SIZE = 50  # rows on one page of a list that grows with time (a list that showed fewer keeps its number)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_CURSOR = re.compile(rf"(\d{{1,16}})_({_UUID}|\d{{1,10}})")
MAX_INT_ID = 2**31 - 1

# The query parameters as the paged routes declare them; `parse` holds them to the strict pattern
# (bounded length included) before anything reaches a query.
Before = Annotated[str | None, QueryParameter(query="before")]
After = Annotated[str | None, QueryParameter(query="after")]


class BadCursor(ValidationException):
    """A `before` that is not a cursor this app made: a 400 that says so."""

    def __init__(self) -> None:
        super().__init__(detail=_("That page link is not valid. Open the list again from its first page."))


@dataclass(frozen=True)
class Cursor:
    number: int  # the sort key as written: microseconds since 1970 UTC, or a number column's value
    id: int | UUID

    @property
    def at(self) -> datetime:
        return _EPOCH + timedelta(microseconds=self.number)


def cursor_of(at: datetime | date | int, row_id: int | UUID) -> str:
    """The cursor naming a row by its sort time (or day: its midnight UTC; or number) and id."""
    if isinstance(at, int):
        return f"{at}_{row_id}"
    if not isinstance(at, datetime):
        at = datetime(at.year, at.month, at.day, tzinfo=UTC)
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)
    delta = aware - _EPOCH
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return f"{micros}_{row_id}"


def parse(value: str | None, id_type: type[int] | type[UUID] = UUID) -> Cursor | None:
    """The cursor in a `before` parameter (None: the first page); BadCursor if it is not one."""
    if value is None:
        return None
    found = _CURSOR.fullmatch(value)
    if not found:
        raise BadCursor()
    micros, raw_id = found.groups()
    try:
        row_id: int | UUID = UUID(raw_id) if id_type is UUID else int(raw_id)
    except ValueError:
        raise BadCursor() from None
    if isinstance(row_id, int) and not 1 <= row_id <= MAX_INT_ID:
        raise BadCursor()
    return Cursor(int(micros), row_id)


def after(
    query: Any,
    time_column: Any,
    id_column: Any,
    cursor: Cursor | None,
    *,
    newest_first: bool = True,
    size: int = PAGE_SIZE,
) -> Any:
    """The query ordered by (time, id) — newest first unless said — limited to a page (`size` rows) and one more
    (to know whether there is a next page), starting after `cursor`. A `Date` column compares with
    the cursor's day, an `Integer` one (a number such as an office's sequence) with its number."""
    if cursor is not None:
        at: datetime | date | int = cursor.at
        if isinstance(time_column, Date):
            at = cursor.at.date()
        elif isinstance(time_column, (Integer, Serial)):
            if cursor.number > MAX_INT_ID:
                raise BadCursor()
            at = cursor.number
        if newest_first:
            query = query.where((time_column < at) | ((time_column == at) & (id_column < cursor.id)))
        else:
            query = query.where((time_column > at) | ((time_column == at) & (id_column > cursor.id)))
    return query.order_by(time_column, id_column, ascending=not newest_first).limit(size + 1)


def cut(rows: list[dict], time_key: str, id_key: str = "id", size: int = PAGE_SIZE) -> tuple[list[dict], str | None]:
    """A page of the rows `after` fetched, and the cursor of the next page (None: this is the last)."""
    if len(rows) <= size:
        return rows, None
    rows = rows[:size]
    last = rows[-1]
    return rows, cursor_of(last[time_key], last[id_key])


def office_filter(staff: CurrentStaff, office_id: int) -> int | None:
    """The `office` a qa reader chose, kept in the page links; None for one's own office (no parameter)."""
    return office_id if office_id != staff.office_id else None


@dataclass(frozen=True)
class Pager:
    """The links under a page of a list: the next page (older rows, or — in a list soonest first —
    later ones), and back to the first page."""

    older: str | None
    first: str | None
    newest_first: bool = True


def pager(
    path: str, filters: dict[str, Any], next_cursor: str | None, paged: bool, *, newest_first: bool = True
) -> Pager:
    """Links that keep the list's filters (view, status, day …) and add the cursor: `before` in a
    list newest first, `after` in one soonest first."""
    kept = {k: v for k, v in filters.items() if v not in (None, "")}
    base = path + ("?" + urlencode(kept) if kept else "")
    param = "before" if newest_first else "after"
    older = path + "?" + urlencode({**kept, param: next_cursor}) if next_cursor else None
    return Pager(older=older, first=base if paged else None, newest_first=newest_first)
