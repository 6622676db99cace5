"""Reading handovers: the printable record (交接班记录), the list with refusals (H5), open and night
items with their one-action conversion (D11), and the home-page sections. The monthly duty summary
is the part `_summary`, re-exported here."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from uuid import UUID

from app import paging
from app.auth.schemas import CurrentStaff
from app.clock import aware as stored_utc
from app.db import write_transaction
from app.errors import Forbidden, RuleViolation, check_found
from app.handover._checks import arrived_late, tidied_late
from app.handover._summary import duty_summary  # noqa: F401 (re-exported)
from app.handover.desk import check_office, on_duty_now
from app.handover.service import HANDOVER_ROLES, REFUSALS, STATUSES
from app.handover.tables import Handover, HandoverComment, HandoverItem
from app.i18n import _, lazy
from app.org.service import office_shift_templates
from app.roster.service import (
    ROSTER_EDITORS,
    is_night,
    shift_bounds,
    shift_label,
)

ITEM_TARGETS: dict[str, str] = {  # D11: what a night item becomes
    "work_order": lazy("Work order"),
    "complaint": lazy("Complaint record"),
    "handled": lazy("Handled, no record needed"),
}
REFUSAL_READERS = ROSTER_EDITORS | {"manager", "qa"}
# The ref app/work stores when intake converts a night item (D11): the request's page.
REQUEST_REF = re.compile(r"/work/requests/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
INTAKE_FROM_ITEM = "/work/requests/new?handover_item={id}"  # the intake form, pre-filled from the item


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _minutes(delta: timedelta) -> int:
    return round(delta.total_seconds() / 60)


# --- one handover (printable) -------------------------------------------------------------------------


async def record(staff: CurrentStaff, handover_id: UUID) -> dict:
    """A handover as the paper record shows it: both shifts, times against the H1 standards, the
    inventory side by side (H4), anomalies (H3), open items (H2), refusals (H5), signatures (H7)."""
    row = check_found(
        await Handover.select(
            *Handover.all_columns(),
            Handover.outgoing.display_name.as_alias("outgoing_name"),
            Handover.incoming.display_name.as_alias("incoming_name"),
            Handover.decided_by.display_name.as_alias("decided_by_name"),
        )
        .where(Handover.id == handover_id)
        .output(load_json=True)
        .first()
    )
    check_office(staff, row["office"])
    tz = staff.tz
    templates = await office_shift_templates(row["office"])
    from_end = shift_bounds(row["from_date"], row["from_code"], templates, tz)[1]
    to_start = shift_bounds(row["to_date"], row["to_code"], templates, tz)[0]
    incoming = {r["item"]: r for r in row["incoming_inventory"]}
    inventory = [
        {
            "item": r["item"],
            "out": r,
            "in": incoming.get(r["item"]),
            "differs": r["item"] in incoming
            and (incoming[r["item"]]["count"] != r["count"] or incoming[r["item"]]["damaged"]),
        }
        for r in row["outgoing_inventory"]
    ]
    tidied = _aware(row["desk_tidied_at"])
    arrived = _aware(row["arrived_at"])
    items = (
        await HandoverItem.select(
            *HandoverItem.all_columns(), HandoverItem.resolved_by.display_name.as_alias("resolved_by_name")
        )
        .where(HandoverItem.handover == handover_id)
        .order_by(HandoverItem.position)
    )
    comments = (
        await HandoverComment.select(
            HandoverComment.text, HandoverComment.created_at, HandoverComment.author.display_name.as_alias("author")
        )
        .where(HandoverComment.handover == handover_id)
        .order_by(HandoverComment.created_at)
    )
    return {
        "h": row,
        "from_label": shift_label(row["from_date"], row["from_code"], templates),
        "to_label": shift_label(row["to_date"], row["to_code"], templates),
        "tidied_before": _minutes(from_end - tidied) if tidied else None,  # H1: 15 minutes before the end
        "tidied_late": tidied_late(from_end, tidied),
        "arrived_before": _minutes(to_start - arrived) if arrived else None,  # H1: 5 minutes early
        "arrived_late": arrived_late(to_start, arrived),
        "inventory": inventory,
        "items": items,
        "comments": comments,
        "reasons": [REFUSALS.get(r, r) for r in row["refusal_reasons"]],
        "status_label": STATUSES.get(row["status"], row["status"]),
        "synced_late": row["decided_at"] is not None
        and stored_utc(row["decided_received_at"]) - stored_utc(row["decided_at"]) > timedelta(minutes=2),
        "targets": ITEM_TARGETS,
        "tz": tz,
    }


# --- lists ---------------------------------------------------------------------------------------------------


async def list_records(
    staff: CurrentStaff, office_id: int, status: str | None = None, cursor: paging.Cursor | None = None
) -> tuple[list[dict], str | None]:
    """A page of an office's handovers, newest prepared first (then by id), after `cursor`; refusals
    (H5) marked; with the cursor of the next page (None: the last)."""
    check_office(staff, office_id)
    templates = await office_shift_templates(office_id)
    query = Handover.select(
        Handover.id,
        Handover.status,
        Handover.from_date,
        Handover.from_code,
        Handover.to_date,
        Handover.to_code,
        Handover.prepared_at,
        Handover.decided_at,
        Handover.refusal_reasons,
        Handover.outgoing.display_name.as_alias("outgoing_name"),
        Handover.incoming.display_name.as_alias("incoming_name"),
    ).where(Handover.office == office_id)
    if status in STATUSES:
        query = query.where(Handover.status == status)
    query = paging.after(query, Handover.prepared_at, Handover.id, cursor)
    rows, more = paging.cut(await query.output(load_json=True), "prepared_at")
    for r in rows:
        r["from_label"] = shift_label(r["from_date"], r["from_code"], templates)
        r["to_label"] = shift_label(r["to_date"], r["to_code"], templates)
        r["reasons"] = [REFUSALS.get(x, x) for x in r["refusal_reasons"]]
        r["when"] = _aware(r["decided_at"] or r["prepared_at"])
    return rows, more


async def recent_refusals(office_id: int, since: datetime) -> list[dict]:
    return (
        await Handover.select(
            Handover.id,
            Handover.decided_at,
            Handover.refusal_reasons,
            Handover.outgoing.display_name.as_alias("outgoing_name"),
            Handover.incoming.display_name.as_alias("incoming_name"),
        )
        .where((Handover.office == office_id) & (Handover.status == "refused") & (Handover.decided_at >= since))
        .order_by(Handover.decided_at, ascending=False)
        .output(load_json=True)
    )


# --- open items and night items (H2, D11) ---------------------------------------------------------------


_ITEM_COLUMNS = (
    HandoverItem.id,
    HandoverItem.text,
    HandoverItem.major_repair,
    HandoverItem.night,
    HandoverItem.from_date,
    HandoverItem.from_code,
    HandoverItem.state,
    HandoverItem.target_kind,
    HandoverItem.target_ref,
    HandoverItem.resolved_at,
    HandoverItem.resolved_by.display_name.as_alias("resolved_by_name"),
    HandoverItem.handover.as_alias("handover_id"),
    HandoverItem.handover.outgoing.display_name.as_alias("outgoing_name"),  # type: ignore[union-attr]
)


async def open_items(staff: CurrentStaff, office_id: int) -> dict:
    """Items carried over and still open (night items first, D11), and the latest conversions."""
    check_office(staff, office_id)
    templates = await office_shift_templates(office_id)
    accepted = (HandoverItem.office == office_id) & (HandoverItem.handover.status == "accepted")
    rows = (
        await HandoverItem.select(*_ITEM_COLUMNS)
        .where(accepted & (HandoverItem.state == "open"))
        .order_by(HandoverItem.from_date, ascending=False)
        .order_by(HandoverItem.position)
        .limit(200)
    )
    done = (
        await HandoverItem.select(*_ITEM_COLUMNS)
        .where(accepted & (HandoverItem.state == "converted"))
        .order_by(HandoverItem.resolved_at, ascending=False)
        .limit(20)
    )
    for r in [*rows, *done]:
        r["from_label"] = shift_label(r["from_date"], r["from_code"], templates)
        r["target_href"] = r["target_ref"] if REQUEST_REF.fullmatch(r["target_ref"] or "") else None
    return {
        "night": [r for r in rows if r["night"]],
        "other": [r for r in rows if not r["night"]],
        "done": done,
        "targets": ITEM_TARGETS,
        "can_convert": staff.role in HANDOVER_ROLES and office_id == staff.office_id,
        "intake_url": INTAKE_FROM_ITEM,
    }


async def convert_item(staff: CurrentStaff, item_id: UUID, kind: str, ref: str) -> None:
    """D11, one action: record what an open item was turned into (a work order, a complaint record,
    or handled without one). A work order comes from a real request: the intake form, pre-filled from
    the item (`INTAKE_FROM_ITEM`), calls this in the request's own transaction with kind `work_order`
    and ref = the request's page, so an item never becomes two requests. A complaint record or
    "handled" is still kind + free text, from the items page."""
    if staff.role not in HANDOVER_ROLES:
        raise Forbidden()
    if kind not in ITEM_TARGETS:
        raise RuleViolation("bad_target", _("Choose what the item becomes."), field="kind")
    ref = ref.strip()
    if len(ref) > 200:
        raise RuleViolation("ref_too_long", _("At most %(n)s characters.", n=200), field="ref")
    if kind == "handled" and not ref:
        raise RuleViolation("ref_required", _("Say how it was handled."), field="ref")
    async with write_transaction():
        row = check_found(
            await HandoverItem.select(
                HandoverItem.state,
                HandoverItem.resolved_at,
                HandoverItem.target_kind,
                HandoverItem.resolved_by.display_name.as_alias("by"),
                HandoverItem.handover.status.as_alias("handover_status"),
            )
            .where((HandoverItem.id == item_id) & (HandoverItem.office == staff.office_id))
            .first()
        )
        if row["handover_status"] != "accepted":
            raise RuleViolation("not_carried_over", _("This item belongs to a handover that was not accepted."))
        if row["state"] != "open":
            message = _(
                "Already done by %(name)s: %(target)s.",
                name=row["by"] or "?",
                target=ITEM_TARGETS.get(row["target_kind"], row["target_kind"]),
            )
            raise RuleViolation("already_converted", message)
        await HandoverItem.update(
            {
                HandoverItem.state: "converted",
                HandoverItem.target_kind: kind,
                HandoverItem.target_ref: ref,
                HandoverItem.resolved_by: staff.id,
                HandoverItem.resolved_at: datetime.now(UTC),
            }
        ).where((HandoverItem.id == item_id) & (HandoverItem.state == "open"))


# --- home page ---------------------------------------------------------------------------------------------


async def home_sections(staff: CurrentStaff, now: datetime) -> list[dict]:
    """On duty now and the desk's handover (everyone on the roster); night items for the day shift
    (D11); refused handovers for the supervisor and manager (H5: the supervisor is notified)."""
    sections: list[dict] = []
    if staff.role not in HANDOVER_ROLES | REFUSAL_READERS:
        return sections
    tz = staff.tz
    if staff.role in HANDOVER_ROLES:
        duty = await on_duty_now(staff.office_id, staff.office_time_zone)
        items = []
        if duty.on_duty:
            since = duty.since.astimezone(tz).strftime("%m-%d %H:%M") if duty.since else ""
            text = _("%(name)s is on duty (%(shift)s).", name=duty.on_duty.name, shift=duty.shift.name)
            items.append({"text": text, "meta": since, "flag": ""})
        if duty.awaiting_handover:
            text = _("The handover of this shift has not been accepted yet: the previous holder stays on duty.")
            items.append({"text": text, "meta": "", "flag": "warn"})
        if duty.pending_handover:
            items.append({"text": _("A handover is waiting for the incoming."), "meta": "", "flag": "warn"})
        sections.append({"title": _("On duty now"), "href": "/handover", "items": items, "empty": _("Nobody on duty.")})
        templates = await office_shift_templates(staff.office_id)
        if not is_night(duty.shift.code, templates):
            night = await open_items(staff, staff.office_id)
            if night["night"]:
                sections.append(
                    {
                        "title": _("Night items to turn into records"),
                        "href": "/handover/items",
                        "items": [
                            {"text": r["text"], "meta": r["from_date"].strftime("%m-%d"), "flag": "warn"}
                            for r in night["night"][:5]
                        ],
                        "empty": "",
                    }
                )
    if staff.role in REFUSAL_READERS:
        refusals = await recent_refusals(staff.office_id, now - timedelta(days=7))
        sections.append(
            {
                "title": _("Refused handovers"),
                "href": "/handover/records?status=refused",
                "items": [
                    {
                        "text": _(
                            "%(incoming)s refused %(outgoing)s: %(reasons)s",
                            incoming=r["incoming_name"] or "?",
                            outgoing=r["outgoing_name"],
                            reasons="、".join(str(REFUSALS.get(x, x)) for x in r["refusal_reasons"]),
                        ),
                        "meta": stored_utc(r["decided_at"]).astimezone(tz).strftime("%m-%d %H:%M"),
                        "flag": "major",
                    }
                    for r in refusals[:5]
                ],
                "empty": _("No refusals in the last 7 days."),
            }
        )
    return sections
