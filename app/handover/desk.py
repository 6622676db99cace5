"""Who is on duty now (H7, D10; contacts D6, D7), and what the desk's handover page needs offline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from app.auth import directory
from app.auth.schemas import CurrentStaff
from app.clock import zone
from app.duty.service import entries_for_day, shift_of
from app.errors import Forbidden
from app.handover import signing
from app.handover.schemas import OnDutyNow, PersonOnDuty, RefusalInfo, ShiftInfo
from app.handover.service import HANDOVER_READERS, REFUSALS, counts_of, last_accepted
from app.handover.tables import Handover, HandoverItem
from app.i18n import _
from app.keys.service import keys_out
from app.org.service import can_see_office, office_shift_templates
from app.roster.home import escalation_contacts
from app.roster.service import (
    DESK_ROLES,
    office_inventory,
    ordered_shifts,
    previous_shift,
    roster_staff,
    rostered_for,
    shift_bounds,
    shift_label,
    shift_name,
    upcoming_shifts,
)

WAITING = ["submitted", "signing"]  # not taken over yet: the outgoing is still on duty (D10)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def check_office(staff: CurrentStaff, office_id: int) -> None:
    if staff.role not in HANDOVER_READERS or not can_see_office(staff, office_id):
        raise Forbidden()


async def _people(ids: list[int]) -> dict[int, PersonOnDuty]:
    if not ids:
        return {}
    return {p.id: PersonOnDuty(staff_id=p.id, name=p.display_name, phone=p.phone) for p in await directory.people(ids)}


async def on_duty_now(office_id: int, tz_name: str, at: datetime | None = None) -> OnDutyNow:
    """Who is on duty at `at` (default now): the incoming of the last accepted handover, from the moment
    of acceptance (H7), even when the roster names someone else; while the current shift's handover is
    not accepted, the previous holder stays on duty (D10). Before any handover, the roster decides."""
    at = _aware(at or datetime.now(UTC))
    tz = zone(tz_name)
    templates = await office_shift_templates(office_id)
    day, code = shift_of(at.astimezone(tz), templates)
    start, end = shift_bounds(day, code, templates, tz)
    rostered = await rostered_for(office_id, day, code) if code != "off" else []
    last = await last_accepted(office_id, before=at)
    ids = [r["id"] for r in rostered] + ([last["incoming"]] if last else [])
    people = await _people(ids)
    holder, source, since, awaiting = None, "none", None, False
    if last:
        holder, source, since = people.get(last["incoming"]), "handover", _aware(last["decided_at"])
        awaiting = code != "off" and shift_bounds(last["to_date"], last["to_code"], templates, tz)[0] < start
    elif waiting := await _first_unaccepted(office_id, at):
        # D10 before the office's first acceptance: an outgoing whose handover is waiting or was
        # refused stays on duty, though the roster already names the incoming for this shift.
        people |= await _people([waiting["outgoing"]])
        holder, source = people.get(waiting["outgoing"]), "waiting"
        since = shift_bounds(waiting["from_date"], waiting["from_code"], templates, tz)[0]
        awaiting = code != "off" and shift_bounds(waiting["to_date"], waiting["to_code"], templates, tz)[0] <= at
    elif rostered:
        holder, source, since = people.get(rostered[0]["id"]), "roster", start
    pending = (
        await Handover.select(Handover.id, Handover.status)
        .where((Handover.office == office_id) & Handover.status.is_in(WAITING))
        .order_by(Handover.prepared_at, ascending=False)
        .first()
    )
    refusal_query = Handover.select(
        Handover.id,
        Handover.decided_at,
        Handover.refusal_reasons,
        Handover.outgoing.display_name.as_alias("outgoing_name"),
        Handover.incoming.display_name.as_alias("incoming_name"),
    ).where((Handover.office == office_id) & (Handover.status == "refused") & (Handover.decided_at <= at))
    if last:
        refusal_query = refusal_query.where(Handover.decided_at > last["decided_at"])
    refused = await refusal_query.order_by(Handover.decided_at, ascending=False).output(load_json=True).first()
    rostered_people = [people[r["id"]] for r in rostered if r["id"] in people]
    on_shift = {p.staff_id for p in rostered_people} | ({holder.staff_id} if holder else set())
    return OnDutyNow(
        office_id=office_id,
        at=at,
        shift=ShiftInfo(
            date=day,
            code=code,
            name=shift_name(code, templates) if code != "off" else _("No shift"),
            start=start,
            end=end,
        ),
        on_duty=holder,
        source=source,  # type: ignore[arg-type]
        since=since,
        rostered=rostered_people,
        differs_from_roster=holder is not None and holder.staff_id not in {p.staff_id for p in rostered_people},
        awaiting_handover=awaiting,
        pending_handover=pending["id"] if pending else None,
        pending_countersign=pending is not None and pending["status"] == "signing",
        last_refusal=RefusalInfo(
            handover_id=refused["id"],
            refused_at=_aware(refused["decided_at"]),
            reasons=[str(REFUSALS.get(r, r)) for r in refused["refusal_reasons"]],
            outgoing=refused["outgoing_name"],
            incoming=refused["incoming_name"] or "",
        )
        if refused
        else None,
        contacts=await escalation_contacts(office_id, on_shift),
    )


async def _first_unaccepted(office_id: int, at: datetime) -> dict | None:
    """The latest handover (waiting or refused) of an office that has accepted none yet."""
    return (
        await Handover.select(
            Handover.outgoing, Handover.from_date, Handover.from_code, Handover.to_date, Handover.to_code
        )
        .where(
            (Handover.office == office_id) & Handover.status.is_in([*WAITING, "refused"]) & (Handover.received_at <= at)
        )
        .order_by(Handover.received_at, ascending=False)
        .first()
    )


async def pending_handover(office_id: int, templates: list[dict], tz: ZoneInfo) -> dict | None:
    """The handover waiting for the incoming, with what the outgoing recorded (for the take-over form)."""
    row = (
        await Handover.select(
            Handover.id,
            Handover.from_date,
            Handover.from_code,
            Handover.to_date,
            Handover.to_code,
            Handover.outgoing,
            Handover.outgoing.display_name.as_alias("outgoing_name"),
            Handover.prepared_at,
            Handover.desk_tidied_at,
            Handover.outgoing_inventory,
            Handover.outgoing_anomalies,
            Handover.outgoing_note,
            Handover.status,
            Handover.incoming,
            Handover.incoming.display_name.as_alias("incoming_name"),
        )
        .where((Handover.office == office_id) & Handover.status.is_in(WAITING))
        .order_by(Handover.prepared_at, ascending=False)
        .output(load_json=True)
        .first()
    )
    if row is None:
        return None
    items = (
        await HandoverItem.select(HandoverItem.text, HandoverItem.major_repair)
        .where(HandoverItem.handover == row["id"])
        .order_by(HandoverItem.position)
    )
    return {
        "id": str(row["id"]),
        "shift_date": row["from_date"].isoformat(),
        "shift_code": row["from_code"],
        "to_date": row["to_date"].isoformat(),
        "to_code": row["to_code"],
        "from_label": shift_label(row["from_date"], row["from_code"], templates),
        "to_label": shift_label(row["to_date"], row["to_code"], templates),
        "outgoing_id": row["outgoing"],
        "outgoing_name": row["outgoing_name"],
        "desk_tidied_at": _aware(row["desk_tidied_at"]).isoformat(),
        "desk_tidied_local": _aware(row["desk_tidied_at"]).astimezone(tz).strftime("%H:%M"),
        "inventory": row["outgoing_inventory"],
        "anomalies": row["outgoing_anomalies"],
        "open_items": [{"text": i["text"], "major_repair": i["major_repair"]} for i in items],
        "note": row["outgoing_note"],
        "source": "server",
        # "signing": the incoming accepted and signed on their own phone; the outgoing countersigns (H7)
        "status": row["status"],
        "incoming_id": row["incoming"],
        "incoming_name": row["incoming_name"] or "",
    }


async def outgoing_of(office_id: int, handover_id) -> int:
    """The outgoing of a handover of this office (0 when there is none)."""
    row = (
        await Handover.select(Handover.outgoing)
        .where((Handover.id == handover_id) & (Handover.office == office_id))
        .first()
    )
    return row["outgoing"] if row else 0


async def carried_items(office_id: int, limit: int = 30) -> list[dict]:
    """Open items carried over by accepted handovers, still open (H2): the incoming reads them."""
    rows = (
        await HandoverItem.select(
            HandoverItem.id,
            HandoverItem.text,
            HandoverItem.major_repair,
            HandoverItem.night,
            HandoverItem.from_date,
            HandoverItem.from_code,
            HandoverItem.handover.outgoing.display_name.as_alias("outgoing_name"),  # type: ignore[union-attr]
        )
        .where(
            (HandoverItem.office == office_id)
            & (HandoverItem.state == "open")
            & (HandoverItem.handover.status == "accepted")
        )
        .order_by(HandoverItem.from_date, ascending=False)
        .order_by(HandoverItem.position)
        .limit(limit)
    )
    return rows


def current_or_last_shift(now: datetime, templates: list[dict], tz: ZoneInfo) -> tuple:
    """The shift going on now, or (between shifts) the one that ended last."""
    day, code = shift_of(now.astimezone(tz), templates)
    if code != "off":
        return day, code
    candidates = [(d, s["code"]) for d in (day - timedelta(days=1), day) for s in ordered_shifts(templates)]
    started = [c for c in candidates if shift_bounds(*c, templates, tz)[0] <= now]
    return started[-1] if started else candidates[0]


async def desk_state(staff: CurrentStaff) -> dict:
    """Everything the handover page needs, also offline: the shifts, who holds the desk, the handover
    waiting for the incoming, who the roster names next, the inventory list and the last counts, the
    staff who can sign, the duty log of the last two shifts, and the server's signing key."""
    office_id = staff.office_id
    tz = staff.tz
    now = datetime.now(UTC)
    templates = await office_shift_templates(office_id)
    day, code = current_or_last_shift(now, templates, tz)
    prev = previous_shift(day, code, templates)
    duty = await on_duty_now(office_id, staff.office_time_zone, now)
    last = await last_accepted(office_id)
    logs = []
    for d, c in (prev, (day, code)):
        entries = await entries_for_day(staff, office_id, d, c)
        logs.append(
            {
                "key": f"{d.isoformat()}|{c}",
                "label": shift_label(d, c, templates),
                "entries": [{"time": e["recorded_local"].strftime("%H:%M"), "text": e["text"]} for e in entries],
            }
        )
    people = await roster_staff(office_id)
    pending = await pending_handover(office_id, templates, tz)
    upcoming = await upcoming_shifts(office_id, *prev, templates, count=len(templates) * 3 + 1)
    if pending:
        to = next((u for u in upcoming if (u["date"], u["code"]) == (pending["to_date"], pending["to_code"])), None)
        pending["incoming_default"] = to["staff"][0]["id"] if to and to["staff"] else ""
    state = {
        "user": staff.id,
        "shifts": templates,
        "holder": {"id": duty.on_duty.staff_id, "name": duty.on_duty.name} if duty.on_duty else None,
        "pending": pending,
        "upcoming": upcoming,
        "people": [
            {"id": p["id"], "name": p["display_name"], "role": p["role"]} for p in people if p["role"] in DESK_ROLES
        ],
        "items": await office_inventory(office_id),
        "baseline": counts_of(last),
        "sign_key": signing.public_key(),
    }
    carried = await carried_items(office_id)
    # H4 with K2: the keys out are on the desk's list, so the incoming counts them.
    return {"state": state, "duty": duty, "logs": logs, "carried": carried, "keys_out": await keys_out(office_id, now)}
