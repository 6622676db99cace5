"""Two stateless instances on one PostgreSQL database (DESIGN "Scale", issue 16): any instance
serves any request — idempotency, attachments and sessions live in the database."""

from __future__ import annotations

import asyncio
import hashlib
import os

import httpx
import pytest

from app.duty.tables import DutyLogEntry
from tests.api.hardening.servers import Server, server_env, shared_secrets
from tests.support import factories
from tests.support.sync import mutation

POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
pytestmark = pytest.mark.skipif(not POSTGRES, reason="several instances need PostgreSQL (runs in the PostgreSQL pass)")


@pytest.fixture(scope="module")
def instances():
    secrets = shared_secrets()
    servers = [Server(server_env(os.environ["DATABASE_URL"], APP_INSTANCES="2", **secrets)) for _ in range(2)]
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()


def _png(seed: int) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (seed % 256, 10, 20)).save(out, format="PNG")
    return out.getvalue()


async def test_two_instances_share_sessions_idempotency_and_photos(instances, office, make_staff, unique):
    a, b = instances
    staff = await make_staff(office["id"], "duty")
    async with httpx.AsyncClient(base_url=a.url) as on_a:
        token = await factories.login(on_a, staff)  # a session made on A …
        cookies = dict(on_a.cookies)
    async with (
        httpx.AsyncClient(base_url=b.url, cookies=cookies) as on_b,
        httpx.AsyncClient(base_url=a.url, cookies=cookies) as on_a,
    ):
        headers = {"x-csrftoken": token}
        assert (await on_b.get("/api/session")).json()["staff_id"] == staff["id"]  # … used on B
        batch = [mutation("duty_log.append", {"category": "inquiry", "text": f"两实例{unique}-{n}"}) for n in range(5)]
        body = {"device_id": "two-instances", "mutations": batch}
        first, second = await asyncio.gather(
            on_a.post("/api/sync", json=body, headers=headers), on_b.post("/api/sync", json=body, headers=headers)
        )
        assert first.status_code == second.status_code == 200, (first.text, second.text)
        for one, other in zip(first.json()["results"], second.json()["results"], strict=True):
            assert sorted((one["status"], other["status"])) == ["applied", "duplicate"]
        for n in range(5):
            count = await DutyLogEntry.count().where(DutyLogEntry.text == f"两实例{unique}-{n}")
            assert count == 1
        photo = _png(len(unique))
        sha = hashlib.sha256(photo).hexdigest()
        put = await on_a.put(f"/api/attachments/{sha}", content=photo, headers={**headers, "content-type": "image/png"})
        assert put.status_code == 201, put.text
        back = await on_b.get(f"/api/attachments/{sha}")
        assert back.status_code == 200 and back.content == photo
