"""Notifying the people of a ladder step: who they are, the queued push messages and group posts,
and the alert's record (SPEC D7, W6). Used by `service` (raise, escalate, acknowledge); no HTTP here."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from app.alerts._settings import office_settings
from app.alerts.kinds import KINDS, RECIPIENTS, TARGETS, LadderStep
from app.alerts.schemas import Addressee, PushPayload, WebhookPayload
from app.alerts.tables import Alert, AlertDelivery, AlertEvent, AlertRecipient, PushSubscription
from app.auth import directory
from app.i18n import _, current_language, normalise_language
from app.settings import get_settings


def utc(value: datetime | None = None) -> datetime:
    value = value or datetime.now(UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@contextmanager
def language(code: str | None) -> Iterator[None]:
    """Render text in one person's language (push titles go out in the recipient's language)."""
    token = current_language.set(normalise_language(code))
    try:
        yield
    finally:
        current_language.reset(token)


def kind_label(kind: str) -> str:
    return str(KINDS[kind].label) if kind in KINDS else kind


def target_label(target: str) -> str:
    return str(TARGETS.get(target, target))


async def _named_staff(office_id: int, recipients: list[int], roles: list[str]) -> list[int]:
    if not recipients and not roles:
        return []
    found = await directory.staff_of_office(
        office_id, roles=roles if roles else None, ids=recipients if recipients else None
    )
    return sorted({p.id for p in found})


async def _people(alert: dict, target: str, extra: Sequence[int] = ()) -> list[dict]:
    """Active staff of the office a ladder target names, minus those already notified."""
    ids = list(alert["named"]) if target == RECIPIENTS else []
    ids += list(extra)
    if target == RECIPIENTS:
        if not ids:
            return []
        found = await directory.staff_of_office(alert["office"], ids=ids)
    else:
        found = await directory.staff_of_office(alert["office"], roles=[target], ids=ids or None)
    people = [
        {"id": p.id, "display_name": p.display_name, "language": p.language, "phone": p.phone, "role": p.role}
        for p in found
    ]
    done = {
        r["staff"] for r in await AlertRecipient.select(AlertRecipient.staff).where(AlertRecipient.alert == alert["id"])
    }
    return [p for p in people if p["id"] not in done]


async def _notify_from(alert: dict, level: int, now: datetime) -> None:
    """Notify ladder step `level`; steps that reach nobody are recorded and skipped, and a wait of
    0 minutes goes on to the next step at once. Sets when the next step is due (alerts needing
    acknowledgement only)."""
    steps = [msgspec.convert(s, LadderStep) for s in alert["ladder"]]
    named_joins_first = bool(alert["named"]) and all(s.to != RECIPIENTS for s in steps)
    if not steps:  # a ladder with no steps: the named people only
        steps = [LadderStep(RECIPIENTS, 0)]
    next_at: datetime | None = None
    while level < len(steps):
        step = steps[level]
        extra = alert["named"] if level == 0 and named_joins_first else ()
        people = await _people(alert, step.to, extra)
        if not people:
            await _record(alert, now, [{"action": "skipped", "level": level, "detail": step.to}])
            level += 1
            continue
        await _notify(alert, level, people, now)
        if not alert["needs_ack"]:
            break
        if step.wait_minutes == 0 and level + 1 < len(steps):
            level += 1
            continue
        next_at = now + timedelta(minutes=step.wait_minutes)
        break
    else:
        level = len(steps) - 1
        if alert["needs_ack"]:
            await _record(alert, now, [{"action": "exhausted", "level": level}])
    alert["level"] = level
    await Alert.update({Alert.level: level, Alert.next_escalation_at: next_at}).where(Alert.id == alert["id"])


async def _notify(alert: dict, level: int, people: list[dict], now: datetime) -> None:
    """Record the people as notified at this step and queue their push messages and the group post."""
    await AlertRecipient.insert(
        *[
            AlertRecipient(alert=alert["id"], office=alert["office"], staff=p["id"], level=level, notified_at=now)
            for p in people
        ]
    )
    events: list[dict] = []
    if level > 0:
        events.append({"action": "escalated", "level": level, "detail": _step_target(alert, level)})
    events += [{"action": "notified", "level": level, "staff": p["id"]} for p in people]
    channels = set(alert["channels"])
    if "push" in channels:
        without_device = await _queue_push(alert, level, people, now)
        events += [{"action": "no_device", "level": level, "staff": i, "channel": "push"} for i in without_device]
    if "webhook" in channels:
        if (await office_settings(alert["office"])).has_webhook:
            with language(get_settings().default_language):
                text = _webhook_text(alert, level, people)
            await queue_webhook(alert, level, text, now, people)
        else:
            events.append({"action": "no_webhook", "level": level, "channel": "webhook"})
    await _record(alert, now, events)


def _step_target(alert: dict, level: int) -> str:
    ladder = alert["ladder"]
    return ladder[level]["to"] if level < len(ladder) else ""


def push_payload(alert: dict, level: int) -> bytes:
    """The push message in the current language: the kind and title, the body, the alert's page."""
    body = alert["body"][:300]
    if level > 0:
        body = _("Nobody has acknowledged yet.") + " " + body
    payload = PushPayload(
        id=str(alert["id"]),
        title=_("%(kind)s: %(title)s", kind=kind_label(alert["kind"]), title=alert["title"])[:120],
        body=body.strip(),
        url=f"/alerts/{alert['id']}",
        kind=alert["kind"],
        needs_ack=alert["needs_ack"],
        level=level,
    )
    return msgspec.json.encode(payload)


async def _queue_push(alert: dict, level: int, people: list[dict], now: datetime) -> list[int]:
    """One queued message per device of each person; returns who has no device with push on."""
    by_staff = {p["id"]: p for p in people}
    subscriptions = await PushSubscription.select(PushSubscription.id, PushSubscription.staff).where(
        PushSubscription.staff.is_in(list(by_staff))
    )
    rows = []
    for sub in subscriptions:
        with language(by_staff[sub["staff"]]["language"]):
            payload = push_payload(alert, level)
        rows.append(_delivery(alert, level, "push", payload.decode(), now, staff=sub["staff"], subscription=sub["id"]))
    if rows:
        await AlertDelivery.insert(*rows)
    reached = {sub["staff"] for sub in subscriptions}
    return [i for i in by_staff if i not in reached]


def _delivery(alert: dict, level: int, channel: str, payload: str, now: datetime, **extra: Any) -> AlertDelivery:
    return AlertDelivery(
        id=uuid.uuid4(),
        office=alert["office"],
        alert=alert["id"],
        channel=channel,
        level=level,
        payload=payload,
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        **extra,
    )


async def queue_webhook(alert: dict, level: int, text: str, now: datetime, people: Sequence[dict] = ()) -> None:
    """Queue a group post; it @-mentions `people` by mobile and keeps who they were for the record."""
    payload = WebhookPayload(
        text=text,
        mobiles=[p["phone"] for p in people if p["phone"]],
        to=[Addressee(id=p["id"], name=p["display_name"]) for p in people],
    )
    await AlertDelivery.insert(_delivery(alert, level, "webhook", msgspec.json.encode(payload).decode(), now))


def _alert_link(alert: dict) -> str:
    base = get_settings().public_url
    return f"\n{base}/alerts/{alert['id']}" if base else ""


def _webhook_text(alert: dict, level: int, people: list[dict]) -> str:
    names = "、".join(p["display_name"] for p in people)
    lines = [f"【{kind_label(alert['kind'])}】{alert['title']}"]
    if alert["body"]:
        lines.append(alert["body"][:500])
    if level > 0:
        lines.append(_("Nobody acknowledged in time; now notifying: %(names)s", names=names))
    else:
        lines.append(_("Notified: %(names)s", names=names))
    if alert["needs_ack"]:
        lines.append(_("Please acknowledge in the app."))
    return "\n".join(lines) + _alert_link(alert)


async def _record(alert: dict, now: datetime, events: list[dict]) -> None:
    if events:
        await AlertEvent.insert(
            *[AlertEvent(alert=alert["id"], office=alert["office"], at=now, **event) for event in events]
        )
