"""Small factories for test data, written through the real tables."""

from __future__ import annotations

import re

from app.auth.passwords import hash_password
from app.auth.tables import Staff
from app.org.service import DEFAULT_INVENTORY, DEFAULT_SHIFTS
from app.org.tables import Building, Company, Office, Resident, Unit

PASSWORD = "test-pass-123"
_HASH = hash_password(PASSWORD)  # hashing is deliberately slow; reuse one hash for test accounts


async def make_office(name: str) -> dict:
    company = (await Company.insert(Company(name=f"{name}公司")))[0]["id"]
    office = (
        await Office.insert(
            Office(company=company, name=name, shift_templates=DEFAULT_SHIFTS, inventory_items=DEFAULT_INVENTORY)
        )
    )[0]["id"]
    units = []
    for b in (1, 2):
        building = (await Building.insert(Building(office=office, name=f"{b}栋", sort_order=b)))[0]["id"]
        for n in (101, 102):
            unit = (await Unit.insert(Unit(office=office, building=building, number=f"{b}-{n}", floor=1)))[0]["id"]
            await Resident.insert(Resident(office=office, unit=unit, name="住户", phone="13900000000"))
            units.append(unit)
    return {"id": office, "name": name, "units": units}


async def make_staff(
    office_id: int, role: str, username: str, department: str | None = None, password: str | None = None
) -> dict:
    row = (
        await Staff.insert(
            Staff(
                office=office_id,
                username=username.lower(),
                display_name=f"测试{role}",
                role=role,
                department=department,
                password_hash=hash_password(password) if password else _HASH,
            )
        )
    )[0]
    return {"id": row["id"], "username": username.lower(), "password": password or PASSWORD, "office": office_id}


_TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


async def csrf_token(client) -> str:
    response = await client.get("/login")
    return _TOKEN.search(response.text).group(1)


async def login(client, staff: dict) -> str:
    """Sign in through the form; returns the CSRF token to send with later writes (the one bound to
    the new session: sign-in rotates it)."""
    token = await csrf_token(client)
    response = await client.post(
        "/login",
        data={"username": staff["username"], "password": staff["password"], "_csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return (await client.get("/api/session")).json()["csrf_token"]
