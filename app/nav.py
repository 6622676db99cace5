"""The navigation: what each role works on. Later domains add their entries here."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from app.i18n import lazy

if TYPE_CHECKING:
    from app.auth.schemas import CurrentStaff


class NavItem(NamedTuple):
    label: str
    href: str
    roles: frozenset[str] | None  # None: every role
    icon: str


DUTY_LOG_READERS = frozenset({"duty", "frontdesk", "patrol", "supervisor", "manager", "qa"})
HANDOVER_READERS = frozenset({"duty", "frontdesk", "supervisor", "manager", "engineering_lead", "qa"})  # = roster

NAV: tuple[NavItem, ...] = (
    NavItem(lazy("Today"), "/", None, "home"),
    NavItem(lazy("Duty log"), "/duty-log", DUTY_LOG_READERS, "log"),
    # The desk's handover; the roster, leave and "on duty now" are linked from it (app.roster, app.handover).
    NavItem(lazy("Handover"), "/handover", HANDOVER_READERS, "handover"),
    NavItem(lazy("Patrols"), "/patrols", frozenset({"patrol", "duty", "supervisor", "manager", "qa"}), "patrol"),
    NavItem(lazy("Rectify"), "/patrols/inbox", frozenset({"dept_head"}), "inbox"),
    # Requests and work orders (app.work): intake, the technician's orders, the lead's queue.
    NavItem(
        lazy("Repairs"),
        "/work",
        frozenset({"frontdesk", "duty", "technician", "engineering_lead", "supervisor", "manager", "qa"}),
        "work",
    ),
    # Follow-ups, complaints, consultations and the figures (app.followups, F1–F7, C1–C5, Q1, K1).
    NavItem(
        lazy("Follow-ups"),
        "/followups",
        frozenset({"frontdesk", "duty", "supervisor", "manager", "engineering_lead"}),
        "followups",
    ),
    # Keys at the duty room (app.keys, K2) and fee status / dunning (app.fees, $1, $2).
    NavItem(lazy("Keys"), "/keys", frozenset({"duty", "frontdesk", "patrol", "supervisor", "manager", "qa"}), "keys"),
    NavItem(lazy("Fees"), "/fees", frozenset({"duty", "frontdesk", "supervisor", "manager", "qa"}), "fees"),
    # The estate register and resident files (app.estate, E1–E4, E2); phones masked for the callers.
    NavItem(
        lazy("Estate"),
        "/estate",
        frozenset({"frontdesk", "duty", "supervisor", "manager", "technician", "engineering_lead", "patrol"}),
        "estate",
    ),
    # Move-in and renovation (app.movein, app.renovation, M1–M7).
    NavItem(lazy("Move-in"), "/movein", frozenset({"frontdesk", "duty", "supervisor", "manager", "qa"}), "movein"),
    NavItem(
        lazy("Renovation"),
        "/renovation",
        frozenset({"frontdesk", "duty", "supervisor", "manager", "engineering_lead", "patrol", "qa"}),
        "renovation",
    ),
    # Notices and the notice board (app.notices, N1, Q1); the owner opinion survey (app.surveys, N2).
    NavItem(lazy("Notices"), "/notices", frozenset({"frontdesk", "duty", "supervisor", "manager", "qa"}), "notices"),
    NavItem(lazy("Survey"), "/surveys", frozenset({"frontdesk", "supervisor", "manager", "qa"}), "surveys"),
    # The front desk's release slips (放行条), passes and visitors (app.slips, app.passes, app.visitors:
    # R1, V1, V2); the gate guard's check of slips and passes, offline (app.slips.gate).
    NavItem(lazy("Release slips"), "/slips", frozenset({"frontdesk", "duty", "supervisor", "manager", "qa"}), "slips"),
    NavItem(lazy("Gate check"), "/gate", frozenset({"patrol"}), "gate"),
    NavItem(lazy("Figures"), "/reports", frozenset({"supervisor", "manager", "engineering_lead", "qa"}), "reports"),
    # The supervisor's reports, storm mode, the daily review (app.supervision).
    NavItem(lazy("Reports to submit"), "/supervision", frozenset({"supervisor", "manager"}), "reports"),
    # Convenience and commissioned services (app.convenience, S4).
    NavItem(lazy("Convenience services"), "/convenience", frozenset({"frontdesk", "dept_head"}), "fees"),
    NavItem(lazy("Staff"), "/staff", frozenset({"supervisor"}), "staff"),
    NavItem(lazy("Alerts"), "/alerts", None, "alerts"),
    NavItem(lazy("Unsynced"), "/outbox", None, "outbox"),
    NavItem(lazy("Me"), "/profile", None, "me"),
)


def nav_for(staff: CurrentStaff, path: str) -> list[dict]:
    items = []
    for item in NAV:
        if item.roles is not None and staff.role not in item.roles:
            continue
        active = path == item.href if item.href == "/" else path.startswith(item.href)
        items.append({"label": item.label, "href": item.href, "icon": item.icon, "active": active})
    return items
