"""Page rendering helpers shared by every domain's routes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Request
from litestar.response import Template

from app.auth.schemas import CurrentStaff
from app.i18n import LANGUAGES, current_language
from app.nav import nav_for


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true" and request.headers.get("hx-history-restore-request") != "true"


def current_staff(request: Request) -> CurrentStaff:
    """The signed-in staff member; the app-level guard has already refused anonymous requests."""
    return request.scope["user"]  # type: ignore[return-value]


def page(request: Request, template_name: str, *, status_code: int = 200, **context: Any) -> Template:
    """Render a template with the context every page needs (staff, navigation, language)."""
    staff: CurrentStaff | None = request.scope.get("user")  # type: ignore[assignment]
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


def office_tz(staff: CurrentStaff | None, default: str = "Asia/Shanghai") -> ZoneInfo:
    return ZoneInfo(staff.office_time_zone if staff else default)


def to_local(value: datetime | None, tz: ZoneInfo) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(tz)
