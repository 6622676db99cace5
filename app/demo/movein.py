"""Demo data for move-in and renovation (M1–M7): the last building's lower floors are new homes not
handed over yet, waiting for their owners; the office's default renovation fees are used."""

from __future__ import annotations

from app.estate import service as estate


async def seed_movein_demo(office_id: int) -> None:
    """Floors 1–3 of the office's last building: not handed over (新交付的房屋)."""
    units = await estate.units_in_state(office_id, "occupied")
    if not units:
        return
    last = units[-1]["building_id"]
    for unit in units:
        if unit["building_id"] == last and unit["floor"] <= 3:
            await estate.set_unit_state(office_id, unit["id"], "not_handed_over")
