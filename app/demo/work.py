"""Demo data of the repair service: the store's materials (W3) and the paid-service price list (S1)."""

from __future__ import annotations

from app.work._settings import seed_office_defaults


async def seed_work_demo(office_id: int) -> None:
    await seed_office_defaults(office_id)
