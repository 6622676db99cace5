"""Requests, work orders and paid services (SPEC W1–W8, S1–S3, C4). Every table carries `office`.

Requests and work orders can be made on a phone offline, so they have client-made UUID primary
keys; money is integer fen (分), never float; quantities are exact decimals.
"""

from piccolo.columns import JSON, UUID, Boolean, ForeignKey, Integer, Numeric, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.auth.tables import Staff
from app.org.tables import Office, Unit


class WorkCategory(Table):
    """An office's own standard completion time (W4) and urgency (W6) for one category code.
    Categories without a row use the defaults in `app.work._common.CATEGORIES`."""

    id = Serial(primary_key=True)

    office = ForeignKey(references=Office, null=False, index=True)
    code = Varchar(length=30)  # unique per office (migration index)
    standard_hours = Integer()
    urgent = Boolean(default=False)  # W6: every request of this category is urgent


class WorkSettings(Table):
    """Per office: the words that mark a request urgent (W6)."""

    id = Serial(primary_key=True)

    office = ForeignKey(references=Office, null=False, unique=True)
    urgent_keywords = JSON(default=[])
    updated_at = Timestamptz(default=TimestamptzNow())
    updated_by = ForeignKey(references=Staff, null=True, default=None)


class StoreMaterial(Table):
    """The office store's materials with unit prices (W3)."""

    id = Serial(primary_key=True)

    office = ForeignKey(references=Office, null=False, index=True)
    name = Varchar(length=60)
    unit = Varchar(length=10)  # 个, 米, 卷 …
    price_fen = Integer()
    active = Boolean(default=True)
    sort_order = Integer(default=0)


class PriceItem(Table):
    """The published price list of paid services (S1): labour or materials, per unit."""

    id = Serial(primary_key=True)

    office = ForeignKey(references=Office, null=False, index=True)
    name = Varchar(length=60)
    unit = Varchar(length=10)
    kind = Varchar(length=10)  # labour | materials
    price_fen = Integer()
    active = Boolean(default=True)
    sort_order = Integer(default=0)


class ServiceRequest(Table):
    """A request taken at the front desk, by the duty officer or from the control room (W1).
    Its taker is its first responder (C4) and owns it until it is closed."""

    id = UUID(primary_key=True)  # = the `request.create` mutation id, made on the phone
    office = ForeignKey(references=Office, null=False, index=True)
    channel = Varchar(length=15)  # visit | phone | intercom | online | control_room
    kind = Varchar(length=15)  # repair | help | consultation | complaint
    category = Varchar(length=30, default="")
    unit = ForeignKey(references=Unit, null=True, default=None)
    location = Varchar(length=200, default="")  # where, when it is not a unit (or more precisely)
    resident_name = Varchar(length=50, default="")
    resident_phone = Varchar(length=30, default="")
    description = Text()
    photos = JSON(default=[])  # SHA-256 of attachments
    urgent = Boolean(default=False)  # W6
    urgent_reason = Varchar(length=200, default="")
    alert_id = UUID(null=True, default=None)  # the W6 alert raised for it
    alert_late = Boolean(default=False)  # saved offline and raised only when it arrived
    appointment_at = Timestamptz(null=True, default=None)
    owner = ForeignKey(references=Staff, null=False, index=True)  # 首问责任人 (C4)
    state = Varchar(length=15, default="open")  # open | ordered | completed | closed
    night = Boolean(default=False)  # W8, D11: logged at night or by the control room
    source = Varchar(length=100, default="")  # e.g. "handover:<id>" when converted from a night item
    device_id = Varchar(length=64, default="")
    recorded_at = Timestamptz()  # when it was taken, by the phone's clock (unless that was wrong)
    received_at = Timestamptz()
    clock_suspect = Boolean(default=False)
    synced_later = Boolean(default=False)  # saved offline, sent when the phone had signal again
    changed_at = Timestamptz()
    closed_at = Timestamptz(null=True, default=None)
    closed_by = ForeignKey(references=Staff, null=True, default=None)


class WorkOrder(Table):
    """A work order (维修工作单 / 有偿服务单, W2) issued from a repair request."""

    id = UUID(primary_key=True)  # = the `work_order.issue` mutation id
    office = ForeignKey(references=Office, null=False, index=True)
    seq = Integer()  # the office's order number, 1, 2, 3 … (unique per office, migration index)
    request = ForeignKey(references=ServiceRequest, null=False, unique=True)
    category = Varchar(length=30)
    paid = Boolean(default=False)  # a paid service (S1–S3)
    state = Varchar(length=15, index=True)  # app.work._common.ORDER_STATES
    assignee = ForeignKey(references=Staff, null=True, default=None, index=True)
    issued_by = ForeignKey(references=Staff, null=False)
    issued_at = Timestamptz()
    appointment_at = Timestamptz(null=True, default=None)
    standard_hours = Integer()  # W4, as configured when it was issued
    due_at = Timestamptz(index=True)  # W4: past this and not finished = overdue
    accepted_at = Timestamptz(null=True, default=None)
    arrived_at = Timestamptz(null=True, default=None)
    completed_at = Timestamptz(null=True, default=None)
    completion_note = Text(default="")
    completion_photos = JSON(default=[])
    signature = Varchar(length=64, default="")  # W7: SHA-256 of the resident's signature (PNG)
    signed_at = Timestamptz(null=True, default=None)
    signed_by = Varchar(length=50, default="")
    problem = Text(default="")  # W5: why it cannot be fixed
    payment_method = Varchar(length=20, default="")  # S2: bank_collection | at_centre
    charges_total_fen = Integer(default=0)
    charges_agreed_at = Timestamptz(null=True, default=None)  # S1: the resident agreed, before work
    changed_at = Timestamptz()
    changed_by = ForeignKey(references=Staff, null=True, default=None)


class WorkOrderMaterial(Table):
    """Materials drawn from the store for an order (W3): append-only, priced when drawn."""

    id = UUID(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    work_order = ForeignKey(references=WorkOrder, null=False, index=True)
    material = ForeignKey(references=StoreMaterial, null=True, default=None)
    name = Varchar(length=60)
    unit = Varchar(length=10)
    quantity = Numeric(digits=(10, 2))
    unit_price_fen = Integer()
    amount_fen = Integer()
    staff = ForeignKey(references=Staff, null=False)
    recorded_at = Timestamptz()


class WorkOrderCharge(Table):
    """A charge line of a paid order (S1), from the price list; replaced when charges are recorded again."""

    id = Serial(primary_key=True)

    office = ForeignKey(references=Office, null=False, index=True)
    work_order = ForeignKey(references=WorkOrder, null=False, index=True)
    price_item = ForeignKey(references=PriceItem, null=True, default=None)
    position = Integer(default=0)
    name = Varchar(length=60)
    unit = Varchar(length=10)
    kind = Varchar(length=10)  # labour | materials
    quantity = Numeric(digits=(10, 2))
    unit_price_fen = Integer()
    amount_fen = Integer()


class WorkEvent(Table):
    """The history of a request and its order: who, what, when, from which phone, online or later."""

    id = UUID(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    request = ForeignKey(references=ServiceRequest, null=False, index=True)
    work_order = ForeignKey(references=WorkOrder, null=True, default=None, index=True)
    kind = Varchar(length=20)  # app.work._common.EVENT_KINDS
    staff = ForeignKey(references=Staff, null=True, default=None)
    device_id = Varchar(length=64, default="")
    recorded_at = Timestamptz()
    received_at = Timestamptz()
    from_state = Varchar(length=15, default="")
    to_state = Varchar(length=15, default="")
    note = Text(default="")
    photos = JSON(default=[])
    details = JSON(default={})  # lines of materials or charges, the new assignee …
    reason = Text(default="")  # why a stale change was not applied
    synced_later = Boolean(default=False)  # sent from the phone's outbox well after it was recorded
