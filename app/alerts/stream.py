"""In-app live alerts: a server-sent event stream per open page (for phones web push cannot reach).

Each stream polls the database briefly (no transaction is held open) and is woken early when this
process or, on PostgreSQL, any instance raises or escalates an alert. A stream ends after a short
lifetime, and at once when the server is told to stop, so that a server can always shut down; the
browser's EventSource reconnects and sends the last event id, which is the stream's time cursor,
so nothing is missed in between.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import msgspec
from litestar.response import ServerSentEventMessage

from app.alerts import signals
from app.alerts._lists import open_count_for, open_for
from app.alerts.service import kind_label, utc
from app.alerts.tables import AlertEvent, AlertRecipient
from app.auth.schemas import CurrentStaff
from app.db import write_transaction

POLL_SECONDS = 2.0
BURST_POLL_SECONDS = 0.25  # after a wake-up; every open page polls, so not too often
LIFETIME_SECONDS = 25.0
RETRY_MS = 1000
OVERLAP = timedelta(seconds=10)  # rows commit a little after their notified_at; look back this far
MAX_BACKLOG = timedelta(minutes=10)  # a page opened later does not replay older alerts as new


_closing = False
_watching = False


def watch_shutdown() -> None:
    """End every stream at once when the server is told to stop (SIGTERM, SIGINT). A server waits
    for open responses before it shuts down, so an open page would otherwise hold it for up to a
    stream's lifetime. The server's own handler still runs; this one only comes first."""
    global _watching
    if _watching or threading.current_thread() is not threading.main_thread():
        return
    _watching = True
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(sig)

        def handler(signum: int, frame: object, previous: object = previous) -> None:
            global _closing
            _closing = True
            loop.call_soon_threadsafe(signals.wake_local)
            if callable(previous):
                previous(signum, frame)
            elif previous == signal.SIG_DFL:
                signal.signal(signum, signal.SIG_DFL)
                os.kill(os.getpid(), signum)

        signal.signal(sig, handler)


def parse_cursor(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return utc(datetime.fromisoformat(value.strip()))
    except ValueError:
        return None


async def recent_for(staff_id: int, since: datetime, limit: int = 20) -> list[dict]:
    """Alerts this person was notified of after `since` (minus the overlap), oldest first."""
    return (
        await AlertRecipient.select(
            AlertRecipient.id,
            AlertRecipient.level,
            AlertRecipient.notified_at,
            AlertRecipient.shown_at,
            AlertRecipient.office,
            AlertRecipient.alert.id.as_alias("alert_id"),
            AlertRecipient.alert.kind.as_alias("kind"),
            AlertRecipient.alert.title.as_alias("title"),
            AlertRecipient.alert.body.as_alias("body"),
            AlertRecipient.alert.needs_ack.as_alias("needs_ack"),
            AlertRecipient.alert.status.as_alias("status"),
            AlertRecipient.alert.channels.as_alias("channels"),
        )
        .where((AlertRecipient.staff == staff_id) & (AlertRecipient.notified_at > since - OVERLAP))
        .order_by(AlertRecipient.notified_at)
        .limit(limit)
        .output(load_json=True)
    )


async def mark_shown(staff_id: int, rows: list[dict], now: datetime) -> None:
    """Record the first time each alert reached an open page of this person (channel "inapp")."""
    first = [r for r in rows if r["shown_at"] is None]
    if not first:
        return
    async with write_transaction():
        await AlertRecipient.update({AlertRecipient.shown_at: now}).where(
            AlertRecipient.id.is_in([r["id"] for r in first]) & AlertRecipient.shown_at.is_null()
        )
        await AlertEvent.insert(
            *[
                AlertEvent(
                    alert=r["alert_id"],
                    office=r["office"],
                    at=now,
                    action="shown",
                    level=r["level"],
                    staff=staff_id,
                    channel="inapp",
                )
                for r in first
            ]
        )


def _message(event: str, cursor: datetime, data: dict) -> ServerSentEventMessage:
    return ServerSentEventMessage(
        event=event, id=cursor.isoformat(), data=msgspec.json.encode(data).decode(), retry=RETRY_MS
    )


async def _open_summary(staff: CurrentStaff) -> dict:
    rows = await open_for(staff, limit=5)
    return {
        "open_count": await open_count_for(staff),
        "open": [{"id": str(r["id"]), "title": r["title"], "kind_label": str(r["kind_label"])} for r in rows],
    }


async def events(
    staff: CurrentStaff,
    since: datetime | None = None,
    *,
    poll_seconds: float = POLL_SECONDS,
    lifetime_seconds: float = LIFETIME_SECONDS,
) -> AsyncIterator[ServerSentEventMessage]:
    """`hello` (server time, open alerts), then one `alert` event per new alert for this person, and a
    `count` event whenever the number waiting for acknowledgement changes otherwise (acknowledged
    here, on another phone or by someone else): the top bar's counter drops at once."""
    now = utc()
    cursor = min(max(since, now - MAX_BACKLOG), now) if since else now
    hello = await _open_summary(staff)
    last_count = hello["open_count"]
    yield _message("hello", cursor, {"server_time": now.isoformat(), **hello})
    sent: set[int] = set()
    poller = signals.Poller(poll_seconds, min(poll_seconds, BURST_POLL_SECONDS))
    deadline = time.monotonic() + lifetime_seconds
    try:
        while True:
            rows = await recent_for(staff.id, cursor)
            fresh = [
                r for r in rows if r["id"] not in sent and "inapp" in r["channels"] and r["status"] != "acknowledged"
            ]
            for r in rows:
                cursor = max(cursor, utc(r["notified_at"]))
            if fresh:
                summary = await _open_summary(staff)
                last_count = summary["open_count"]
                for r in fresh:
                    sent.add(r["id"])
                    yield _message(
                        "alert",
                        cursor,
                        {
                            "id": str(r["alert_id"]),
                            "title": r["title"],
                            "body": r["body"][:300],
                            "kind": r["kind"],
                            "kind_label": kind_label(r["kind"]),
                            "url": f"/alerts/{r['alert_id']}",
                            "needs_ack": r["needs_ack"],
                            "level": r["level"],
                            **summary,
                        },
                    )
                await mark_shown(staff.id, fresh, utc())
            elif (count := await open_count_for(staff)) != last_count:
                last_count = count
                yield _message("count", cursor, {"open_count": count})
            left = deadline - time.monotonic()
            if left <= 0 or _closing:
                return
            await poller.sleep(at_most=left)
    finally:
        poller.close()
