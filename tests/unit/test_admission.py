"""Fair admission (issue 17, app.admission): a burst from one client never stalls another's request."""

from __future__ import annotations

import asyncio

import pytest

from app.admission import EXEMPT_PREFIXES, FairQueue, admission_middleware, client_key


async def _hold(queue: FairQueue, key: str, started: list[str], release: asyncio.Event) -> None:
    await queue.enter(key)
    started.append(key)
    try:
        await release.wait()
    finally:
        queue.leave(key)


async def test_a_newcomer_starts_at_once_while_one_client_has_fifty_waiting():
    queue = FairQueue(limit=4)  # per client: 2
    started: list[str] = []
    release = asyncio.Event()
    burst = [asyncio.create_task(_hold(queue, "super", started, release)) for _ in range(50)]
    await asyncio.sleep(0)
    assert started == ["super", "super"]  # one client holds at most half the places
    duty = asyncio.create_task(_hold(queue, "duty", started, release))
    await asyncio.sleep(0)
    assert started[-1] == "duty" and queue.running == 3  # no wait behind the 48 still queued
    release.set()
    await asyncio.gather(*burst, duty)
    assert queue.running == 0 and not queue.waiting and not queue.held


async def test_freed_places_go_round_robin_between_waiting_clients():
    queue = FairQueue(limit=1, per_client=1)
    order: list[str] = []
    gates = {k: asyncio.Event() for k in ("a1", "a2", "a3", "b1", "c1")}

    async def one(key: str, name: str) -> None:
        await queue.enter(key)
        order.append(name)
        await gates[name].wait()
        queue.leave(key)

    arrivals = (("a", "a1"), ("a", "a2"), ("a", "a3"), ("b", "b1"), ("c", "c1"))
    tasks = [asyncio.create_task(one(k, n)) for k, n in arrivals]
    await asyncio.sleep(0)
    for name in ("a1", "a2", "b1", "c1", "a3"):
        gates[name].set()
        await asyncio.sleep(0)
        await asyncio.sleep(0)
    await asyncio.gather(*tasks)
    # a's second request waits its turn behind b and c, who came after it but had nothing running
    assert order == ["a1", "a2", "b1", "c1", "a3"]


async def test_a_cancelled_waiter_gives_up_its_turn_and_a_cancelled_holder_its_place():
    queue = FairQueue(limit=1, per_client=1)
    await queue.enter("a")
    waiter = asyncio.create_task(queue.enter("b"))
    await asyncio.sleep(0)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert "b" not in queue.waiting
    queue.leave("a")
    assert queue.running == 0
    # handed a place and cancelled in the same turn: the place is given back, not leaked
    await queue.enter("a")
    handed = asyncio.create_task(queue.enter("b"))
    await asyncio.sleep(0)
    queue.leave("a")  # b gets the place...
    handed.cancel()  # ...but is cancelled before it runs
    with pytest.raises(asyncio.CancelledError):
        await handed
    assert queue.running == 0 and not queue.held


def test_the_client_is_its_session_hashed_else_its_address():
    with_session = {"headers": [(b"cookie", b"lang=zh; sid=secret-token")], "client": ("10.0.0.1", 5)}
    key = client_key(with_session)
    assert key.startswith("s:") and "secret-token" not in key
    assert client_key({"headers": [(b"cookie", b"sid=other")], "client": ("10.0.0.1", 5)}) != key
    assert client_key({"headers": [], "client": ("10.0.0.9", 5)}) == "a:10.0.0.9"
    assert client_key({"headers": [(b"cookie", b"\x00bad;;==")], "client": ("10.0.0.9", 5)}) == "a:10.0.0.9"


async def test_a_client_with_too_many_waiting_gets_503_and_writes_and_exempt_paths_never_queue():
    release = asyncio.Event()
    statuses: list[int] = []

    async def slow_app(scope, receive, send):
        if scope["path"] == "/":
            await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    app = admission_middleware(slow_app, limit=2)
    app.queue.max_waiting = 3  # type: ignore[attr-defined]

    async def call(path: str, method: str = "GET") -> None:
        async def receive():
            return {"type": "http.request", "body": b""}

        async def send(message):
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        scope = {
            "type": "http",
            "method": method,
            "path": path,
            "headers": [(b"cookie", b"sid=one")],
            "client": ("1.2.3.4", 1),
        }
        await app(scope, receive, send)

    tasks = [asyncio.create_task(call("/")) for _ in range(4)]  # 1 runs (per client: 1 of 2), 3 wait
    await asyncio.sleep(0)
    await call("/")  # a fourth waiter: refused at once
    assert statuses == [503]
    assert "/healthz" in EXEMPT_PREFIXES
    await call("/healthz")  # not queued behind the others
    await call("/api/sync", "POST")  # writes are not queued: a slow upload never holds a place
    assert statuses == [503, 200, 200]
    release.set()
    await asyncio.gather(*tasks)
    assert statuses.count(200) == 6


def test_the_served_app_is_wrapped_and_app_admission_0_turns_it_off(monkeypatch):
    import app.asgi

    assert isinstance(app.asgi.app.queue, FairQueue) and app.asgi.app.queue.limit == 4  # type: ignore[attr-defined]
    monkeypatch.setenv("APP_ADMISSION", "0")
    inner = object()
    assert admission_middleware(inner) is inner  # type: ignore[arg-type]
