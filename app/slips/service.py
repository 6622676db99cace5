"""Release slips (放行条, SPEC R1). At the desk: the unit from the register, the person's ID (last 4 only),
the unit's fee status (arrears block the slip unless a supervisor overrides with a reason), the goods, and
— when the person is not a resident of the unit on file — the owner's confirmation by phone. A slip is
valid the day it is issued and the next. At the gate the guard releases it once, offline on the phone
(`slip.release`); a second release from another phone is kept as a fact and flagged to the supervisor."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from app.alerts.service import raise_alert
from app.clock import local, when_it_happened
from app.errors import NotFound, RuleViolation, StaleChange
from app.estate.service import get_unit
from app.fees.service import fee_status
from app.i18n import _, lazy
from app.slips._reads import GATE_ROLES, OVERRIDERS, SLIP_ISSUERS, slip_row
from app.slips.schemas import SlipCancel, SlipIssue, SlipIssueData, SlipRelease
from app.slips.tables import ReleaseSlip
from app.sync import registry
from app.sync.registry import ApplyContext

VALID_DAYS = 2  # the day it is issued and the next


async def _next_number(office_id: int) -> str:
    n = await ReleaseSlip.count().where(ReleaseSlip.office == office_id) + 1
    while await ReleaseSlip.exists().where((ReleaseSlip.office == office_id) & (ReleaseSlip.number == f"R{n:04d}")):
        n += 1
    return f"R{n:04d}"


async def _person(ctx: ApplyContext, data: SlipIssueData) -> tuple[str, int | None]:
    """Who takes the goods: a current resident of the unit on file, or someone else named here."""
    try:
        unit = await get_unit(ctx.staff, ctx.staff.office_id, data.unit_id)
    except NotFound:
        raise RuleViolation("unit_not_found", _("That unit is not in your office."), field="unit_id") from None
    if data.resident_id is not None:
        found = [r for r in unit.residents if r.id == data.resident_id and r.ended_on is None]
        if not found:
            message = _("That person is not a resident of this unit on file.")
            raise RuleViolation("resident_not_found", message, field="resident_id")
        return found[0].name, found[0].id
    if not data.person_name.strip():
        message = _("Choose the resident, or write the name of the person taking the goods.")
        raise RuleViolation("person_required", message, field="person_name")
    return data.person_name.strip(), None


def _check_confirmation(data: SlipIssueData) -> None:
    """Not a resident: the owner's confirmation by phone — who confirmed, at what time, on which number."""
    if not data.confirm_name.strip():
        message = _("Not a resident on file: call the owner and write who confirmed.")
        raise RuleViolation("confirmation_required", message, field="confirm_name")
    if sum(c.isdigit() for c in data.confirm_phone) < 7:
        raise RuleViolation("phone_required", _("Write the number you called."), field="confirm_phone")
    if not data.confirm_time:
        raise RuleViolation("time_required", _("Write the time of the call."), field="confirm_time")


async def _check_fees(ctx: ApplyContext, data: SlipIssueData) -> dict:
    """$1: arrears block the slip unless a supervisor overrides with a reason (recorded)."""
    status = await fee_status(ctx.staff.office_id, data.unit_id)
    if status is None:
        return {}
    values = {
        "fee_amount_fen": status.amount_fen,
        "fee_months_owed": status.months_owed,
        "fee_as_of": status.as_of,
    }
    if not status.in_arrears:
        return values
    owed = _(
        "This unit owes %(amount)s yuan (%(months)s months, as of %(day)s).",
        amount=status.amount,
        months=status.months_owed,
        day=status.as_of.isoformat(),
    )
    if ctx.staff.role not in OVERRIDERS:
        message = owed + " " + _("A slip for a unit in arrears needs the supervisor: ask the supervisor to issue it.")
        raise RuleViolation("arrears", message, field="override_reason")
    if not data.override_reason.strip():
        message = owed + " " + _("To issue the slip anyway, write why.")
        raise RuleViolation("arrears", message, field="override_reason")
    return values | {"override_by": ctx.staff.id, "override_reason": data.override_reason.strip()}


async def apply_issue(ctx: ApplyContext, m: SlipIssue) -> None:
    """`slip.issue` (R1): checked at the desk; valid the day it is issued and the next."""
    if ctx.staff.role not in SLIP_ISSUERS:
        raise RuleViolation("forbidden", _("Your role does not issue release slips."))
    data = m.data
    person, resident_id = await _person(ctx, data)
    goods = [{"item": g.item.strip(), "quantity": g.quantity} for g in data.goods if g.item.strip()]
    if not goods:
        raise RuleViolation("goods_required", _("List what is going out: at least one item."), field="goods")
    if resident_id is None:
        _check_confirmation(data)
    fees = await _check_fees(ctx, data)
    happened, suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    day = local(happened, ctx.staff.tz).date()  # type: ignore[union-attr]
    confirm_at = None
    if resident_id is None:
        confirm_at = datetime.combine(day, time.fromisoformat(data.confirm_time), tzinfo=ctx.staff.tz)
    await ReleaseSlip.insert(
        ReleaseSlip(
            id=m.id,
            office=ctx.staff.office_id,
            number=await _next_number(ctx.staff.office_id),
            unit=data.unit_id,
            person_name=person,
            resident_id=resident_id,
            id_kind=data.id_kind,
            id_last4=data.id_last4.upper(),
            goods=goods,
            vehicle=data.vehicle.strip(),
            note=data.note.strip(),
            confirm_name="" if resident_id else data.confirm_name.strip(),
            confirm_phone="" if resident_id else data.confirm_phone.strip(),
            confirm_at=confirm_at,
            valid_on=day,
            valid_until=day + timedelta(days=VALID_DAYS - 1),
            issued_by=ctx.staff.id,
            issued_at=happened,
            clock_suspect=suspect,
            **fees,
        )
    )


async def _slip_of_office(ctx: ApplyContext, slip_id: object) -> dict:
    row = await slip_row(ctx.staff.office_id, slip_id)
    if row is None:
        raise RuleViolation("slip_not_found", _("That slip is not one of your office's."), field="slip_id")
    return row


async def apply_cancel(ctx: ApplyContext, m: SlipCancel) -> None:
    """`slip.cancel`: only a slip not released (nor cancelled) yet."""
    if ctx.staff.role not in SLIP_ISSUERS:
        raise RuleViolation("forbidden", _("Your role does not issue release slips."))
    row = await _slip_of_office(ctx, m.data.slip_id)
    if row["released_at"] is not None:
        raise StaleChange(_("This slip was already released at the gate: it cannot be cancelled."))
    if row["cancelled_at"] is not None:
        raise StaleChange(_("This slip was already cancelled."))
    happened, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    await ReleaseSlip.update(
        {
            ReleaseSlip.cancelled_at: happened,
            ReleaseSlip.cancelled_by: ctx.staff.id,
            ReleaseSlip.cancel_reason: m.data.reason.strip(),
        }
    ).where(ReleaseSlip.id == row["id"])


async def _flag_second_release(ctx: ApplyContext, m: SlipRelease, row: dict, happened: datetime) -> None:
    """Released already by another change (two phones offline): kept as a fact, the supervisor told."""
    if row["second_release_id"] is None:
        await ReleaseSlip.update(
            {
                ReleaseSlip.second_release_at: happened,
                ReleaseSlip.second_release_by: ctx.staff.id,
                ReleaseSlip.second_release_id: m.id,
            }
        ).where(ReleaseSlip.id == row["id"])
    await raise_alert(
        office_id=ctx.staff.office_id,
        kind="slip_double_release",
        title=_("Release slip %(n)s was released twice", n=row["number"]),
        body=_(
            "%(unit)s: released at the gate, then released again from another phone by %(who)s. "
            "Check whether the goods went out twice.",
            unit=row["unit_label"],
            who=ctx.staff.display_name,
        ),
        url=f"/slips/{row['id']}",
        raised_by=ctx.staff.id,
        source=f"slip_release:{row['id']}",
        now=ctx.received_at,
    )


async def apply_release(ctx: ApplyContext, m: SlipRelease) -> None:
    """`slip.release` (R1): the guard checked the goods; a cancelled or expired slip is refused with the
    reason; a slip released already is flagged, never released twice in the record."""
    if ctx.staff.role not in GATE_ROLES:
        raise RuleViolation("forbidden", _("Your role does not work at the gate."))
    if not m.data.goods_checked:
        message = _("Check the goods against the slip first.")
        raise RuleViolation("goods_not_checked", message, field="goods_checked")
    row = await _slip_of_office(ctx, m.data.slip_id)
    happened, suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    if row["cancelled_at"] is not None:
        raise StaleChange(_("This slip was cancelled: %(reason)s", reason=row["cancel_reason"]))
    if row["released_at"] is not None:
        return await _flag_second_release(ctx, m, row, happened)
    day = local(happened, ctx.staff.tz).date()  # type: ignore[union-attr]
    if day > row["valid_until"]:
        message = _("This slip expired after %(day)s: the desk issues a new one.", day=row["valid_until"].isoformat())
        raise StaleChange(message)
    released = (
        await ReleaseSlip.update(
            {
                ReleaseSlip.released_at: happened,
                ReleaseSlip.released_by: ctx.staff.id,
                ReleaseSlip.release_id: m.id,
                ReleaseSlip.release_note: m.data.note.strip(),
                ReleaseSlip.clock_suspect: row["clock_suspect"] or suspect,
            }
        )
        .where((ReleaseSlip.id == row["id"]) & ReleaseSlip.released_at.is_null())
        .returning(ReleaseSlip.id)
    )
    if not released:  # another phone's release got in first, just now
        await _flag_second_release(ctx, m, await _slip_of_office(ctx, row["id"]), happened)


MUTATIONS = (
    registry.MutationKind(SlipIssue, apply_issue, label=lazy("Release slip issued")),
    registry.MutationKind(SlipCancel, apply_cancel, label=lazy("Release slip cancelled")),
    registry.MutationKind(SlipRelease, apply_release, label=lazy("Goods released at the gate")),
)
