"""DESIGN "Conflicts": a stale state change is undone, what it carried is kept, the answer is remembered."""

from __future__ import annotations

import msgspec
import pytest

from app.auth.tables import LoginAttempt
from app.errors import StaleChange
from app.sync import registry
from app.sync.schemas import Mutation
from tests.support.sync import mutation, sync


class ProbeData(msgspec.Struct):
    marker: str


class ProbeChange(Mutation, tag="test.probe_stale"):
    """A change that writes a row, then finds its expected state gone."""

    data: ProbeData


async def _apply(ctx, m: ProbeChange) -> None:
    await LoginAttempt.insert(LoginAttempt(username=f"change-{m.data.marker}", client_ip="probe"))

    async def keep() -> None:
        await LoginAttempt.insert(LoginAttempt(username=f"kept-{m.data.marker}", client_ip="probe"))

    raise StaleChange("已被他人处理", keep=keep)


@pytest.fixture
def probe_type():
    registry.register(ProbeChange, _apply)
    yield
    registry._KINDS.pop("test.probe_stale")


async def test_stale_change_is_undone_its_content_kept_and_a_resend_changes_nothing(
    client, office, make_staff, login, probe_type, unique
):
    staff = await make_staff(office["id"], "duty")
    token = await login(client, staff)
    m = mutation("test.probe_stale", {"marker": unique})
    first = (await sync(client, token, [m])).json()["results"][0]
    again = (await sync(client, token, [m])).json()["results"][0]
    assert first["status"] == again["status"] == "rejected"
    assert first["error"] == again["error"] == {"code": "stale_state", "message": "已被他人处理"}
    assert await LoginAttempt.count().where(LoginAttempt.username == f"change-{unique}") == 0
    assert await LoginAttempt.count().where(LoginAttempt.username == f"kept-{unique}") == 1
