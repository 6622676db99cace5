"""Estate fixtures: a signed-in client of a role, and helpers to post forms."""

from __future__ import annotations

import pytest


@pytest.fixture
async def signed_in(app, make_staff, login, new_client):
    """`await signed_in(office_id, role)` → (client, csrf token); closed at teardown."""
    clients = []

    async def make(office_id: int, role: str = "supervisor"):
        client = new_client()
        clients.append(client)
        staff = await make_staff(office_id, role)
        token = await login(client, staff)
        return client, token

    yield make
    for client in clients:
        await client.aclose()
