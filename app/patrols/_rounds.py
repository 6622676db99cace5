"""Patrol rounds walked on a phone, offline-capable end to end (SPEC P1, P2, P5, P6, D3, D9).

`patrol_round.start` / `checkpoint.visit` / `finding.create` / `patrol_round.finish` are applied
by the sync service in the phone's order. Each apply function validates first, then writes, and
checks that everything it refers to belongs to the staff member's office.
"""

from __future__ import annotations

from uuid import UUID

from app.attachments.service import exists_for_office
from app.auth.schemas import CurrentStaff
from app.auth.service import staff_in_office
from app.errors import RuleViolation
from app.i18n import _
from app.patrols._codes import normalise_code
from app.patrols._common import (
    SPOT_CHECKERS,
    WALKERS,
    tz_of,
    when_it_happened,
)
from app.patrols._renovation import alert_violation
from app.patrols.schemas import CheckpointVisit, FindingCreate, PatrolRoundFinish, PatrolRoundStart
from app.patrols.tables import (
    CheckItem,
    Checkpoint,
    Finding,
    PatrolRound,
    PatrolRoute,
    RoundTask,
    Visit,
)
from app.sync.registry import ApplyContext


def _check_walker(staff: CurrentStaff) -> None:
    if staff.role not in WALKERS:
        raise RuleViolation("forbidden", _("Your role does not walk patrol rounds."))


async def _round(ctx: ApplyContext, round_id: UUID) -> dict:
    """The round a change refers to, in this office; remembered for the rest of the batch."""
    key = f"patrol_round:{round_id}"
    if key not in ctx.cache:
        row = (
            await PatrolRound.select(PatrolRound.id, PatrolRound.route, PatrolRound.status, PatrolRound.kind)
            .where((PatrolRound.id == round_id) & (PatrolRound.office == ctx.staff.office_id))
            .first()
        )
        if row is None:
            raise RuleViolation(
                "round_not_found",
                _("The round this belongs to is not on the server. If starting it was refused, see Unsynced."),
            )
        ctx.cache[key] = row
    row = ctx.cache[key]
    if row["status"] == "finished":
        raise RuleViolation("round_finished", _("This round is already finished."))
    return row


async def check_photos(office_id: int, photos: list[str]) -> None:
    """Every photo a change names must have been uploaded for this office (DESIGN "Photos")."""
    if len(set(photos)) != len(photos):
        raise RuleViolation("photo_twice", _("The same photo is attached twice."), field="photos")
    for sha256 in photos:
        if not await exists_for_office(sha256, office_id):
            raise RuleViolation(
                "photo_missing",
                _("A photo of this change has not reached the server. Sync again when there is signal."),
                field="photos",
            )


async def apply_round_start(ctx: ApplyContext, m: PatrolRoundStart) -> None:
    """`patrol_round.start`: a round of an active route of the office (P1); spot checks of duty
    (D9) by supervisors and managers only; a due round (P5) is marked done by the first round doing it."""
    staff, data = ctx.staff, m.data
    _check_walker(staff)
    route = (
        await PatrolRoute.select(PatrolRoute.id, PatrolRoute.kind, PatrolRoute.active)
        .where((PatrolRoute.id == data.route_id) & (PatrolRoute.office == staff.office_id))
        .first()
    )
    if route is None or not route["active"]:
        raise RuleViolation("route_not_found", _("This route is not (or no longer) in use in your office."))
    if route["kind"] == "spot_check" and staff.role not in SPOT_CHECKERS:
        raise RuleViolation("forbidden", _("Only a supervisor or manager spot-checks duty."))
    if await PatrolRound.exists().where(PatrolRound.id == m.id):
        raise RuleViolation("id_reused", _("This change id was already used for different content."))
    task = None
    if data.task_id is not None:
        task = (
            await RoundTask.select(RoundTask.id, RoundTask.round)
            .where(
                (RoundTask.id == data.task_id)
                & (RoundTask.office == staff.office_id)
                & (RoundTask.route == route["id"])
            )
            .first()
        )
        if task is None:
            raise RuleViolation("task_not_found", _("That due round is not for this route."), field="task_id")
    if data.subject_staff_id is not None and not await staff_in_office(data.subject_staff_id, staff.office_id):
        raise RuleViolation("staff_not_found", _("That person is not in your office."), field="subject_staff_id")

    started_at, suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    await PatrolRound.insert(
        PatrolRound(
            id=m.id,
            office=staff.office_id,
            route=route["id"],
            kind=route["kind"],
            task=task["id"] if task else None,
            started_by=staff.id,
            subject_staff=data.subject_staff_id,
            device_id=ctx.device_id,
            started_at=started_at,
            local_date=started_at.astimezone(tz_of(staff)).date(),
            received_at=ctx.received_at,
            clock_suspect=suspect,
            status="in_progress",
            skipped=[],
        )
    )
    if task is not None and task["round"] is None:
        await RoundTask.update({RoundTask.round: m.id, RoundTask.done_at: started_at}).where(
            (RoundTask.id == task["id"]) & RoundTask.round.is_null()
        )
    ctx.cache[f"patrol_round:{m.id}"] = {
        "id": m.id,
        "route": route["id"],
        "status": "in_progress",
        "kind": route["kind"],
    }


async def _checkpoints_by_code(ctx: ApplyContext) -> dict[str, dict]:
    """code → checkpoint of the office, once per batch (a 40-checkpoint round is one query, not 40)."""
    key = "patrol_codes"
    if key not in ctx.cache:
        rows = await Checkpoint.select(
            Checkpoint.id,
            Checkpoint.code,
            Checkpoint.name,
            Checkpoint.route,
            Checkpoint.route.name.as_alias("route_name"),
        ).where(Checkpoint.office == ctx.staff.office_id)
        ctx.cache[key] = {r["code"]: r for r in rows}
    return ctx.cache[key]


async def apply_visit(ctx: ApplyContext, m: CheckpointVisit) -> None:
    """`checkpoint.visit`: the code must be a checkpoint of the round's route; any order is fine."""
    staff, data = ctx.staff, m.data
    _check_walker(staff)
    round_ = await _round(ctx, data.round_id)
    code = normalise_code(data.code)
    checkpoint = (await _checkpoints_by_code(ctx)).get(code)
    if checkpoint is None:
        raise RuleViolation("code_unknown", _("No checkpoint has the code %(code)s.", code=code), field="code")
    if checkpoint["route"] != round_["route"]:
        message = _(
            "Code %(code)s is the checkpoint “%(name)s” of the route “%(route)s”, not of this round's route.",
            code=code,
            name=checkpoint["name"],
            route=checkpoint["route_name"],
        )
        raise RuleViolation("code_other_route", message, field="code")
    if await Visit.exists().where(Visit.id == m.id):
        raise RuleViolation("id_reused", _("This change id was already used for different content."))
    visited_at, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    await Visit.insert(
        Visit(
            id=m.id,
            office=staff.office_id,
            round=round_["id"],
            checkpoint=checkpoint["id"],
            method=data.method,
            visited_at=visited_at,
            received_at=ctx.received_at,
            staff=staff.id,
            device_id=ctx.device_id,
        )
    )


async def apply_finding(ctx: ApplyContext, m: FindingCreate) -> None:
    """`finding.create`: a check item (or a free observation) passed or failed, with note and photos.
    A failed check needs a note or a photo: it may become a nonconformance (P3)."""
    staff, data = ctx.staff, m.data
    _check_walker(staff)
    round_ = await _round(ctx, data.round_id)
    label, checkpoint_id = "", data.checkpoint_id
    if data.check_item_id is not None:
        item = (
            await CheckItem.select(CheckItem.label, CheckItem.checkpoint)
            .where((CheckItem.id == data.check_item_id) & (CheckItem.office == staff.office_id))
            .first()
        )
        if item is None or (checkpoint_id is not None and item["checkpoint"] != checkpoint_id):
            raise RuleViolation("item_not_found", _("That check item is not at this checkpoint."))
        label, checkpoint_id = item["label"], item["checkpoint"]
    if checkpoint_id is not None and not await Checkpoint.exists().where(
        (Checkpoint.id == checkpoint_id)
        & (Checkpoint.office == staff.office_id)
        & (Checkpoint.route == round_["route"])
    ):
        raise RuleViolation("checkpoint_not_found", _("That checkpoint is not on this round's route."))
    note = data.note.strip()
    if data.check_item_id is None and not note:
        raise RuleViolation("note_required", _("Describe what you observed."), field="note")
    if data.result == "fail" and not note and not data.photos:
        raise RuleViolation("note_required", _("Say what is wrong, or add a photo."), field="note")
    await check_photos(staff.office_id, data.photos)
    if await Finding.exists().where(Finding.id == m.id):
        raise RuleViolation("id_reused", _("This change id was already used for different content."))
    recorded_at, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    await Finding.insert(
        Finding(
            id=m.id,
            office=staff.office_id,
            round=round_["id"],
            checkpoint=checkpoint_id,
            check_item=data.check_item_id,
            label=label,
            result=data.result,
            note=note,
            photos=list(data.photos),
            location=data.location.strip(),
            recorded_at=recorded_at,
            local_date=recorded_at.astimezone(tz_of(staff)).date(),
            received_at=ctx.received_at,
            staff=staff.id,
            device_id=ctx.device_id,
        )
    )
    if round_["kind"] == "renovation" and data.result == "fail":  # P6: the supervisor hears of it once
        await alert_violation(ctx, m.id, checkpoint_id, label or note)


async def apply_round_finish(ctx: ApplyContext, m: PatrolRoundFinish) -> None:
    """`patrol_round.finish`: the checkpoints not visited are recorded as skipped, in route order."""
    staff, data = ctx.staff, m.data
    _check_walker(staff)
    round_ = await _round(ctx, data.round_id)
    visited = {r["checkpoint"] for r in await Visit.select(Visit.checkpoint).where(Visit.round == round_["id"])}
    checkpoints = (
        await Checkpoint.select(Checkpoint.id)
        .where((Checkpoint.route == round_["route"]) & Checkpoint.active.eq(True))
        .order_by(Checkpoint.position)
        .order_by(Checkpoint.id)
    )
    skipped = [c["id"] for c in checkpoints if c["id"] not in visited]
    finished_at, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    await PatrolRound.update(
        {
            PatrolRound.status: "finished",
            PatrolRound.finished_at: finished_at,
            PatrolRound.skipped: skipped,
            PatrolRound.note: data.note.strip(),
        }
    ).where(PatrolRound.id == round_["id"])
    round_["status"] = "finished"
