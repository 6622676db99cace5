"""Q1: consultations taken through intake (app.work `request.create`, kind "consultation") reach the
consultations log, so the quarterly summary counts them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from app.followups.consultations import quarter_label, quarterly_summary
from app.followups.tables import Consultation
from tests.api.followups.conftest import SHANGHAI


def consultation(office: dict, text: str, **extra) -> dict:
    return {"channel": "phone", "kind": "consultation", "unit_id": office["units"][0], "description": text, **extra}


async def test_q1_consultation_taken_at_intake_counts_in_the_quarterly_summary(people):
    """Q1: a consultation taken at intake is logged in the same transaction (once, even when its id
    is sent again; not at all when the request is refused) and counted in the quarter's summary beside the ones
    logged directly."""
    office, fd, sup = people["office"], people["frontdesk"], people["supervisor"]
    asked = await fd.send("request.create", consultation(office, "装修押金何时退还"))
    assert asked["status"] == "applied"
    await fd.send("request.create", consultation(office, "装修押金何时退还"), mutation_id=asked["id"])  # its id again
    refused = await fd.send(
        "request.create", consultation(office, "被拒绝的咨询", handover_item_id=str(uuid.uuid4()))
    )  # no such night item: the whole request is refused, its consultation with it
    assert refused["status"] == "rejected"
    await fd.send("request.create", {**consultation(office, "水管报修"), "kind": "repair", "category": "plumbing"})
    logged = await fd.send("consultation.log", {"topic": "fees", "question": "物业费怎么交"})
    assert logged["status"] == "applied"

    rows = await Consultation.select().where(Consultation.office == office["id"])
    assert sorted(r["question"] for r in rows) == ["物业费怎么交", "装修押金何时退还"]
    (intake,) = [r for r in rows if r["question"] == "装修押金何时退还"]
    assert intake["id"] == uuid.uuid5(uuid.UUID(asked["id"]), "consultation") and intake["staff"] == fd.id
    summary = await quarterly_summary(await sup.current(), quarter_label(datetime.now(UTC), SHANGHAI))
    assert summary["total"] == 2
    assert {t["topic"]: t["count"] for t in summary["topics"]} == {"fees": 1, "other": 1}
