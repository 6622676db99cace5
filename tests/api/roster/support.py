"""Helpers for roster and handover tests: shifts relative to now, a published roster, signatures."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from app.duty.service import shift_of
from app.handover import signing
from app.org.service import DEFAULT_SHIFTS
from app.roster.service import next_shift, previous_shift
from app.roster.tables import RosterAssignment, RosterMonth
from tests.support.sync import mutation

TZ = ZoneInfo("Asia/Shanghai")


def current_shift() -> tuple[date, str]:
    return shift_of(datetime.now(TZ), DEFAULT_SHIFTS)


def following(shift: tuple[date, str]) -> tuple[date, str]:
    return next_shift(*shift, DEFAULT_SHIFTS)


def preceding(shift: tuple[date, str]) -> tuple[date, str]:
    return previous_shift(*shift, DEFAULT_SHIFTS)


def last_night_shift() -> tuple[date, str]:
    """The most recent night shift that has started (it crosses midnight: D11)."""
    shift = current_shift()
    while shift[1] != "night":
        shift = preceding(shift)
    return shift


async def publish(office_id: int, cells: list[tuple[date, str, int]]) -> None:
    """A published roster holding these (day, shift, staff) cells, written through the real tables."""
    months = {day.replace(day=1) for day, _code, _staff in cells}
    for month in months:
        if not await RosterMonth.exists().where((RosterMonth.office == office_id) & (RosterMonth.month == month)):
            await RosterMonth.insert(
                RosterMonth(office=office_id, month=month, status="published", published_at=datetime.now(UTC))
            )
    await RosterAssignment.insert(
        *[
            RosterAssignment(office=office_id, month=day.replace(day=1), day=day, shift_code=code, staff=staff)
            for day, code, staff in cells
        ]
    )


def inventory(count: int = 1, **overrides) -> list[dict]:
    """A full count of the default inventory; `overrides` maps an item to a count or a dict."""
    from app.org.service import DEFAULT_INVENTORY

    rows = []
    for item in DEFAULT_INVENTORY:
        row = {"item": item, "count": count, "damaged": False, "note": ""}
        extra = overrides.get(item)
        if isinstance(extra, dict):
            row.update(extra)
        elif extra is not None:
            row["count"] = extra
        rows.append(row)
    return rows


def submit(shift: tuple[date, str], handover_id: str | None = None, **data) -> dict:
    body = {
        "handover_id": handover_id or str(uuid.uuid4()),
        "shift_date": shift[0].isoformat(),
        "shift_code": shift[1],
        "desk_tidied_at": (datetime.now(UTC) - timedelta(minutes=20)).isoformat(),
        "work_done": True,
        "inventory": inventory(),
        "open_items": [],
        "anomalies": [],
        "note": "",
    }
    body.update(data)
    return mutation("handover.submit", body)


def proof(secret: str, handover_id: str, role: str, staff_id: int, mutation_id: str) -> dict:
    """A signature as the phone makes it (the same scheme: app.handover.signing)."""
    payload = {"p": secret, "h": handover_id, "r": role, "s": staff_id, "m": mutation_id}
    return {"staff_id": staff_id, "proof": signing.seal(payload)}


def decide(
    kind: str,
    handover_id: str,
    incoming: dict,
    outgoing: dict | None = None,
    *,
    incoming_secret: str | None = None,
    outgoing_secret: str | None = None,
    mutation_id: str | None = None,
    **data,
) -> dict:
    """A handover.accept / handover.refuse mutation, signed by the given people (their passwords by default)."""
    mid = mutation_id or str(uuid.uuid4())
    body = {
        "handover_id": handover_id,
        "expected_state": "submitted",
        "arrived_at": (datetime.now(UTC) - timedelta(minutes=6)).isoformat(),
        "log_read": True,
        "inventory": inventory(),
        "anomalies": [],
        "note": "",
        "incoming": proof(incoming_secret or incoming["password"], handover_id, "incoming", incoming["id"], mid),
    }
    if kind == "accept":
        assert outgoing is not None
        body["outgoing"] = proof(outgoing_secret or outgoing["password"], handover_id, "outgoing", outgoing["id"], mid)
    else:
        body["reasons"] = ["property_missing"]
        body.pop("log_read")
    body.update(data)
    return mutation(f"handover.{kind}", body, mid)
