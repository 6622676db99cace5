"""Test messages from the devices and settings pages: one push to one device, one group post."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from uuid import UUID

from app.alerts import signals
from app.alerts._delivery import _alert_link, _delivery, _record, language, push_payload, queue_webhook, utc
from app.alerts.tables import Alert, AlertDelivery, AlertRecipient, PushSubscription
from app.auth.schemas import CurrentStaff
from app.db import write_transaction
from app.errors import NotFound
from app.i18n import _
from app.settings import get_settings


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
        alert: dict[str, Any] = {
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
        alert: dict[str, Any] = {
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
