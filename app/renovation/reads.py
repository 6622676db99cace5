"""Renovation reads (M4–M7): what a permit still lacks, the units under a permit, the office's fees,
the list and one renovation whole (with the violations the patrol found there)."""

from __future__ import annotations

from decimal import Decimal

from app import paging
from app.auth.schemas import CurrentStaff
from app.errors import Forbidden, RuleViolation, check_found
from app.estate import service as estate
from app.i18n import _
from app.org.service import can_see_office
from app.passes import service as passes
from app.patrols import service as patrols
from app.renovation import rules
from app.renovation.tables import Renovation, RenovationSettings


def check_reader(staff: CurrentStaff, office_id: int) -> None:
    if staff.role not in rules.READERS or not can_see_office(staff, office_id):
        raise Forbidden()


def missing_for_permit(row: dict) -> list[str]:
    """M4–M6: the steps before the permit that are not done, in order, in the words staff use."""
    missing = []
    if not row["ack_signature"]:
        missing.append(rules.NEED_ACK)
    if row["structural"] and not row["approval_photo"]:
        missing.append(rules.NEED_APPROVAL)
    if not (row["owner_signature"] and row["contractor_signature"] and row["office_signature"]):
        missing.append(rules.NEED_AGREEMENT)
    if not row["paid_at"]:
        missing.append(rules.NEED_FEES)
    return missing


async def permitted_units(office_id: int) -> list[int]:
    rows = await Renovation.select(Renovation.unit).where(
        (Renovation.office == office_id) & (Renovation.state == "permitted")
    )
    return sorted({r["unit"] for r in rows})


async def fees_of_office(office_id: int) -> dict:
    row = (
        await RenovationSettings.select(RenovationSettings.waste_fee, RenovationSettings.deposit)
        .where(RenovationSettings.office == office_id)
        .first()
    )
    return row or {"waste_fee": Decimal(300), "deposit": Decimal(2000)}


async def save_fees(staff: CurrentStaff, waste_fee: float, deposit: float) -> None:
    """The office's amounts (the supervisor's setting)."""
    if staff.role != "supervisor":
        raise Forbidden()
    fee, money = Decimal(str(round(waste_fee, 2))), Decimal(str(round(deposit, 2)))
    if await RenovationSettings.exists().where(RenovationSettings.office == staff.office_id):
        await RenovationSettings.update({RenovationSettings.waste_fee: fee, RenovationSettings.deposit: money}).where(
            RenovationSettings.office == staff.office_id
        )
    else:
        await RenovationSettings.insert(RenovationSettings(office=staff.office_id, waste_fee=fee, deposit=money))


async def renovations(staff: CurrentStaff, office_id: int, cursor: paging.Cursor | None = None) -> dict:
    """The office's renovations, latest first, 50 a page after `cursor`, and the units that may apply
    (those without a renovation under way, whatever page it is on)."""
    check_reader(staff, office_id)
    query = Renovation.select(
        Renovation.id,
        Renovation.unit,
        Renovation.state,
        Renovation.applicant_name,
        Renovation.start_on,
        Renovation.end_on,
        Renovation.permit_no,
    ).where(Renovation.office == office_id)
    rows, more = paging.cut(await paging.after(query, Renovation.id, Renovation.id, cursor), "id")
    labels = dict(await estate.unit_options(office_id))  # one read for every row's label, not one a row
    for r in rows:
        r["unit_label"] = labels.get(r["unit"], "")
    under_way = Renovation.select(Renovation.unit).where(
        (Renovation.office == office_id) & (Renovation.state != "completed")
    )
    busy = {r["unit"] for r in await under_way}
    units = [
        u for s in ("occupied", "vacant") for u in await estate.units_in_state(office_id, s) if u["id"] not in busy
    ]
    return {"renovations": rows, "more": more, "units": units, "fees": await fees_of_office(office_id)}


async def renovation_detail(staff: CurrentStaff, office_id: int, renovation_id: int) -> dict:
    check_reader(staff, office_id)
    row = check_found(
        await Renovation.select()
        .where((Renovation.id == renovation_id) & (Renovation.office == office_id))
        .output(load_json=True)
        .first()
    )
    unit = await estate.unit_state(office_id, row["unit"]) or {"label": ""}
    return {
        "r": row,
        "unit": unit,
        "missing": missing_for_permit(row) if row["state"] == "applied" else [],
        "violations": await patrols.violations_at(office_id, row["unit"]),
        "fees": await fees_of_office(office_id),
        "passes": await passes.passes_for_renovation(office_id, row["id"]),
        "pass_states": passes.STATES,
        "pass_trades": passes.TRADES,
    }


def fee_error(exc: RuleViolation) -> dict:
    return {exc.field: exc.message or _("Check this field.")}
