"""Waking the alert worker and the live-alert streams when something may have changed.

In one process an asyncio event is enough. Across app instances on PostgreSQL, `pg_notify` inside
the raising transaction is delivered at commit (never for a rolled-back one) to every instance
that listens (`listen()`); polling remains the safety net, so a lost wake-up only costs latency.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from app.db import get_engine, is_postgres

CHANNEL = "kfzx_alerts"
log = logging.getLogger("app.alerts")
_events: set[asyncio.Event] = set()


def subscribe() -> asyncio.Event:
    event = asyncio.Event()
    _events.add(event)
    return event


def unsubscribe(event: asyncio.Event) -> None:
    _events.discard(event)


def wake_local() -> None:
    for event in list(_events):
        event.set()


async def announce() -> None:
    """Say "new work" to this process now and to every instance at commit (PostgreSQL)."""
    if is_postgres():
        await get_engine().run_ddl(f"SELECT pg_notify('{CHANNEL}', '')")
    wake_local()


async def wait(event: asyncio.Event, seconds: float) -> bool:
    """Until the event is set or `seconds` have passed; re-arms it; True when it was set."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)
    woken = event.is_set()
    event.clear()
    return woken


class Poller:
    """Poll slowly, but quickly for a little while after a wake-up: a local wake-up can come from
    inside a transaction that has not committed yet (SQLite has no commit-time notification), so
    the rows it announces become visible a few milliseconds later."""

    def __init__(self, poll_seconds: float, burst_poll_seconds: float, burst_seconds: float = 1.0) -> None:
        self.poll_seconds = poll_seconds
        self.burst_poll_seconds = burst_poll_seconds
        self.burst_seconds = burst_seconds
        self.event = subscribe()
        self._burst_until = 0.0

    async def sleep(self, at_most: float | None = None) -> None:
        loop = asyncio.get_running_loop()
        seconds = self.burst_poll_seconds if loop.time() < self._burst_until else self.poll_seconds
        if at_most is not None:
            seconds = min(seconds, at_most)
        if await wait(self.event, seconds):
            self._burst_until = loop.time() + self.burst_seconds

    def close(self) -> None:
        unsubscribe(self.event)


async def listen() -> Callable[[], Awaitable[None]] | None:
    """LISTEN on PostgreSQL with a connection of its own; returns a function that stops listening."""
    if not is_postgres():
        return None
    import asyncpg

    from app.db import _postgres_config
    from app.settings import get_settings

    try:
        connection = await asyncpg.connect(**_postgres_config(get_settings().database_url), timeout=10)
        await connection.add_listener(CHANNEL, lambda *args: wake_local())
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:  # polling still delivers, only later
        log.warning("alerts: LISTEN unavailable (%s); polling only", exc)
        return None

    async def stop() -> None:
        await connection.close()

    return stop
