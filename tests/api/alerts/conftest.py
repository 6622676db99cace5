"""Alert tests: the push service and the group robot are loopback doubles started by the test; the
delivery queue is drained by the test itself with a controllable clock (`now`)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.alerts import service
from app.alerts.schemas import SubscriptionIn
from app.alerts.senders import Senders
from app.alerts.tables import Alert, AlertDelivery
from app.alerts.vapid import public_key
from app.auth.schemas import CurrentStaff
from app.auth.tables import Staff
from tests.support.push_service import PushServiceDouble, PushSubscriptionKeys, WebhookDouble


async def as_current(staff: dict) -> CurrentStaff:
    """The CurrentStaff a signed-in request would carry, for calling services directly."""
    row = await (
        Staff.select(
            Staff.id,
            Staff.username,
            Staff.display_name,
            Staff.role,
            Staff.office.id.as_alias("office_id"),
            Staff.office.name.as_alias("office_name"),
            Staff.office.time_zone.as_alias("office_time_zone"),
            Staff.department,
            Staff.language,
        )
        .where(Staff.id == staff["id"])
        .first()
    )
    return CurrentStaff(session_id=0, **row)


async def add_device(staff: dict, keys: PushSubscriptionKeys, label: str = "test phone") -> int:
    """Subscribe a staff member's 'phone' (keys made by the push-service double)."""
    return await service.subscribe(await as_current(staff), SubscriptionIn(**_sub(keys, label)))


def _sub(keys: PushSubscriptionKeys, label: str) -> dict:
    import msgspec

    from app.alerts.schemas import SubscriptionKeys

    data = keys.as_json(label)
    return {"endpoint": data["endpoint"], "keys": msgspec.convert(data["keys"], SubscriptionKeys), "label": label}


@pytest.fixture
async def push_service():
    double = PushServiceDouble(public_key())
    await double.start()
    yield double
    await double.stop()


@pytest.fixture
async def robot():
    double = WebhookDouble()
    await double.start()
    yield double
    await double.stop()


@pytest.fixture
async def senders():
    async with Senders() as s:
        yield s


@pytest.fixture
def t0() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture(autouse=True)
async def quiet_queue():
    """After each test, nothing it queued or left open is picked up by the next one."""
    yield
    await AlertDelivery.update({AlertDelivery.status: "failed"}).where(
        AlertDelivery.status.is_in(["pending", "sending"])
    )
    await Alert.update({Alert.next_escalation_at: None}).where(Alert.next_escalation_at.is_not_null())
