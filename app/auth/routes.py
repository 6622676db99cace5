"""Sign-in, sign-out, language, profile and staff administration pages."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Response, Template

from app.auth import service
from app.auth.guard import CSRF_COOKIE, LANGUAGE_COOKIE, SESSION_COOKIE, csrf_cookie
from app.auth.roles import ROLES
from app.auth.schemas import CurrentStaff, LoginForm, StaffCreateForm, StaffEditForm
from app.auth.tables import Staff
from app.errors import RuleViolation
from app.forms import FormErrors, parse_form
from app.i18n import _, normalise_language
from app.org.departments import DEPARTMENTS
from app.settings import get_settings
from app.web import page

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
SUPERVISOR = {"roles": frozenset({"supervisor"})}
# Refusals (pool full, throttled) are answered after this pause: a client hammering the sign-in
# page then sends a request a second, not hundreds, and the event loop stays free for everyone else.
BUSY_DELAY_SECONDS = 1.0


def _local_path(value: str | None) -> str:
    """Only same-site paths may be redirect targets (no open redirect)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


def _cookie_args() -> dict[str, Any]:
    return {"httponly": True, "samesite": "lax", "secure": get_settings().secure_cookies, "path": "/"}


@get("/login", opt={"public": True}, name="login")
async def login_page(request: Request, next: FromQuery[str] = "/") -> Template:
    """The sign-in form."""
    return page(request, "auth/login.html", next=_local_path(next))


def _login_again(request: Request, status: int, message: str, data: dict, next_path: str) -> Template:
    values = {k: v for k, v in data.items() if k != "password"}
    template = page(
        request, "auth/login.html", status_code=status, errors={None: message}, values=values, next=next_path
    )
    if status == 503:
        template.headers["Retry-After"] = "2"
    return template


async def _check_login(request: Request, form: LoginForm) -> tuple[int, str] | Staff:
    """The staff row, or (status, message) for a refusal."""
    peer = request.client.host if request.client else None
    address = service.client_address(peer, request.headers.get("x-forwarded-for"), get_settings().trusted_proxies)
    try:
        staff = await service.authenticate(form.username, form.password, address)
    except service.LoginThrottled:
        await asyncio.sleep(BUSY_DELAY_SECONDS)
        return 429, _("Too many failed sign-ins. Wait 15 minutes and try again.")
    except service.PasswordCheckBusy:
        await asyncio.sleep(BUSY_DELAY_SECONDS)  # a flood waits (costs nothing) rather than spins the loop
        return 503, _("Many people are signing in right now. Wait a few seconds and try again.")
    return staff if staff is not None else (401, _("Wrong username or password."))


def _signed_in(next_path: str, token: str) -> Response:
    """Redirect with the session cookie and a new CSRF token bound to the new session (rotated at sign-in)."""
    response = Redirect(next_path, status_code=303)
    response.set_cookie(SESSION_COOKIE, token, max_age=int(service.SESSION_LIFETIME.total_seconds()), **_cookie_args())
    response.set_cookie(csrf_cookie(service.csrf_for_session(token)))
    return response


@post("/login", opt={"public": True})
async def login(request: Request, data: Form) -> Response | Template:
    """Check the password (throttled, off the event loop) and start a session."""
    next_path = _local_path(data.get("next"))
    try:
        form = parse_form(LoginForm, data)
    except FormErrors as exc:
        return page(request, "auth/login.html", status_code=422, errors=exc.errors, values=exc.values, next=next_path)
    result = await _check_login(request, form)
    if isinstance(result, tuple):
        return _login_again(request, result[0], result[1], data, next_path)
    token = await service.start_session(result.id, request.headers.get("user-agent", ""))
    return _signed_in(next_path, token)


@post("/logout", opt={"public": True})
async def logout(request: Request) -> Response:
    """End the session and forget the cookie."""
    if token := request.cookies.get(SESSION_COOKIE):
        await service.end_session(token)
    response = Redirect("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")  # the next page gets a fresh token
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


@post("/language", opt={"public": True})
async def switch_language(request: Request, data: Form) -> Response:
    """Switch the UI language; remembered on the account (and in a cookie before sign-in)."""
    language = normalise_language(data.get("language"))
    if staff := request.scope.get("user"):
        await service.set_language(staff.id, language)
    response = Redirect(_local_path(data.get("next")), status_code=303)
    response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600, samesite="lax", path="/")
    return response


@get("/profile")
async def profile(request: Request) -> Template:
    """The signed-in staff member's own settings."""
    return page(request, "auth/profile.html", roles=ROLES, departments=DEPARTMENTS)


# --- staff administration: supervisors, own office only ----------------------------------------


def _staff_form_page(request: Request, template: str, status_code: int = 200, **context: Any) -> Template:
    return page(request, template, status_code=status_code, roles=ROLES, departments=DEPARTMENTS, **context)


@get("/staff", opt=SUPERVISOR)
async def staff_list(request: Request, staff: CurrentStaff) -> Template:
    """The office's staff accounts."""
    rows = await service.list_staff(staff)
    return page(request, "auth/staff_list.html", rows=rows, roles=ROLES, departments=DEPARTMENTS)


@get("/staff/new", opt=SUPERVISOR)
async def staff_new(request: Request) -> Template:
    """Form for a new staff account."""
    return _staff_form_page(request, "auth/staff_form.html", member=None)


@post("/staff", opt=SUPERVISOR)
async def staff_create(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Create a staff account in the supervisor's office."""
    try:
        form = parse_form(StaffCreateForm, data)
        await service.create_staff(staff, form)
    except FormErrors as exc:
        return _staff_form_page(request, "auth/staff_form.html", 422, member=None, errors=exc.errors, values=exc.values)
    except RuleViolation as exc:
        return _staff_form_page(
            request, "auth/staff_form.html", 422, member=None, errors={exc.field: exc.message}, values=data
        )
    return Redirect("/staff", status_code=303)


@get("/staff/{staff_id:int}/edit", opt=SUPERVISOR)
async def staff_edit(request: Request, staff: CurrentStaff, staff_id: FromPath[int]) -> Template:
    """Form to edit a staff account."""
    member = await service.get_staff(staff, staff_id)
    return _staff_form_page(request, "auth/staff_form.html", member=member, values=member)


@post("/staff/{staff_id:int}", opt=SUPERVISOR)
async def staff_update(
    request: Request, staff: CurrentStaff, staff_id: FromPath[int], data: Form
) -> Response | Template:
    """Save changes to a staff account (a new password ends the account's sessions)."""
    member = await service.get_staff(staff, staff_id)
    try:
        await service.update_staff(staff, staff_id, parse_form(StaffEditForm, data))
    except FormErrors as exc:
        return _staff_form_page(request, "auth/staff_form.html", 422, member=member, errors=exc.errors, values=data)
    except RuleViolation as exc:
        errors = {exc.field: exc.message}
        return _staff_form_page(request, "auth/staff_form.html", 422, member=member, errors=errors, values=data)
    return Redirect("/staff", status_code=303)


@post("/staff/{staff_id:int}/active", opt=SUPERVISOR)
async def staff_set_active(staff: CurrentStaff, staff_id: FromPath[int], data: Form) -> Response:
    """Deactivate or reactivate an account (history stays; a deactivated account's sessions end)."""
    await service.set_staff_active(staff, staff_id, data.get("active") == "1")
    return Redirect("/staff", status_code=303)


ROUTES = [login_page, login, logout, switch_language, profile, staff_list, staff_new, staff_create, staff_edit]
ROUTES += [staff_update, staff_set_active]
