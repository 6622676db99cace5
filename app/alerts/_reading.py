"""What the alert pages show: a person's open and past alerts, and one alert with its whole record."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec

from app.alerts._settings import SETTINGS_EDITORS
from app.alerts.kinds import CHANNELS, KINDS, TARGETS, LadderStep
from app.alerts.tables import Alert, AlertDelivery, AlertEvent, AlertRecipient
from app.auth.schemas import CurrentStaff
from app.errors import NotFound
from app.i18n import lazy

OFFICE_VIEW_ROLES = frozenset({"supervisor", "manager", "qa"})  # may list every alert of the office
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


def _local(value: datetime | None, tz: ZoneInfo) -> datetime | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(tz)


_LIST_COLUMNS = (
    Alert.id,
    Alert.kind,
    Alert.title,
    Alert.status,
    Alert.needs_ack,
    Alert.level,
    Alert.raised_at,
    Alert.acknowledged_at,
    Alert.acknowledged_by.display_name.as_alias("acknowledged_by_name"),
)


def _list_rows(rows: list[dict], tz: ZoneInfo) -> list[dict]:
    for row in rows:
        row["raised_local"] = _local(row["raised_at"], tz)
        row["acknowledged_local"] = _local(row["acknowledged_at"], tz)
        row["kind_label"] = KINDS[row["kind"]].label if row["kind"] in KINDS else row["kind"]
    return rows


async def _my_alert_ids(staff: CurrentStaff) -> list[UUID]:
    rows = await AlertRecipient.select(AlertRecipient.alert).where(AlertRecipient.staff == staff.id)
    return [r["alert"] for r in rows]


async def alerts_page(staff: CurrentStaff, scope: str = "mine", limit: int = 50) -> dict:
    """Open alerts waiting for acknowledgement, then the rest (acknowledged, for information), newest first."""
    tz = ZoneInfo(staff.office_time_zone)
    office_wide = scope == "office" and staff.role in OFFICE_VIEW_ROLES
    where = Alert.office == staff.office_id
    if not office_wide:
        ids = await _my_alert_ids(staff)
        if not ids:
            return {"open": [], "past": [], "scope": "mine"}
        where = where & Alert.id.is_in(ids)
    where = where & (Alert.kind != "test") if office_wide else where
    open_rows = (
        await Alert.select(*_LIST_COLUMNS)
        .where(where & (Alert.status == "open"))
        .order_by(Alert.raised_at, ascending=False)
    )
    past = (
        await Alert.select(*_LIST_COLUMNS)
        .where(where & (Alert.status != "open"))
        .order_by(Alert.raised_at, ascending=False)
        .limit(limit)
    )
    return {
        "open": _list_rows(open_rows, tz),
        "past": _list_rows(past, tz),
        "scope": "office" if office_wide else "mine",
    }


async def open_for(staff: CurrentStaff, limit: int = 5) -> list[dict]:
    """Open alerts sent to this person that wait for an acknowledgement (home page, live alerts)."""
    ids = await _my_alert_ids(staff)
    if not ids:
        return []
    rows = (
        await Alert.select(*_LIST_COLUMNS)
        .where(Alert.id.is_in(ids) & (Alert.status == "open") & (Alert.office == staff.office_id))
        .order_by(Alert.raised_at, ascending=False)
        .limit(limit)
    )
    return _list_rows(rows, ZoneInfo(staff.office_time_zone))


async def alert_detail(staff: CurrentStaff, alert_id: UUID) -> dict:
    """One alert of the staff member's office with its ladder, deliveries and full record."""
    tz = ZoneInfo(staff.office_time_zone)
    query = Alert.select(
        Alert.all_columns(),
        Alert.raised_by.display_name.as_alias("raised_by_name"),
        Alert.acknowledged_by.display_name.as_alias("acknowledged_by_name"),
    ).where(Alert.id == alert_id)
    if not staff.sees_all_offices:
        query = query.where(Alert.office == staff.office_id)
    alert = await query.output(load_json=True).first()
    if alert is None:
        raise NotFound()
    alert["raised_local"] = _local(alert["raised_at"], tz)
    alert["acknowledged_local"] = _local(alert["acknowledged_at"], tz)
    alert["next_local"] = _local(alert["next_escalation_at"], tz)
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
            r[key.replace("_at", "_local")] = _local(r[key], tz)
    deliveries = (
        await AlertDelivery.select(
            AlertDelivery.channel,
            AlertDelivery.level,
            AlertDelivery.status,
            AlertDelivery.attempts,
            AlertDelivery.last_status,
            AlertDelivery.last_error,
            AlertDelivery.sent_at,
            AlertDelivery.next_attempt_at,
            AlertDelivery.staff.display_name.as_alias("name"),
            AlertDelivery.subscription.label.as_alias("device"),
        )
        .where(AlertDelivery.alert == alert_id)
        .order_by(AlertDelivery.level)
        .order_by(AlertDelivery.created_at)
    )
    for d in deliveries:
        d["sent_local"] = _local(d["sent_at"], tz)
        d["next_local"] = _local(d["next_attempt_at"], tz)
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
        e["at_local"] = _local(e["at"], tz)
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
