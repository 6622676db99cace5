"""Fee status and dunning (SPEC $1, $2). The centre knows each unit's arrears from the finance department's
export (the app does not bill; the as-of date is shown beside every status); dunning is by visit or phone,
recorded offline (`dunning.record`), followed up until paid."""

from __future__ import annotations

from datetime import timedelta

import msgspec

from app.auth.schemas import CurrentStaff
from app.clock import when_it_happened
from app.errors import Forbidden, NotFound, RuleViolation
from app.fees._import import IMPORTERS, TEMPLATE_HEADERS, confirm, preview, upload
from app.fees.schemas import DunningLine, DunningRecordMutation, DunningView, FeeStatusView
from app.fees.tables import DunningRecord, FeeStatus
from app.i18n import _, lazy
from app.org.service import can_see_office, units_of_office
from app.sync import registry
from app.sync.registry import ApplyContext

__all__ = ["IMPORTERS", "TEMPLATE_HEADERS", "confirm", "preview", "upload"]

METHODS: dict[str, str] = {"visit": lazy("Visit"), "phone": lazy("Phone call")}
OUTCOMES: dict[str, str] = {
    "promised": lazy("Promised to pay"),
    "refused": lazy("Refused to pay"),
    "disputed": lazy("Has a question or complaint"),
    "not_reached": lazy("Nobody home / no answer"),
    "paid": lazy("Says it is paid"),
    "other": lazy("Other"),
}
FEE_READERS = frozenset({"duty", "frontdesk", "supervisor", "manager", "qa"})
DUNNERS = frozenset({"duty", "frontdesk", "supervisor", "manager"})
MAX_AHEAD = timedelta(days=366)


def check_reader(staff: CurrentStaff, office_id: int) -> None:
    if staff.role not in FEE_READERS or not can_see_office(staff, office_id):
        raise Forbidden()


async def _unit_label(unit_id: int, office_id: int) -> str | None:
    units = {u["id"]: u for u in await units_of_office(office_id)}
    unit = units.get(unit_id)
    return f"{unit['building']} {unit['number']}" if unit else None


async def apply_dunning(ctx: ApplyContext, m: DunningRecordMutation) -> None:
    """`dunning.record` ($2): a visit or call, its outcome, a promised date and the next follow-up."""
    staff, data = ctx.staff, m.data
    if staff.role not in DUNNERS:
        raise RuleViolation("forbidden", _("Your role does not record dunning."))
    if await _unit_label(data.unit_id, staff.office_id) is None:
        raise RuleViolation("unit_not_found", _("That unit is not in your office."), field="unit_id")
    happened, suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    day = happened.astimezone(staff.tz).date()
    if data.outcome == "promised" and data.promised_date is None:
        raise RuleViolation(
            "promised_date_required", _("Write the date the resident said they would pay."), field="promised_date"
        )
    for name in ("promised_date", "next_follow_up"):
        value = getattr(data, name)
        if value is not None and not (day <= value <= day + MAX_AHEAD):
            raise RuleViolation(
                "date_out_of_range", _("Choose a date from the day of the visit to a year after it."), field=name
            )
    await DunningRecord.insert(
        DunningRecord(
            id=m.id,
            office=staff.office_id,
            unit=data.unit_id,
            staff=staff.id,
            method=data.method,
            outcome=data.outcome,
            promised_date=data.promised_date,
            next_follow_up=data.next_follow_up,
            note=data.note.strip(),
            recorded_at=happened,
            received_at=ctx.received_at,
            clock_suspect=suspect,
        )
    )


MUTATIONS = (registry.MutationKind(DunningRecordMutation, apply_dunning, label=lazy("Dunning record")),)


async def _last_contacts(office_id: int, unit_ids: list[int] | None = None) -> dict[int, dict]:
    query = DunningRecord.select(
        DunningRecord.unit, DunningRecord.outcome, DunningRecord.next_follow_up, DunningRecord.recorded_at
    ).where(DunningRecord.office == office_id)
    if unit_ids is not None:
        query = query.where(DunningRecord.unit.is_in(unit_ids or [0]))
    last: dict[int, dict] = {}
    for row in await query.order_by(DunningRecord.recorded_at):
        last[row["unit"]] = row  # the latest wins
    return last


def _reported_paid(status: dict, contact: dict | None) -> bool:
    return bool(contact and contact["outcome"] == "paid" and contact["recorded_at"].date() >= status["as_of"])


async def fee_status(office_id: int, unit_id: int) -> FeeStatusView | None:
    """The unit's fee status as last exported by finance, with its as-of date ($1); None if never imported.
    For the intake (W1), communicative complaints (C1) and release slips (R1)."""
    row = await FeeStatus.select().where((FeeStatus.office == office_id) & (FeeStatus.unit == unit_id)).first()
    if row is None:
        return None
    contact = (await _last_contacts(office_id, [unit_id])).get(unit_id)
    return FeeStatusView(
        unit_id=unit_id,
        months_owed=row["months_owed"],
        amount_fen=row["amount_fen"],
        as_of=row["as_of"],
        in_arrears=row["amount_fen"] > 0,
        reported_paid=_reported_paid(row, contact),
    )


async def dunning_list(staff: CurrentStaff, office_id: int) -> list[DunningLine]:
    """Units in arrears, largest amount first, then longest owed ($2); each with its last contact."""
    check_reader(staff, office_id)
    rows = await FeeStatus.select().where((FeeStatus.office == office_id) & (FeeStatus.amount_fen > 0))
    labels = {u["id"]: f"{u['building']} {u['number']}" for u in await units_of_office(office_id)}
    contacts = await _last_contacts(office_id)
    lines = []
    for row in rows:
        contact = contacts.get(row["unit"])
        lines.append(
            DunningLine(
                unit_id=row["unit"],
                unit_label=labels.get(row["unit"], "?"),
                months_owed=row["months_owed"],
                amount_fen=row["amount_fen"],
                as_of=row["as_of"],
                last_contact=contact["recorded_at"] if contact else None,
                last_outcome=contact["outcome"] if contact else "",
                next_follow_up=contact["next_follow_up"] if contact else None,
                reported_paid=_reported_paid(row, contact),
            )
        )
    return sorted(lines, key=lambda line: (line.reported_paid, -line.amount_fen, -line.months_owed, line.unit_label))


async def unit_page(
    staff: CurrentStaff, office_id: int, unit_id: int
) -> tuple[str, FeeStatusView | None, list[DunningView]]:
    """A unit's status and its dunning history, newest first."""
    check_reader(staff, office_id)
    label = await _unit_label(unit_id, office_id)
    if label is None:
        raise NotFound()
    rows = (
        await DunningRecord.select(
            *DunningRecord.all_columns(exclude=[DunningRecord.office, DunningRecord.unit, DunningRecord.staff]),
            DunningRecord.staff.display_name.as_alias("staff_name"),
        )
        .where((DunningRecord.office == office_id) & (DunningRecord.unit == unit_id))
        .order_by(DunningRecord.recorded_at, ascending=False)
    )
    history = [msgspec.convert(r, DunningView, strict=False) for r in rows]
    return label, await fee_status(office_id, unit_id), history


async def export_rows(staff: CurrentStaff, office_id: int) -> list[list]:
    """The dunning list as spreadsheet rows (same scope as the page)."""
    lines = await dunning_list(staff, office_id)
    return [
        [
            line.unit_label,
            line.months_owed,
            line.amount_fen / 100,
            line.as_of.isoformat(),
            str(OUTCOMES.get(line.last_outcome, "")),
            line.next_follow_up.isoformat() if line.next_follow_up else "",
        ]
        for line in lines
    ]


def require_importer(staff: CurrentStaff) -> None:
    if staff.role not in IMPORTERS:
        raise Forbidden()
