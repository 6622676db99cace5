"""Demo front desk of an office (R1, V1, V2): a few release slips (one open today, one released
yesterday, one expired), passes (valid, expired, an electrician's with his certificate), visitors."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

from app.auth.tables import Staff
from app.clock import now, zone
from app.org.tables import Resident, Unit
from app.passes.tables import AccessPass
from app.slips.tables import ReleaseSlip
from app.visitors.tables import VisitorEntry


async def _staff(office_id: int, role: str) -> int:
    row = await Staff.select(Staff.id).where((Staff.office == office_id) & (Staff.role == role)).first()
    assert row is not None, f"the demo office has no {role}"
    return row["id"]


async def seed_frontdesk_demo(office_id: int) -> None:
    tz = zone()
    today = now().astimezone(tz).date()
    at = lambda day, hh, mm: datetime.combine(day, time(hh, mm), tzinfo=tz)  # noqa: E731
    desk, guard = await _staff(office_id, "frontdesk"), await _staff(office_id, "patrol")
    units = await Unit.select(Unit.id).where(Unit.office == office_id).order_by(Unit.id).limit(6)
    resident = await Resident.select(Resident.id, Resident.name).where(Resident.unit == units[0]["id"]).first()
    assert resident is not None
    slips = [
        # (number, unit, days ago, resident?, goods, released)
        ("R0001", units[0]["id"], 0, True, [{"item": "沙发", "quantity": 1}, {"item": "纸箱", "quantity": 5}], False),
        ("R0002", units[1]["id"], 1, False, [{"item": "冰箱", "quantity": 1}], True),
        ("R0003", units[2]["id"], 3, False, [{"item": "旧床垫", "quantity": 2}], False),
    ]
    for number, unit, ago, is_resident, goods, released in slips:
        day = today - timedelta(days=ago)
        await ReleaseSlip.insert(
            ReleaseSlip(
                id=uuid.uuid4(),
                office=office_id,
                number=number,
                unit=unit,
                person_name=resident["name"] if is_resident else "搬家公司刘师傅",
                resident_id=resident["id"] if is_resident else None,
                id_kind="id_card",
                id_last4="3721",
                goods=goods,
                confirm_name="" if is_resident else "业主本人",
                confirm_phone="" if is_resident else "13800138001",
                confirm_at=None if is_resident else at(day, 9, 5),
                valid_on=day,
                valid_until=day + timedelta(days=1),
                issued_by=desk,
                issued_at=at(day, 9, 10),
                released_at=at(day, 10, 2) if released else None,
                released_by=guard if released else None,
            )
        )
    passes = [
        ("P0001", "赵建国", "安居装饰", "decorator", "", 0, 30, units[3]["id"]),
        ("P0002", "钱多多", "安居装饰", "painter", "", 40, -7, units[3]["id"]),
        ("P0003", "孙电工", "明亮电气", "electrician", "T440301199001", 2, 60, units[4]["id"]),
    ]
    for number, name, company, trade, certificate, began_ago, ends_in, unit in passes:
        await AccessPass.insert(
            AccessPass(
                id=uuid.uuid4(),
                office=office_id,
                number=number,
                holder_name=name,
                holder_kind="contractor",
                company=company,
                id_kind="id_card",
                id_last4="0415",
                trade=trade,
                certificate_no=certificate,
                valid_from=today - timedelta(days=began_ago),
                valid_to=today + timedelta(days=ends_in),
                unit_id=unit,
                issued_by=desk,
            )
        )
    visits = [("王先生", "看望亲戚", units[5]["id"], 30, None), ("燃气公司李工", "入户安检", units[4]["id"], 180, 120)]
    for name, purpose, unit, came_ago, left_ago in visits:
        came = now() - timedelta(minutes=came_ago)
        await VisitorEntry.insert(
            VisitorEntry(
                id=uuid.uuid4(),
                office=office_id,
                visitor_name=name,
                id_kind="id_card",
                id_last4="1188",
                purpose=purpose,
                host_kind="unit",
                unit=unit,
                place="gate",
                in_at=came,
                in_by=guard,
                out_at=None if left_ago is None else now() - timedelta(minutes=left_ago),
                out_by=None if left_ago is None else guard,
                received_at=came,
            )
        )
