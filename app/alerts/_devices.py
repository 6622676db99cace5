"""Push subscriptions: the devices a staff member turned alerts on for (several per person)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from piccolo.columns import Column

from app.alerts.schemas import SubscriptionIn
from app.alerts.tables import PushSubscription
from app.auth.schemas import CurrentStaff
from app.db import write_transaction
from app.errors import NotFound, RuleViolation
from app.i18n import _
from app.outbound import address_problem


def endpoint_hash(endpoint: str) -> str:
    return hashlib.sha256(endpoint.encode()).hexdigest()


async def subscribe(staff: CurrentStaff, data: SubscriptionIn) -> int:
    """Store this browser's subscription for the staff member. The same browser subscribing again
    (or another person signing in on a shared phone) updates the one row of that endpoint."""
    if await address_problem(data.endpoint):  # public https only (app.outbound); checked again at send
        raise RuleViolation("bad_endpoint", _("This browser gave a push address the server cannot use."), "endpoint")
    key = endpoint_hash(data.endpoint)
    values: dict[Column | str, Any] = {
        PushSubscription.office: staff.office_id,
        PushSubscription.staff: staff.id,
        PushSubscription.endpoint: data.endpoint,
        PushSubscription.p256dh: data.keys.p256dh,
        PushSubscription.auth: data.keys.auth,
        PushSubscription.label: data.label.strip()[:100],
    }
    async with write_transaction():
        row = await PushSubscription.select(PushSubscription.id).where(PushSubscription.endpoint_hash == key).first()
        if row:
            await PushSubscription.update(values).where(PushSubscription.id == row["id"])
            return row["id"]
        new = PushSubscription(
            endpoint_hash=key,
            created_at=datetime.now(UTC),
            **{c._meta.name: v for c, v in values.items() if isinstance(c, Column)},
        )
        return (await PushSubscription.insert(new))[0]["id"]


async def list_devices(staff: CurrentStaff) -> list[dict]:
    return (
        await PushSubscription.select(
            PushSubscription.id,
            PushSubscription.endpoint_hash,
            PushSubscription.label,
            PushSubscription.created_at,
            PushSubscription.last_success_at,
        )
        .where(PushSubscription.staff == staff.id)
        .order_by(PushSubscription.created_at)
    )


async def remove_device(staff: CurrentStaff, subscription_id: int) -> None:
    """Remove one of the staff member's own devices (404 for anyone else's)."""
    deleted = (
        await PushSubscription.delete()
        .where((PushSubscription.id == subscription_id) & (PushSubscription.staff == staff.id))
        .returning(PushSubscription.id)
    )
    if not deleted:
        raise NotFound()
