"""Entrusted homes (托管房, P5): the route's checkpoints follow the office's entrusted units, and the
rounds that fall due — weekly, before/after heavy rain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.auth.schemas import CurrentStaff
from app.db import write_transaction
from app.errors import RuleViolation
from app.i18n import _
from app.org.service import entrusted_units
from app.patrols._codes import _unused_code
from app.patrols._common import SETUP_ROLES, require
from app.patrols.tables import CheckItem, Checkpoint, PatrolRoute, RoundTask

# --- entrusted homes (P5) ---------------------------------------------------------------------


def _entrusted_items() -> list[tuple[str, str]]:
    """The outside checks of an entrusted home; labels in the language of whoever set the route up."""
    return [
        (_("Doors and windows closed and intact"), "security"),
        (_("No sign of break-in"), "security"),
        (_("No water leaking or seeping outside"), "engineering"),
        (_("Meters within the entrusted limits (water ≤ 5, electricity ≤ 20)"), "engineering"),
    ]


async def sync_entrusted_checkpoints(office_id: int, route_id: int) -> None:
    """P5: the route's checkpoints are the office's entrusted units (托管房), added or retired to match.

    NOTE: saving a route, the weekly step and a rain request can race. The diff is made again inside the
    write transaction (IMMEDIATE on SQLite: the second waits and finds nothing left to do), and the
    unique (route, unit) index turns a racing insert on PostgreSQL into a no-op."""
    if not (await _entrusted_diff(office_id, route_id)).changes:
        return  # the usual case: no write transaction for a page view
    async with write_transaction():
        diff = await _entrusted_diff(office_id, route_id)
        if diff.retire:
            await Checkpoint.update({Checkpoint.active: False}).where(Checkpoint.id.is_in(diff.retire))
        if diff.revive:
            await Checkpoint.update({Checkpoint.active: True}).where(Checkpoint.id.is_in(diff.revive))
        await _add_entrusted(office_id, route_id, diff.add)


@dataclass
class _EntrustedDiff:
    add: list[dict]
    retire: list[int]
    revive: list[int]

    @property
    def changes(self) -> bool:
        return bool(self.add or self.retire or self.revive)


async def _entrusted_diff(office_id: int, route_id: int) -> _EntrustedDiff:
    units = await entrusted_units(office_id)
    existing = {
        r["unit"]: r
        for r in await Checkpoint.select(Checkpoint.id, Checkpoint.unit, Checkpoint.active).where(
            (Checkpoint.route == route_id) & Checkpoint.unit.is_not_null()
        )
    }
    wanted = {u["id"] for u in units}
    return _EntrustedDiff(
        add=[u for u in units if u["id"] not in existing],
        retire=[r["id"] for unit_id, r in existing.items() if unit_id not in wanted and r["active"]],
        revive=[r["id"] for unit_id, r in existing.items() if unit_id in wanted and not r["active"]],
    )


async def _add_entrusted(office_id: int, route_id: int, units: list[dict]) -> None:
    """New checkpoints for entrusted units, each with the outside checks; a unit already there is skipped."""
    if not units:
        return
    position = await Checkpoint.count().where(Checkpoint.route == route_id)
    taken: set[str] = set()
    codes = [await _unused_code(office_id, taken) for _ in units]
    rows = (
        await Checkpoint.insert(
            *[
                Checkpoint(
                    office=office_id,
                    route=route_id,
                    position=position + n,
                    name=unit["number"],
                    location=_("Outside the home, floor %(floor)s", floor=unit["floor"]),
                    building=unit["building_id"],
                    unit=unit["id"],
                    code=code,
                )
                for n, (unit, code) in enumerate(zip(units, codes, strict=True), start=1)
            ]
        )
        .on_conflict(target=(Checkpoint.route, Checkpoint.unit), action="DO NOTHING")
        .returning(Checkpoint.id)
    )
    items = _entrusted_items()
    if rows:
        await CheckItem.insert(
            *[
                CheckItem(office=office_id, checkpoint=row["id"], position=i, label=label, department=dept)
                for row in rows
                for i, (label, dept) in enumerate(items, start=1)
            ]
        )


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


async def ensure_weekly_tasks(office_id: int, day: date) -> None:
    """P5: each active entrusted-homes route has a weekly round due (made on first look each week)."""
    routes = await PatrolRoute.select(PatrolRoute.id).where(
        (PatrolRoute.office == office_id) & (PatrolRoute.kind == "entrusted") & PatrolRoute.active.eq(True)
    )
    if not routes:
        return
    monday = week_start(day)
    have = {
        r["route"]
        for r in await RoundTask.select(RoundTask.route).where(
            (RoundTask.office == office_id) & (RoundTask.reason == "weekly") & (RoundTask.due_date == monday)
        )
    }
    for route in routes:
        if route["id"] in have:
            continue
        await sync_entrusted_checkpoints(office_id, route["id"])
        await RoundTask.insert(
            RoundTask(office=office_id, route=route["id"], reason="weekly", due_date=monday)
        ).on_conflict(action="DO NOTHING")


async def request_rain_rounds(staff: CurrentStaff, when: str, day: date) -> int:
    """P5: one action makes a 'before/after heavy rain' round due on every entrusted-homes route."""
    require(staff, SETUP_ROLES | {"manager"})
    if when not in ("before", "after"):
        raise RuleViolation("invalid", _("Choose before or after the rain."))
    routes = await PatrolRoute.select(PatrolRoute.id).where(
        (PatrolRoute.office == staff.office_id) & (PatrolRoute.kind == "entrusted") & PatrolRoute.active.eq(True)
    )
    if not routes:
        raise RuleViolation("no_route", _("This office has no entrusted-homes route."))
    made = 0
    for route in routes:
        await sync_entrusted_checkpoints(staff.office_id, route["id"])
        rows = await RoundTask.insert(
            RoundTask(
                office=staff.office_id,
                route=route["id"],
                reason=f"rain_{when}",
                due_date=day,
                requested_by=staff.id,
            )
        ).on_conflict(action="DO NOTHING")
        made += len(rows or [])
    return made
