"""Convenience-service mutations (S4): agreed with the resident, assigned, accepted, paid."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from app.sync.schemas import Mutation

Id = Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
PaymentMethod = Literal["cash", "wechat", "alipay", "card"]


class AgreeData(msgspec.Struct, forbid_unknown_fields=True):
    item_id: Id
    resident_name: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    place: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    appointment_at: datetime
    terms: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    phone_tail: Annotated[str, msgspec.Meta(max_length=4, pattern=r"^[0-9]{0,4}$")] = ""
    unit_id: Id | None = None
    price_yuan: Annotated[float, msgspec.Meta(ge=0, le=100_000)] | None = None  # None: the announced price


class ServiceAgree(Mutation, tag="convenience.agree"):
    """The front desk and the resident agree what, where, when and the price."""

    data: AgreeData


class AssignData(msgspec.Struct, forbid_unknown_fields=True):
    booking_id: UUID
    assignee_id: Id


class ServiceAssign(Mutation, tag="convenience.assign"):
    """The department head sends someone at the agreed time."""

    data: AssignData


class AcceptData(msgspec.Struct, forbid_unknown_fields=True):
    booking_id: UUID
    note: Annotated[str, msgspec.Meta(max_length=200)] = ""


class ServiceAccept(Mutation, tag="convenience.accept"):
    """The resident accepts the work."""

    data: AcceptData


class PayData(msgspec.Struct, forbid_unknown_fields=True):
    booking_id: UUID
    method: PaymentMethod
    receipt_no: Annotated[str, msgspec.Meta(min_length=1, max_length=30)]


class ServicePay(Mutation, tag="convenience.pay"):
    """Paid against a receipt, after acceptance."""

    data: PayData


class ItemForm(msgspec.Struct, forbid_unknown_fields=False):
    kind: Literal["convenience", "commissioned"]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    department: Annotated[str, msgspec.Meta(min_length=1, max_length=30)]
    price_yuan: Annotated[float, msgspec.Meta(ge=0, le=100_000)]
    price_unit: Annotated[str, msgspec.Meta(max_length=20)] = ""
    note: Annotated[str, msgspec.Meta(max_length=200)] = ""
