"""Move-in (入伙, SPEC M1–M3, E2): a case opened for a unit not handed over; the documents ticked with
their photos into the resident file; the house inspection done on the phone (offline: the whole
inspection is one change, sent when there is signal) with its defects for the developer; the
agreements and what was issued signed for; the unit occupied only when nothing is missing."""

from __future__ import annotations

import uuid
from decimal import Decimal

from app.attachments.service import exists_for_office
from app.clock import when_it_happened
from app.errors import RuleViolation
from app.estate import service as estate
from app.i18n import _, lazy
from app.keys import service as keys
from app.movein import rules
from app.movein.reads import checklist, missing_for
from app.movein.schemas import (
    MoveInAgreements,
    MoveInComplete,
    MoveInDocumentTick,
    MoveInInspect,
    MoveInIssue,
    MoveInOpen,
    MoveInReinspect,
)
from app.movein.tables import MoveIn, MoveInDefect, MoveInDocument, MoveInInspection
from app.sync import registry
from app.sync.registry import ApplyContext


def _writer(ctx: ApplyContext) -> None:
    if ctx.staff.role not in rules.WRITERS:
        raise RuleViolation("forbidden", _("Your role does not handle move-ins."))


async def _photos(office_id: int, photos: list[str], field: str = "photos") -> None:
    if len(set(photos)) != len(photos):
        raise RuleViolation("photo_twice", _("The same photo is attached twice."), field=field)
    for sha in photos:
        if not await exists_for_office(sha, office_id):
            message = _("A photo of this change has not reached the server. Sync again when there is signal.")
            raise RuleViolation("photo_missing", message, field=field)


async def _case(ctx: ApplyContext, move_in_id: int, *, open_only: bool = True) -> dict:
    row = (
        await MoveIn.select()
        .where((MoveIn.id == move_in_id) & (MoveIn.office == ctx.staff.office_id))
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise RuleViolation("not_found", _("That move-in is not in your office."), field="move_in_id")
    if open_only and row["state"] != "open":
        raise RuleViolation("done", _("This unit has already been handed over."))
    return row


async def apply_open(ctx: ApplyContext, m: MoveInOpen) -> None:
    """`movein.open` (M1): only a unit of the office that is not handed over, one case at a time."""
    _writer(ctx)
    unit = await estate.unit_state(ctx.staff.office_id, m.data.unit_id)
    if unit is None:
        raise RuleViolation("no_unit", _("Choose a unit of this office."), field="unit_id")
    if unit["state"] != "not_handed_over":
        raise RuleViolation("handed_over", _("This unit is not waiting to be handed over."), field="unit_id")
    if await MoveIn.exists().where((MoveIn.unit == unit["id"]) & (MoveIn.state == "open")):
        raise RuleViolation("open", _("A move-in of this unit is already under way."), field="unit_id")
    await MoveIn.insert(
        MoveIn(
            office=ctx.staff.office_id,
            unit=unit["id"],
            case_kind=m.data.case_kind,
            owner_name=m.data.owner_name.strip(),
            opened_by=ctx.staff.id,
            opened_at=ctx.received_at,
        )
    )


async def apply_document(ctx: ApplyContext, m: MoveInDocumentTick) -> None:
    """`movein.document` (M1, E2): a document of the case, its copy photographed into the file."""
    _writer(ctx)
    case = await _case(ctx, m.data.move_in_id)
    if m.data.kind not in rules.DOCUMENTS[case["case_kind"]]:
        raise RuleViolation("kind", _("That document is not asked for in this case."), field="kind")
    await _photos(ctx.staff.office_id, [m.data.photo], "photo")
    await MoveInDocument.insert(
        MoveInDocument(
            office=ctx.staff.office_id,
            move_in=case["id"],
            kind=m.data.kind,
            photo=m.data.photo,
            staff=ctx.staff.id,
            recorded_at=ctx.received_at,
        )
    )
    await estate.add_file_document(ctx.staff.office_id, case["unit"], m.data.kind, m.data.photo, ctx.staff.id)


def _reading(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 2)))


async def apply_inspect(ctx: ApplyContext, m: MoveInInspect) -> None:
    """`movein.inspect` (M2): every item of the list passed or a defect (a defect says what is wrong or
    shows it); the readings; the owner's signature. Each defect becomes a rectification record."""
    _writer(ctx)
    data, office_id = m.data, ctx.staff.office_id
    case = await _case(ctx, data.move_in_id)
    if await MoveInInspection.exists().where(MoveInInspection.id == m.id):
        raise RuleViolation("id_reused", _("This change id was already used for different content."))
    listed = set(await checklist(office_id))
    seen: set[tuple[str, str]] = set()
    for n, item in enumerate(data.items):
        key = (item.room, item.item)
        if key not in listed or key in seen:
            raise RuleViolation("item", _("An item is not on the office's inspection list."), field=f"items.{n}")
        seen.add(key)
        if item.result == "defect" and not item.note.strip() and not item.photos:
            raise RuleViolation("note_required", _("Say what is wrong, or add a photo."), field=f"items.{n}.note")
    if missing := [f"{room} {item}" for room, item in listed - seen]:
        message = _("Not inspected yet: %(items)s", items="、".join(sorted(missing)[:5]))
        raise RuleViolation("incomplete", message, field="items")
    await _photos(office_id, [sha for item in data.items for sha in item.photos] + [data.signature], "photos")
    inspected_at, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    await MoveInInspection.insert(
        MoveInInspection(
            id=m.id,
            office=office_id,
            move_in=case["id"],
            items=[
                {"room": i.room, "item": i.item, "result": i.result, "note": i.note.strip(), "photos": i.photos}
                for i in data.items
            ],
            water=_reading(data.water),
            electricity=_reading(data.electricity),
            gas=_reading(data.gas),
            signed_by=data.signed_by.strip(),
            signature=data.signature,
            staff=ctx.staff.id,
            inspected_at=inspected_at,
            received_at=ctx.received_at,
        )
    )
    defects = [i for i in data.items if i.result == "defect"]
    day = inspected_at.astimezone(ctx.staff.tz).date()
    if defects:
        await MoveInDefect.insert(
            *[
                MoveInDefect(
                    id=uuid.uuid5(m.id, f"{d.room}/{d.item}"),
                    office=office_id,
                    move_in=case["id"],
                    inspection=m.id,
                    room=d.room,
                    item=d.item,
                    note=d.note.strip(),
                    photos=d.photos,
                    reported_on=day,
                )
                for d in defects
            ]
        )
    await estate.add_file_document(office_id, case["unit"], rules.INSPECTION_RECORD, data.signature, ctx.staff.id)


async def apply_reinspect(ctx: ApplyContext, m: MoveInReinspect) -> None:
    """`movein.reinspect` (M2): the developer's repair seen with the owner, who signs when satisfied."""
    _writer(ctx)
    defect = (
        await MoveInDefect.select(MoveInDefect.id, MoveInDefect.state)
        .where((MoveInDefect.id == m.data.defect_id) & (MoveInDefect.office == ctx.staff.office_id))
        .first()
    )
    if defect is None:
        raise RuleViolation("not_found", _("That defect is not in your office."), field="defect_id")
    if defect["state"] != "open":
        raise RuleViolation("fixed", _("This defect was already re-inspected and signed off."))
    await _photos(ctx.staff.office_id, [m.data.signature], "signature")
    when, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    await MoveInDefect.update(
        {
            MoveInDefect.state: "fixed",
            MoveInDefect.reinspected_at: when,
            MoveInDefect.reinspected_by: ctx.staff.id,
            MoveInDefect.reinspection_note: m.data.note.strip(),
            MoveInDefect.reinspection_signature: m.data.signature,
        }
    ).where(MoveInDefect.id == defect["id"])


async def apply_agreements(ctx: ApplyContext, m: MoveInAgreements) -> None:
    """`movein.agreements` (M3): the agreements signed, each into the file."""
    _writer(ctx)
    case = await _case(ctx, m.data.move_in_id)
    if unknown := [n for n in m.data.names if n not in rules.AGREEMENTS]:
        raise RuleViolation("unknown", _("Not an agreement of the move-in: %(name)s", name=unknown[0]), field="names")
    await _photos(ctx.staff.office_id, [m.data.signature], "signature")
    names = sorted(set(case["agreements"]) | set(m.data.names), key=rules.AGREEMENTS.index)
    await MoveIn.update(
        {MoveIn.agreements: names, MoveIn.agreements_signature: m.data.signature, MoveIn.agreements_at: ctx.received_at}
    ).where(MoveIn.id == case["id"])
    for name in m.data.names:
        await estate.add_file_document(ctx.staff.office_id, case["unit"], name, m.data.signature, ctx.staff.id)


async def apply_issue(ctx: ApplyContext, m: MoveInIssue) -> None:
    """`movein.issue` (M3): what was handed over, signed for; the unit's owner keys leave the register."""
    _writer(ctx)
    office_id = ctx.staff.office_id
    case = await _case(ctx, m.data.move_in_id)
    if unknown := [n for n in m.data.names if n not in rules.ISSUED]:
        raise RuleViolation("unknown", _("Not an item of the move-in: %(name)s", name=unknown[0]), field="names")
    kept = {k["id"] for k in await keys.owner_keys_of_unit(office_id, case["unit"])}
    if any(k not in kept for k in m.data.key_ids):
        raise RuleViolation("key", _("That key is not an owner's key of this unit in the register."), field="key_ids")
    if "全套钥匙" in m.data.names and not m.data.key_ids and kept:
        raise RuleViolation("keys", _("Choose the keys handed over from the key register."), field="key_ids")
    await _photos(office_id, [m.data.signature], "signature")
    names = sorted(set(case["issued"]) | set(m.data.names), key=rules.ISSUED.index)
    await MoveIn.update(
        {
            MoveIn.issued: names,
            MoveIn.key_ids: sorted(set(case["key_ids"]) | set(m.data.key_ids)),
            MoveIn.issued_signature: m.data.signature,
            MoveIn.issued_at: ctx.received_at,
        }
    ).where(MoveIn.id == case["id"])
    await keys.hand_over_keys(office_id, case["unit"], list(m.data.key_ids), _("Handed to the owner at move-in"))


async def apply_complete(ctx: ApplyContext, m: MoveInComplete) -> None:
    """`movein.complete` (M3): refused, naming what is missing, until the documents, the inspection,
    the agreements and the items are complete; then the unit is occupied."""
    _writer(ctx)
    case = await _case(ctx, m.data.move_in_id)
    if missing := await missing_for(case):
        message = _("The unit cannot be handed over yet. Missing: %(missing)s", missing="、".join(missing))
        raise RuleViolation("incomplete", message)
    await MoveIn.update(
        {MoveIn.state: "done", MoveIn.completed_at: ctx.received_at, MoveIn.completed_by: ctx.staff.id}
    ).where(MoveIn.id == case["id"])
    await estate.set_unit_state(ctx.staff.office_id, case["unit"], "occupied")


MUTATIONS = (
    registry.MutationKind(MoveInOpen, apply_open, label=lazy("Move-in started")),
    registry.MutationKind(MoveInDocumentTick, apply_document, label=lazy("Move-in document")),
    registry.MutationKind(MoveInInspect, apply_inspect, label=lazy("House inspection")),
    registry.MutationKind(MoveInReinspect, apply_reinspect, label=lazy("Defect re-inspected")),
    registry.MutationKind(MoveInAgreements, apply_agreements, label=lazy("Agreements signed")),
    registry.MutationKind(MoveInIssue, apply_issue, label=lazy("Items issued")),
    registry.MutationKind(MoveInComplete, apply_complete, label=lazy("Move-in completed")),
)
