"""Fixtures for the work domain: an office with its people, each signed in on their own client."""

from __future__ import annotations

import hashlib
import struct
import uuid
import zlib
from dataclasses import dataclass
from datetime import datetime

import httpx
import pytest

from app.auth.guard import SESSION_COOKIE
from app.auth.service import staff_for_token, start_session
from app.work.service import seed_office_defaults
from tests.support.factories import csrf_token
from tests.support.sync import mutation, sync


@dataclass
class Actor:
    """A signed-in staff member with their own browser (cookies) and CSRF token."""

    client: httpx.AsyncClient
    token: str
    staff: dict

    async def current(self):
        """The CurrentStaff the app sees for this person (to call services with a chosen `now`)."""
        return await staff_for_token(self.client.cookies.get(SESSION_COOKIE))

    @property
    def id(self) -> int:
        return self.staff["id"]

    async def send(self, type_: str, data: dict, mutation_id: str | None = None, **extra) -> dict:
        m = mutation(type_, data, mutation_id, recorded_at=extra.pop("recorded_at", None))
        response = await sync(self.client, self.token, [m], device_id=extra.pop("device_id", "test-phone"), **extra)
        assert response.status_code == 200, response.text
        return {**response.json()["results"][0], "id": m["id"]}

    async def post(self, url: str, data: dict) -> httpx.Response:
        return await self.client.post(url, data={**data, "_csrf_token": self.token}, follow_redirects=False)

    async def upload_png(self, seed: str = "") -> str:
        body = png(seed or uuid.uuid4().hex)
        sha = hashlib.sha256(body).hexdigest()
        response = await self.client.put(
            f"/api/attachments/{sha}", content=body, headers={"content-type": "image/png", "x-csrftoken": self.token}
        )
        assert response.status_code in (200, 201), response.text
        return sha


def png(text: str) -> bytes:
    """A real 1×N PNG whose pixels encode `text`, so every call makes a different image."""
    data = text.encode()
    width, height = 1, len(data)
    rows = b"".join(b"\x00" + bytes([c, 0, 0]) for c in data)  # filter byte + one RGB pixel per row

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


async def signed_in(client: httpx.AsyncClient, staff: dict) -> str:
    """A session for `staff` without the (deliberately slow) password check; returns the CSRF token.
    The sign-in form itself is tested in tests/api/auth."""
    client.cookies.set(SESSION_COOKIE, await start_session(staff["id"], "pytest"))
    return await csrf_token(client)


@pytest.fixture
async def people(app, office, make_staff, new_client):
    """One office with the people of a repair: front desk, two technicians, the engineering lead,
    a supervisor and the manager — each signed in on their own client."""
    await seed_office_defaults(office["id"])
    actors: dict[str, Actor] = {}
    clients = []
    for name, role in [
        ("frontdesk", "frontdesk"),
        ("duty", "duty"),
        ("tech", "technician"),
        ("tech2", "technician"),
        ("lead", "engineering_lead"),
        ("supervisor", "supervisor"),
        ("manager", "manager"),
    ]:
        staff = await make_staff(office["id"], role)
        client = new_client()
        clients.append(client)
        actors[name] = Actor(client=client, token=await signed_in(client, staff), staff=staff)
    actors["office"] = office  # type: ignore[assignment]
    yield actors
    for client in clients:
        await client.aclose()


def repair(office: dict, text: str = "厨房水龙头滴水", **extra) -> dict:
    return {
        "channel": "phone",
        "kind": "repair",
        "category": "plumbing",
        "unit_id": office["units"][0],
        "resident_name": "住户",
        "resident_phone": "13900000000",
        "description": text,
        **extra,
    }


async def take_request(
    actor: Actor, office: dict, text: str = "厨房水龙头滴水", recorded_at: datetime | None = None, **extra
) -> str:
    result = await actor.send("request.create", repair(office, text, **extra), recorded_at=recorded_at)
    assert result["status"] == "applied", result
    return result["id"]


async def issue(actor: Actor, request_id: str, assignee: Actor | None, paid: int = 0) -> str:
    data = {"request_id": request_id, "assignee_id": assignee.id if assignee else None, "paid": paid}
    result = await actor.send("work_order.issue", data)
    assert result["status"] == "applied", result
    return result["id"]


def zh(message: str, **variables) -> str:
    """A UI string as a Chinese user sees it (whichever catalogue translates it)."""
    from app import i18n

    token = i18n.current_language.set("zh-CN")
    try:
        return i18n.gettext(message, **variables)
    finally:
        i18n.current_language.reset(token)


def step(order_id: str, expected_state: str, tech: Actor, **data) -> dict:
    return {"order_id": order_id, "expected_state": expected_state, "expected_assignee": tech.id, **data}
