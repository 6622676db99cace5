"""What the handover rules share: the roles, the refusals (H5), the statuses, the last accepted handover."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from app.auth.schemas import CurrentStaff
from app.clock import local
from app.errors import RuleViolation
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
from app.handover.tables import Handover
from app.i18n import _, lazy
from app.roster.service import (
    DESK_ROLES,
)

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


def _local(value: datetime | None, tz: ZoneInfo) -> str:
    """A stored time as the office's wall-clock `MM-DD HH:MM`, for messages."""
    moment = local(value, tz)
    return moment.strftime("%m-%d %H:%M") if moment else ""
