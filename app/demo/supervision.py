"""Demo data of the supervisor's reports: repairs and complaints of the last few weeks, so the weekly
report and last month's report open on a draft with real figures rather than zeros. Written straight
into app.work's tables (demo data only, as app.demo.followups does); a few bulk inserts, so seeding
stays fast."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from app.auth.tables import Staff
from app.followups.rules import generate_followups
from app.followups.tables import FollowupTask
from app.org.tables import Unit
from app.work.tables import ServiceRequest, WorkOrder

# (days ago, category, what the resident said, hours it took: over 24 is late)
_REPAIRS = [
    (2, "plumbing", "卫生间地漏返水", 5),
    (3, "electrical", "阳台灯不亮", 3),
    (4, "doors_locks", "单元门闭门器漏油", 30),
    (5, "plumbing", "厨房下水道堵塞", 4),
    (6, "electrical", "走廊感应灯常亮", 6),
    (9, "plumbing", "热水器进水阀滴水", 8),
    (12, "doors_locks", "信报箱锁坏", 2),
    (16, "electrical", "电表箱跳闸", 1),
    (20, "plumbing", "屋面雨水管脱落", 28),
    (25, "electrical", "地下车库照明不亮", 7),
    (31, "plumbing", "消防栓箱门变形", 10),
    (36, "doors_locks", "防火门合页松动", 5),
    (42, "electrical", "门禁读卡器失灵", 9),
]
# (days ago, what the resident complained about, closed)
_COMPLAINTS = [
    (3, "装修噪音中午不停", True),
    (8, "垃圾桶满了没人清", True),
    (19, "地下车库积水", True),
    (33, "快递堆在大堂", True),
]


async def seed_supervision_demo(office_id: int) -> None:
    now = datetime.now(UTC)
    people = {
        r["role"]: r["id"]
        for r in await Staff.select(Staff.id, Staff.role).where(Staff.office == office_id).order_by(Staff.id)
    }
    units = [u["id"] for u in await Unit.select(Unit.id).where(Unit.office == office_id).order_by(Unit.id).limit(12)]
    last = (
        await WorkOrder.select(WorkOrder.seq)
        .where(WorkOrder.office == office_id)
        .order_by(WorkOrder.seq, ascending=False)
        .first()
    )
    seq = last["seq"] if last else 0
    requests: list[ServiceRequest] = []
    orders: list[WorkOrder] = []
    for i, (days, category, text, hours) in enumerate(_REPAIRS):
        taken = now - timedelta(days=days, hours=2)
        done = taken + timedelta(hours=hours)
        request_id = uuid.uuid4()
        seq += 1
        requests.append(
            ServiceRequest(
                id=request_id,
                office=office_id,
                channel="phone",
                kind="repair",
                category=category,
                unit=units[i % len(units)],
                resident_name="业主",
                resident_phone="13800000000",
                description=text,
                owner=people["frontdesk"],
                state="closed",
                recorded_at=taken,
                received_at=taken,
                changed_at=done,
                closed_at=done,
                closed_by=people["frontdesk"],
            )
        )
        orders.append(
            WorkOrder(
                id=uuid.uuid4(),
                office=office_id,
                seq=seq,
                request=request_id,
                category=category,
                state="completed",
                assignee=people["technician"],
                issued_by=people["frontdesk"],
                issued_at=taken,
                standard_hours=24,
                due_at=taken + timedelta(hours=24),
                completed_at=done,
                changed_at=done,
            )
        )
    for i, (days, text, closed) in enumerate(_COMPLAINTS):
        at = now - timedelta(days=days, hours=4)
        requests.append(
            ServiceRequest(
                id=uuid.uuid4(),
                office=office_id,
                channel="visit",
                kind="complaint",
                unit=units[(i + 3) % len(units)],
                resident_name="业主",
                resident_phone="13800000000",
                description=text,
                owner=people["frontdesk"],
                state="closed" if closed else "open",
                recorded_at=at,
                received_at=at,
                changed_at=at + timedelta(days=1),
                closed_at=at + timedelta(days=1) if closed else None,
                closed_by=people["frontdesk"] if closed else None,
            )
        )
    await ServiceRequest.insert(*requests)
    await WorkOrder.insert(*orders)
    # Their follow-ups were made at the time and done within two days; the resident satisfied but once.
    await generate_followups(office_id, now)
    for i, r in enumerate(requests):
        made = r.closed_at or r.received_at
        await FollowupTask.update(
            {
                FollowupTask.created_at: made,
                FollowupTask.due_at: made + timedelta(days=2),
                FollowupTask.state: "done",
                FollowupTask.done_at: made + timedelta(days=1),
                FollowupTask.satisfied: i != 2,
            }
        ).where(FollowupTask.request == r.id)
