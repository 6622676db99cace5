"""Renovations in progress (P6, M7): one route per office whose checkpoints are the units with a
renovation permit, kept in step with the permits as P5's entrusted homes are with the register; each
checkpoint's checks are the prohibited works. A violation found there (a failed check) tells the
supervisor once; its deadline and re-check are the nonconformance's (P3)."""

from __future__ import annotations

from uuid import UUID

from app.alerts.service import raise_alert
from app.db import write_transaction
from app.i18n import _
from app.org.service import units_of_office
from app.patrols._codes import _unused_code
from app.patrols.tables import CheckItem, Checkpoint, Finding, Nonconformance, PatrolRoute
from app.sync.registry import ApplyContext


async def renovation_route(office_id: int) -> int:
    """The office's renovation patrol route, made on first need."""
    row = (
        await PatrolRoute.select(PatrolRoute.id)
        .where((PatrolRoute.office == office_id) & (PatrolRoute.kind == "renovation") & PatrolRoute.active.eq(True))
        .order_by(PatrolRoute.id)
        .first()
    )
    if row:
        return row["id"]
    made = await PatrolRoute.insert(
        PatrolRoute(office=office_id, name=_("Renovation patrol"), kind="renovation", daily_rounds=1, sort_order=90)
    ).returning(PatrolRoute.id)
    return made[0]["id"]


async def sync_renovation_checkpoints(office_id: int, unit_ids: list[int], checks: list[str]) -> int:
    """P6: the route's checkpoints are exactly `unit_ids` (the units renovating under a permit): new
    ones added with `checks` (the prohibited works), others retired, returning ones revived."""
    async with write_transaction():
        route_id = await renovation_route(office_id)
        existing = {
            r["unit"]: r
            for r in await Checkpoint.select(Checkpoint.id, Checkpoint.unit, Checkpoint.active).where(
                (Checkpoint.route == route_id) & Checkpoint.unit.is_not_null()
            )
        }
        wanted = set(unit_ids)
        retire = [r["id"] for u, r in existing.items() if u not in wanted and r["active"]]
        revive = [r["id"] for u, r in existing.items() if u in wanted and not r["active"]]
        if retire:
            await Checkpoint.update({Checkpoint.active: False}).where(Checkpoint.id.is_in(retire))
        if revive:
            await Checkpoint.update({Checkpoint.active: True}).where(Checkpoint.id.is_in(revive))
        add = [u for u in unit_ids if u not in existing]
        if add:
            await _add(office_id, route_id, add, checks)
    return route_id


async def _add(office_id: int, route_id: int, unit_ids: list[int], checks: list[str]) -> None:
    labels = {u["id"]: f"{u['building']} {u['number']}" for u in await units_of_office(office_id)}
    position = await Checkpoint.count().where(Checkpoint.route == route_id)
    taken: set[str] = set()
    for n, unit_id in enumerate(unit_ids, start=1):
        code = await _unused_code(office_id, taken)
        row = await Checkpoint.insert(
            Checkpoint(
                office=office_id,
                route=route_id,
                position=position + n,
                name=labels.get(unit_id, str(unit_id))[:60],
                location=_("Home being renovated"),
                unit=unit_id,
                code=code,
            )
        ).returning(Checkpoint.id)
        await CheckItem.insert(
            *[
                CheckItem(
                    office=office_id, checkpoint=row[0]["id"], position=i, label=label[:100], department="engineering"
                )
                for i, label in enumerate(checks, start=1)
            ]
        )


async def renovation_units(office_id: int) -> list[int]:
    """The units that are checkpoints of the office's renovation patrol now."""
    rows = await Checkpoint.select(Checkpoint.unit).where(
        (Checkpoint.office == office_id)
        & (Checkpoint.route.kind == "renovation")
        & Checkpoint.active.eq(True)
        & Checkpoint.unit.is_not_null()
    )
    return sorted(r["unit"] for r in rows)


async def violations_at(office_id: int, unit_id: int) -> list[dict]:
    """The failed checks found at a unit on the renovation patrol, newest first (the renovation's page)."""

    rows = (
        await Finding.select(Finding.id, Finding.label, Finding.note, Finding.photos, Finding.recorded_at)
        .where(
            (Finding.office == office_id)
            & (Finding.checkpoint.unit == unit_id)
            & (Finding.round.kind == "renovation")
            & (Finding.result == "fail")
        )
        .output(load_json=True)
        .order_by(Finding.recorded_at, ascending=False)
    )
    ncs = {
        r["finding"]: r
        for r in await Nonconformance.select(
            Nonconformance.id, Nonconformance.finding, Nonconformance.state, Nonconformance.deadline
        ).where(Nonconformance.finding.is_in([r["id"] for r in rows] or [UUID(int=0)]))
    }
    for r in rows:
        r["nc"] = ncs.get(r["id"])
    return rows


async def alert_violation(ctx: ApplyContext, finding_id: UUID, checkpoint_id: int | None, label: str) -> None:
    """P6: a violation found on the renovation patrol tells the supervisor, once (its source is the finding)."""
    name = ""
    if checkpoint_id is not None:
        row = await Checkpoint.select(Checkpoint.name).where(Checkpoint.id == checkpoint_id).first()
        name = row["name"] if row else ""
    await raise_alert(
        office_id=ctx.staff.office_id,
        kind="renovation_violation",
        title=f"{name}: {label}" if name else label,
        body=_("A renovation violation was found on the patrol."),
        url="/renovation",
        roles=["supervisor"],
        raised_by=ctx.staff.id,
        source=f"renovation_violation:{finding_id}",
        now=ctx.received_at,
    )
