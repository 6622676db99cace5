"""F2: leak repairs and their leak test dates — a leak repair is followed up three days after its
leak test, so a missing date is listed rather than silently never followed up."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import msgspec

from app.auth.schemas import CurrentStaff
from app.errors import Forbidden, RuleViolation, check_found
from app.followups._common import LEAK_TEST_ROLES, utc
from app.followups.rules import leaks_without_test
from app.followups.tables import FollowupTask, LeakTest
from app.i18n import _
from app.work import service as work


async def leak_orders(staff: CurrentStaff, now: datetime) -> list[dict]:
    """Done leak repairs of the office and their leak test dates (missing ones first)."""
    if staff.role not in LEAK_TEST_ROLES:
        raise Forbidden()
    orders = [
        msgspec.structs.asdict(o)
        for o in await work.done_orders([staff.office_id], now - timedelta(days=60), category="leaks")
    ]
    tests = {
        r["work_order"]: r["tested_on"]
        for r in await LeakTest.select(LeakTest.work_order, LeakTest.tested_on).where(
            LeakTest.office == staff.office_id
        )
    }
    for order in orders:
        order["tested_on"] = tests.get(order["id"])
    return sorted(orders, key=lambda o: o["tested_on"] is not None)


async def record_leak_test(staff: CurrentStaff, order_id: UUID, tested_on) -> None:
    """F2: the leak test date of a leak repair (once; a correction replaces it before the follow-up exists)."""
    if staff.role not in LEAK_TEST_ROLES:
        raise Forbidden()
    order = check_found(await work.order_brief(order_id, staff.office_id))
    if order.category != "leaks":
        raise RuleViolation("not_leak", _("Only leak repairs have a leak test."), field="tested_on")
    if await FollowupTask.exists().where(FollowupTask.key == f"F2:{order_id}"):
        raise RuleViolation("followup_exists", _("Its follow-up is already scheduled."), field="tested_on")
    existing = await LeakTest.select(LeakTest.id).where(LeakTest.work_order == order_id).first()
    if existing:
        await LeakTest.update({LeakTest.tested_on: tested_on, LeakTest.recorded_by: staff.id}).where(
            LeakTest.id == existing["id"]
        )
    else:
        await LeakTest.insert(
            LeakTest(office=staff.office_id, work_order=order_id, tested_on=tested_on, recorded_by=staff.id)
        )


async def missing_leak_tests(staff: CurrentStaff, now: datetime, *, mine: bool = False) -> list[dict]:
    """F2: the office's done leak repairs with no leak test date, hence no follow-up yet (`mine`: those
    whose request I took — their follow-up will be mine, C4)."""
    if staff.role not in LEAK_TEST_ROLES:
        return []
    orders = await leaks_without_test(staff.office_id, now)
    return [o for o in orders if o["owner"] == staff.id] if mine else orders


def _leak_section(orders: list[dict], staff: CurrentStaff) -> list[dict]:
    if not orders:
        return []
    items = [
        {
            "text": _(
                "Leak test date missing: work order %(n)s %(what)s", n=f"No.{o['seq']:06d}", what=o["description"][:30]
            ),
            "meta": utc(o["completed_at"]).astimezone(staff.tz).strftime("%m-%d"),
            "flag": "warn",
        }
        for o in orders[:5]
    ]
    return [{"title": _("Leak test date missing"), "href": "/followups/leak-tests", "items": items, "empty": ""}]
