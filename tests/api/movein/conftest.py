"""Shared helpers of the move-in and renovation tests: photos uploaded as the phone does, a unit
waiting to be handed over."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from app.org.tables import Unit


async def upload(client, token: str, colour=(200, 30, 30)) -> str:
    """A real JPEG, uploaded content-addressed; returns its SHA-256 name."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, "JPEG")
    body = buffer.getvalue()
    sha = hashlib.sha256(body).hexdigest()
    response = await client.put(
        f"/api/attachments/{sha}", content=body, headers={"x-csrftoken": token, "content-type": "image/jpeg"}
    )
    assert response.status_code in (200, 201, 204), response.text
    return sha


@pytest.fixture
async def desk(client, office, make_staff, login):
    """The front desk of an office whose first unit is not handed over."""
    await Unit.update({Unit.state: "not_handed_over"}).where(Unit.id.is_in(office["units"][:2]))
    staff = await make_staff(office["id"], "frontdesk")
    token = await login(client, staff)
    return {"token": token, "office": office, "staff": staff, "unit": office["units"][0]}
