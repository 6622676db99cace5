"""The supervisor's daily review (SPEC P4: patrols, complaints and repairs, and that it was done), the
collection of the control room's night records (W8: at least twice a day) and "explained to the
resident" for a repair that cannot be done (W5)."""

from __future__ import annotations

from datetime import date, datetime

from app.auth.schemas import CurrentStaff
from app.clock import day_bounds, local, when_it_happened
from app.errors import Forbidden, RuleViolation
from app.i18n import _, lazy
from app.patrols import service as patrols
from app.supervision.schemas import NightRecordsCollected, RepairExplained, ReviewDone
from app.supervision.tables import DailyReview, NightRecordCollection, RepairExplanation
from app.sync.registry import ApplyContext
from app.work import service as work
from app.work import stuck

REVIEWERS = frozenset({"supervisor", "manager"})
COLLECTORS = frozenset({"frontdesk", "duty", "supervisor"})
EXPLAINERS = frozenset({"frontdesk", "duty", "supervisor", "manager", "engineering_lead"})
NIGHT_COLLECTIONS_A_DAY = 2  # W8: at least twice a day
HOW = {"phone": lazy("By phone"), "visit": lazy("In person"), "notice": lazy("Written notice")}


# --- P4 ------------------------------------------------------------------------------------------


async def review_page(staff: CurrentStaff, day: date, now: datetime) -> dict:
    """P4: the patrol review of the day, with the day's complaints and repairs, and whether it was done."""
    if staff.role not in REVIEWERS | {"qa"}:
        raise Forbidden()
    patrol = await patrols.review(staff, staff.office_id, day)
    since, until = day_bounds(day, staff.tz)
    offices = [staff.office_id]
    complaints = await work.complaint_requests(offices, since=since, until=until)
    open_complaints = await work.complaint_requests(offices, state="open", until=until)
    repairs = await work.issued_orders(offices, since, until)
    done = await work.done_orders(offices, since, until)
    record = (
        await DailyReview.select(
            *DailyReview.all_columns(), DailyReview.reviewer.display_name.as_alias("reviewer_name")
        )
        .where((DailyReview.office == staff.office_id) & (DailyReview.day == day))
        .first()
    )
    if record:
        record["done_local"] = local(record["done_at"], staff.tz)
    return {
        "day": day,
        "patrol": patrol,
        "complaints": complaints,
        "open_complaints": open_complaints,
        "repairs": repairs,
        "repairs_done": done,
        "overdue_orders": await work.overdue_order_count(offices, now),
        "record": record,
    }


async def apply_review_done(ctx: ApplyContext, m: ReviewDone) -> None:
    staff = ctx.staff
    if staff.role not in REVIEWERS:
        raise RuleViolation("forbidden", _("Only the supervisor or the manager records the daily review."))
    happened, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    if m.data.day > local(happened, staff.tz).date():  # type: ignore[union-attr]
        raise RuleViolation("future", _("That day has not come yet."), field="day")
    if await DailyReview.exists().where((DailyReview.office == staff.office_id) & (DailyReview.day == m.data.day)):
        raise RuleViolation("already", _("The review of this day was already recorded."), field="day")
    since, until = day_bounds(m.data.day, staff.tz)
    offices = [staff.office_id]
    rounds = await patrols.rounds_of_day(staff.office_id, m.data.day, staff.tz)
    await DailyReview.insert(
        DailyReview(
            id=m.id,
            office=staff.office_id,
            day=m.data.day,
            reviewer=staff.id,
            done_at=happened,
            patrols=len(rounds),
            complaints=len(await work.complaint_requests(offices, since=since, until=until)),
            repairs=len(await work.issued_orders(offices, since, until)),
            note=m.data.note.strip(),
        )
    )


async def review_done(office_id: int, day: date) -> bool:
    return await DailyReview.exists().where((DailyReview.office == office_id) & (DailyReview.day == day))


# --- W8 ------------------------------------------------------------------------------------------


async def apply_night_records(ctx: ApplyContext, m: NightRecordsCollected) -> None:
    staff = ctx.staff
    if staff.role not in COLLECTORS:
        raise RuleViolation("forbidden", _("Your role does not collect the night records."))
    happened, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    await NightRecordCollection.insert(
        NightRecordCollection(
            id=m.id,
            office=staff.office_id,
            day=local(happened, staff.tz).date(),  # type: ignore[union-attr]
            collected_at=happened,
            collected_by=staff.id,
            entries=m.data.entries or 0,
            note=m.data.note.strip(),
        )
    )


async def night_collections(staff: CurrentStaff, day: date) -> list[dict]:
    rows = (
        await NightRecordCollection.select(
            *NightRecordCollection.all_columns(),
            NightRecordCollection.collected_by.display_name.as_alias("collector"),
        )
        .where((NightRecordCollection.office == staff.office_id) & (NightRecordCollection.day == day))
        .order_by(NightRecordCollection.collected_at)
    )
    for r in rows:
        r["collected_local"] = local(r["collected_at"], staff.tz)
    return rows


def night_records_met(count: int) -> bool:
    """W8: collected at least twice a day."""
    return count >= NIGHT_COLLECTIONS_A_DAY


# --- W5 ------------------------------------------------------------------------------------------


async def apply_explained(ctx: ApplyContext, m: RepairExplained) -> None:
    staff = ctx.staff
    if staff.role not in EXPLAINERS:
        raise RuleViolation("forbidden", _("Your role does not record this."))
    if not await stuck.cannot_fix_orders(staff.office_id, ids=[m.data.order_id]):
        raise RuleViolation("no_order", _("That work order is not in your office."), field="order_id")
    happened, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    await RepairExplanation.insert(
        RepairExplanation(
            id=m.id,
            office=staff.office_id,
            order_id=m.data.order_id,
            explained_at=happened,
            explained_by=staff.id,
            how=m.data.how,
            note=m.data.note.strip(),
        )
    )


async def stuck_repairs(staff: CurrentStaff) -> list[dict]:
    """W5: the repairs that cannot be done, each with whether (and how) it was explained to the resident."""
    if staff.role not in EXPLAINERS | {"qa"}:
        raise Forbidden()
    orders = await stuck.cannot_fix_orders(staff.office_id)
    explained: dict = {}
    if orders:
        for r in (
            await RepairExplanation.select(
                *RepairExplanation.all_columns(), RepairExplanation.explained_by.display_name.as_alias("by")
            )
            .where(RepairExplanation.order_id.is_in([o["id"] for o in orders]))
            .order_by(RepairExplanation.explained_at)
        ):
            r["explained_local"] = local(r["explained_at"], staff.tz)
            r["how_label"] = HOW[r["how"]]
            explained[r["order_id"]] = r
    for o in orders:
        o["explained"] = explained.get(o["id"])
        o["category_label"] = work.category_label(o["category"])
    return orders
