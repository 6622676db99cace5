"""Raising alerts, the escalation ladder and acknowledgement (SPEC D6, D7, W6). No HTTP here.

The public API for other domains is `raise_alert` (see docs/alerts.md). It writes the alert, the
people notified, the queued deliveries and the record in the caller's transaction, so an alert
raised by a sync mutation that is rolled back sends nothing; the worker delivers after commit.
Every function that depends on the time takes `now`, so tests drive the clock.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec

from app.alerts import signals
from app.alerts._devices import list_devices, remove_device, subscribe  # noqa: F401  (re-exported)
from app.alerts._settings import (  # noqa: F401  (re-exported)
    SETTINGS_EDITORS,
    WEBHOOK_KINDS,
    office_settings,
    parse_settings_form,
    save_settings,
    settings_form_values,
    webhook_settings_dict,
)
from app.alerts.kinds import KINDS, RECIPIENTS, TARGETS, LadderStep
from app.alerts.schemas import Addressee, AlertAcknowledge, PushPayload, WebhookPayload
from app.alerts.tables import Alert, AlertDelivery, AlertEvent, AlertRecipient, PushSubscription
from app.auth.schemas import CurrentStaff
from app.auth.tables import Staff
from app.db import get_engine, is_postgres, write_transaction
from app.errors import NotFound, RuleViolation
from app.i18n import _, current_language, lazy, normalise_language
from app.settings import get_settings
from app.sync import registry
from app.sync.registry import ApplyContext

ACK_ANYWAY_ROLES = SETTINGS_EDITORS  # may acknowledge any alert of their office, notified or not
PUSH_TTL_SECONDS = 12 * 3600
TITLE_MAX = 200


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


# --- raising ------------------------------------------------------------------------------------


async def raise_alert(
    *,
    office_id: int,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    recipients: Iterable[int] = (),
    roles: Iterable[str] = (),
    needs_ack: bool | None = None,
    ladder: Sequence[LadderStep] | None = None,
    raised_by: int | None = None,
    source: str = "",
    now: datetime | None = None,
) -> UUID:
    """Raise an alert in an office and notify its first ladder step at once.

    `recipients` (staff ids) and `roles` name people (e.g. the on-duty technician); a ladder step
    with target "recipients" notifies them, and if no step does they join the first step.
    `ladder` overrides the office's ladder for this kind; `needs_ack` overrides the kind's default.
    `source` (e.g. "duty_log:<uuid>") makes raising idempotent: the same source gives the same alert.
    Runs in the caller's transaction when there is one (a sync mutation), else in its own.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown alert kind {kind!r}")
    now = utc(now)
    title = " ".join(title.split())[:TITLE_MAX] or kind_label(kind)
    if url and not (url.startswith("/") and not url.startswith("//")):
        raise ValueError("url must be a path of this app, e.g. /work-orders/42")
    own_transaction = not get_engine().transaction_exists()
    async with write_transaction():
        if source and (
            found := await Alert.select(Alert.id)
            .where((Alert.office == office_id) & (Alert.kind == kind) & (Alert.source == source))
            .first()
        ):
            return found["id"]
        config = (await office_settings(office_id)).kinds[kind]
        steps = list(ladder) if ladder is not None else config.ladder
        named = await _named_staff(office_id, list(recipients), list(roles))
        needs = KINDS[kind].needs_ack if needs_ack is None else needs_ack
        alert_id = uuid.uuid4()
        alert = {
            "id": alert_id,
            "office": office_id,
            "kind": kind,
            "title": title,
            "body": body[:2000],
            "url": url,
            "source": source[:100],
            "raised_by": raised_by,
            "raised_at": now,
            "needs_ack": needs,
            "channels": list(config.channels),
            "ladder": msgspec.to_builtins(steps),
            "named": named,
            "level": 0,
            "status": "open" if needs else "info",
        }
        await Alert.insert(Alert(**alert))
        await _record(alert, now, [{"action": "raised", "staff": raised_by}])
        await _notify_from(alert, 0, now)
        await signals.announce()
    if own_transaction:
        signals.wake_local()  # committed now: the worker finds the rows at once
    return alert_id


async def _named_staff(office_id: int, recipients: list[int], roles: list[str]) -> list[int]:
    if not recipients and not roles:
        return []
    where = Staff.id.is_in(recipients) if recipients else None
    if roles:
        by_role = Staff.role.is_in(roles)
        where = by_role if where is None else (where | by_role)
    rows = await Staff.select(Staff.id).where((Staff.office == office_id) & Staff.is_active.eq(True) & where)
    return sorted({r["id"] for r in rows})


async def _people(alert: dict, target: str, extra: Sequence[int] = ()) -> list[dict]:
    """Active staff of the office a ladder target names, minus those already notified."""
    ids = list(alert["named"]) if target == RECIPIENTS else []
    ids += list(extra)
    query = Staff.select(Staff.id, Staff.display_name, Staff.language, Staff.phone, Staff.role).where(
        (Staff.office == alert["office"]) & Staff.is_active.eq(True)
    )
    if target == RECIPIENTS:
        if not ids:
            return []
        query = query.where(Staff.id.is_in(ids))
    elif ids:
        query = query.where((Staff.role == target) | Staff.id.is_in(ids))
    else:
        query = query.where(Staff.role == target)
    people = await query.order_by(Staff.id)
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


# --- escalation ---------------------------------------------------------------------------------


_ALERT_COLUMNS = (
    Alert.id,
    Alert.office,
    Alert.kind,
    Alert.title,
    Alert.body,
    Alert.url,
    Alert.needs_ack,
    Alert.channels,
    Alert.ladder,
    Alert.named,
    Alert.level,
    Alert.status,
)


async def escalate_due(now: datetime | None = None, limit: int = 50) -> int:
    """Notify the next ladder step of every open alert whose wait has passed (W6). Several app
    instances may run this at once: on PostgreSQL each alert is taken by one (SKIP LOCKED)."""
    now = utc(now)
    due = (Alert.status == "open") & (Alert.next_escalation_at <= now)
    if not await Alert.exists().where(due):  # the common case, without a write transaction
        return 0
    async with write_transaction():
        query = Alert.select(*_ALERT_COLUMNS).where(due).order_by(Alert.next_escalation_at).limit(limit)
        if is_postgres():
            query = query.lock_rows("UPDATE", skip_locked=True)
        alerts = await query.output(load_json=True)
        for alert in alerts:
            await _notify_from(alert, alert["level"] + 1, now)
        if alerts:
            await signals.announce()
    return len(alerts)


# --- acknowledgement ----------------------------------------------------------------------------


async def open_alerts_from(office_id: int, kinds: Sequence[str], source_prefix: str) -> list[UUID]:
    """The open alerts of `kinds` an office raised from one source (e.g. `work_order:<id>:`), for the
    domain that raised them to answer them through `acknowledge`."""
    rows = await Alert.select(Alert.id).where(
        (Alert.office == office_id)
        & Alert.kind.is_in(list(kinds))
        & (Alert.status == "open")
        & Alert.source.like(f"{source_prefix}%")
    )
    return [row["id"] for row in rows]


async def acknowledge(staff: CurrentStaff, alert_id: UUID, note: str = "", now: datetime | None = None) -> bool:
    """Acknowledge an alert: the ladder stops (W6). True when this acknowledgement stopped it;
    a later one (someone else was first) is recorded too, with its note, and changes nothing else."""
    now = utc(now)
    note = " ".join(note.split())[:200]
    alert = (
        await Alert.select(*_ALERT_COLUMNS)
        .where((Alert.id == alert_id) & (Alert.office == staff.office_id))
        .output(load_json=True)
        .first()
    )
    if alert is None:
        raise NotFound()
    notified = await AlertRecipient.exists().where(
        (AlertRecipient.alert == alert_id) & (AlertRecipient.staff == staff.id)
    )
    if not notified and staff.role not in ACK_ANYWAY_ROLES:
        raise RuleViolation("not_recipient", _("This alert was not sent to you, so you cannot acknowledge it."))
    stopped = (
        await Alert.update(
            {
                Alert.status: "acknowledged",
                Alert.acknowledged_by: staff.id,
                Alert.acknowledged_at: now,
                Alert.ack_note: note,
                Alert.next_escalation_at: None,
            }
        )
        .where((Alert.id == alert_id) & (Alert.status == "open"))
        .returning(Alert.id)
    )
    await _record(alert, now, [{"action": "acknowledged", "staff": staff.id, "detail": note}])
    if stopped and "webhook" in alert["channels"] and (await office_settings(alert["office"])).has_webhook:
        with language(get_settings().default_language):
            text = f"【{kind_label(alert['kind'])}】{alert['title']}\n" + _(
                "Acknowledged by %(name)s.", name=staff.display_name
            )
            text += f" {note}" if note else ""
        await queue_webhook(alert, alert["level"], text + _alert_link(alert), now)
        await signals.announce()
    return bool(stopped)


async def apply_acknowledge(ctx: ApplyContext, mutation: AlertAcknowledge) -> None:
    """`alert.acknowledge`: acknowledging commutes (the first stops the ladder, later ones are
    recorded), so it never goes stale and keeps its note either way."""
    await acknowledge(ctx.staff, mutation.data.alert_id, mutation.data.note, now=ctx.received_at)


MUTATIONS = (registry.MutationKind(AlertAcknowledge, apply_acknowledge, label=lazy("Alert acknowledged")),)


# --- test notification --------------------------------------------------------------------------


async def send_test(staff: CurrentStaff, subscription_id: int, now: datetime | None = None) -> UUID:
    """Queue a test notification to one of the staff member's devices."""
    now = utc(now)
    sub = (
        await PushSubscription.select(PushSubscription.id)
        .where((PushSubscription.id == subscription_id) & (PushSubscription.staff == staff.id))
        .first()
    )
    if sub is None:
        raise NotFound()
    async with write_transaction():
        alert = {
            "id": uuid.uuid4(),
            "office": staff.office_id,
            "kind": "test",
            "title": _("Alerts work on this phone"),
            "body": _("If you can read this, alerts reach this phone."),
            "url": "/profile",
            "raised_by": staff.id,
            "raised_at": now,
            "needs_ack": False,
            "channels": ["push"],
            "ladder": [],
            "named": [staff.id],
            "status": "info",
        }
        await Alert.insert(Alert(**alert))
        await AlertRecipient.insert(
            AlertRecipient(alert=alert["id"], office=staff.office_id, staff=staff.id, level=0, notified_at=now)
        )
        payload = push_payload(alert, 0).decode()
        await AlertDelivery.insert(_delivery(alert, 0, "push", payload, now, staff=staff.id, subscription=sub["id"]))
        await _record(alert, now, [{"action": "raised", "staff": staff.id}, {"action": "notified", "staff": staff.id}])
        await signals.announce()
    return alert["id"]


async def send_webhook_test(staff: CurrentStaff, now: datetime | None = None) -> UUID:
    """Queue a test message to the office's work-chat group (from the settings page)."""
    now = utc(now)
    async with write_transaction():
        alert = {
            "id": uuid.uuid4(),
            "office": staff.office_id,
            "kind": "test",
            "title": _("Test message"),
            "body": "",
            "url": "/alerts/settings",
            "raised_by": staff.id,
            "raised_at": now,
            "needs_ack": False,
            "channels": ["webhook"],
            "ladder": [],
            "named": [],
            "status": "info",
        }
        await Alert.insert(Alert(**alert))
        with language(get_settings().default_language):
            text = f"【{_('Test message')}】" + _(
                "Test message from the service-centre app, sent by %(name)s.", name=staff.display_name
            )
        await queue_webhook(alert, 0, text + _alert_link(alert), now)
        await _record(alert, now, [{"action": "raised", "staff": staff.id}])
        await signals.announce()
    return alert["id"]
