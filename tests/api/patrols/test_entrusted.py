"""The entrusted-homes route follows the office's entrusted units (SPEC P5) and stays one checkpoint per
unit when several first looks run at once (it is synced from GET pages)."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from app.org.tables import Unit
from app.patrols._entrusted import _add_entrusted, _entrusted_diff, sync_entrusted_checkpoints
from app.patrols.tables import CheckItem, Checkpoint, PatrolRoute


@pytest.fixture
async def entrusted_route(office, unique):
    """An entrusted-homes route with no checkpoints yet, and three of the office's units entrusted."""
    units = office["units"][:3]
    await Unit.update({Unit.entrusted: True}).where(Unit.id.is_in(units))
    route_id = (await PatrolRoute.insert(PatrolRoute(office=office["id"], name=f"托管房{unique}", kind="entrusted")))[
        0
    ]["id"]
    return {"id": route_id, "units": units}


async def _checkpoints_per_unit(route_id: int) -> Counter:
    rows = await Checkpoint.select(Checkpoint.unit).where(Checkpoint.route == route_id)
    return Counter(r["unit"] for r in rows)


async def _items_per_checkpoint(route_id: int) -> Counter:
    ids = [r["id"] for r in await Checkpoint.select(Checkpoint.id).where(Checkpoint.route == route_id)]
    return Counter(
        r["checkpoint"] for r in await CheckItem.select(CheckItem.checkpoint).where(CheckItem.checkpoint.is_in(ids))
    )


async def test_concurrent_first_looks_add_each_entrusted_unit_once(office, entrusted_route):
    await asyncio.gather(*[sync_entrusted_checkpoints(office["id"], entrusted_route["id"]) for _ in range(2)])

    per_unit = await _checkpoints_per_unit(entrusted_route["id"])
    assert per_unit == Counter({unit: 1 for unit in entrusted_route["units"]})
    assert set((await _items_per_checkpoint(entrusted_route["id"])).values()) == {4}  # the outside checks, once


async def test_an_insert_that_lost_the_race_is_a_no_op(office, entrusted_route):
    """What a second instance does on PostgreSQL when its diff was read before the first committed."""
    stale = await _entrusted_diff(office["id"], entrusted_route["id"])
    await sync_entrusted_checkpoints(office["id"], entrusted_route["id"])

    await _add_entrusted(office["id"], entrusted_route["id"], stale.add)

    assert set((await _checkpoints_per_unit(entrusted_route["id"])).values()) == {1}
    assert set((await _items_per_checkpoint(entrusted_route["id"])).values()) == {4}


async def test_the_database_refuses_a_second_checkpoint_for_a_unit(office, entrusted_route):
    await sync_entrusted_checkpoints(office["id"], entrusted_route["id"])
    twin = Checkpoint(
        office=office["id"], route=entrusted_route["id"], name="重复", code="TWIN00", unit=entrusted_route["units"][0]
    )
    with pytest.raises(Exception, match=r"(?i)unique"):
        await Checkpoint.insert(twin)
    assert set((await _checkpoints_per_unit(entrusted_route["id"])).values()) == {1}
