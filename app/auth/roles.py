"""The SPEC roles and what each may see across offices."""

from app.i18n import lazy

ROLES: dict[str, str] = {
    "patrol": lazy("Patrol officer"),
    "duty": lazy("Duty officer"),
    "frontdesk": lazy("Front desk"),
    "technician": lazy("Technician"),
    "engineering_lead": lazy("Engineering lead"),
    "supervisor": lazy("Service-centre supervisor"),
    "manager": lazy("Office manager"),
    "dept_head": lazy("Department head"),
    "qa": lazy("Quality assurance"),
}

ALL_OFFICES_ROLES = frozenset({"qa"})  # SPEC: `qa` sees every office
STAFF_ADMIN_ROLES = frozenset({"supervisor"})  # may add, edit and deactivate staff
