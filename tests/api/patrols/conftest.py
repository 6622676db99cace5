"""Fixtures of the patrol tests: an office with a route (checkpoints with check items), its people
signed in, and helpers that speak the sync API as the phone's outbox does."""

from __future__ import annotations

import hashlib
import struct
import uuid
import zlib

import pytest

from app.patrols._codes import new_code
from app.patrols.tables import CheckItem, Checkpoint, PatrolRoute
from tests.support.sync import mutation, sync

DEPARTMENTS = ["cleaning", "engineering", "security"]


def png_bytes(seed: int = 0, width: int = 4, height: int = 3) -> bytes:
    """A real PNG image (different bytes for each seed)."""
    raw = b"".join(b"\x00" + bytes((seed + x + y) % 256 for x in range(width * 3)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


async def make_route(office_id: int, name: str, checkpoints: int = 3, kind: str = "patrol", daily: int = 1) -> dict:
    """A route written through the tables: each checkpoint has two check items (cleaning, engineering…)."""
    route_id = (await PatrolRoute.insert(PatrolRoute(office=office_id, name=name, kind=kind, daily_rounds=daily)))[0][
        "id"
    ]
    cps = []
    for n in range(1, checkpoints + 1):
        code = new_code()
        cp_id = (
            await Checkpoint.insert(
                Checkpoint(office=office_id, route=route_id, position=n, name=f"{name}点{n}", code=code)
            )
        )[0]["id"]
        items = []
        for i, dept in enumerate(DEPARTMENTS[:2], start=1):
            row = await CheckItem.insert(
                CheckItem(office=office_id, checkpoint=cp_id, position=i, label=f"检查项{n}-{i}", department=dept)
            )
            items.append(row[0]["id"])
        cps.append({"id": cp_id, "code": code, "items": items, "name": f"{name}点{n}"})
    return {"id": route_id, "name": name, "checkpoints": cps}


@pytest.fixture
async def route(office, unique):
    return await make_route(office["id"], f"路线{unique}")


@pytest.fixture
async def patrol(client, office, make_staff, login):
    staff = await make_staff(office["id"], "patrol", department="security")
    return {**staff, "token": await login(client, staff)}


async def upload(client, token: str, body: bytes, content_type: str = "image/png") -> str:
    sha = hashlib.sha256(body).hexdigest()
    response = await client.put(
        f"/api/attachments/{sha}", content=body, headers={"x-csrftoken": token, "content-type": content_type}
    )
    assert response.status_code in (200, 201), response.text
    return sha


class Phone:
    """Builds the mutations a phone makes while walking a round."""

    def __init__(self, route: dict) -> None:
        self.route = route
        self.round_id = str(uuid.uuid4())

    def start(self, **data) -> dict:
        return mutation("patrol_round.start", {"route_id": self.route["id"], **data}, self.round_id)

    def visit(self, code: str, method: str = "typed") -> dict:
        return mutation("checkpoint.visit", {"round_id": self.round_id, "code": code, "method": method})

    def finding(self, result: str = "fail", **data) -> dict:
        return mutation("finding.create", {"round_id": self.round_id, "result": result, **data})

    def finish(self, note: str = "") -> dict:
        return mutation("patrol_round.finish", {"round_id": self.round_id, "note": note})


async def sync_all(client, token: str, mutations: list[dict]) -> list[dict]:
    response = await sync(client, token, mutations)
    assert response.status_code == 200, response.text
    return response.json()["results"]


def statuses(results: list[dict]) -> list[str]:
    return [r["status"] for r in results]
