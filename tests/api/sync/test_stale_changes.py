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
    registry.install([registry.MutationKind(ProbeChange, _apply)])
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


class ProbeBroken(Mutation, tag="test.probe_broken"):
    """A change whose apply function writes, then fails with an unexpected error (a bug)."""

    data: ProbeData


async def _apply_broken(ctx, m: ProbeBroken) -> None:
    await LoginAttempt.insert(LoginAttempt(username=f"broken-{m.data.marker}", client_ip="probe"))
    raise RuntimeError("a bug in a domain")


@pytest.fixture
def broken_type():
    registry.install([registry.MutationKind(ProbeBroken, _apply_broken)])
    yield
    registry._KINDS.pop("test.probe_broken")


async def test_an_unexpected_error_refuses_that_change_only_and_a_resend_is_tried_again(
    client, office, make_staff, login, broken_type, unique
):
    """DESIGN "Sync API": a rejected mutation never blocks the ones after it — also when the server
    fails on it: that change is undone and refused (not a 500 for the whole batch, which the phone
    would resend forever), the rest applies, and the refusal is not remembered."""
    staff = await make_staff(office["id"], "duty")
    token = await login(client, staff)
    broken = mutation("test.probe_broken", {"marker": unique})
    after = mutation("duty_log.append", {"category": "other", "text": f"之后的记录{unique}"})
    response = await sync(client, token, [broken, after])
    assert response.status_code == 200, response.text
    first, second = response.json()["results"]
    assert first["status"] == "rejected" and first["error"]["code"] == "server_error"
    assert "服务器" in first["error"]["message"]
    assert second["status"] == "applied"
    assert await LoginAttempt.count().where(LoginAttempt.username == f"broken-{unique}") == 0  # undone
    again = (await sync(client, token, [broken])).json()["results"][0]
    assert again["error"]["code"] == "server_error"  # tried again, not answered from memory
