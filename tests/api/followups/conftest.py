"""Fixtures of follow-ups: an office with its people, and repair records made directly in app.work's
tables with chosen times (the generation rules run against a controllable clock)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from app.auth.guard import SESSION_COOKIE
from app.auth.service import staff_for_token, start_session
from app.work.service import seed_office_defaults
from app.work.tables import ServiceRequest, WorkOrder
from tests.support.factories import csrf_token
from tests.support.sync import mutation, sync

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args: int) -> datetime:
    """A time on the office's clock (Asia/Shanghai), as an aware datetime."""
    return datetime(*args, tzinfo=SHANGHAI)


@dataclass
class Actor:
    client: httpx.AsyncClient
    token: str
    staff: dict

    @property
    def id(self) -> int:
        return self.staff["id"]

    async def current(self):
        return await staff_for_token(self.client.cookies.get(SESSION_COOKIE))

    async def send(self, type_: str, data: dict, mutation_id: str | None = None, recorded_at=None) -> dict:
        m = mutation(type_, data, mutation_id, recorded_at=recorded_at)
        response = await sync(self.client, self.token, [m], device_id="test-phone")
        assert response.status_code == 200, response.text
        return {**response.json()["results"][0], "id": m["id"]}

    async def post(self, url: str, data: dict, **headers) -> httpx.Response:
        return await self.client.post(
            url, data={**data, "_csrf_token": self.token}, follow_redirects=False, headers=headers
        )


@pytest.fixture
async def people(app, office, make_staff, new_client):
    """Two front-desk clerks, a technician, the engineering lead, the supervisor, the manager and a
    patrol officer of one office."""
    await seed_office_defaults(office["id"])
    actors: dict = {"office": office}
    clients = []
    for name, role in [
        ("frontdesk", "frontdesk"),
        ("desk2", "frontdesk"),
        ("tech", "technician"),
        ("lead", "engineering_lead"),
        ("supervisor", "supervisor"),
        ("manager", "manager"),
        ("patrol", "patrol"),
    ]:
        staff = await make_staff(office["id"], role)
        client = new_client()
        clients.append(client)
        client.cookies.set(SESSION_COOKIE, await start_session(staff["id"], "pytest"))
        actors[name] = Actor(client=client, token=await csrf_token(client), staff=staff)
    yield actors
    for client in clients:
        await client.aclose()


_seq = iter(range(1, 10**6))


async def make_request(
    office: dict, owner: int, kind: str = "repair", at: datetime | None = None, **extra
) -> uuid.UUID:
    """A request in app.work's table (test data only), taken at `at`."""
    at = (at or datetime.now(UTC)).astimezone(UTC)
    request_id = uuid.uuid4()
    await ServiceRequest.insert(
        ServiceRequest(
            id=request_id,
            office=office["id"],
            channel="phone",
            kind=kind,
            category=extra.pop("category", "plumbing" if kind == "repair" else ""),
            unit=extra.pop("unit", office["units"][0]),
            resident_name="住户",
            resident_phone="13900000000",
            description=extra.pop("description", "测试" + kind),
            owner=owner,
            state=extra.pop("state", "open"),
            recorded_at=at,
            received_at=at,
            changed_at=at,
            **extra,
        )
    )
    return request_id


async def make_order(
    office: dict,
    owner: int,
    completed_at: datetime | None,
    *,
    category: str = "plumbing",
    paid: bool = False,
    charges_fen: int = 0,
    assignee: int | None = None,
    due_hours: int = 24,
    unit: int | None = None,
) -> dict:
    """A work order with its request, completed at `completed_at` (None: still open)."""
    issued = (completed_at or datetime.now(UTC)) - timedelta(hours=4)
    request_id = await make_request(
        office,
        owner,
        at=issued,
        category=category,
        state="completed" if completed_at else "ordered",
        unit=unit or office["units"][0],
    )
    order_id = uuid.uuid4()
    await WorkOrder.insert(
        WorkOrder(
            id=order_id,
            office=office["id"],
            seq=next(_seq),
            request=request_id,
            category=category,
            paid=paid,
            state="completed" if completed_at else "dispatched",
            assignee=assignee,
            issued_by=owner,
            issued_at=issued,
            standard_hours=due_hours,
            due_at=issued + timedelta(hours=due_hours),
            completed_at=completed_at,
            charges_total_fen=charges_fen,
            changed_at=completed_at or issued,
        )
    )
    return {"id": order_id, "request": request_id}
