"""Lists of alerts: a person's (or the office's) alerts in three parts, each paged from newest to
oldest, and the open alerts waiting for someone (home page, live stream)."""

from __future__ import annotations

from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from piccolo.columns.combination import CombinableMixin as Condition

from app.alerts._reading import local_time
from app.alerts.kinds import KINDS
from app.alerts.tables import Alert, AlertRecipient
from app.auth.schemas import CurrentStaff
from app.i18n import lazy

OFFICE_VIEW_ROLES = frozenset({"supervisor", "manager", "qa"})  # may list every alert of the office
PAGE_SIZE = 20

# The parts of the alerts page, in order, and the alert status each one lists.
PARTS: dict[str, str] = {"open": "open", "acknowledged": "acknowledged", "history": "info"}
PART_TITLES: dict[str, str] = {
    "open": lazy("Waiting for acknowledgement"),
    "acknowledged": lazy("Acknowledged alerts"),
    "history": lazy("History: for information only"),
}
PART_EMPTY: dict[str, str] = {
    "open": lazy("Nothing is waiting for acknowledgement."),
    "acknowledged": lazy("No acknowledged alerts."),
    "history": lazy("No earlier alerts."),
}

_LIST_COLUMNS = (
    Alert.id,
    Alert.kind,
    Alert.title,
    Alert.status,
    Alert.needs_ack,
    Alert.level,
    Alert.raised_at,
    Alert.acknowledged_at,
    Alert.acknowledged_by.display_name.as_alias("acknowledged_by_name"),
)


def _list_rows(rows: list[dict], tz: ZoneInfo) -> list[dict]:
    for row in rows:
        row["raised_local"] = local_time(row["raised_at"], tz)
        row["acknowledged_local"] = local_time(row["acknowledged_at"], tz)
        row["kind_label"] = KINDS[row["kind"]].label if row["kind"] in KINDS else row["kind"]
    return rows


def sent_to(staff: CurrentStaff) -> Condition:
    """Alerts this person was notified of, as a sub-select: the database does the matching, so the
    query stays the same size however many alerts a person has had."""
    return Alert.id.is_in(AlertRecipient.select(AlertRecipient.alert).where(AlertRecipient.staff == staff.id))


def _scope(staff: CurrentStaff, office_wide: bool) -> Condition:
    where: Any = Alert.office == staff.office_id  # Piccolo's operators are loosely typed
    return where & (Alert.kind != "test") if office_wide else where & sent_to(staff)


async def _older_than(scope: Condition, before: UUID) -> Condition | None:
    """Keyset paging: alerts listed after `before` (newest first; the id breaks ties of time)."""
    mark = await Alert.select(Alert.raised_at).where(scope & (Alert.id == before)).first()
    if mark is None:
        return None  # not one of this list's alerts: start from the newest
    at = mark["raised_at"]
    return (Alert.raised_at < at) | ((Alert.raised_at == at) & (Alert.id < before))


async def _part(scope: Condition, name: str, before: UUID | None, limit: int, tz: ZoneInfo) -> dict:
    """One part of the page; `older` is the cursor of the next page when there is one."""
    where: Any = scope & (Alert.status == PARTS[name])
    if before is not None and (older := await _older_than(scope, before)) is not None:
        where = where & older
    query = Alert.select(*_LIST_COLUMNS).where(where).order_by(Alert.raised_at, Alert.id, ascending=False)
    rows = await query.limit(limit + 1)
    return {
        "name": name,
        "title": PART_TITLES[name],
        "empty": PART_EMPTY[name],
        "rows": _list_rows(rows[:limit], tz),
        "older": str(rows[limit - 1]["id"]) if len(rows) > limit else None,
    }


async def alerts_page(
    staff: CurrentStaff,
    scope: str = "mine",
    part: str | None = None,
    before: UUID | None = None,
    limit: int = PAGE_SIZE,
) -> dict:
    """The three parts (open, acknowledged, history), newest first, or one `part` older than `before`."""
    office_wide = scope == "office" and staff.role in OFFICE_VIEW_ROLES
    where = _scope(staff, office_wide)
    tz = staff.tz
    names = [part] if part in PARTS else list(PARTS)
    cursor = before if part in PARTS else None
    return {
        "parts": [await _part(where, name, cursor, limit, tz) for name in names],
        "part": part if part in PARTS else None,
        "before": str(cursor) if cursor else None,
        "scope": "office" if office_wide else "mine",
    }


async def open_count_for(staff: CurrentStaff) -> int:
    """How many alerts sent to this person wait for an acknowledgement (the top bar's counter)."""
    return await Alert.count().where(_scope(staff, office_wide=False) & (Alert.status == "open"))


async def open_for(staff: CurrentStaff, limit: int = 5) -> list[dict]:
    """Open alerts sent to this person that wait for an acknowledgement (home page, live alerts)."""
    rows = (
        await Alert.select(*_LIST_COLUMNS)
        .where(_scope(staff, office_wide=False) & (Alert.status == "open"))
        .order_by(Alert.raised_at, ascending=False)
        .limit(limit)
    )
    return _list_rows(rows, staff.tz)
