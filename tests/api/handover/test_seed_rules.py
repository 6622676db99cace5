"""H1 and H5 as the seeds have them: the arrival and tidy-up times captured when they happen (a tap
records the moment; a time typed in later is kept and marked typed), the 5 / 15-minute flags at their
edges, and 「重大维修未完不接」 — an unfinished major repair blocks acceptance, refusing stays possible."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from app.handover._checks import arrived_late, tidied_late
from app.handover.tables import Handover
from tests.api.handover.test_handover import _on_duty, _results, _status, desk  # noqa: F401 (fixture)
from tests.api.roster.support import decide, submit

START = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


def test_h1_the_incoming_arrives_5_minutes_early_flagged_at_the_edge():
    """H1: 5:01 or exactly 5:00 before the shift is in time; 4:59 before is late; after the start, late."""
    assert arrived_late(START, START - timedelta(minutes=5, seconds=1)) is False
    assert arrived_late(START, START - timedelta(minutes=5)) is False
    assert arrived_late(START, START - timedelta(minutes=4, seconds=59)) is True
    assert arrived_late(START, START + timedelta(minutes=1)) is True
    assert arrived_late(START, None) is False


def test_h1_the_outgoing_tidies_15_minutes_before_the_end_flagged_at_the_edge():
    """H1: 15:01 or exactly 15:00 before the end is in time; 14:59 before is late."""
    end = START
    assert tidied_late(end, end - timedelta(minutes=15, seconds=1)) is False
    assert tidied_late(end, end - timedelta(minutes=15)) is False
    assert tidied_late(end, end - timedelta(minutes=14, seconds=59)) is True
    assert tidied_late(end, None) is False


async def test_h1_a_tapped_time_and_a_typed_time_are_kept_and_told_apart(client, desk):  # noqa: F811
    """H1: the phone sends whether the time was tapped at the moment or typed in later; both are kept
    as given, the record says which."""
    tapped_at = datetime.now(UTC) - timedelta(minutes=1)
    s = submit(desk["shift"], desk_tidied_at=(datetime.now(UTC) - timedelta(hours=1)).isoformat(), tidied_typed=True)
    hid = s["data"]["handover_id"]
    a = decide("accept", hid, desk["incoming"], desk["outgoing"], arrived_at=tapped_at.isoformat(), arrived_typed=False)
    assert [r["status"] for r in await _results(client, desk["token"], [s, a])] == ["applied", "applied"]
    row = await Handover.select().where(Handover.id == uuid.UUID(hid)).first()
    assert row["tidied_typed"] is True and row["arrived_typed"] is False
    assert abs(row["arrived_at"].astimezone(UTC) - tapped_at) < timedelta(seconds=1)  # to the second
    page = (await client.get(f"/handover/{hid}")).text
    assert page.count("data-time-typed") == 1 and page.count("data-time-tapped") == 1
    assert "补填" in page and "当场点按记录" in page


async def test_h5_an_unfinished_major_repair_blocks_acceptance(client, desk):  # noqa: F811
    """H5 「重大维修未完不接」: a handover carrying an unfinished major repair cannot be accepted (not only
    a box the incoming may tick); it can be refused for it, and the outgoing stays on duty."""
    items = [{"text": "3栋地下室水泵房爆管抢修中", "major_repair": True}]
    s = submit(desk["shift"], open_items=items)
    hid = s["data"]["handover_id"]
    accept = decide("accept", hid, desk["incoming"], desk["outgoing"])
    results = await _results(client, desk["token"], [s, accept])
    assert results[0]["status"] == "applied"
    assert results[1]["status"] == "rejected" and results[1]["error"]["code"] == "major_repair_unfinished"
    assert await _status(hid) == "submitted"
    page = (await client.get("/handover")).text
    assert "重大维修未完" in page

    refuse = decide("refuse", hid, desk["incoming"], reasons=["major_repair_unfinished"])
    assert (await _results(client, desk["token"], [refuse]))[0]["status"] == "applied"
    assert await _status(hid) == "refused"
    assert (await _on_duty(client))["on_duty"]["staff_id"] == desk["outgoing"]["id"]

    # Repair done: the next handover of the shift carries no major repair and is accepted.
    s2 = submit(desk["shift"], open_items=[{"text": "水泵房已修复，待观察", "major_repair": False}])
    a2 = decide("accept", s2["data"]["handover_id"], desk["incoming"], desk["outgoing"])
    assert [r["status"] for r in await _results(client, desk["token"], [s2, a2])] == ["applied", "applied"]
