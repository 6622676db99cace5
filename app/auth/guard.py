"""Who is asking (middleware) and may they (guard). Deny by default: every route needs a
signed-in staff member unless its handler says `opt={"public": True}`; `opt={"roles": …}` narrows it."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import ASGIApp, Receive, Scope, Send

from app.auth.service import staff_for_token
from app.i18n import current_language, normalise_language

SESSION_COOKIE = "sid"
LANGUAGE_COOKIE = "lang"
_NO_SESSION_PREFIXES = ("/static/", "/sw.js", "/manifest.webmanifest", "/healthz", "/schema")


def session_middleware(app: ASGIApp) -> ASGIApp:
    """Attach the signed-in staff member (or None) and the UI language to the request scope."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            connection: ASGIConnection = ASGIConnection(scope)
            staff = None
            if not scope["path"].startswith(_NO_SESSION_PREFIXES):
                token = connection.cookies.get(SESSION_COOKIE)
                staff = await staff_for_token(token) if token else None
            scope["user"] = staff
            language = staff.language if staff else connection.cookies.get(LANGUAGE_COOKIE)
            current_language.set(normalise_language(language))
        await app(scope, receive, send)

    return middleware


def staff_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """The app-wide guard (deny by default)."""
    if handler.opt.get("public") or connection.scope["path"].startswith("/schema"):
        return
    staff = connection.scope.get("user")
    if staff is None:
        raise NotAuthorizedException()
    roles = handler.opt.get("roles")
    if roles is not None and staff.role not in roles:
        raise PermissionDeniedException()
