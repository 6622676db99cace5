"""Passes (出入证, SPEC V2) for contractors and temporary workers: one per person, valid from one day to
another, linked to a unit and a renovation when there is one, printable with a QR code, withdrawn when
the work ends. At the gate an expired or withdrawn pass is refused, offline too (`gate_passes`).

For other domains (the renovation's): `passes_for_renovation`, `withdraw_renovation_passes`,
`CERTIFIED_TRADES` (trades whose pass needs the worker's certificate number)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

import msgspec

from app import paging
from app.auth.schemas import CurrentStaff
from app.clock import now, today, zone
from app.errors import Forbidden, RuleViolation, StaleChange, check_found
from app.i18n import _, lazy
from app.org.service import can_see_office, has_unit, office_time_zone, units_of_office
from app.passes.schemas import PassIssue, PassView, PassWithdraw
from app.passes.tables import AccessPass
from app.sync import registry
from app.sync.registry import ApplyContext

HOLDER_KINDS: dict[str, str] = {
    "contractor": lazy("Contractor"),
    "temporary": lazy("Temporary worker"),
    "other": lazy("Other"),
}
ID_KINDS: dict[str, str] = {
    "id_card": lazy("ID card"),
    "passport": lazy("Passport"),
    "hk_macau_tw": lazy("Hong Kong, Macau or Taiwan permit"),
    "other": lazy("Other document"),
}
# Electricians, plumbers and gas fitters work only with a certificate (seed 004): its number is on the pass.
CERTIFIED_TRADES: dict[str, str] = {
    "electrician": lazy("Electrician"),
    "plumber": lazy("Plumber"),
    "gas_fitter": lazy("Gas fitter"),
}
TRADES: dict[str, str] = {
    **CERTIFIED_TRADES,
    "decorator": lazy("Decorator"),
    "mason": lazy("Mason / tiler"),
    "carpenter": lazy("Carpenter"),
    "painter": lazy("Painter"),
    "cleaner": lazy("Cleaner"),
    "other": lazy("Other trade"),
}
STATES: dict[str, str] = {
    "valid": lazy("Valid"),
    "not_yet": lazy("Not valid yet"),
    "expired": lazy("Expired"),
    "withdrawn": lazy("Taken back"),
}
PASS_ISSUERS = frozenset({"frontdesk", "duty", "supervisor", "manager"})
PASS_READERS = PASS_ISSUERS | {"patrol", "qa"}
MAX_DAYS = 366  # a pass is issued for a year at most
MAX_PAST = timedelta(days=366)  # a paper pass issued earlier may be recorded, up to a year back
GATE_HISTORY = timedelta(days=60)  # the gate phone keeps passes expired or withdrawn this recently


def check_reader(staff: CurrentStaff, office_id: int) -> None:
    if staff.role not in PASS_READERS or not can_see_office(staff, office_id):
        raise Forbidden()


def pass_state(row: dict, day: date) -> str:
    if row["withdrawn_at"] is not None:
        return "withdrawn"
    if day < row["valid_from"]:
        return "not_yet"
    return "expired" if day > row["valid_to"] else "valid"


# --- issuing and withdrawing (mutations) --------------------------------------------------------


async def _next_number(office_id: int) -> str:
    n = await AccessPass.count().where(AccessPass.office == office_id) + 1
    while await AccessPass.exists().where((AccessPass.office == office_id) & (AccessPass.number == f"P{n:04d}")):
        n += 1
    return f"P{n:04d}"


async def _check_issue(ctx: ApplyContext, m: PassIssue) -> None:
    data = m.data
    day = today(ctx.staff.tz)
    if data.valid_to < data.valid_from:
        raise RuleViolation("valid_to_before_from", _("The last day is before the first day."), field="valid_to")
    if (data.valid_to - data.valid_from).days + 1 > MAX_DAYS:
        message = _("A pass is valid for %(n)s days at most.", n=MAX_DAYS)
        raise RuleViolation("too_long", message, field="valid_to")
    if data.valid_from < day - MAX_PAST or data.valid_from > day + MAX_PAST:
        raise RuleViolation("out_of_range", _("Choose a first day within a year of today."), field="valid_from")
    if data.trade in CERTIFIED_TRADES and not data.certificate_no.strip():
        message = _("A %(trade)s works only with a certificate: write its number.", trade=TRADES[data.trade])
        raise RuleViolation("certificate_required", message, field="certificate_no")
    if data.unit_id is not None and not await has_unit(ctx.staff.office_id, data.unit_id):
        raise RuleViolation("unit_not_found", _("That unit is not in your office."), field="unit_id")


async def apply_issue(ctx: ApplyContext, m: PassIssue) -> None:
    """`pass.issue` (V2): one person, one pass; its number is given here, unique in the office."""
    if ctx.staff.role not in PASS_ISSUERS:
        raise RuleViolation("forbidden", _("Your role does not issue passes."))
    await _check_issue(ctx, m)
    data = m.data
    await AccessPass.insert(
        AccessPass(
            id=m.id,
            office=ctx.staff.office_id,
            number=await _next_number(ctx.staff.office_id),
            holder_name=data.holder_name.strip(),
            holder_kind=data.holder_kind,
            company=data.company.strip(),
            id_kind=data.id_kind,
            id_last4=data.id_last4.upper(),
            trade=data.trade,
            certificate_no=data.certificate_no.strip(),
            valid_from=data.valid_from,
            valid_to=data.valid_to,
            unit_id=data.unit_id,
            renovation_id=data.renovation_id,
            note=data.note.strip(),
            issued_by=ctx.staff.id,
        )
    )


async def apply_withdraw(ctx: ApplyContext, m: PassWithdraw) -> None:
    """`pass.withdraw` (V2): a pass of the office, not withdrawn yet."""
    if ctx.staff.role not in PASS_ISSUERS:
        raise RuleViolation("forbidden", _("Your role does not issue passes."))
    query = AccessPass.select(AccessPass.id, AccessPass.withdrawn_at).where(
        (AccessPass.id == m.data.pass_id) & (AccessPass.office == ctx.staff.office_id)
    )
    row = await query.first()
    if row is None:
        raise RuleViolation("pass_not_found", _("That pass is not one of your office's."), field="pass_id")
    if row["withdrawn_at"] is not None:
        raise StaleChange(_("This pass was already withdrawn."))
    await AccessPass.update(
        {
            AccessPass.withdrawn_at: now(),
            AccessPass.withdrawn_by: ctx.staff.id,
            AccessPass.withdrawn_reason: m.data.reason.strip(),
        }
    ).where(AccessPass.id == row["id"])


MUTATIONS = (
    registry.MutationKind(PassIssue, apply_issue, label=lazy("Pass issued")),
    registry.MutationKind(PassWithdraw, apply_withdraw, label=lazy("Pass withdrawn")),
)


# --- reading -------------------------------------------------------------------------------------

_COLUMNS = (
    AccessPass.id,
    AccessPass.number,
    AccessPass.holder_name,
    AccessPass.holder_kind,
    AccessPass.company,
    AccessPass.id_kind,
    AccessPass.id_last4,
    AccessPass.trade,
    AccessPass.certificate_no,
    AccessPass.valid_from,
    AccessPass.valid_to,
    AccessPass.unit_id,
    AccessPass.renovation_id,
    AccessPass.note,
    AccessPass.withdrawn_at,
    AccessPass.withdrawn_reason,
    AccessPass.issued_by.display_name.as_alias("issued_by"),
    AccessPass.created_at,
)


async def _views(office_id: int, rows: list[dict[str, Any]], day: date | None = None) -> list[PassView]:
    day = day or today(zone(await office_time_zone(office_id)))
    units = {u["id"]: f"{u['building']} {u['number']}" for u in await units_of_office(office_id)} if rows else {}
    return [
        msgspec.convert(
            {**r, "state": pass_state(r, day), "unit_label": units.get(r["unit_id"], "")}, PassView, strict=False
        )
        for r in rows
    ]


def _in_state(state: str, day: date) -> Any:
    """`pass_state` as a condition of the query, so a page holds 50 passes of the state asked for."""
    if state == "withdrawn":
        return AccessPass.withdrawn_at.is_not_null()
    kept: Any = AccessPass.withdrawn_at.is_null()
    if state == "not_yet":
        return kept & (AccessPass.valid_from > day)
    if state == "expired":
        return kept & (AccessPass.valid_to < day)
    return kept & (AccessPass.valid_from <= day) & (AccessPass.valid_to >= day)


async def list_passes(
    staff: CurrentStaff, office_id: int, state: str = "", q: str = "", cursor: paging.Cursor | None = None
) -> tuple[list[PassView], str | None]:
    """The office's passes, newest first, 50 a page after `cursor` (then by id); `state` keeps those
    in that state today (valid, not yet valid, expired, taken back); with the next page's cursor."""
    check_reader(staff, office_id)
    day = today(zone(await office_time_zone(office_id)))
    query = AccessPass.select(*_COLUMNS).where(AccessPass.office == office_id)
    if q:
        like = f"%{q}%"
        query = query.where(
            AccessPass.number.ilike(like) | AccessPass.holder_name.ilike(like) | AccessPass.company.ilike(like)
        )
    if state in STATES:
        query = query.where(_in_state(state, day))
    rows, more = paging.cut(await paging.after(query, AccessPass.created_at, AccessPass.id, cursor), "created_at")
    return await _views(office_id, rows, day), more


async def get_pass(staff: CurrentStaff, office_id: int, pass_id: UUID) -> PassView:
    check_reader(staff, office_id)
    query = AccessPass.select(*_COLUMNS).where((AccessPass.id == pass_id) & (AccessPass.office == office_id))
    return (await _views(office_id, [check_found(await query.first())]))[0]


async def gate_passes(office_id: int, day: date) -> list[PassView]:
    """What the gate phone keeps offline (V2): every pass not ended more than `GATE_HISTORY` ago, so a
    pass expired or withdrawn lately is refused with its reason rather than "unknown"."""
    since = day - GATE_HISTORY
    query = AccessPass.select(*_COLUMNS).where((AccessPass.office == office_id) & (AccessPass.valid_to >= since))
    return await _views(office_id, await query.order_by(AccessPass.number))


# --- for other domains (the renovation's) -------------------------------------------------------


async def passes_for_renovation(office_id: int, renovation_id: int) -> list[PassView]:
    """The passes issued for one renovation of the office, by number (withdrawn ones included)."""
    query = AccessPass.select(*_COLUMNS).where(
        (AccessPass.office == office_id) & (AccessPass.renovation_id == renovation_id)
    )
    return await _views(office_id, await query.order_by(AccessPass.number))


async def withdraw_renovation_passes(office_id: int, renovation_id: int, staff_id: int, reason: str) -> int:
    """Withdraw every pass of the renovation not withdrawn yet (the work is finished or stopped); returns
    how many. Runs in the caller's transaction when there is one."""
    rows = (
        await AccessPass.update(
            {
                AccessPass.withdrawn_at: now(),
                AccessPass.withdrawn_by: staff_id,
                AccessPass.withdrawn_reason: reason.strip()[:200],
            }
        )
        .where(
            (AccessPass.office == office_id)
            & (AccessPass.renovation_id == renovation_id)
            & AccessPass.withdrawn_at.is_null()
        )
        .returning(AccessPass.id)
    )
    return len(rows)
