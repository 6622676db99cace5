"""Fair admission (issue 17): one client's burst must not stall another person's phone.

Without it every request that arrives is started at once: fifty supervisors' home pages (about fifty
queries each) share the event loop with the duty officer's page, which then takes fifty times as
long. Here at most `limit` requests run at once; the others wait, one queue per client (the session
cookie, else the address), and a freed place goes to the next client in turn (round robin), never
to the same client twice while another waits. One client also holds at most `per_client` places, so
a newcomer finds a place free at once. Waiting costs nothing but memory: a waiting request has not
been read or routed.

Only reads (GET, HEAD) queue: they are what a crowd opens, and they cost the most (a home page runs
tens of queries). Writes go straight in (on SQLite they queue on the write lock anyway), so a phone
sending a photo slowly over a weak signal never holds a place others wait for. Never queued either
(cheap, long-lived or large): static files, the service worker, the health check, attachments, and
the alert stream (a server-sent event stream holds its request open for minutes).
A client with `max_waiting` requests already waiting gets 503 with Retry-After.

APP_ADMISSION=0 turns it off; APP_ADMISSION=N sets the limit (default 4: a little more than the two
cores, so database waits overlap).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from collections import OrderedDict, deque
from http.cookies import SimpleCookie

from litestar.types import ASGIApp, HTTPResponseStartEvent, Receive, Scope, Send

from app.auth.guard import SESSION_COOKIE

# Paths that are never queued: cheap, or open for a long time (the alert stream).
EXEMPT_PREFIXES = ("/static/", "/sw.js", "/manifest.webmanifest", "/healthz", "/alerts/stream", "/api/attachments/")
QUEUED_METHODS = ("GET", "HEAD")


class FairQueue:
    """At most `limit` holders at once, at most `per_client` per client; waiting clients in turn."""

    def __init__(self, limit: int, per_client: int | None = None, max_waiting: int = 200) -> None:
        self.limit = limit
        self.per_client = per_client or max(1, limit // 2)
        self.max_waiting = max_waiting
        self.running = 0
        self.held: dict[str, int] = {}
        self.waiting: OrderedDict[str, deque[asyncio.Future[None]]] = OrderedDict()

    def _may_start(self, key: str) -> bool:
        return self.running < self.limit and self.held.get(key, 0) < self.per_client

    def _start(self, key: str) -> None:
        self.running += 1
        self.held[key] = self.held.get(key, 0) + 1

    def full_for(self, key: str) -> bool:
        queue = self.waiting.get(key)
        return queue is not None and len(queue) >= self.max_waiting

    async def enter(self, key: str) -> None:
        if key not in self.waiting and self._may_start(key):
            self._start(key)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiting.setdefault(key, deque()).append(future)
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():  # a place was handed over just as it was cancelled
                self.leave(key)
            else:
                queue = self.waiting.get(key)
                if queue is not None and future in queue:
                    queue.remove(future)
                    if not queue:
                        del self.waiting[key]
            raise

    def leave(self, key: str) -> None:
        self.running -= 1
        left = self.held.get(key, 1) - 1
        if left:
            self.held[key] = left
        else:
            self.held.pop(key, None)
        self._hand_on()

    def _hand_on(self) -> None:
        """Give free places to waiting clients, oldest turn first; a served client goes to the back."""
        for key in list(self.waiting):
            if self.running >= self.limit:
                return
            if not self._may_start(key):
                continue
            queue = self.waiting[key]
            future = queue.popleft()
            if queue:
                self.waiting.move_to_end(key)
            else:
                del self.waiting[key]
            self._start(key)
            future.set_result(None)


def client_key(scope: Scope) -> str:
    """The session cookie (hashed: never kept as it is), else the client's address."""
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            cookie = SimpleCookie()
            try:
                cookie.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header: fall back to the address
                break
            morsel = cookie.get(SESSION_COOKIE)
            if morsel is not None and morsel.value:
                return "s:" + hashlib.blake2s(morsel.value.encode(), digest_size=8).hexdigest()
            break
    client = scope.get("client")
    return "a:" + (client[0] if client else "?")


async def _busy(send: Send) -> None:
    body = json.dumps(
        {"error": {"code": "busy", "message": "服务器繁忙，请稍后再试。 The server is busy; try again shortly."}},
        ensure_ascii=False,
    ).encode()
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": 503,
        "headers": [
            (b"content-type", b"application/json; charset=utf-8"),
            (b"retry-after", b"1"),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    await send(start)
    await send({"type": "http.response.body", "body": body, "more_body": False})


def limit_from_env() -> int:
    value = os.environ.get("APP_ADMISSION", "").strip()
    return int(value) if value.isdigit() else 4


def admission_middleware(app: ASGIApp, limit: int | None = None) -> ASGIApp:
    """Wraps the whole app (outside routing), so a waiting request costs no work at all."""
    size = limit_from_env() if limit is None else limit
    if size <= 0:
        return app
    queue = FairQueue(size)

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in QUEUED_METHODS
            or scope["path"].startswith(EXEMPT_PREFIXES)
        ):
            await app(scope, receive, send)
            return
        key = client_key(scope)
        if queue.full_for(key):
            await _busy(send)
            return
        await queue.enter(key)
        try:
            await app(scope, receive, send)
        finally:
            queue.leave(key)

    middleware.queue = queue  # type: ignore[attr-defined]  # for tests
    return middleware
