"""Who may do what with requests and work orders, their labels, and small shared helpers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from app.auth.schemas import CurrentStaff
from app.clock import MAX_CLOCK_SKEW, aware, when_it_happened  # noqa: F401 - re-exported
from app.errors import Forbidden, RuleViolation
from app.i18n import _, lazy
from app.org.service import can_see_office

# W1: the front desk and the duty officer take requests; supervisors, managers and the engineering
# lead answer the phone too.
INTAKE_ROLES = frozenset({"frontdesk", "duty", "supervisor", "manager", "engineering_lead"})
ISSUERS = INTAKE_ROLES  # W2: the service centre issues the order
DISPATCHERS = frozenset({"engineering_lead", "supervisor", "manager"})
ASSIGNABLE_ROLES = frozenset({"technician", "engineering_lead"})
ESCALATORS = frozenset({"engineering_lead"})  # W5
RESOLVERS = frozenset({"manager"})  # W5: the manager sees it through until it is solved
CLOSE_ON_BEHALF = frozenset({"supervisor", "manager"})  # besides the first responder (C4)
SETTINGS_ROLES = frozenset({"engineering_lead", "supervisor"})  # W4 standard times, price list
READERS = INTAKE_ROLES | {"technician", "qa"}

# A change the phone sent more than this after it was recorded waited in the outbox: made offline.
# Measured on the phone's own clock (recorded → sent), so clock skew does not matter.
SYNCED_LATER_AFTER = timedelta(seconds=60)
MAX_QUANTITY = Decimal("9999")
MAX_PRICE_FEN = 10_000_000  # ¥100,000 per unit

CHANNELS: dict[str, str] = {
    "visit": lazy("Visit"),
    "phone": lazy("Phone call"),
    "intercom": lazy("Intercom"),
    "online": lazy("Online"),
    "control_room": lazy("Control room"),
}
REQUEST_KINDS: dict[str, str] = {
    "repair": lazy("Repair"),
    "help": lazy("Help"),
    "consultation": lazy("Consultation"),
    "complaint": lazy("Complaint"),
}
# W4: code → (label, default standard completion hours). Each office may change the hours.
CATEGORIES: dict[str, tuple[str, int]] = {
    "plumbing": (lazy("Plumbing"), 24),
    "electrical": (lazy("Electrical"), 24),
    "doors_locks": (lazy("Doors and locks"), 24),
    "lifts": (lazy("Lifts"), 4),
    "public_facilities": (lazy("Public facilities"), 72),
    "leaks": (lazy("Leaks"), 48),
    "safety_facilities": (lazy("Safety facilities"), 24),
    "other": (lazy("Other"), 72),
}
# W6: words that make a request urgent, unless the office sets its own.
DEFAULT_URGENT_KEYWORDS = [
    "漏水",
    "渗水",
    "水浸",
    "浸水",
    "爆管",
    "跑水",
    "淹水",
    "火警",
    "火灾",
    "着火",
    "冒烟",
    "困人",
    "困梯",
    "关人",
    "被困",
    "停电",
    "停水",
]
# W6: kinds whose text or category can make them urgent; a complaint or consultation that mentions
# 停水 reports no emergency. Marked urgent by the person taking it, any kind is.
URGENT_BY_CONTENT_KINDS = frozenset({"repair", "help"})
URGENCY: dict[str, str] = {"normal": lazy("Normal"), "urgent": lazy("Urgent")}
REQUEST_STATES: dict[str, str] = {
    "open": lazy("Waiting to be handled"),
    "ordered": lazy("Work order issued"),
    "completed": lazy("Work done"),
    "closed": lazy("Closed"),
}
ORDER_STATES: dict[str, str] = {
    "queued": lazy("In the engineering lead's queue"),
    "dispatched": lazy("Dispatched"),
    "accepted": lazy("Accepted"),
    "arrived": lazy("On site"),
    "completed": lazy("Completed"),
    "cannot_fix": lazy("Cannot fix: with the engineering lead"),
    "escalated": lazy("Escalated to the manager"),
    "resolved": lazy("Solved by the manager"),
}
OPEN_ORDER_STATES = ("queued", "dispatched", "accepted", "arrived", "cannot_fix", "escalated")
DONE_ORDER_STATES = ("completed", "resolved")
TECHNICIAN_STATES = ("dispatched", "accepted", "arrived")
PAYMENT_METHODS: dict[str, str] = {
    "bank_collection": lazy("Bank collection (托收)"),
    "at_centre": lazy("Payment at the service centre"),
}
CASH = "cash"
PRICE_KINDS: dict[str, str] = {"labour": lazy("Labour"), "materials": lazy("Materials")}
EVENT_KINDS: dict[str, str] = {
    "created": lazy("Request taken"),
    "issued": lazy("Work order issued"),
    "dispatched": lazy("Dispatched"),
    "accepted": lazy("Accepted"),
    "arrived": lazy("Arrived on site"),
    "materials": lazy("Materials drawn"),
    "charges": lazy("Charges agreed by the resident"),
    "completed": lazy("Completed, signed by the resident"),
    "cannot_fix": lazy("Cannot fix"),
    "escalated": lazy("Escalated to the manager"),
    "resolved": lazy("Solved"),
    "closed": lazy("Request closed"),
    "comment": lazy("Comment (change not applied)"),
    "alert": lazy("Urgent alert raised"),
}


def now() -> datetime:
    return datetime.now(UTC)


def tz_of(staff: CurrentStaff) -> ZoneInfo:
    return staff.tz


def require(staff: CurrentStaff, roles: frozenset[str], message: str | None = None) -> None:
    """Refuse a staff member whose role may not do this: 403 on pages, `forbidden` in a sync."""
    if staff.role not in roles:
        if message is not None:
            raise RuleViolation("forbidden", message)
        raise Forbidden()


def require_office(staff: CurrentStaff, office_id: int) -> None:
    if not can_see_office(staff, office_id):
        raise Forbidden()


def synced_later(recorded_at: datetime, received_at: datetime, skew_seconds: float) -> bool:
    """Whether a change waited in the phone's outbox (recorded offline, sent when there was signal)."""
    sent_at = received_at + timedelta(seconds=skew_seconds)
    return sent_at - aware(recorded_at) > SYNCED_LATER_AFTER


def due_time(reported_at: datetime, appointment_at: datetime | None, hours: int) -> datetime:
    """W4: the standard time runs from when the resident reported it, or from the appointment if later."""
    start = aware(reported_at)
    if appointment_at is not None and aware(appointment_at) > start:
        start = aware(appointment_at)
    return start + timedelta(hours=hours)


def category_label(code: str) -> str:
    return str(CATEGORIES[code][0]) if code in CATEGORIES else code


def yuan(fen: int | None) -> str:
    """¥ amount for people: 1250 → "12.50"."""
    fen = fen or 0
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def parse_yuan(text: str) -> int | None:
    """ "12.5" → 1250 fen; None when it is not a price (negative, more than 2 decimals, too large)."""
    try:
        value = Decimal(text.strip().replace("¥", "").replace(",", ""))
    except ArithmeticError:
        return None
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        return None
    fen = int(value * 100)
    return fen if fen <= MAX_PRICE_FEN else None


def line_amount(quantity: Decimal, unit_price_fen: int) -> int:
    """Quantity × unit price, rounded half up to the fen (no float anywhere)."""
    return int((quantity * unit_price_fen).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def check_quantity(quantity: Decimal, field: str) -> Decimal:
    if not quantity.is_finite() or quantity <= 0 or quantity > MAX_QUANTITY:
        raise RuleViolation("bad_quantity", _("Enter a quantity between 0.01 and 9999."), field=field)
    if quantity != quantity.quantize(Decimal("0.01")):
        raise RuleViolation("bad_quantity", _("At most two decimals."), field=field)
    return quantity.quantize(Decimal("0.01"))


def quantity_text(quantity: Decimal | None) -> str:
    if quantity is None:
        return ""
    text = f"{quantity:.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
