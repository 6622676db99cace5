"""Raising alerts, the escalation ladder and acknowledgement (SPEC D6, D7, W6). No HTTP here.

The public API for other domains is `raise_alert` (see docs/alerts.md). It writes the alert, the
people notified, the queued deliveries and the record in the caller's transaction, so an alert
raised by a sync mutation that is rolled back sends nothing; the worker delivers after commit.
Every function that depends on the time takes `now`, so tests drive the clock.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec

from app.alerts import signals
from app.alerts._delivery import (  # noqa: F401  (re-exported)
    _alert_link,
    _named_staff,
    _notify_from,
    _record,
    kind_label,
    language,
    push_payload,
    queue_webhook,
    target_label,
    utc,
)
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
from app.alerts._test_messages import send_test, send_webhook_test  # noqa: F401  (re-exported)
from app.alerts.kinds import KINDS, LadderStep
from app.alerts.schemas import AlertAcknowledge
from app.alerts.tables import Alert, AlertRecipient
from app.auth.schemas import CurrentStaff
from app.db import get_engine, is_postgres, write_transaction
from app.errors import NotFound, RuleViolation
from app.i18n import _, lazy
from app.settings import get_settings
from app.sync import registry
from app.sync.registry import ApplyContext

ACK_ANYWAY_ROLES = SETTINGS_EDITORS  # may acknowledge any alert of their office, notified or not
PUSH_TTL_SECONDS = 12 * 3600
TITLE_MAX = 200


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


_AT_FLUSH = "alerts.raise_at_flush"


def raise_alert_at_flush(ctx: ApplyContext, **alert: Any) -> None:
    """`raise_alert(**alert)` for a mutation type registered with `deferred_writes=True` (which must
    not write in its apply function): queued in the batch's flush, in the batch's transaction, so a
    batch that rolls back sends nothing. Alerts are raised in the order they were queued."""
    pending: list[dict[str, Any]] = ctx.cache.setdefault(_AT_FLUSH, [])
    pending.append(alert)
    if _AT_FLUSH in ctx.flushes:
        return

    async def flush() -> None:
        for kwargs in pending:
            await raise_alert(**kwargs)

    ctx.flushes[_AT_FLUSH] = flush


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


async def acknowledge_open(
    staff: CurrentStaff, *, kinds: Iterable[str], source_prefix: str, note: str = "", now: datetime | None = None
) -> int:
    """Acknowledge, as `staff`, the open alerts of their office of these kinds whose `source` starts
    with `source_prefix` (e.g. the next step on a work order answers its escalation, W5). Alerts not
    sent to this person stay open. Returns how many this acknowledgement stopped."""
    rows = await Alert.select(Alert.id).where(
        (Alert.office == staff.office_id)
        & Alert.kind.is_in(list(kinds))
        & (Alert.status == "open")
        & Alert.source.like(f"{source_prefix}%")  # a prefix the calling domain builds (e.g. "work_order:<id>:")
    )
    stopped = 0
    for row in rows:
        try:
            stopped += await acknowledge(staff, row["id"], note, now=now)
        except RuleViolation:  # not sent to this person: it stays open for those it was sent to
            continue
    return stopped


async def apply_acknowledge(ctx: ApplyContext, mutation: AlertAcknowledge) -> None:
    """`alert.acknowledge`: acknowledging commutes (the first stops the ladder, later ones are
    recorded), so it never goes stale and keeps its note either way."""
    await acknowledge(ctx.staff, mutation.data.alert_id, mutation.data.note, now=ctx.received_at)


MUTATIONS = (registry.MutationKind(AlertAcknowledge, apply_acknowledge, label=lazy("Alert acknowledged")),)
