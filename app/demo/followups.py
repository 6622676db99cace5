"""Demo data of follow-ups: a few repairs done yesterday (so follow-ups are due), a complaint and
some consultations. The repairs are written straight into app.work's tables (demo data only)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from app.auth.tables import Staff
from app.followups.rules import generate_followups
from app.followups.tables import Consultation
from app.org.tables import Unit
from app.work.tables import ServiceRequest, WorkOrder

_REPAIRS = [("plumbing", "厨房水龙头漏水"), ("electrical", "客厅插座没电"), ("doors_locks", "入户门锁卡住")]
_CONSULTATIONS = [
    ("fees", "物业费可以银行托收吗？", "可以，到服务中心签托收协议。"),
    ("parking", "访客停车怎么收费？", "首小时免费，之后每小时 5 元。"),
    ("renovation", "装修要办什么手续？", "带身份证和施工图到服务中心办理装修许可。"),
]


async def seed_followups_demo(office_id: int) -> None:
    now = datetime.now(UTC)
    people = {
        r["role"]: r["id"]
        for r in await Staff.select(Staff.id, Staff.role).where(Staff.office == office_id).order_by(Staff.id)
    }
    units = [u["id"] for u in await Unit.select(Unit.id).where(Unit.office == office_id).order_by(Unit.id).limit(3)]
    last = (
        await WorkOrder.select(WorkOrder.seq)
        .where(WorkOrder.office == office_id)
        .order_by(WorkOrder.seq, ascending=False)
        .first()
    )
    seq = last["seq"] if last else 0
    for i, (category, text) in enumerate(_REPAIRS):
        taken, done = now - timedelta(days=1, hours=6 - i), now - timedelta(days=1, hours=2 - i * 0.5)
        request_id, order_id = uuid.uuid4(), uuid.uuid4()
        await ServiceRequest.insert(
            ServiceRequest(
                id=request_id,
                office=office_id,
                channel="phone",
                kind="repair",
                category=category,
                unit=units[i],
                resident_name="业主",
                resident_phone="13800000000",
                description=text,
                owner=people["frontdesk"],
                state="completed",
                recorded_at=taken,
                received_at=taken,
                changed_at=done,
            )
        )
        seq += 1
        await WorkOrder.insert(
            WorkOrder(
                id=order_id,
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
    complaint_at = now - timedelta(days=2, hours=14)  # close to its 3-day limit (C3)
    await ServiceRequest.insert(
        ServiceRequest(
            id=uuid.uuid4(),
            office=office_id,
            channel="visit",
            kind="complaint",
            unit=units[0],
            resident_name="业主",
            resident_phone="13800000000",
            description="楼道灯坏了一周没人修",
            owner=people["frontdesk"],
            state="open",
            recorded_at=complaint_at,
            received_at=complaint_at,
            changed_at=complaint_at,
        )
    )
    for topic, question, answer in _CONSULTATIONS:
        await Consultation.insert(
            Consultation(
                id=uuid.uuid4(),
                office=office_id,
                topic=topic,
                question=question,
                answer=answer,
                staff=people["frontdesk"],
                recorded_at=now - timedelta(days=3),
                received_at=now - timedelta(days=3),
            )
        )
    await generate_followups(office_id, now)
