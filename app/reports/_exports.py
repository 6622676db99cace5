"""CSV exports of the records behind the month's figures (K1, F7, C5): follow-ups, work orders,
complaints. Written by `app.spreadsheets.write_csv` (UTF-8 with BOM, formula cells neutralised)."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.auth.schemas import CurrentStaff
from app.clock import aware as utc
from app.followups import service as followups
from app.i18n import _
from app.spreadsheets import write_csv
from app.work import service as work

EXPORT_KINDS = ("followups", "orders", "complaints")


async def export(staff: CurrentStaff, kind: str, month: str, office: int | None = None) -> bytes:
    """The records behind the month's figures, as CSV."""
    offices = followups.figure_offices(staff, office)
    tz = staff.tz
    since, until = followups.month_bounds(month, tz)

    def fmt(value: datetime | None) -> str:
        return utc(value).astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else ""

    if kind == "followups":
        rows = await followups.tasks_made(offices, since, until)
        header = [
            _("Office"),
            _("Rule"),
            _("Request"),
            _("Unit"),
            _("Work order"),
            _("Assignee"),
            _("Made"),
            _("Due"),
            _("State"),
            _("Done"),
            _("Satisfied"),
        ]
        body = [
            [
                r["office"],
                r["rule"],
                r["description"],
                r["unit"] or "",
                r["seq"] or "",
                r["assignee"] or "",
                fmt(r["created_at"]),
                fmt(r["due_at"]),
                r["state"],
                fmt(r["done_at"]),
                "" if r["satisfied"] is None else ("1" if r["satisfied"] else "0"),
            ]
            for r in rows
        ]
    elif kind == "orders":
        orders = (await work.done_orders(offices, since, until))[::-1]  # oldest first
        header = [
            _("Office"),
            _("Work order"),
            _("Category"),
            _("Unit"),
            _("Issued"),
            _("Due"),
            _("Completed"),
            _("On time"),
            _("Paid"),
            _("Amount (yuan)"),
        ]
        body = [
            [
                o.office_name,
                o.seq,
                work.category_label(o.category),
                o.unit_number or "",
                fmt(o.issued_at),
                fmt(o.due_at),
                fmt(o.completed_at),
                "1" if utc(o.completed_at) <= utc(o.due_at) else "0",
                "1" if o.paid else "0",
                f"{o.charges_total_fen / 100:.2f}",
            ]
            for o in orders
        ]
    else:
        complaints = (await work.complaint_requests(offices, since=since, until=until))[::-1]  # oldest first
        details = await followups.complaint_details([c.id for c in complaints])
        header = [
            _("Office"),
            _("Complaint"),
            _("Unit"),
            _("Building"),
            _("First responder"),
            _("Received"),
            _("Classification"),
            _("Answered"),
            _("Within 3 days"),
            _("State"),
        ]
        body = []
        for c in complaints:
            d = details.get(c.id, {})
            answered = d.get("answered_at")
            within = answered is not None and utc(answered) <= utc(c.recorded_at) + timedelta(days=3)
            body.append(
                [
                    c.office_name,
                    c.description,
                    c.unit_number or "",
                    c.building or "",
                    c.owner_name,
                    fmt(c.recorded_at),
                    str(followups.CLASSIFICATIONS.get(d.get("classification", ""), "")),
                    fmt(answered),
                    "1" if within else "0",
                    c.state,
                ]
            )
    return write_csv([str(h) for h in header], body)  # UTF-8 with BOM, formula cells neutralised
