"""The handover rules (SPEC H1–H7, D10), applied from the offline mutations handover.submit,
handover.accept and handover.refuse. Every check comes first; a handover row changes only when all hold.

Who is on duty follows the handovers: the incoming of the last accepted handover holds the desk from
the moment of acceptance (H7) until they hand it over; a refusal changes nothing, so the outgoing
stays on duty (D10). Reading (who is on duty now, records, night items) is in `app.handover.desk`
and `app.handover.records`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from app.alerts.service import raise_alert
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
from app.handover._common import (  # noqa: F401 (re-exported)
    HANDOVER_READERS,
    HANDOVER_ROLES,
    OPEN_OR_ACCEPTED,
    REFUSALS,
    STATUSES,
    _local,
    _require_role,
    counts_of,
    last_accepted,
)
from app.handover._submit import apply_submit
from app.handover.schemas import HandoverAccept, HandoverCountersign, HandoverRefuse, HandoverSubmit, Signature
from app.handover.tables import Handover, HandoverComment, HandoverItem
from app.i18n import _, lazy
from app.org.service import office_shift_templates
from app.roster.service import (
    office_inventory,
    rostered_for,
    shift_label,
    staff_names,
)
from app.sync import registry
from app.sync.registry import ApplyContext

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
    tz = ctx.staff.tz
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
    arrived = aware(value, ctx.staff.tz)
    if arrived > moment + MAX_CLOCK_SKEW or arrived < prepared_at - timedelta(hours=12):
        raise RuleViolation("arrived_at", _("Enter when the incoming arrived."), field="arrived_at")
    return arrived


async def _check_no_major_repair(row: dict) -> None:
    """H5 「重大维修未完不接」: while a major repair of the shift is unfinished (an open item marked so),
    the handover cannot be accepted — only refused, and the outgoing stays on duty (D10)."""
    majors = await HandoverItem.select(HandoverItem.text).where(
        (HandoverItem.handover == row["id"]) & HandoverItem.major_repair.eq(True) & (HandoverItem.state == "open")
    )
    if majors:
        message = _(
            "A major repair is unfinished (%(items)s): the handover cannot be accepted. Refuse it; "
            "the outgoing stays on duty until the repair is done.",
            items="、".join(m["text"] for m in majors)[:200],
        )
        raise RuleViolation("major_repair_unfinished", message, field="decision")


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
        message = _("Read the shift's duty log and open items first, then tick this.")
        raise RuleViolation("log_not_read", message, field="log_read")
    moment, _suspect = moment_of(ctx, mutation.recorded_at)
    prepared = stored_utc(row["prepared_at"])
    moment = max(moment, prepared)
    arrived = _arrival(ctx, data.arrived_at, moment, prepared)
    await _check_no_major_repair(row)
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
    incoming_side: dict[Any, Any] = {
        Handover.incoming: data.incoming.staff_id,
        Handover.arrived_at: arrived,
        Handover.arrived_typed: data.arrived_typed,
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


def _decided(ctx: ApplyContext, moment: datetime) -> dict[Any, Any]:
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
        message = _("Tick at least one of the four refusals, or accept the handover.")
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
            Handover.arrived_typed: data.arrived_typed,
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
        body=_("%(outgoing)s stays on duty.", outgoing=names.get(row["outgoing"], "")),
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
