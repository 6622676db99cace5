"""Who may do what in the patrol domain, and small helpers shared by its service modules."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from app import clock
from app.auth.schemas import CurrentStaff
from app.clock import MAX_CLOCK_SKEW, aware, when_it_happened  # noqa: F401 - re-exported
from app.errors import Forbidden
from app.i18n import lazy
from app.org.service import can_see_office

# D3: duty officers patrol the garden too; P1/P2: patrol officers; supervisors and managers walk as well.
WALKERS = frozenset({"patrol", "duty", "supervisor", "manager"})
SPOT_CHECKERS = frozenset({"supervisor", "manager"})  # D9
SETUP_ROLES = frozenset({"supervisor"})  # routes, checkpoints, deadlines (P1)
READERS = WALKERS | {"qa"}  # routes, rounds and findings of the office
REVIEWERS = frozenset({"supervisor", "manager", "qa"})  # P4
VERIFIERS = frozenset({"patrol", "duty", "supervisor", "manager"})  # 跟进检查 by the service centre (P3)
RECTIFY_ON_BEHALF = frozenset({"supervisor", "manager"})  # besides the department's own head
INBOX_ROLES = frozenset({"dept_head", "supervisor", "manager", "qa"})
NC_READERS = READERS | {"dept_head"}


ROUTE_KINDS: dict[str, str] = {
    "patrol": lazy("Patrol route"),
    "entrusted": lazy("Entrusted homes, outside"),
    "spot_check": lazy("Duty spot check"),
    "renovation": lazy("Renovations in progress"),  # P6: generated from the permits (app.renovation)
}
TASK_REASONS: dict[str, str] = {
    "weekly": lazy("Weekly outside patrol"),
    "rain_before": lazy("Before heavy rain"),
    "rain_after": lazy("After heavy rain"),
}
NC_STATES: dict[str, str] = {
    "open": lazy("To rectify"),
    "rectified": lazy("Rectified, awaiting verification"),
    "closed": lazy("Closed"),
}
EVENT_KINDS: dict[str, str] = {
    "raised": lazy("Nonconformance raised"),
    "rectified": lazy("Rectified"),
    "verified": lazy("Verified: passed"),
    "reopened": lazy("Verification failed: reopened"),
    "comment": lazy("Comment"),
}
# P3: days a department has to rectify, unless the office sets its own.
DEFAULT_DEADLINE_DAYS: dict[str, int] = {
    "security": 1,
    "engineering": 3,
    "cleaning": 1,
    "landscaping": 3,
    "customer_service": 2,
}


def now() -> datetime:
    return clock.now()


def tz_of(staff: CurrentStaff) -> ZoneInfo:
    return staff.tz


def today(staff: CurrentStaff) -> date:
    return clock.today(staff.tz)


def require(staff: CurrentStaff, roles: frozenset[str]) -> None:
    if staff.role not in roles:
        raise Forbidden()


def require_office(staff: CurrentStaff, office_id: int) -> None:
    if not can_see_office(staff, office_id):
        raise Forbidden()


def localise(rows: list[dict], tz: ZoneInfo, *keys: str) -> list[dict]:
    """Add `<key>_local` (office time zone) beside each timestamp column."""
    for row in rows:
        for key in keys:
            value = row.get(key)
            row[f"{key}_local"] = aware(value).astimezone(tz) if value else None
    return rows
