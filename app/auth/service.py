"""Sign-in, sessions, throttling and staff administration. No HTTP here."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.auth._login import (
    MAX_FAILURES_PER_ACCOUNT,
    MAX_FAILURES_PER_ADDRESS,
    THROTTLE_WINDOW,
    LoginThrottled,
    authenticate,
    client_address,
)
from app.auth._sessions import (
    SESSION_LIFETIME,
    csrf_for_session,
    end_session,
    idle_limit,
    revoke_sessions,
    staff_for_token,
    start_session,
)
from app.auth.passwords import PasswordCheckBusy, hash_password, make_hash
from app.auth.roles import ROLES, STAFF_ADMIN_ROLES
from app.auth.schemas import CurrentStaff, StaffCreateForm, StaffEditForm
from app.auth.tables import Staff
from app.errors import Forbidden, NotFound, RuleViolation, check_found
from app.i18n import _, normalise_language
from app.org.departments import DEPARTMENTS

__all__ = [
    "MAX_FAILURES_PER_ACCOUNT",
    "MAX_FAILURES_PER_ADDRESS",
    "SESSION_LIFETIME",
    "THROTTLE_WINDOW",
    "LoginThrottled",
    "PasswordCheckBusy",
    "authenticate",
    "client_address",
    "csrf_for_session",
    "end_session",
    "idle_limit",
    "revoke_sessions",
    "staff_for_token",
    "start_session",
]


def _now() -> datetime:
    return datetime.now(UTC)


async def set_language(staff_id: int, language: str) -> str:
    language = normalise_language(language)
    await Staff.update({Staff.language: language}).where(Staff.id == staff_id)
    return language


# --- staff administration (supervisor, own office only) -------------------------------------


def _require_admin(actor: CurrentStaff) -> None:
    if actor.role not in STAFF_ADMIN_ROLES:
        raise Forbidden()


def _check_role_and_department(role: str, department: str) -> str | None:
    if role not in ROLES:
        raise RuleViolation("invalid_role", _("Choose a role from the list."), field="role")
    if department and department not in DEPARTMENTS:
        raise RuleViolation("invalid_department", _("Choose a department from the list."), field="department")
    if role == "dept_head" and not department:
        raise RuleViolation("department_required", _("A department head needs a department."), field="department")
    return department or None


async def list_staff(actor: CurrentStaff) -> list[dict]:
    _require_admin(actor)
    return (
        await Staff.select(
            Staff.id, Staff.username, Staff.display_name, Staff.role, Staff.department, Staff.phone, Staff.is_active
        )
        .where(Staff.office == actor.office_id)
        .order_by(Staff.is_active, ascending=False)
        .order_by(Staff.role)
        .order_by(Staff.username)
    )


async def get_staff(actor: CurrentStaff, staff_id: int) -> dict:
    _require_admin(actor)
    row = await (
        Staff.select(
            Staff.id, Staff.username, Staff.display_name, Staff.role, Staff.department, Staff.phone, Staff.is_active
        )
        .where((Staff.id == staff_id) & (Staff.office == actor.office_id))
        .first()
    )
    return check_found(row)


async def create_staff(actor: CurrentStaff, form: StaffCreateForm) -> int:
    _require_admin(actor)
    department = _check_role_and_department(form.role, form.department)
    username = form.username.lower()
    if await Staff.exists().where(Staff.username == username):
        raise RuleViolation("username_taken", _("This username is already taken."), field="username")
    rows = await Staff.insert(
        Staff(
            office=actor.office_id,
            username=username,
            display_name=form.display_name,
            role=form.role,
            department=department,
            phone=form.phone,
            password_hash=await make_hash(form.password),
        )
    )
    return rows[0]["id"]


async def update_staff(actor: CurrentStaff, staff_id: int, form: StaffEditForm) -> None:
    await get_staff(actor, staff_id)  # scoping: NotFound for another office
    department = _check_role_and_department(form.role, form.department)
    if form.password and len(form.password) < 8:
        raise RuleViolation("password_short", _("At least 8 characters."), field="password")
    values: dict[Any, Any] = {
        Staff.display_name: form.display_name,
        Staff.role: form.role,
        Staff.department: department,
        Staff.phone: form.phone,
        Staff.updated_at: _now(),
    }
    if form.password:
        values[Staff.password_hash] = await make_hash(form.password)
    await Staff.update(values).where(Staff.id == staff_id)
    if form.password:
        await revoke_sessions(staff_id)  # a reset password ends the sessions made with the old one


async def set_staff_active(actor: CurrentStaff, staff_id: int, active: bool) -> None:
    """Deactivate (or reactivate) an account. Its history stays; its sessions end."""
    await get_staff(actor, staff_id)
    if staff_id == actor.id and not active:
        raise RuleViolation("self_deactivate", _("You cannot deactivate your own account."))
    await Staff.update({Staff.is_active: active, Staff.updated_at: _now()}).where(Staff.id == staff_id)
    if not active:
        await revoke_sessions(staff_id)


async def create_staff_account(
    office_id: int,
    username: str,
    display_name: str,
    role: str,
    password: str,
    phone: str = "",
    department: str | None = None,
) -> int:
    """Used by the CLI and the demo seed (no actor)."""
    if role not in ROLES:
        raise NotFound()
    rows = await Staff.insert(
        Staff(
            office=office_id,
            username=username.lower(),
            display_name=display_name,
            role=role,
            department=department,
            phone=phone,
            password_hash=hash_password(password),
        )
    )
    return rows[0]["id"]


# --- small reads for other domains ------------------------------------------------------------


async def active_staff_of_office(office_id: int, roles: list[str], department: str | None = None) -> list[dict]:
    """The office's active staff in these roles (and department, when given): id, display_name, role."""
    query = Staff.select(Staff.id, Staff.display_name, Staff.role).where(
        (Staff.office == office_id) & Staff.is_active.eq(True) & Staff.role.is_in(roles)
    )
    if department is not None:
        query = query.where(Staff.department == department)
    return await query.order_by(Staff.display_name)


async def staff_in_office(staff_id: int, office_id: int) -> bool:
    """Whether the staff member (active or not) belongs to the office."""
    return await Staff.exists().where((Staff.id == staff_id) & (Staff.office == office_id))
