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

NAV: tuple[NavItem, ...] = (
    NavItem(lazy("Today"), "/", None, "home"),
    NavItem(lazy("Duty log"), "/duty-log", DUTY_LOG_READERS, "log"),
    NavItem(lazy("Staff"), "/staff", frozenset({"supervisor"}), "staff"),
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
