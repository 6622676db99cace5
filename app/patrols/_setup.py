"""Routes, checkpoints, check items and rectification deadlines of an office (SPEC P1, P2, P3).
Parts: `_codes` (checkpoint codes, QR), `_entrusted` (entrusted homes, the rounds that fall due: P5)."""

from __future__ import annotations

from typing import Any

from piccolo.columns import Column

from app.auth.schemas import CurrentStaff
from app.db import write_transaction
from app.errors import RuleViolation, check_found
from app.i18n import _
from app.org.service import building_in_office
from app.patrols._codes import _unused_code, code_hash
from app.patrols._common import DEFAULT_DEADLINE_DAYS, SETUP_ROLES, require, today
from app.patrols._entrusted import ensure_weekly_tasks, sync_entrusted_checkpoints
from app.patrols.schemas import CheckItemForm, CheckpointForm, RouteForm
from app.patrols.tables import CheckItem, Checkpoint, DepartmentDeadline, PatrolRoute

# --- routes ---------------------------------------------------------------------------------------

_ROUTE_COLUMNS = (
    PatrolRoute.id,
    PatrolRoute.name,
    PatrolRoute.kind,
    PatrolRoute.description,
    PatrolRoute.daily_rounds,
    PatrolRoute.active,
    PatrolRoute.sort_order,
)


async def list_routes(office_id: int, *, active_only: bool = False, kinds: set[str] | None = None) -> list[dict]:
    query = PatrolRoute.select(*_ROUTE_COLUMNS).where(PatrolRoute.office == office_id)
    if active_only:
        query = query.where(PatrolRoute.active.eq(True))
    if kinds is not None:
        query = query.where(PatrolRoute.kind.is_in(list(kinds)))
    rows = await query.order_by(PatrolRoute.sort_order).order_by(PatrolRoute.id)
    counts = await _checkpoint_counts([r["id"] for r in rows])
    for row in rows:
        row["checkpoint_count"] = counts.get(row["id"], 0)
    return rows


async def _checkpoint_counts(route_ids: list[int]) -> dict[int, int]:
    if not route_ids:
        return {}
    from piccolo.query.functions.aggregate import Count

    rows = (
        await Checkpoint.select(Checkpoint.route, Count(alias="n"))
        .where(Checkpoint.route.is_in(route_ids) & Checkpoint.active.eq(True))
        .group_by(Checkpoint.route)
    )
    return {r["route"]: r["n"] for r in rows}


async def get_route(office_id: int, route_id: int) -> dict:
    row = (
        await PatrolRoute.select(*_ROUTE_COLUMNS)
        .where((PatrolRoute.id == route_id) & (PatrolRoute.office == office_id))
        .first()
    )
    return check_found(row)


async def create_route(staff: CurrentStaff, form: RouteForm) -> int:
    """P1: a new route of the supervisor's office (entrusted-home routes fill themselves, P5)."""
    require(staff, SETUP_ROLES)
    last = await PatrolRoute.count().where(PatrolRoute.office == staff.office_id)
    rows = await PatrolRoute.insert(
        PatrolRoute(
            office=staff.office_id,
            name=form.name,
            kind=form.kind,
            description=form.description,
            daily_rounds=form.daily_rounds,
            active=True,
            sort_order=last + 1,
        )
    )
    route_id = rows[0]["id"]
    if form.kind == "entrusted":
        await sync_entrusted_checkpoints(staff.office_id, route_id)
        await ensure_weekly_tasks(staff.office_id, today(staff))  # P5: due this very week
    return route_id


async def update_route(staff: CurrentStaff, route_id: int, form: RouteForm) -> None:
    require(staff, SETUP_ROLES)
    route = await get_route(staff.office_id, route_id)
    if form.kind != route["kind"] and "entrusted" in (form.kind, route["kind"]):
        raise RuleViolation("kind_locked", _("An entrusted-homes route cannot change its kind."), field="kind")
    await PatrolRoute.update(
        {
            PatrolRoute.name: form.name,
            PatrolRoute.kind: form.kind,
            PatrolRoute.description: form.description,
            PatrolRoute.daily_rounds: form.daily_rounds,
            PatrolRoute.active: form.active,
        }
    ).where((PatrolRoute.id == route_id) & (PatrolRoute.office == staff.office_id))
    if form.kind == "entrusted":
        await sync_entrusted_checkpoints(staff.office_id, route_id)
        await ensure_weekly_tasks(staff.office_id, today(staff))  # P5: re-activated, due this week


# --- checkpoints and their check items --------------------------------------------------------


async def route_checkpoints(office_id: int, route_id: int, *, active_only: bool = True) -> list[dict]:
    """The route's checkpoints in order, each with its check items (P1, P2)."""
    query = Checkpoint.select(
        Checkpoint.id,
        Checkpoint.position,
        Checkpoint.name,
        Checkpoint.location,
        Checkpoint.code,
        Checkpoint.active,
        Checkpoint.building.id.as_alias("building_id"),
        Checkpoint.building.name.as_alias("building"),
        Checkpoint.unit.id.as_alias("unit_id"),
    ).where((Checkpoint.office == office_id) & (Checkpoint.route == route_id))
    if active_only:
        query = query.where(Checkpoint.active.eq(True))
    checkpoints = await query.order_by(Checkpoint.position).order_by(Checkpoint.id)
    items = await checkpoint_items([c["id"] for c in checkpoints])
    for cp in checkpoints:
        cp["items"] = items.get(cp["id"], [])
        cp["code_hash"] = code_hash(cp["id"], cp["code"])
    return checkpoints


async def checkpoint_items(checkpoint_ids: list[int], *, active_only: bool = True) -> dict[int, list[dict]]:
    if not checkpoint_ids:
        return {}
    query = CheckItem.select(CheckItem.id, CheckItem.checkpoint, CheckItem.label, CheckItem.department).where(
        CheckItem.checkpoint.is_in(checkpoint_ids)
    )
    if active_only:
        query = query.where(CheckItem.active.eq(True))
    by_checkpoint: dict[int, list[dict]] = {}
    for row in await query.order_by(CheckItem.position).order_by(CheckItem.id):
        by_checkpoint.setdefault(row["checkpoint"], []).append(row)
    return by_checkpoint


async def get_checkpoint(office_id: int, checkpoint_id: int) -> dict:
    row = (
        await Checkpoint.select(
            Checkpoint.id,
            Checkpoint.route,
            Checkpoint.position,
            Checkpoint.name,
            Checkpoint.location,
            Checkpoint.code,
            Checkpoint.active,
            Checkpoint.building.id.as_alias("building_id"),
            Checkpoint.unit.id.as_alias("unit_id"),
        )
        .where((Checkpoint.id == checkpoint_id) & (Checkpoint.office == office_id))
        .first()
    )
    row = check_found(row)
    row["items"] = (await checkpoint_items([checkpoint_id])).get(checkpoint_id, [])
    return row


async def checkpoint_by_code(office_id: int, code: str) -> dict:
    row = (
        await Checkpoint.select(Checkpoint.id, Checkpoint.route, Checkpoint.code)
        .where((Checkpoint.office == office_id) & (Checkpoint.code == code) & Checkpoint.active.eq(True))
        .first()
    )
    return check_found(row)


async def _check_building(office_id: int, building_id: int | None) -> None:
    if building_id is not None and not await building_in_office(building_id, office_id):
        raise RuleViolation("building_not_found", _("That building is not in your office."), field="building_id")


async def add_checkpoint(staff: CurrentStaff, route_id: int, form: CheckpointForm) -> int:
    """P1: a checkpoint at the end of the route, with a new short code unique in the office."""
    require(staff, SETUP_ROLES)
    await get_route(staff.office_id, route_id)
    await _check_building(staff.office_id, form.building_id)
    async with write_transaction():
        last = (
            await Checkpoint.select(Checkpoint.position)
            .where(Checkpoint.route == route_id)
            .order_by(Checkpoint.position, ascending=False)
            .first()
        )
        rows = await Checkpoint.insert(
            Checkpoint(
                office=staff.office_id,
                route=route_id,
                position=(last["position"] + 1) if last else 1,
                name=form.name,
                location=form.location,
                building=form.building_id,
                code=await _unused_code(staff.office_id),
                active=True,
            )
        )
    return rows[0]["id"]


async def update_checkpoint(
    staff: CurrentStaff,
    checkpoint_id: int,
    form: CheckpointForm,
    items: dict[int, CheckItemForm],
    new_items: list[CheckItemForm],
    remove: set[int],
) -> None:
    """Save a checkpoint and its check items (P1, P2): existing items edited, `remove`d ones retired
    (not deleted: old findings still name them), new ones added at the end."""
    require(staff, SETUP_ROLES)
    current = await get_checkpoint(staff.office_id, checkpoint_id)
    await _check_building(staff.office_id, form.building_id)
    known = {row["id"] for row in current["items"]}
    async with write_transaction():
        await Checkpoint.update(
            {
                Checkpoint.name: form.name,
                Checkpoint.location: form.location,
                Checkpoint.building: form.building_id,
                Checkpoint.active: form.active,
            }
        ).where(Checkpoint.id == checkpoint_id)
        for item_id, item in items.items():
            if item_id not in known:
                continue
            values: dict[Column | str, Any] = {CheckItem.label: item.label, CheckItem.department: item.department}
            if item_id in remove:
                values[CheckItem.active] = False
            await CheckItem.update(values).where(CheckItem.id == item_id)
        if new_items:
            last = await CheckItem.count().where(CheckItem.checkpoint == checkpoint_id)
            await CheckItem.insert(
                *[
                    CheckItem(
                        office=staff.office_id,
                        checkpoint=checkpoint_id,
                        position=last + i,
                        label=item.label,
                        department=item.department,
                    )
                    for i, item in enumerate(new_items, start=1)
                ]
            )


async def move_checkpoint(staff: CurrentStaff, checkpoint_id: int, step: int) -> int:
    """Swap a checkpoint with its neighbour in the route's order; returns the route id."""
    require(staff, SETUP_ROLES)
    current = await get_checkpoint(staff.office_id, checkpoint_id)
    ordered = await route_checkpoints(staff.office_id, current["route"], active_only=False)
    ids = [c["id"] for c in ordered]
    index = ids.index(checkpoint_id)
    other = index + (1 if step > 0 else -1)
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
        async with write_transaction():
            for position, cid in enumerate(ids, start=1):
                await Checkpoint.update({Checkpoint.position: position}).where(Checkpoint.id == cid)
    return current["route"]


# --- rectification deadlines (P3) -------------------------------------------------------------


async def deadline_days(office_id: int) -> dict[str, int]:
    """Days each department gets to rectify: the office's own values over the defaults."""
    days = dict(DEFAULT_DEADLINE_DAYS)
    for row in await DepartmentDeadline.select(DepartmentDeadline.department, DepartmentDeadline.days).where(
        DepartmentDeadline.office == office_id
    ):
        days[row["department"]] = row["days"]
    return days


async def set_deadline_days(staff: CurrentStaff, days: dict[str, int]) -> None:
    require(staff, SETUP_ROLES)
    async with write_transaction():
        await DepartmentDeadline.delete().where(DepartmentDeadline.office == staff.office_id)
        await DepartmentDeadline.insert(
            *[DepartmentDeadline(office=staff.office_id, department=d, days=n) for d, n in days.items()]
        )
