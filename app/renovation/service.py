"""Renovation (装修, SPEC M4–M7, P6): the application with its papers; the prohibited works and safety
points acknowledged by signature; the agreement signed by three; the fees paid against a receipt; the
permit only after all of that (each refusal names what is missing); engineering and security told;
the unit renovating and a checkpoint of the renovation patrol until the completion check puts it back."""

from __future__ import annotations

from decimal import Decimal

from app.alerts.service import raise_alert
from app.attachments.service import exists_for_office
from app.errors import RuleViolation
from app.estate import service as estate
from app.i18n import _, lazy
from app.passes import service as passes
from app.patrols import service as patrols
from app.renovation import rules
from app.renovation.reads import fees_of_office, missing_for_permit, permitted_units
from app.renovation.schemas import (
    RenovationAcknowledge,
    RenovationAgreement,
    RenovationApply,
    RenovationApproval,
    RenovationComplete,
    RenovationPay,
    RenovationPermit,
)
from app.renovation.tables import Renovation
from app.sync import registry
from app.sync.registry import ApplyContext


def _writer(ctx: ApplyContext) -> None:
    if ctx.staff.role not in rules.WRITERS:
        raise RuleViolation("forbidden", _("Your role does not handle renovations."))


async def _photos(office_id: int, photos: list[str], field: str) -> None:
    for sha in photos:
        if sha and not await exists_for_office(sha, office_id):
            message = _("A photo of this change has not reached the server. Sync again when there is signal.")
            raise RuleViolation("photo_missing", message, field=field)


async def _renovation(ctx: ApplyContext, renovation_id: int, *states: str) -> dict:
    row = (
        await Renovation.select()
        .where((Renovation.id == renovation_id) & (Renovation.office == ctx.staff.office_id))
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise RuleViolation("not_found", _("That renovation is not in your office."), field="renovation_id")
    if states and row["state"] not in states:
        raise RuleViolation("state", _("This renovation is no longer at that step."))
    return row


def _required(value: str, field: str, message: str) -> None:
    if not value.strip():
        raise RuleViolation("required", message, field=field)


async def apply_apply(ctx: ApplyContext, m: RenovationApply) -> None:
    """`renovation.apply` (M4): owner with proof of ownership, or tenant with lease and consent; a company
    with licence and qualification copies, or self-hired workers with a guarantee; dates in order."""
    _writer(ctx)
    d, office_id = m.data, ctx.staff.office_id
    if d.end_on < d.start_on:
        raise RuleViolation("dates", _("The end date cannot be before the start date."), field="end_on")
    unit = await estate.unit_state(office_id, d.unit_id)
    if unit is None:
        raise RuleViolation("no_unit", _("Choose a unit of this office."), field="unit_id")
    if unit["state"] not in ("occupied", "vacant"):
        raise RuleViolation(
            "not_handed_over", _("Only a unit that has been handed over can be renovated."), field="unit_id"
        )
    if await Renovation.exists().where((Renovation.unit == unit["id"]) & (Renovation.state != "completed")):
        raise RuleViolation("open", _("This unit already has a renovation under way."), field="unit_id")
    if d.applicant_kind == "owner":
        _required(d.ownership_photo, "ownership_photo", _("Attach the proof of ownership."))
    else:
        _required(d.lease_photo, "lease_photo", _("Attach the lease."))
        _required(d.consent_photo, "consent_photo", _("Attach the owner's consent to the renovation."))
    if d.contractor_kind == "company":
        _required(d.contractor_name, "contractor_name", _("Write the renovation company's name."))
        _required(d.licence_photo, "licence_photo", _("Attach the company's business licence copy."))
        _required(
            d.qualification_photo, "qualification_photo", _("Attach the company's qualification certificate copy.")
        )
    else:
        _required(d.guarantee_photo, "guarantee_photo", _("Attach the guarantee for the self-hired workers."))
    papers = [
        d.ownership_photo,
        d.lease_photo,
        d.consent_photo,
        d.licence_photo,
        d.qualification_photo,
        d.guarantee_photo,
    ]
    await _photos(office_id, [*papers, *d.drawings, d.approval_photo], "drawings")
    await Renovation.insert(
        Renovation(
            office=office_id,
            unit=unit["id"],
            applicant_kind=d.applicant_kind,
            applicant_name=d.applicant_name.strip(),
            ownership_photo=d.ownership_photo,
            lease_photo=d.lease_photo,
            consent_photo=d.consent_photo,
            contractor_kind=d.contractor_kind,
            contractor_name=d.contractor_name.strip(),
            licence_photo=d.licence_photo,
            qualification_photo=d.qualification_photo,
            guarantee_photo=d.guarantee_photo,
            works=d.works.strip(),
            start_on=d.start_on,
            end_on=d.end_on,
            drawings=list(d.drawings),
            structural=d.structural,
            approval_photo=d.approval_photo,
            created_by=ctx.staff.id,
            created_at=ctx.received_at,
        )
    )


async def apply_approval(ctx: ApplyContext, m: RenovationApproval) -> None:
    """`renovation.approval` (M4): the authority's approval attached."""
    _writer(ctx)
    row = await _renovation(ctx, m.data.renovation_id, "applied")
    await _photos(ctx.staff.office_id, [m.data.photo], "photo")
    await Renovation.update({Renovation.approval_photo: m.data.photo}).where(Renovation.id == row["id"])


async def apply_acknowledge(ctx: ApplyContext, m: RenovationAcknowledge) -> None:
    """`renovation.acknowledge` (M5): the applicant's signature under the prohibited works and safety points."""
    _writer(ctx)
    row = await _renovation(ctx, m.data.renovation_id, "applied")
    await _photos(ctx.staff.office_id, [m.data.photo], "photo")
    await Renovation.update({Renovation.ack_signature: m.data.photo, Renovation.ack_at: ctx.received_at}).where(
        Renovation.id == row["id"]
    )


async def apply_agreement(ctx: ApplyContext, m: RenovationAgreement) -> None:
    """`renovation.agreement` (M4): owner, contractor and office sign."""
    _writer(ctx)
    d = m.data
    row = await _renovation(ctx, d.renovation_id, "applied")
    await _photos(
        ctx.staff.office_id, [d.owner_signature, d.contractor_signature, d.office_signature], "owner_signature"
    )
    await Renovation.update(
        {
            Renovation.owner_signature: d.owner_signature,
            Renovation.contractor_signature: d.contractor_signature,
            Renovation.office_signature: d.office_signature,
            Renovation.agreement_at: ctx.received_at,
        }
    ).where(Renovation.id == row["id"])


async def apply_pay(ctx: ApplyContext, m: RenovationPay) -> None:
    """`renovation.pay` (M6): the office's fees recorded paid against the receipt number."""
    _writer(ctx)
    row = await _renovation(ctx, m.data.renovation_id, "applied")
    if row["paid_at"]:
        raise RuleViolation("paid", _("The fees of this renovation are already recorded paid."), field="receipt_no")
    fees = await fees_of_office(ctx.staff.office_id)
    await Renovation.update(
        {
            Renovation.receipt_no: m.data.receipt_no.strip(),
            Renovation.paid_at: ctx.received_at,
            Renovation.waste_fee: fees["waste_fee"],
            Renovation.deposit: fees["deposit"],
        }
    ).where(Renovation.id == row["id"])


async def keep_patrol_in_step(office_id: int) -> None:
    """P6: the renovation patrol's checkpoints = the units renovating under a permit."""
    await patrols.sync_renovation_checkpoints(office_id, await permitted_units(office_id), rules.PROHIBITED_WORKS)


async def apply_permit(ctx: ApplyContext, m: RenovationPermit) -> None:
    """`renovation.permit` (M6): refused, naming each missing step; then the permit, the unit renovating,
    on the renovation patrol, engineering and security alerted."""
    _writer(ctx)
    row = await _renovation(ctx, m.data.renovation_id, "applied")
    if missing := missing_for_permit(row):
        message = _("The permit cannot be issued yet. Missing: %(missing)s", missing="、".join(missing))
        raise RuleViolation("incomplete", message)
    office_id = ctx.staff.office_id
    number = f"SG{ctx.received_at.astimezone(ctx.staff.tz):%Y%m%d}-{row['id']:04d}"
    await Renovation.update(
        {Renovation.state: "permitted", Renovation.permit_no: number, Renovation.permit_at: ctx.received_at}
    ).where(Renovation.id == row["id"])
    await estate.set_unit_state(office_id, row["unit"], "renovating")
    await keep_patrol_in_step(office_id)
    unit = await estate.unit_state(office_id, row["unit"]) or {"label": ""}
    await raise_alert(
        office_id=office_id,
        kind="renovation_permit",
        title=_("Renovation starts: %(unit)s", unit=unit["label"]),
        body=_("%(start)s to %(end)s · %(works)s", start=row["start_on"], end=row["end_on"], works=row["works"][:200]),
        url=f"/renovation/{row['id']}",
        roles=["engineering_lead", "patrol"],
        raised_by=ctx.staff.id,
        source=f"renovation_permit:{row['id']}",
        now=ctx.received_at,
    )


async def apply_complete(ctx: ApplyContext, m: RenovationComplete) -> None:
    """`renovation.complete` (M7): the completion check signed off; the deposit refunded, or part kept
    with a reason; the workers' passes withdrawn; the unit occupied again and off the patrol."""
    _writer(ctx)
    d, office_id = m.data, ctx.staff.office_id
    row = await _renovation(ctx, d.renovation_id, "permitted")
    deposit = row["deposit"] or Decimal(0)
    deduction = Decimal(str(round(d.deduction, 2)))
    if deduction > deposit:
        raise RuleViolation("deduction", _("The deduction cannot be more than the deposit."), field="deduction")
    if deduction and not d.deduction_reason.strip():
        raise RuleViolation("reason", _("Say why part of the deposit is kept."), field="deduction_reason")
    if unknown := [i for i in d.items if i not in rules.COMPLETION_ITEMS]:
        raise RuleViolation("item", _("Not an item of the completion check: %(item)s", item=unknown[0]), field="items")
    if missing := [i for i in rules.COMPLETION_ITEMS if i not in d.items]:
        raise RuleViolation("items", _("Not checked yet: %(items)s", items="、".join(missing)), field="items")
    await _photos(office_id, [*d.photos, d.signature], "photos")
    await Renovation.update(
        {
            Renovation.state: "completed",
            Renovation.completion_items: list(d.items),
            Renovation.completion_photos: list(d.photos),
            Renovation.completion_signature: d.signature,
            Renovation.deduction: deduction,
            Renovation.refund: deposit - deduction,
            Renovation.deduction_reason: d.deduction_reason.strip(),
            Renovation.completed_at: ctx.received_at,
        }
    ).where(Renovation.id == row["id"])
    await estate.set_unit_state(office_id, row["unit"], "occupied")
    await keep_patrol_in_step(office_id)
    await passes.withdraw_renovation_passes(office_id, row["id"], ctx.staff.id, _("Renovation completed"))
    await estate.add_file_document(office_id, row["unit"], "装修资料", d.signature, ctx.staff.id, _("Completion check"))


MUTATIONS = (
    registry.MutationKind(RenovationApply, apply_apply, label=lazy("Renovation application")),
    registry.MutationKind(RenovationApproval, apply_approval, label=lazy("Authority's approval")),
    registry.MutationKind(RenovationAcknowledge, apply_acknowledge, label=lazy("Prohibited works acknowledged")),
    registry.MutationKind(RenovationAgreement, apply_agreement, label=lazy("Renovation agreement")),
    registry.MutationKind(RenovationPay, apply_pay, label=lazy("Renovation fees paid")),
    registry.MutationKind(RenovationPermit, apply_permit, label=lazy("Renovation permit")),
    registry.MutationKind(RenovationComplete, apply_complete, label=lazy("Completion check")),
)
