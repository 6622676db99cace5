"""Sign-in, sessions, throttling and staff administration. No HTTP here."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from app.auth.passwords import hash_password, verify_password
from app.auth.roles import ROLES, STAFF_ADMIN_ROLES
from app.auth.schemas import CurrentStaff, StaffCreateForm, StaffEditForm
from app.auth.tables import AuthSession, LoginAttempt, Staff
from app.errors import Forbidden, NotFound, RuleViolation, check_found
from app.i18n import _, normalise_language
from app.org.departments import DEPARTMENTS

SESSION_LIFETIME = timedelta(days=30)
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20


def _now() -> datetime:
    return datetime.now(UTC)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class LoginThrottled(Exception):
    pass


async def _recent_failures(column, value: str) -> int:
    since = _now() - THROTTLE_WINDOW
    return await LoginAttempt.count().where(
        (column == value) & (LoginAttempt.succeeded.eq(False)) & (LoginAttempt.attempted_at >= since)
    )


async def authenticate(username: str, password: str, client_ip: str) -> Staff | None:
    """Check a password, throttled per account and per client address.

    Returns the staff row, or None for any wrong part (the caller must not say which).
    Raises LoginThrottled when too many failures happened recently.
    """
    username = username.strip().lower()
    if (
        await _recent_failures(LoginAttempt.username, username) >= MAX_FAILURES_PER_ACCOUNT
        or await _recent_failures(LoginAttempt.client_ip, client_ip) >= MAX_FAILURES_PER_ADDRESS
    ):
        raise LoginThrottled()
    staff = await Staff.objects().where(Staff.username == username).first()
    ok = verify_password(staff.password_hash if staff else None, password)
    ok = ok and staff is not None and staff.is_active
    await LoginAttempt.insert(LoginAttempt(username=username, client_ip=client_ip, succeeded=ok))
    return staff if ok else None


async def start_session(staff_id: int, user_agent: str) -> str:
    """Create a server-side session; returns the token for the cookie (only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    await AuthSession.insert(
        AuthSession(
            token_hash=_token_hash(token),
            staff=staff_id,
            expires_at=_now() + SESSION_LIFETIME,
            user_agent=user_agent[:200],
        )
    )
    return token


async def end_session(token: str) -> None:
    await AuthSession.delete().where(AuthSession.token_hash == _token_hash(token))


async def staff_for_token(token: str) -> CurrentStaff | None:
    """The signed-in, active staff member of a session token, or None."""
    rows = (
        await AuthSession.select(
            AuthSession.id.as_alias("session_id"),
            AuthSession.expires_at,
            AuthSession.staff.id.as_alias("id"),
            AuthSession.staff.username.as_alias("username"),
            AuthSession.staff.display_name.as_alias("display_name"),
            AuthSession.staff.role.as_alias("role"),
            AuthSession.staff.office.id.as_alias("office_id"),
            AuthSession.staff.office.name.as_alias("office_name"),
            AuthSession.staff.office.time_zone.as_alias("office_time_zone"),
            AuthSession.staff.department.as_alias("department"),
            AuthSession.staff.language.as_alias("language"),
            AuthSession.staff.is_active.as_alias("is_active"),
        )
        .where(AuthSession.token_hash == _token_hash(token))
        .first()
    )
    if not rows or not rows["is_active"] or _aware(rows["expires_at"]) < _now():
        return None
    return CurrentStaff(
        id=rows["id"],
        username=rows["username"],
        display_name=rows["display_name"],
        role=rows["role"],
        office_id=rows["office_id"],
        office_name=rows["office_name"],
        office_time_zone=rows["office_time_zone"],
        department=rows["department"],
        language=rows["language"],
        session_id=rows["session_id"],
    )


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


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
            password_hash=hash_password(form.password),
        )
    )
    return rows[0]["id"]


async def update_staff(actor: CurrentStaff, staff_id: int, form: StaffEditForm) -> None:
    await get_staff(actor, staff_id)  # scoping: NotFound for another office
    department = _check_role_and_department(form.role, form.department)
    if form.password and len(form.password) < 8:
        raise RuleViolation("password_short", _("At least 8 characters."), field="password")
    values = {
        Staff.display_name: form.display_name,
        Staff.role: form.role,
        Staff.department: department,
        Staff.phone: form.phone,
        Staff.updated_at: _now(),
    }
    if form.password:
        values[Staff.password_hash] = hash_password(form.password)
    await Staff.update(values).where(Staff.id == staff_id)


async def set_staff_active(actor: CurrentStaff, staff_id: int, active: bool) -> None:
    """Deactivate (or reactivate) an account. Its history stays; its sessions end."""
    await get_staff(actor, staff_id)
    if staff_id == actor.id and not active:
        raise RuleViolation("self_deactivate", _("You cannot deactivate your own account."))
    await Staff.update({Staff.is_active: active, Staff.updated_at: _now()}).where(Staff.id == staff_id)
    if not active:
        await AuthSession.delete().where(AuthSession.staff == staff_id)


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
