"""Page rendering helpers shared by every domain's routes."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request
from litestar.di import Provide
from litestar.params import Parameter
from litestar.response import Template

from app.auth.schemas import CurrentStaff
from app.errors import Forbidden
from app.i18n import LANGUAGES, current_language
from app.nav import nav_for


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true" and request.headers.get("hx-history-restore-request") != "true"


def current_staff(request: Request) -> CurrentStaff:
    """The signed-in staff member; the app-level guard has already refused anonymous requests."""
    return request.scope["user"]


def provide_staff(request: Request) -> CurrentStaff:
    """Litestar dependency `staff`: the signed-in staff member (handlers declare `staff: CurrentStaff`)."""
    return current_staff(request)


MAX_ID = 2**31 - 1  # the id columns' range (PostgreSQL `integer`); larger ids are a 400, never a 500


def provide_office_scope(
    staff: CurrentStaff, office: Annotated[int | None, Parameter(query="office", ge=1, le=MAX_ID)] = None
) -> int:
    """Litestar dependency `office_id`: the office a page shows — the staff member's own, or, for the
    roles that see every office (`qa`), the one asked for with `?office=`."""
    if office is None or office == staff.office_id:
        return staff.office_id
    if not staff.sees_all_offices:
        raise Forbidden()
    return office


DEPENDENCIES = {
    "staff": Provide(provide_staff, sync_to_thread=False),
    "office_id": Provide(provide_office_scope, sync_to_thread=False),
}


def page(request: Request, template_name: str, *, status_code: int = 200, **context: Any) -> Template:
    """Render a template with the context every page needs (staff, navigation, language)."""
    staff: CurrentStaff | None = request.scope.get("user")
    context.setdefault("request", request)
    context.setdefault("staff", staff)
    context.setdefault("nav", nav_for(staff, request.url.path) if staff else [])
    context.setdefault("lang", current_language.get())
    context.setdefault("languages", LANGUAGES)
    context.setdefault("errors", {})
    context.setdefault("values", {})
    return Template(
        template_name=template_name,
        context=context,
        status_code=status_code,
        # X-Staff-Id: the service worker keeps each page in the cache of the person it was made for.
        headers={
            "Vary": "HX-Request, Cookie",
            "Cache-Control": "no-cache",
            "X-Staff-Id": str(staff.id) if staff else "",
        },
    )
