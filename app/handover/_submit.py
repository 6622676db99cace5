"""`handover.submit`: the outgoing prepares the handover of their shift (SPEC H1–H4, H6, D10)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from app.errors import RuleViolation
from app.handover._checks import (  # noqa: F401 (ARRIVE_EARLY, TIDY_EARLY re-exported)
    ARRIVE_EARLY,
    MAX_CLOCK_SKEW,
    TIDY_EARLY,
    aware,
    check_anomalies,
    check_inventory,
    check_open_items,
    moment_of,
    text_of,
)
from app.handover._common import OPEN_OR_ACCEPTED, _local, _require_role, counts_of, last_accepted
from app.handover.schemas import HandoverSubmit
from app.handover.tables import Handover, HandoverItem
from app.i18n import _
from app.org.service import office_shift_templates
from app.roster.service import (
    is_night,
    next_shift,
    office_inventory,
    rostered_for,
    shift_bounds,
    shift_label,
    staff_names,
    upcoming_shifts,
)
from app.sync.registry import ApplyContext

# --- handover.submit ------------------------------------------------------------------------------------


async def apply_submit(ctx: ApplyContext, mutation: HandoverSubmit) -> None:
    """The outgoing prepares the handover of their shift: desk tidied (H1), open items (H2, H6),
    anomalies explained (H3), inventory counted (H4). Refused for a shift already handed over."""
    staff, data = ctx.staff, mutation.data
    _require_role(staff)
    office_id = staff.office_id
    tz = staff.tz
    templates = await office_shift_templates(office_id)
    if data.shift_code not in {s["code"] for s in templates}:
        raise RuleViolation("unknown_shift", _("Choose a shift of this office."), field="shift")
    moment, suspect = moment_of(ctx, mutation.recorded_at)
    start, end = shift_bounds(data.shift_date, data.shift_code, templates, tz)
    label = shift_label(data.shift_date, data.shift_code, templates)
    if start > moment + timedelta(hours=1):
        raise RuleViolation("shift_not_started", _("%(shift)s has not started yet.", shift=label), field="shift")
    if end < moment - timedelta(hours=24):
        message = _("%(shift)s ended more than a day ago.", shift=label)
        raise RuleViolation("shift_long_over", message, field="shift")
    if await Handover.exists().where(Handover.id == data.handover_id):
        raise RuleViolation("id_reused", _("This handover id was already used. Prepare the handover again."))
    names = await staff_names(office_id)
    done = (
        await Handover.select(Handover.decided_at, Handover.incoming)
        .where(
            (Handover.office == office_id)
            & (Handover.from_date == data.shift_date)
            & (Handover.from_code == data.shift_code)
            & Handover.status.is_in(OPEN_OR_ACCEPTED)
        )
        .first()
    )
    if done and done["decided_at"] is not None:
        message = _(
            "%(shift)s was already handed over, to %(name)s at %(time)s.",
            shift=label,
            name=names.get(done["incoming"], "?"),
            time=_local(done["decided_at"], tz),
        )
        raise RuleViolation("already_handed_over", message, field="shift")
    if done:
        message = _("A handover of %(shift)s is already waiting for the incoming.", shift=label)
        raise RuleViolation("handover_pending", message, field="shift")
    last = await last_accepted(office_id)
    await _check_outgoing(staff, last, data.shift_date, data.shift_code, templates, tz, names)

    to_date, to_code = await _incoming_shift(office_id, data.shift_date, data.shift_code, templates, label)
    items = await office_inventory(office_id)
    inventory = check_inventory(data.inventory, items, counts_of(last), "inv")
    open_items = check_open_items(data.open_items)
    anomalies = check_anomalies(data.anomalies, "anomaly")
    if not data.work_done:
        message = _("Finish the shift's work, or list what is unfinished as open items, then tick this.")
        raise RuleViolation("work_not_done", message, field="work_done")
    tidied = aware(data.desk_tidied_at, tz)
    if tidied > moment + MAX_CLOCK_SKEW or tidied < moment - timedelta(hours=12):
        message = _("Enter when the desk was tidied (within the last hours).")
        raise RuleViolation("tidied_at", message, field="desk_tidied_at")

    await Handover.insert(
        Handover(
            id=data.handover_id,
            office=office_id,
            from_date=data.shift_date,
            from_code=data.shift_code,
            to_date=to_date,
            to_code=to_code,
            status="submitted",
            outgoing=staff.id,
            prepared_at=moment,
            received_at=ctx.received_at,
            device_id=ctx.device_id,
            clock_suspect=suspect,
            desk_tidied_at=tidied,
            tidied_typed=data.tidied_typed,
            work_done=True,
            outgoing_inventory=inventory,
            outgoing_anomalies=anomalies,
            outgoing_note=text_of(data.note),
        )
    )
    night = is_night(data.shift_code, templates)
    if open_items:
        await HandoverItem.insert(
            *[
                HandoverItem(
                    id=uuid.uuid5(data.handover_id, str(i)),
                    office=office_id,
                    handover=data.handover_id,
                    position=i,
                    text=item["text"],
                    major_repair=item["major_repair"],
                    night=night,
                    from_date=data.shift_date,
                    from_code=data.shift_code,
                )
                for i, item in enumerate(open_items)
            ]
        )


async def _check_outgoing(staff, last, day, code, templates, tz, names) -> None:
    """The outgoing holds the desk (accepted the last handover), or works this shift by the roster
    and nobody took the desk over for this shift or a later one (D10)."""
    if last and last["incoming"] == staff.id:
        return
    label = shift_label(day, code, templates)
    start = shift_bounds(day, code, templates, tz)[0]
    if last:
        taken = shift_bounds(last["to_date"], last["to_code"], templates, tz)[0]
        if taken >= start:
            message = _(
                "%(name)s holds the desk (accepted the handover at %(time)s); they hand it over.",
                name=last["incoming_name"],
                time=_local(last["decided_at"], tz),
            )
            raise RuleViolation("not_holder", message, field="shift")
    rostered = await rostered_for(staff.office_id, day, code)
    if staff.id not in {r["id"] for r in rostered}:
        who = "、".join(r["name"] for r in rostered) or _("nobody")
        message = _("You are not on duty for %(shift)s: the roster names %(names)s.", shift=label, names=who)
        raise RuleViolation("not_on_duty", message, field="shift")


async def _incoming_shift(office_id: int, day, code: str, templates: list[dict], label: str):
    """The next shift someone works by the published roster (D1): that person takes over."""
    start = next_shift(day, code, templates)
    for shift in await upcoming_shifts(office_id, *start, templates, count=len(templates) * 3):
        if shift["staff"]:
            return datetime.fromisoformat(shift["date"]).date(), shift["code"]
    message = _(
        "Nobody is rostered after %(shift)s in a published roster, so nobody can take over. "
        "The supervisor publishes the roster first.",
        shift=label,
    )
    raise RuleViolation("no_incoming", message, field="shift")
