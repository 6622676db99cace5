"""The delivery queue (DESIGN "Push"): claim what is due, send it, record what happened.

Claiming marks rows `sending` with a lease and a claim token in one short transaction (on
PostgreSQL `FOR UPDATE SKIP LOCKED`, so several app instances drain one queue and each message
goes out once); sending happens outside any transaction; the outcome is written only by the
drainer that still holds the claim. A drainer that dies mid-send leaves rows whose lease expires,
and they are sent again: at-least-once after a crash, exactly once otherwise.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta
from typing import Any

import msgspec

from app.alerts.schemas import WebhookPayload
from app.alerts.senders import Senders, SendResult
from app.alerts.service import office_settings, utc, webhook_settings_dict
from app.alerts.tables import AlertDelivery, AlertEvent, PushSubscription
from app.db import is_postgres, write_transaction

LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 8
BACKOFF_SECONDS = (10, 30, 60, 120, 300, 600, 1200)
MAX_RETRY_AFTER_SECONDS = 3600
CONCURRENCY = 32
GONE_STATUSES = frozenset({404, 410})  # the subscription has expired or was withdrawn


class DrainStats(msgspec.Struct):
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    gone: int = 0


def backoff(attempts: int, retry_after: float | None = None) -> timedelta:
    """Wait before the next attempt: growing steps, at least what a 429's Retry-After asks."""
    seconds = float(BACKOFF_SECONDS[min(max(attempts, 1), len(BACKOFF_SECONDS)) - 1])
    if retry_after:
        seconds = max(seconds, min(retry_after, MAX_RETRY_AFTER_SECONDS))
    return timedelta(seconds=seconds)


def retryable(channel: str, result: SendResult) -> bool:
    if result.status is None or result.status == 429 or result.status >= 500:
        return True
    return channel == "webhook"  # a robot's errcode (rate limit, …) may clear; same retry rules


async def claim(now: datetime, limit: int) -> tuple[str, list[dict]]:
    """Take up to `limit` due messages for this drainer; returns its claim token and the rows."""
    due = ((AlertDelivery.status == "pending") & (AlertDelivery.next_attempt_at <= now)) | (
        (AlertDelivery.status == "sending") & (AlertDelivery.claimed_until <= now)
    )
    token = str(uuid.uuid4())
    if not await AlertDelivery.exists().where(due):  # the common case, without a write transaction
        return token, []
    async with write_transaction():
        query = AlertDelivery.select(AlertDelivery.id).where(due).order_by(AlertDelivery.next_attempt_at).limit(limit)
        if is_postgres():
            query = query.lock_rows("UPDATE", skip_locked=True)
        ids = [row["id"] for row in await query]
        if not ids:
            return token, []
        await AlertDelivery.update(
            {
                AlertDelivery.status: "sending",
                AlertDelivery.attempts: AlertDelivery.attempts + 1,
                AlertDelivery.claim: token,
                AlertDelivery.claimed_until: now + LEASE,
            }
        ).where(AlertDelivery.id.is_in(ids))
    rows = await AlertDelivery.select(
        AlertDelivery.id,
        AlertDelivery.office,
        AlertDelivery.alert,
        AlertDelivery.staff,
        AlertDelivery.channel,
        AlertDelivery.level,
        AlertDelivery.payload,
        AlertDelivery.attempts,
        AlertDelivery.subscription.id.as_alias("sub_id"),
        AlertDelivery.subscription.endpoint.as_alias("endpoint"),
        AlertDelivery.subscription.p256dh.as_alias("p256dh"),
        AlertDelivery.subscription.auth.as_alias("auth"),
        AlertDelivery.subscription.label.as_alias("device"),
        AlertDelivery.alert.needs_ack.as_alias("needs_ack"),
    ).where(AlertDelivery.claim == token)
    return token, rows


async def _send(row: dict, senders: Senders, webhooks: dict[int, dict], now: datetime) -> SendResult:
    if row["channel"] == "push":
        if row["sub_id"] is None:
            return SendResult(ok=False, status=410, error="the device was removed")
        urgency = "high" if row["needs_ack"] else "normal"
        ttl = 12 * 3600
        return await senders.push(row, row["payload"].encode(), ttl=ttl, urgency=urgency, now=now)
    message = msgspec.json.decode(row["payload"], type=WebhookPayload)
    return await senders.webhook(webhooks[row["office"]], message.text, message.mobiles)


async def drain_once(senders: Senders, now: datetime | None = None, limit: int = 100) -> DrainStats:
    """Claim, send and record one batch of due messages."""
    now = utc(now)
    token, rows = await claim(now, limit)
    if not rows:
        return DrainStats()
    webhooks = {
        office: webhook_settings_dict(await office_settings(office))
        for office in {r["office"] for r in rows if r["channel"] == "webhook"}
    }
    gate = asyncio.Semaphore(CONCURRENCY)

    async def send(row: dict) -> SendResult:
        async with gate:
            return await _send(row, senders, webhooks, now)

    results = await asyncio.gather(*(send(row) for row in rows))
    return await record(token, rows, list(results), now)


def whom(row: dict) -> str:
    """Who a message was for, for the record: a push's device; the people a group post named."""
    if row["channel"] == "webhook":
        return msgspec.json.decode(row["payload"], type=WebhookPayload).names
    return row["device"] or ""


async def record(token: str, rows: list[dict], results: list[SendResult], now: datetime) -> DrainStats:
    """Write the outcome of a batch: sent, retry later, failed for good, or gone (subscription removed)."""
    stats = DrainStats(claimed=len(rows))
    sent: list = []
    gone: list = []
    gone_subs: set[int] = set()
    events: list[AlertEvent] = []
    mine = AlertDelivery.claim == token

    def event(row: dict, action: str, detail: str) -> None:
        events.append(
            AlertEvent(
                alert=row["alert"],
                office=row["office"],
                at=now,
                action=action,
                level=row["level"],
                staff=row["staff"],
                channel=row["channel"],
                detail=detail[:300],
            )
        )

    async with write_transaction():
        for row, result in zip(rows, results, strict=True):
            to = whom(row)
            code = f"HTTP {result.status}" if result.status else ""
            if result.ok:
                sent.append(row["id"])
                stats.sent += 1
                event(row, "delivered", to)
            elif row["channel"] == "push" and result.status in GONE_STATUSES:
                gone.append(row["id"])
                if row["sub_id"] is not None:
                    gone_subs.add(row["sub_id"])
                stats.gone += 1
                event(row, "gone", f"{to} {code}".strip())
            else:
                again = retryable(row["channel"], result) and row["attempts"] < MAX_ATTEMPTS
                values: dict[Any, Any] = {
                    AlertDelivery.status: "pending" if again else "failed",
                    AlertDelivery.claim: None,
                    AlertDelivery.claimed_until: None,
                    AlertDelivery.last_status: result.status,
                    AlertDelivery.last_error: result.error[:300],
                }
                if again:
                    values[AlertDelivery.next_attempt_at] = now + backoff(row["attempts"], result.retry_after)
                    stats.retried += 1
                else:
                    stats.failed += 1
                await AlertDelivery.update(values).where((AlertDelivery.id == row["id"]) & mine)
                event(row, "retry" if again else "failed", " ".join(p for p in (to, code, result.error) if p))
        if sent:
            await AlertDelivery.update(
                {
                    AlertDelivery.status: "sent",
                    AlertDelivery.sent_at: now,
                    AlertDelivery.claim: None,
                    AlertDelivery.claimed_until: None,
                    AlertDelivery.last_error: "",
                }
            ).where(AlertDelivery.id.is_in(sent) & mine)
            subs = [r["sub_id"] for r, res in zip(rows, results, strict=True) if res.ok and r["sub_id"]]
            if subs:
                await PushSubscription.update({PushSubscription.last_success_at: now}).where(
                    PushSubscription.id.is_in(subs)
                )
        if gone:
            await AlertDelivery.update(
                {AlertDelivery.status: "gone", AlertDelivery.claim: None, AlertDelivery.claimed_until: None}
            ).where(AlertDelivery.id.is_in(gone) & mine)
        if gone_subs:
            await PushSubscription.delete().where(PushSubscription.id.is_in(list(gone_subs)))
        if events:
            await AlertEvent.insert(*events)
    return stats
