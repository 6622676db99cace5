"""What the alert page shows: one alert with its ladder, deliveries and whole record (lists: `_lists`)."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec

from app.alerts._settings import SETTINGS_EDITORS
from app.alerts.kinds import CHANNELS, KINDS, TARGETS, LadderStep
from app.alerts.schemas import WebhookPayload
from app.alerts.tables import Alert, AlertDelivery, AlertEvent, AlertRecipient
from app.auth.schemas import CurrentStaff
from app.errors import NotFound
from app.i18n import lazy

ACK_ANYWAY_ROLES = SETTINGS_EDITORS  # may acknowledge any alert of their office

ACTIONS: dict[str, str] = {
    "raised": lazy("Raised"),
    "notified": lazy("Notified"),
    "escalated": lazy("Escalated: nobody acknowledged in time"),
    "skipped": lazy("Step skipped: nobody to notify"),
    "exhausted": lazy("Nobody left to notify"),
    "no_device": lazy("No phone with push turned on"),
    "no_webhook": lazy("No work-chat robot set up"),
    "delivered": lazy("Delivered"),
    "retry": lazy("Delivery failed; will retry"),
    "failed": lazy("Delivery failed for good"),
    "gone": lazy("Device no longer subscribed; removed"),
    "shown": lazy("Shown in the open app"),
    "opened": lazy("Opened"),
    "acknowledged": lazy("Acknowledged"),
}
STATUSES: dict[str, str] = {
    "open": lazy("Waiting for acknowledgement"),
    "acknowledged": lazy("Acknowledged"),
    "info": lazy("For information"),
}
DELIVERY_STATUSES: dict[str, str] = {
    "pending": lazy("waiting"),
    "sending": lazy("sending"),
    "sent": lazy("delivered"),
    "failed": lazy("failed"),
    "gone": lazy("device gone"),
}


def local_time(value: datetime | None, tz: ZoneInfo) -> datetime | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(tz)


async def alert_detail(staff: CurrentStaff, alert_id: UUID) -> dict:
    """One alert of the staff member's office with its ladder, deliveries and full record."""
    tz = staff.tz
    query = Alert.select(
        *Alert.all_columns(),
        Alert.raised_by.display_name.as_alias("raised_by_name"),
        Alert.acknowledged_by.display_name.as_alias("acknowledged_by_name"),
    ).where(Alert.id == alert_id)
    if not staff.sees_all_offices:
        query = query.where(Alert.office == staff.office_id)
    alert = await query.output(load_json=True).first()
    if alert is None:
        raise NotFound()
    alert["raised_local"] = local_time(alert["raised_at"], tz)
    alert["acknowledged_local"] = local_time(alert["acknowledged_at"], tz)
    alert["next_local"] = local_time(alert["next_escalation_at"], tz)
    alert["kind_label"] = KINDS[alert["kind"]].label if alert["kind"] in KINDS else alert["kind"]
    recipients = (
        await AlertRecipient.select(
            AlertRecipient.staff,
            AlertRecipient.level,
            AlertRecipient.notified_at,
            AlertRecipient.shown_at,
            AlertRecipient.opened_at,
            AlertRecipient.staff.display_name.as_alias("name"),
            AlertRecipient.staff.role.as_alias("role"),
        )
        .where(AlertRecipient.alert == alert_id)
        .order_by(AlertRecipient.level)
        .order_by(AlertRecipient.id)
    )
    for r in recipients:
        for key in ("notified_at", "shown_at", "opened_at"):
            r[key.replace("_at", "_local")] = local_time(r[key], tz)
    deliveries = await _deliveries(alert_id, tz)
    events = (
        await AlertEvent.select(
            AlertEvent.at,
            AlertEvent.action,
            AlertEvent.level,
            AlertEvent.channel,
            AlertEvent.detail,
            AlertEvent.staff.display_name.as_alias("name"),
        )
        .where(AlertEvent.alert == alert_id)
        .order_by(AlertEvent.at)
        .order_by(AlertEvent.id)
    )
    for e in events:
        e["at_local"] = local_time(e["at"], tz)
        if e["action"] in {"skipped", "escalated"} and e["detail"] in TARGETS:
            e["detail"] = TARGETS[e["detail"]]
    ladder = [msgspec.convert(step, LadderStep) for step in alert["ladder"]]
    me = next((r for r in recipients if r["staff"] == staff.id), None)
    return {
        "alert": alert,
        "ladder": [{"to": TARGETS.get(s.to, s.to), "wait": s.wait_minutes} for s in ladder],
        "recipients": recipients,
        "deliveries": deliveries,
        "events": events,
        "channels": [CHANNELS[c] for c in alert["channels"] if c in CHANNELS],
        "can_ack": alert["status"] == "open"
        and alert["office"] == staff.office_id
        and (me is not None or staff.role in ACK_ANYWAY_ROLES),
        "is_recipient": me is not None,
    }


async def _deliveries(alert_id: UUID, tz: ZoneInfo) -> list[dict]:
    """The queued messages of an alert; a group post says whom it named (`whom`)."""
    rows = (
        await AlertDelivery.select(
            AlertDelivery.channel,
            AlertDelivery.level,
            AlertDelivery.status,
            AlertDelivery.attempts,
            AlertDelivery.last_status,
            AlertDelivery.last_error,
            AlertDelivery.sent_at,
            AlertDelivery.next_attempt_at,
            AlertDelivery.payload,
            AlertDelivery.staff.display_name.as_alias("name"),
            AlertDelivery.subscription.label.as_alias("device"),
        )
        .where(AlertDelivery.alert == alert_id)
        .order_by(AlertDelivery.level)
        .order_by(AlertDelivery.created_at)
    )
    for d in rows:
        d["sent_local"] = local_time(d["sent_at"], tz)
        d["next_local"] = local_time(d["next_attempt_at"], tz)
        payload = d.pop("payload")
        d["whom"] = msgspec.json.decode(payload, type=WebhookPayload).names if d["channel"] == "webhook" else ""
    return rows


async def mark_opened(staff: CurrentStaff, alert_id: UUID, now: datetime) -> None:
    """The first time a notified person opens the alert's page is recorded (they have seen it)."""
    opened = (
        await AlertRecipient.update({AlertRecipient.opened_at: now})
        .where(
            (AlertRecipient.alert == alert_id) & (AlertRecipient.staff == staff.id) & AlertRecipient.opened_at.is_null()
        )
        .returning(AlertRecipient.level)
    )
    if opened:
        await AlertEvent.insert(
            AlertEvent(
                alert=alert_id,
                office=staff.office_id,
                at=now,
                action="opened",
                staff=staff.id,
                level=opened[0]["level"],
            )
        )
