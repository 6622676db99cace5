"""Demo list of convenience and commissioned services (S4) an office announces, with prices."""

from __future__ import annotations

from app.convenience.tables import ServiceItem

ITEMS = [
    ("convenience", "空调清洗", "cleaning", 8000, "台"),
    ("convenience", "家庭保洁", "cleaning", 4000, "小时"),
    ("convenience", "疏通下水道", "engineering", 5000, "次"),
    ("convenience", "更换水龙头（不含材料）", "engineering", 3000, "个"),
    ("commissioned", "代收快递、代订桶装水", "customer_service", 0, "次"),
    ("commissioned", "花木代管", "landscaping", 2000, "月"),
]


async def seed_convenience_demo(office: int) -> None:
    await ServiceItem.insert(
        *[
            ServiceItem(office=office, kind=kind, name=name, department=dept, price_fen=fen, price_unit=unit)
            for kind, name, dept, fen, unit in ITEMS
        ]
    )
