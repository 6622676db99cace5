"""Who works by the roster and who edits it (SPEC D1, D8)."""

from __future__ import annotations

from app.auth.schemas import CurrentStaff
from app.errors import Forbidden
from app.org.service import can_see_office

# Who works by the service centre's roster (D1). Patrol officers and technicians keep their own rosters.
ROSTER_ROLES = frozenset({"duty", "frontdesk", "supervisor", "manager", "engineering_lead"})
# D8 "a mid-level manager or above": the service-centre supervisor and the office manager; the
# engineering lead (工程主管) heads a department too, so counts as mid-level.
MID_LEVEL_ROLES = frozenset({"supervisor", "manager", "engineering_lead"})
ROSTER_EDITORS = frozenset({"supervisor"})  # D1: the supervisor compiles and publishes
ROSTER_READERS = ROSTER_ROLES | {"qa"}
ROLE_ORDER = ["duty", "frontdesk", "supervisor", "engineering_lead", "manager"]


def require_editor(actor: CurrentStaff) -> None:
    if actor.role not in ROSTER_EDITORS:
        raise Forbidden()


def require_reader(actor: CurrentStaff, office_id: int) -> None:
    if actor.role not in ROSTER_READERS or not can_see_office(actor, office_id):
        raise Forbidden()
