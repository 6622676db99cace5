"""Requests and work orders: the sync mutations (offline on phones) and the settings forms."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from app.sync.schemas import Mutation

Sha256 = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}$")]
Photos = Annotated[list[Sha256], msgspec.Meta(max_length=6)]
Note = Annotated[str, msgspec.Meta(max_length=2000)]
# <input type="datetime-local">: local time of the office, minutes precision.
LocalDateTime = Annotated[str, msgspec.Meta(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")]
Channel = Literal["visit", "phone", "intercom", "online", "control_room"]
RequestKind = Literal["repair", "help", "consultation", "complaint"]
OrderState = Literal["queued", "dispatched", "accepted", "arrived", "completed", "cannot_fix", "escalated", "resolved"]


class _Data(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    pass


# --- requests (W1, C4) -----------------------------------------------------------------------------


class RequestCreateData(_Data):
    channel: Channel
    kind: RequestKind
    description: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]
    category: Annotated[str, msgspec.Meta(max_length=30)] = ""
    unit_id: int | None = None
    location: Annotated[str, msgspec.Meta(max_length=200)] = ""
    resident_name: Annotated[str, msgspec.Meta(max_length=50)] = ""
    resident_phone: Annotated[str, msgspec.Meta(max_length=30, pattern=r"^[0-9+\- ]*$")] = ""
    photos: Photos = []
    urgency: Literal["normal", "urgent"] = "normal"
    appointment_at: LocalDateTime | None = None
    handover_item_id: UUID | None = None  # D11: a night item of the handover this request turns into


class RequestCreate(Mutation, tag="request.create"):
    """Take a request (W1); the mutation id is the request's id and its taker its owner (C4)."""

    data: RequestCreateData


class RequestCloseData(_Data):
    request_id: UUID
    note: Note = ""


class RequestClose(Mutation, tag="request.close"):
    """The first responder closes the request once the resident is answered (C4)."""

    data: RequestCloseData


# --- work orders: the service centre and the engineering lead (W2, W5) ----------------------------


class WorkOrderIssueData(_Data):
    request_id: UUID
    assignee_id: int | None = None  # None: the engineering lead's queue
    paid: Annotated[int, msgspec.Meta(ge=0, le=1)] = 0  # 1: a paid service (S1)
    appointment_at: LocalDateTime | None = None  # None: the request's
    note: Note = ""


class WorkOrderIssue(Mutation, tag="work_order.issue"):
    """Issue a work order from a repair request (W2); the mutation id is the order's id."""

    data: WorkOrderIssueData


class WorkOrderDispatchData(_Data):
    order_id: UUID
    expected_state: OrderState
    assignee_id: int | None = None  # None: back to the engineering lead's queue
    note: Note = ""


class WorkOrderDispatch(Mutation, tag="work_order.dispatch"):
    """Dispatch or reassign an order to a technician (W2, W5)."""

    data: WorkOrderDispatchData


class WorkOrderEscalateData(_Data):
    order_id: UUID
    expected_state: OrderState
    note: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class WorkOrderEscalate(Mutation, tag="work_order.escalate"):
    """The engineering lead takes an order that cannot be fixed to the manager (W5)."""

    data: WorkOrderEscalateData


class WorkOrderResolveData(_Data):
    order_id: UUID
    expected_state: OrderState
    note: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class WorkOrderResolve(Mutation, tag="work_order.resolve"):
    """The manager records how an escalated order was solved (W5)."""

    data: WorkOrderResolveData


# --- work orders: the technician's phone, offline (W3, W5, W7, S1, S2) ----------------------------


class _Transition(_Data):
    """A state change names the state and the assignee it expects (DESIGN "Conflicts")."""

    order_id: UUID
    expected_state: OrderState
    expected_assignee: int


class WorkOrderAcceptData(_Transition):
    note: Note = ""


class WorkOrderAccept(Mutation, tag="work_order.accept"):
    """The technician accepts the order (W2)."""

    data: WorkOrderAcceptData


class WorkOrderArriveData(_Transition):
    note: Note = ""
    photos: Photos = []


class WorkOrderArrive(Mutation, tag="work_order.arrive"):
    """The technician is on site."""

    data: WorkOrderArriveData


class MaterialLine(msgspec.Struct, forbid_unknown_fields=True):
    material_id: int
    quantity: Decimal


class WorkOrderAddMaterialsData(_Data):
    order_id: UUID
    expected_state: OrderState
    lines: Annotated[list[MaterialLine], msgspec.Meta(min_length=1, max_length=20)]
    note: Note = ""


class WorkOrderAddMaterials(Mutation, tag="work_order.add_materials"):
    """Materials drawn from the store for the order (W3): append-only, never in conflict."""

    data: WorkOrderAddMaterialsData


class ChargeLine(msgspec.Struct, forbid_unknown_fields=True):
    price_item_id: int
    quantity: Decimal


class WorkOrderChargesData(_Transition):
    lines: Annotated[list[ChargeLine], msgspec.Meta(min_length=1, max_length=30)]
    payment_method: Annotated[str, msgspec.Meta(max_length=20)]
    resident_agreed: bool = False
    note: Note = ""


class WorkOrderCharges(Mutation, tag="work_order.charges"):
    """The charge lines of a paid order and the resident's agreement before work starts (S1, S2)."""

    data: WorkOrderChargesData


class WorkOrderCompleteData(_Transition):
    note: Note = ""
    photos: Photos = []
    signature: Sha256 | None = None  # W7: the resident's signature, a PNG attachment
    signed_by: Annotated[str, msgspec.Meta(max_length=50)] = ""


class WorkOrderComplete(Mutation, tag="work_order.complete"):
    """Completed, with the resident's signature drawn on the screen (W7)."""

    data: WorkOrderCompleteData


class WorkOrderCannotFixData(_Transition):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    photos: Photos = []


class WorkOrderCannotFix(Mutation, tag="work_order.cannot_fix"):
    """It cannot be fixed: to the engineering lead, with the reason (W5)."""

    data: WorkOrderCannotFixData


# --- settings forms (online) ------------------------------------------------------------------------

ItemName = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
ItemUnit = Annotated[str, msgspec.Meta(min_length=1, max_length=10)]
Price = Annotated[str, msgspec.Meta(min_length=1, max_length=12)]


class MaterialForm(msgspec.Struct):
    name: ItemName
    unit: ItemUnit
    price: Price
    active: str = ""


class PriceItemForm(msgspec.Struct):
    name: ItemName
    unit: ItemUnit
    kind: Literal["labour", "materials"]
    price: Price
    active: str = ""
