"""Who is asking (middleware) and may they (guard). Deny by default: every route needs a
signed-in staff member unless its handler says `opt={"public": True}`; `opt={"roles": …}` narrows it."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from app import memo
from app.auth.service import csrf_for_session, staff_for_token
from app.i18n import current_language, normalise_language
from app.settings import get_settings

SESSION_COOKIE = "sid"
LANGUAGE_COOKIE = "lang"
CSRF_COOKIE = "csrftoken"  # Litestar's CSRFConfig default cookie name


def csrf_cookie(value: str) -> Cookie:
    """The csrf cookie as Litestar's CSRF middleware sets it (readable by the page, SameSite=Lax)."""
    return Cookie(key=CSRF_COOKIE, value=value, path="/", secure=get_settings().secure_cookies, samesite="lax")


def _bind_csrf(scope: Scope, send: Send, cookies: dict[str, str], token: str) -> Send:
    """Make the session-bound CSRF token the request's csrf cookie (Litestar's CSRF middleware, which
    runs after this one, compares the sent token with it), and give it to the browser if it had
    another one (a token from before sign-in, or one planted by someone else)."""
    bound = csrf_for_session(token)
    if cookies.get(CSRF_COOKIE) == bound:
        return send
    ScopeState.from_scope(scope).cookies = {**cookies, CSRF_COOKIE: bound}

    async def send_with_cookie(message: Message) -> None:
        if message["type"] == "http.response.start":
            MutableScopeHeaders.from_message(message).add("set-cookie", csrf_cookie(bound).to_header(header=""))
        await send(message)

    return send_with_cookie


# "/p/": the public pages (app.public) never read or set a staff session.
_NO_SESSION_PREFIXES = ("/static/", "/sw.js", "/manifest.webmanifest", "/healthz", "/schema", "/p/")


def session_middleware(app: ASGIApp) -> ASGIApp:
    """Attach the signed-in staff member (or None) and the UI language to the request scope."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            connection: ASGIConnection = ASGIConnection(scope)
            staff = None
            if not scope["path"].startswith(_NO_SESSION_PREFIXES):
                token = connection.cookies.get(SESSION_COOKIE)
                staff = await staff_for_token(token) if token else None
                if staff is not None and token:
                    send = _bind_csrf(scope, send, connection.cookies, token)
            scope["user"] = staff
            language = staff.language if staff else connection.cookies.get(LANGUAGE_COOKIE)
            current_language.set(normalise_language(language))
            if scope["method"] in ("GET", "HEAD"):  # pages: what their sections read alike is read once
                memo_token = memo.open_request()
                try:
                    await app(scope, receive, send)
                finally:
                    memo.close_request(memo_token)
                return
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
