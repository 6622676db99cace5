"""Public pages (the first for people who are not staff: residents reading notices, owners answering
the survey), all under PREFIX. What keeps them from weakening the staff side:

- no sign-in and no session: app.auth.guard reads no session cookie under PREFIX and binds no CSRF
  token, so a public response never sets `sid` or `csrftoken`; the templates (public/base.html) have
  no staff navigation and no CSRF field;
- CSRF is skipped for the public router's handlers only (`exclude_from_csrf` on this router); every
  staff route keeps Litestar's CSRF check. The one public write, a survey answer, is protected by its
  one-time unguessable token (`secrets.token_urlsafe(24)`: 192 bits) instead;
- rate-limited per client address (the login throttle's trusted-proxy rule, app.auth.service
  .client_address): RATE_LIMIT requests per RATE_WINDOW seconds, then a Chinese 429 page.
  The counter lives in each instance's memory (with APP_INSTANCES > 1 each instance counts apart).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

from litestar import Request, Response, Router
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.response import Template

from app.auth.service import client_address
from app.i18n import _, current_language
from app.settings import get_settings

PREFIX = "/p"
RATE_LIMIT = 60  # requests per address …
RATE_WINDOW = 60.0  # … per this many seconds
_MAX_ADDRESSES = 20_000  # memory bound: the oldest address is forgotten first


class RateLimiter:
    """A sliding window per address: at most `limit` requests in any `window` seconds."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self.hits: dict[str, deque[float]] = {}

    def allow(self, address: str) -> bool:
        at = self.clock()
        hits = self.hits.pop(address, None) or deque()
        while hits and hits[0] <= at - self.window:
            hits.popleft()
        self.hits[address] = hits  # re-inserted: the dict's order is least recently seen first
        if len(self.hits) > _MAX_ADDRESSES:
            self.hits.pop(next(iter(self.hits)))
        if len(hits) >= self.limit:
            return False
        hits.append(at)
        return True

    def reset(self) -> None:
        self.hits.clear()


limiter = RateLimiter(RATE_LIMIT, RATE_WINDOW)


class TooManyPublicRequests(Exception):
    pass


def request_address(connection: ASGIConnection) -> str:
    peer = connection.client.host if connection.client else None
    return client_address(peer, connection.headers.get("x-forwarded-for"), get_settings().trusted_proxies)


def rate_limit_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    if not limiter.allow(request_address(connection)):
        raise TooManyPublicRequests()


def public_page(request: Request, template_name: str, *, status_code: int = 200, **context: Any) -> Template:
    """A public page: no staff, no navigation, no CSRF token; `no_store` pages (a survey's token page)
    are kept by no cache."""
    no_store = context.pop("no_store", False)
    context.setdefault("lang", current_language.get())
    context.setdefault("errors", {})
    context.setdefault("values", {})
    headers = {"Cache-Control": "no-store" if no_store else "no-cache", "X-Robots-Tag": "noindex"}
    return Template(template_name=template_name, context=context, status_code=status_code, headers=headers)


def public_message(request: Request, status_code: int, title: str, message: str) -> Template:
    """A clear page for a refused public request (unknown link, used or expired token, too many requests)."""
    return public_page(
        request, "public/message.html", status_code=status_code, title=title, message=message, no_store=True
    )


def _too_many(request: Request, exc: Exception) -> Response:
    page = public_message(
        request, 429, _("Too many requests"), _("Too many requests from your network. Wait a minute and try again.")
    )
    page.headers["Retry-After"] = str(int(RATE_WINDOW))
    return page


def public_router(handlers: Sequence[Any]) -> Router:
    """The router every public page is on: public (no sign-in), no CSRF (no session to protect), rate-limited."""
    return Router(
        path=PREFIX,
        route_handlers=list(handlers),
        guards=[rate_limit_guard],
        opt={"public": True, "exclude_from_csrf": True},
        exception_handlers={TooManyPublicRequests: _too_many},
        include_in_schema=False,
    )
