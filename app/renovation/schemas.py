"""Renovation mutations (M4–M7): every write is one of these, online or from the outbox."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import msgspec

from app.sync.schemas import Mutation

Id = Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
Sha = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}$")]
MaybeSha = Annotated[str, msgspec.Meta(pattern=r"^([0-9a-f]{64})?$")]
Money = Annotated[float, msgspec.Meta(ge=0, le=1_000_000)]


class ApplyData(msgspec.Struct, forbid_unknown_fields=True):
    unit_id: Id
    applicant_kind: Literal["owner", "tenant"]
    applicant_name: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    contractor_kind: Literal["company", "self"]
    works: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    start_on: date
    end_on: date
    contractor_name: Annotated[str, msgspec.Meta(max_length=100)] = ""
    ownership_photo: MaybeSha = ""
    lease_photo: MaybeSha = ""
    consent_photo: MaybeSha = ""
    licence_photo: MaybeSha = ""
    qualification_photo: MaybeSha = ""
    guarantee_photo: MaybeSha = ""
    drawings: Annotated[list[Sha], msgspec.Meta(max_length=10)] = []
    structural: bool = False
    approval_photo: MaybeSha = ""


class RenovationApply(Mutation, tag="renovation.apply"):
    """M4: the application (装修申报表) with its papers and drawings."""

    data: ApplyData


class PhotoData(msgspec.Struct, forbid_unknown_fields=True):
    renovation_id: Id
    photo: Sha


class RenovationApproval(Mutation, tag="renovation.approval"):
    """M4: the authority's approval of a structural change or extra load, attached."""

    data: PhotoData


class RenovationAcknowledge(Mutation, tag="renovation.acknowledge"):
    """M5: the applicant signs for the prohibited works and safety points (the written notice)."""

    data: PhotoData


class AgreementData(msgspec.Struct, forbid_unknown_fields=True):
    renovation_id: Id
    owner_signature: Sha
    contractor_signature: Sha
    office_signature: Sha


class RenovationAgreement(Mutation, tag="renovation.agreement"):
    """M4: the renovation agreement signed by owner, contractor and office."""

    data: AgreementData


class PayData(msgspec.Struct, forbid_unknown_fields=True):
    renovation_id: Id
    receipt_no: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]


class RenovationPay(Mutation, tag="renovation.pay"):
    """M6: the fees (waste removal, deposit: the office's amounts) recorded paid, with the receipt number."""

    data: PayData


class IdData(msgspec.Struct, forbid_unknown_fields=True):
    renovation_id: Id


class RenovationPermit(Mutation, tag="renovation.permit"):
    """M6: the permit (施工许可证), only once everything before it is done."""

    data: IdData


class CompleteData(msgspec.Struct, forbid_unknown_fields=True):
    renovation_id: Id
    items: Annotated[
        list[Annotated[str, msgspec.Meta(min_length=1, max_length=60)]], msgspec.Meta(min_length=1, max_length=30)
    ]
    signature: Sha
    photos: Annotated[list[Sha], msgspec.Meta(max_length=10)] = []
    deduction: Money = 0
    deduction_reason: Annotated[str, msgspec.Meta(max_length=200)] = ""


class RenovationComplete(Mutation, tag="renovation.complete"):
    """M7: the completion check (竣工验收) signed off, the deposit refunded or part kept with a reason."""

    data: CompleteData


class FeesForm(msgspec.Struct, forbid_unknown_fields=False):
    waste_fee: Annotated[float, msgspec.Meta(ge=0, le=100_000)]
    deposit: Annotated[float, msgspec.Meta(ge=0, le=1_000_000)]
