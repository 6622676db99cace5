"""Who works by the roster and who edits it (SPEC D1, D8)."""

from __future__ import annotations

from app.auth.schemas import CurrentStaff
from app.errors import Forbidden
from app.org.service import can_see_office

# Who holds the service-centre desk and hands it over (D1, H1–H7).
DESK_ROLES = frozenset({"duty", "frontdesk", "supervisor", "manager", "engineering_lead"})
# Who works by the office's roster (D1): the desk, and the technicians on call for repairs (W6: the
# urgent-repair alert names the technician rostered for the shift). Technicians never hold the desk.
# Patrol officers keep their own rosters.
ROSTER_ROLES = DESK_ROLES | {"technician"}
# D8 "a mid-level manager or above": the service-centre supervisor and the office manager; the
# engineering lead (工程主管) heads a department too, so counts as mid-level.
MID_LEVEL_ROLES = frozenset({"supervisor", "manager", "engineering_lead"})
ROSTER_EDITORS = frozenset({"supervisor"})  # D1: the supervisor compiles and publishes
ROSTER_READERS = ROSTER_ROLES | {"qa"}
ROLE_ORDER = ["duty", "frontdesk", "supervisor", "engineering_lead", "manager", "technician"]


def roster_group(role: str) -> str:
    """Desk shifts are replaced by desk staff, a technician's by a technician (D4)."""
    return "technician" if role == "technician" else "desk"


def require_editor(actor: CurrentStaff) -> None:
    if actor.role not in ROSTER_EDITORS:
        raise Forbidden()


def require_reader(actor: CurrentStaff, office_id: int) -> None:
    if actor.role not in ROSTER_READERS or not can_see_office(actor, office_id):
        raise Forbidden()
