"""Helpers to call POST /api/sync as the outbox does."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime


def mutation(type_: str, data: dict, mutation_id: str | None = None, recorded_at: datetime | None = None) -> dict:
    return {
        "id": mutation_id or str(uuid.uuid4()),
        "type": type_,
        "recorded_at": (recorded_at or datetime.now(UTC)).isoformat(),
        "data": data,
    }


async def sync(client, token: str, mutations: list[dict], device_id: str = "test-device", **extra):
    response = await client.post(
        "/api/sync",
        json={"device_id": device_id, "mutations": mutations, **extra},
        headers={"x-csrftoken": token},
    )
    return response


async def sync_one(client, token: str, type_: str, data: dict, mutation_id: str | None = None) -> dict:
    response = await sync(client, token, [mutation(type_, data, mutation_id)])
    assert response.status_code == 200, response.text
    return response.json()["results"][0]
