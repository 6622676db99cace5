"""The handover rules (SPEC H1–H7, D10), applied from the offline mutations handover.submit,
handover.accept and handover.refuse. Every check comes first; a handover row changes only when all hold.

Who is on duty follows the handovers: the incoming of the last accepted handover holds the desk from
the moment of acceptance (H7) until they hand it over; a refusal changes nothing, so the outgoing
stays on duty (D10). Reading (who is on duty now, records, night items) is in `app.handover.desk`
and `app.handover.records`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from app.alerts.service import raise_alert
from app.auth.schemas import CurrentStaff
from app.clock import aware as stored_utc
from app.errors import RuleViolation, StaleChange
from app.handover import signing
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
from app.handover.schemas import HandoverAccept, HandoverCountersign, HandoverRefuse, HandoverSubmit, Signature
from app.handover.tables import Handover, HandoverComment, HandoverItem
from app.i18n import _, lazy
from app.org.service import office_shift_templates
from app.roster.service import (
    DESK_ROLES,
    is_night,
    next_shift,
    office_inventory,
    rostered_for,
    shift_bounds,
    shift_label,
    staff_names,
    upcoming_shifts,
)
from app.sync import registry
from app.sync.registry import ApplyContext

HANDOVER_ROLES = DESK_ROLES  # the desk's people hand it over; technicians on the roster do not
HANDOVER_READERS = DESK_ROLES | {"qa"}
REFUSALS: dict[str, str] = {  # H5: the four refusals (四不接)
    "records_unclear": lazy("Records unclear"),
    "desk_not_clean": lazy("Desk not clean"),
    "property_missing": lazy("Public property missing"),
    "major_repair_unfinished": lazy("Major repair unfinished"),
}
OPEN_OR_ACCEPTED = ["submitted", "signing", "accepted"]  # a shift is handed over once (an index backs it)
STATUSES: dict[str, str] = {
    "submitted": lazy("Waiting for the incoming"),
    "signing": lazy("Signed by the incoming, waiting for the outgoing's signature"),
    "accepted": lazy("Taken over"),
    "refused": lazy("Refused by the incoming"),
}


def _require_role(staff: CurrentStaff) -> None:
    if staff.role not in HANDOVER_ROLES:
        raise RuleViolation("forbidden", _("Your role does not take part in handovers."))


async def last_accepted(office_id: int, before: datetime | None = None) -> dict | None:
    """The last accepted handover of an office: its incoming holds the desk (H7)."""
    query = Handover.select(
        Handover.id,
        Handover.from_date,
        Handover.from_code,
        Handover.to_date,
        Handover.to_code,
        Handover.decided_at,
        Handover.incoming,
        Handover.incoming.display_name.as_alias("incoming_name"),
        Handover.incoming_inventory,
        Handover.outgoing_inventory,
    ).where((Handover.office == office_id) & (Handover.status == "accepted"))
    if before is not None:
        query = query.where(Handover.decided_at <= before)
    return await query.order_by(Handover.decided_at, ascending=False).output(load_json=True).first()


def counts_of(handover: dict | None) -> dict[str, int]:
    """What the desk held when it was last taken over (the incoming's recount)."""
    if not handover:
        return {}
    rows = handover.get("incoming_inventory") or handover.get("outgoing_inventory") or []
    return {r["item"]: r["count"] for r in rows}


# --- handover.submit ------------------------------------------------------------------------------------


async def apply_submit(ctx: ApplyContext, mutation: HandoverSubmit) -> None:
    """The outgoing prepares the handover of their shift: desk tidied (H1), open items (H2, H6),
    anomalies explained (H3), inventory counted (H4). Refused for a shift already handed over."""
    staff, data = ctx.staff, mutation.data
    _require_role(staff)
    office_id = staff.office_id
    tz = ZoneInfo(staff.office_time_zone)
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
        message = _("Finish the shift's work, or list what is unfinished as open items, then tick this (H6).")
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


def _local(value: datetime | None, tz: ZoneInfo) -> str:
    if value is None:
        return ""
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    return value.astimezone(tz).strftime("%m-%d %H:%M")


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
        "The supervisor publishes the roster first (D1).",
        shift=label,
    )
    raise RuleViolation("no_incoming", message, field="shift")


# --- handover.accept / handover.refuse ---------------------------------------------------------------


async def _pending(ctx: ApplyContext, handover_id) -> dict:
    row = (
        await Handover.select()
        .where((Handover.id == handover_id) & (Handover.office == ctx.staff.office_id))
        .output(load_json=True)
        .first()
    )
    if row is None:
        message = _("This handover is not on the server. If its preparation was refused, fix and send that first.")
        raise RuleViolation("handover_not_found", message)
    return row


def _stale(ctx: ApplyContext, row: dict, note: str, anomalies: list, reasons: list) -> StaleChange:
    """The handover was decided meanwhile: refuse, and keep what this decision carried as a comment."""
    tz = ZoneInfo(ctx.staff.office_time_zone)
    message = _(
        "This handover was already decided (%(status)s, %(time)s). Your notes are kept as a comment on it.",
        status=STATUSES.get(row["status"], row["status"]),
        time=_local(row["decided_at"], tz),
    )
    parts = [note.strip()] if note.strip() else []
    parts += [f"{a.text} — {a.explanation}" for a in anomalies if a.text.strip()]
    parts += [str(REFUSALS[r]) for r in reasons]

    async def keep() -> None:
        if parts:
            await HandoverComment.insert(
                HandoverComment(office=row["office"], handover=row["id"], author=ctx.staff.id, text="\n".join(parts))
            )

    return StaleChange(message, keep=keep)


async def _check_incoming(ctx: ApplyContext, row: dict, incoming_id: int, templates: list[dict]) -> dict[int, str]:
    """The incoming is the person the roster names for the incoming shift, or their approved substitute (D4)."""
    names = await staff_names(ctx.staff.office_id)
    label = shift_label(row["to_date"], row["to_code"], templates)
    if incoming_id not in names:
        raise RuleViolation("incoming_unknown", _("Choose the incoming from this office's staff."), field="incoming")
    if incoming_id == row["outgoing"]:
        message = _("The outgoing cannot take over their own handover.")
        raise RuleViolation("incoming_is_outgoing", message, field="incoming")
    rostered = await rostered_for(ctx.staff.office_id, row["to_date"], row["to_code"])
    if incoming_id not in {r["id"] for r in rostered}:
        message = _(
            "%(name)s is not rostered for %(shift)s and has no approved substitution for it. "
            "The roster names: %(rostered)s.",
            name=names[incoming_id],
            shift=label,
            rostered="、".join(r["name"] for r in rostered) or _("nobody"),
        )
        raise RuleViolation("not_rostered_incoming", message, field="incoming")
    return names


def _check_outgoing_signer(row: dict, signature: Signature, names: dict[int, str]) -> None:
    """H7: the outgoing's signature is the outgoing's, whichever phone it was made on."""
    if signature.staff_id != row["outgoing"]:
        message = _("The second signature is the outgoing's: %(name)s.", name=names.get(row["outgoing"], "?"))
        raise RuleViolation("wrong_outgoing", message, field="_secret_out")


def _arrival(ctx: ApplyContext, value: datetime, moment: datetime, prepared_at: datetime) -> datetime:
    arrived = aware(value, ZoneInfo(ctx.staff.office_time_zone))
    if arrived > moment + MAX_CLOCK_SKEW or arrived < prepared_at - timedelta(hours=12):
        raise RuleViolation("arrived_at", _("Enter when the incoming arrived."), field="arrived_at")
    return arrived


async def apply_accept(ctx: ApplyContext, mutation: HandoverAccept) -> None:
    """The incoming read the log and open items (H2), recounted (H4), and both sign (H7): the incoming
    is on duty from this moment. A handover decided meanwhile is a stale change (DESIGN "Conflicts")."""
    data = mutation.data
    _require_role(ctx.staff)
    row = await _pending(ctx, data.handover_id)
    if row["status"] != data.expected_state:
        raise _stale(ctx, row, data.note, data.anomalies, [])
    templates = await office_shift_templates(ctx.staff.office_id)
    names = await _check_incoming(ctx, row, data.incoming.staff_id, templates)
    if data.outgoing is not None:
        _check_outgoing_signer(row, data.outgoing, names)
    if not data.log_read:
        message = _("Read the shift's duty log and open items first, then tick this (H2).")
        raise RuleViolation("log_not_read", message, field="log_read")
    moment, _suspect = moment_of(ctx, mutation.recorded_at)
    prepared = stored_utc(row["prepared_at"])
    moment = max(moment, prepared)
    arrived = _arrival(ctx, data.arrived_at, moment, prepared)
    outgoing_counts = {r["item"]: r["count"] for r in row["outgoing_inventory"]}
    items = await office_inventory(ctx.staff.office_id)
    recount = check_inventory(data.inventory, items, outgoing_counts, "rc")
    anomalies = check_anomalies(data.anomalies, "found")
    signatures = [("incoming", data.incoming, "_secret_in")]
    if data.outgoing is not None:
        signatures.append(("outgoing", data.outgoing, "_secret_out"))
    for role, signature, field in signatures:
        await signing.verify(
            ctx,
            signature,
            role=role,
            handover_id=str(row["id"]),
            mutation_id=str(mutation.id),
            name=names[signature.staff_id],
            field=field,
        )
    incoming_side = {
        Handover.incoming: data.incoming.staff_id,
        Handover.arrived_at: arrived,
        Handover.log_read: True,
        Handover.incoming_inventory: recount,
        Handover.incoming_anomalies: anomalies,
        Handover.incoming_note: text_of(data.note),
        Handover.incoming_signed_at: moment,
    }
    if data.outgoing is None:  # each on their own phone: the outgoing countersigns next (H7)
        await Handover.update({**incoming_side, Handover.status: "signing"}).where(
            (Handover.id == row["id"]) & (Handover.status == "submitted")
        )
        return
    await Handover.update({**incoming_side, **_decided(ctx, moment)}).where(
        (Handover.id == row["id"]) & (Handover.status == "submitted")
    )


def _decided(ctx: ApplyContext, moment: datetime) -> dict:
    """Both have signed (H7): taken over at this moment, by this phone."""
    return {
        Handover.status: "accepted",
        Handover.decided_at: moment,
        Handover.decided_received_at: ctx.received_at,
        Handover.decided_by: ctx.staff.id,
        Handover.decided_device_id: ctx.device_id,
        Handover.outgoing_signed_at: moment,
    }


async def apply_countersign(ctx: ApplyContext, mutation: HandoverCountersign) -> None:
    """H7 on two phones: the outgoing signs a handover the incoming accepted and signed on their own
    phone; the incoming is on duty from this moment. Until then the outgoing stays on duty (D10)."""
    data = mutation.data
    _require_role(ctx.staff)
    row = await _pending(ctx, data.handover_id)
    if row["status"] != data.expected_state:
        raise _stale(ctx, row, "", [], [])
    names = await staff_names(ctx.staff.office_id)
    _check_outgoing_signer(row, data.outgoing, names)
    moment = max(moment_of(ctx, mutation.recorded_at)[0], stored_utc(row["incoming_signed_at"]))
    await signing.verify(
        ctx,
        data.outgoing,
        role="outgoing",
        handover_id=str(row["id"]),
        mutation_id=str(mutation.id),
        name=names[row["outgoing"]],
        field="_secret_out",
    )
    await Handover.update(_decided(ctx, moment)).where((Handover.id == row["id"]) & (Handover.status == "signing"))


async def apply_refuse(ctx: ApplyContext, mutation: HandoverRefuse) -> None:
    """H5, the four refusals: any one of them refuses the handover; the outgoing stays on duty (D10).

    The supervisor is alerted at once (and sees it on the home page and the records page)."""
    data = mutation.data
    _require_role(ctx.staff)
    row = await _pending(ctx, data.handover_id)
    if row["status"] != data.expected_state:
        raise _stale(ctx, row, data.note, data.anomalies, data.reasons)
    reasons = sorted(set(data.reasons), key=list(REFUSALS).index)
    if not reasons:
        message = _("Tick at least one of the four refusals (H5), or accept the handover.")
        raise RuleViolation("reason_required", message, field="reasons")
    templates = await office_shift_templates(ctx.staff.office_id)
    names = await _check_incoming(ctx, row, data.incoming.staff_id, templates)
    moment, _suspect = moment_of(ctx, mutation.recorded_at)
    prepared = stored_utc(row["prepared_at"])
    moment = max(moment, prepared)
    arrived = _arrival(ctx, data.arrived_at, moment, prepared)
    outgoing_counts = {r["item"]: r["count"] for r in row["outgoing_inventory"]}
    items = await office_inventory(ctx.staff.office_id)
    recount = check_inventory(data.inventory, items, outgoing_counts, "rc", complete=False, explain=False)
    anomalies = check_anomalies(data.anomalies, "found")
    await signing.verify(
        ctx,
        data.incoming,
        role="incoming",
        handover_id=str(row["id"]),
        mutation_id=str(mutation.id),
        name=names[data.incoming.staff_id],
        field="_secret_in",
    )
    await Handover.update(
        {
            Handover.status: "refused",
            Handover.incoming: data.incoming.staff_id,
            Handover.arrived_at: arrived,
            Handover.log_read: data.log_read,
            Handover.incoming_inventory: recount,
            Handover.incoming_anomalies: anomalies,
            Handover.incoming_note: text_of(data.note),
            Handover.refusal_reasons: reasons,
            Handover.decided_at: moment,
            Handover.decided_received_at: ctx.received_at,
            Handover.decided_by: ctx.staff.id,
            Handover.decided_device_id: ctx.device_id,
            Handover.incoming_signed_at: moment,
        }
    ).where((Handover.id == row["id"]) & (Handover.status == "submitted"))
    await raise_alert(
        office_id=ctx.staff.office_id,
        kind="handover_refused",
        title=_("Handover refused: %(reasons)s", reasons="、".join(str(REFUSALS.get(r, r)) for r in reasons)),
        body=_("%(outgoing)s stays on duty (D10).", outgoing=names.get(row["outgoing"], "")),
        url=f"/handover/{row['id']}",  # the refused record: its reasons, counts and signatures
        roles=["supervisor"],
        raised_by=ctx.staff.id,
        source=f"handover:{row['id']}",
        now=ctx.received_at,
    )


MUTATIONS = (
    registry.MutationKind(HandoverSubmit, apply_submit, label=lazy("Handover prepared")),
    registry.MutationKind(HandoverAccept, apply_accept, label=lazy("Handover accepted")),
    registry.MutationKind(HandoverRefuse, apply_refuse, label=lazy("Handover refused")),
    registry.MutationKind(HandoverCountersign, apply_countersign, label=lazy("Handover countersigned")),
)
