"""K1, F7, C5: the dashboard's figures equal figures computed here from the raw records; CSV export;
scoping (qa across offices, others their own)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from app.followups.figures import dashboard
from app.followups.rules import generate_followups
from app.followups.tables import Complaint, FollowupRecord, FollowupTask
from app.work.tables import ServiceRequest, WorkOrder
from tests.api.followups.conftest import local, make_order, make_request

TZ = ZoneInfo("Asia/Shanghai")


def in_october(value: datetime) -> bool:
    return value.astimezone(TZ).strftime("%Y-%m") == "2026-10"


async def build_october(people) -> None:
    office, fd = people["office"], people["frontdesk"]
    units = office["units"]
    # Six repairs in October: two late (completed after their due time), one done on 1 November.
    for i in range(6):
        await make_order(office, fd.id, local(2026, 10, 5 + i, 10, 0), due_hours=2 if i < 2 else 24, unit=units[i % 4])
    await make_order(office, fd.id, local(2026, 11, 1, 10, 0))
    await generate_followups(office["id"], local(2026, 10, 20, 9, 0))
    tasks = await FollowupTask.select().where(FollowupTask.office == office["id"]).order_by(FollowupTask.due_at)
    # Four follow-ups recorded: three satisfied, one not (rectification), one attempt not reached.
    for n, task in enumerate(tasks[:4]):
        data = {
            "task_id": str(task["id"]),
            "method": "phone",
            "reached": 1,
            "satisfied": 0 if n == 3 else 1,
            "words": "还有问题" if n == 3 else "",
        }
        assert (await fd.send("followup.record", data, recorded_at=local(2026, 10, 21, 10, n)))["status"] == "applied"
    data = {"task_id": str(tasks[4]["id"]), "method": "phone", "reached": 0}
    assert (await fd.send("followup.record", data, recorded_at=local(2026, 10, 21, 11, 0)))["status"] == "applied"
    # Complaints: three in October in two buildings, one classified; one in September.
    c1 = await make_request(office, fd.id, kind="complaint", at=local(2026, 10, 3, 9, 0), unit=units[0])
    await make_request(office, fd.id, kind="complaint", at=local(2026, 10, 4, 9, 0), unit=units[1])
    await make_request(office, fd.id, kind="complaint", at=local(2026, 10, 31, 23, 30), unit=units[2])
    await make_request(office, fd.id, kind="complaint", at=local(2026, 9, 30, 23, 30), unit=units[2])
    await Complaint.insert(
        Complaint(
            office=office["id"], request=c1, classification="service", answer="好", answered_at=local(2026, 10, 4, 9, 0)
        )
    )


async def test_dashboard_equals_figures_computed_from_the_raw_records(people, other_office, make_staff):
    """Follow-up rate, on-time completion, satisfaction, complaint count and hot spots, each computed
    independently from the rows; another office's records never count."""
    office, sup = people["office"], people["supervisor"]
    await build_october(people)
    stranger = await make_staff(other_office["id"], "frontdesk")
    await make_order(other_office, stranger["id"], local(2026, 10, 6, 10, 0), due_hours=1)
    await make_request(other_office, stranger["id"], kind="complaint", at=local(2026, 10, 6, 9, 0))

    now = local(2026, 11, 2, 9, 0)
    figures = await dashboard(await sup.current(), "2026-10", now)
    rates = {r["code"]: r for r in figures["rates"]}

    tasks = [
        t for t in await FollowupTask.select().where(FollowupTask.office == office["id"]) if in_october(t["created_at"])
    ]
    done = [t for t in tasks if t["state"] == "done"]
    assert (rates["followup_rate"]["part"], rates["followup_rate"]["whole"]) == (len(done), len(tasks))
    assert rates["followup_rate"]["value"] == round(100 * len(done) / len(tasks), 1)
    assert len(tasks) >= 5 and len(done) == 4

    orders = [
        o
        for o in await WorkOrder.select().where(WorkOrder.office == office["id"])
        if o["completed_at"] and in_october(o["completed_at"])
    ]
    timely = [o for o in orders if o["completed_at"] <= o["due_at"]]
    assert (rates["on_time"]["part"], rates["on_time"]["whole"]) == (len(timely), len(orders)) == (4, 6)
    assert rates["on_time"]["value"] == round(100 * 4 / 6, 1)

    records = [
        r
        for r in await FollowupRecord.select().where(FollowupRecord.office == office["id"])
        if in_october(r["recorded_at"]) and r["reached"] and r["satisfied"] is not None
    ]
    happy = [r for r in records if r["satisfied"]]
    assert (rates["satisfaction"]["part"], rates["satisfaction"]["whole"]) == (len(happy), len(records)) == (3, 4)
    assert rates["satisfaction"]["value"] == 75.0

    complaints = [
        c
        for c in await ServiceRequest.select(
            ServiceRequest.id, ServiceRequest.recorded_at, ServiceRequest.unit.building.name.as_alias("b")
        ).where((ServiceRequest.office == office["id"]) & (ServiceRequest.kind == "complaint"))
        if in_october(c["recorded_at"])
    ]
    assert figures["complaints"] == len(complaints) == 3
    by_building: dict[str, int] = {}
    for c in complaints:
        by_building[c["b"]] = by_building.get(c["b"], 0) + 1
    assert {b["label"]: b["value"] for b in figures["by_building"]} == by_building
    assert sum(b["value"] for b in figures["by_class"]) == 3
    months = {m["label"]: m["value"] for m in figures["by_month"]}
    assert months["26-10"] == 3 and months["26-09"] == 1
    overdue = {o["href"]: o["value"] for o in figures["overdue"]}
    open_late = [
        t
        for t in await FollowupTask.select().where(FollowupTask.office == office["id"])
        if t["state"] == "open" and t["due_at"] < now
    ]
    assert overdue["/followups?view=overdue"] == len(open_late)
    # Unanswered after 3 days at `now`: 4 October and 30 September (3 October was answered; 31 October
    # is still within its 3 days).
    assert overdue["/complaints?view=lapsed"] == 2
    assert all(r["href"] for r in figures["rates"])  # every figure links to its records


async def test_pages_csv_and_scoping(people, make_staff):
    """The dashboard and the monthly report render SVG; CSV is UTF-8 with BOM; the front desk may not
    see the figures; qa sees every office."""
    office, sup = people["office"], people["supervisor"]
    await build_october(people)
    page = await sup.client.get("/reports?month=2026-10")
    assert (
        page.status_code == 200
        and "<svg" in page.text
        and "/followups?view=all&month=2026-10" in page.text.replace("&amp;", "&")
    )
    fragment = await sup.client.get("/reports?month=2026-10", headers={"hx-request": "true"})
    assert "<svg" in fragment.text and "<html" not in fragment.text
    monthly = await sup.client.get("/reports/monthly?month=2026-10")
    assert monthly.status_code == 200 and "print-only" in monthly.text
    csv = await sup.client.get("/reports/export.csv?kind=orders&month=2026-10")
    assert csv.status_code == 200 and csv.content.startswith(b"\xef\xbb\xbf")
    lines = csv.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 1 + 6
    for kind in ("followups", "complaints"):
        assert (await sup.client.get(f"/reports/export.csv?kind={kind}&month=2026-10")).status_code == 200
    assert (await people["frontdesk"].client.get("/reports")).status_code == 403
    assert (await sup.client.get(f"/reports?office={office['id'] + 100000}")).status_code == 403
    listing = await sup.client.get("/followups?view=all&month=2026-10")
    assert listing.status_code == 200
    draws = await sup.client.get("/followups/draws")
    assert draws.status_code == 200
