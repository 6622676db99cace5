"""`python -m app seed-demo`: a demo company with two offices, to show and to prove scoping."""

from __future__ import annotations

from app.auth.passwords import hash_password
from app.auth.tables import Staff
from app.db import write_transaction
from app.demo.convenience import seed_convenience_demo
from app.demo.followups import seed_followups_demo
from app.demo.frontdesk import seed_frontdesk_demo
from app.demo.movein import seed_movein_demo
from app.demo.notices import seed_notices_demo
from app.demo.patrols import seed_patrol_demo
from app.demo.roster import seed_roster_demo
from app.demo.supervision import seed_supervision_demo
from app.demo.work import seed_work_demo
from app.org.service import DEFAULT_INVENTORY, DEFAULT_SHIFTS
from app.org.tables import Building, Company, Office, Resident, Unit

DEMO_PASSWORD = "demo1234"  # demo only: printed by `make run` and listed in the README

# (username suffix, display name, role, department)
_ROLE_ACCOUNTS = [
    ("patrol", "巡查员", "patrol", "security"),
    ("duty", "值班员", "duty", "customer_service"),
    ("frontdesk", "前台", "frontdesk", "customer_service"),
    ("tech", "维修工", "technician", "engineering"),
    ("englead", "工程主管", "engineering_lead", "engineering"),
    ("super", "客服主管", "supervisor", "customer_service"),
    ("manager", "经理", "manager", None),
    ("depthead", "保洁主管", "dept_head", "cleaning"),
    ("qa", "品质专员", "qa", None),
]

_OFFICES = [
    ("a", "翠湖花园管理处", ["1栋", "2栋", "3栋"], ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊"]),
    ("b", "金桂苑管理处", ["A座", "B座"], ["赵敏", "黄强", "周杰", "吴婷", "徐明", "孙丽"]),
]
_SURNAME_PHONES = "13800138{:03d}"


async def demo_exists() -> bool:
    return await Staff.exists().where(Staff.username == "duty_a")


async def demo_accounts() -> list[tuple[str, str, str]]:
    suffixes = [suffix for suffix, *_ in _ROLE_ACCOUNTS] + ["duty2"]  # duty2: the roster demo's third officer
    usernames = [f"{suffix}_{key}" for key, *_ in _OFFICES for suffix in suffixes]
    rows = (
        await Staff.select(Staff.username, Staff.role, Staff.office.name.as_alias("office"))
        .where(Staff.username.is_in(usernames))
        .order_by(Staff._meta.primary_key)
    )
    return [(r["username"], r["role"], r["office"]) for r in rows]


async def seed_demo() -> list[tuple[str, str, str]]:
    """Create the demo data; returns (username, role, office) of every account."""
    password_hash = hash_password(DEMO_PASSWORD)
    accounts: list[tuple[str, str, str]] = []
    async with write_transaction():
        company = (await Company.insert(Company(name="示例物业服务有限公司")))[0]["id"]
        phone_no = 0
        for key, office_name, buildings, names in _OFFICES:
            office = (
                await Office.insert(
                    Office(
                        company=company,
                        name=office_name,
                        shift_templates=DEFAULT_SHIFTS,
                        inventory_items=DEFAULT_INVENTORY,
                    )
                )
            )[0]["id"]
            resident_no = 0
            for b_index, building_name in enumerate(buildings):
                building = (await Building.insert(Building(office=office, name=building_name, sort_order=b_index)))[0][
                    "id"
                ]
                for floor in range(1, 7):
                    for door in (1, 2):
                        number = f"{building_name.rstrip('栋座')}-{floor}0{door}"
                        unit = (
                            await Unit.insert(
                                Unit(
                                    office=office,
                                    building=building,
                                    number=number,
                                    floor=floor,
                                    entrusted=(floor == 6 and door == 2),
                                )
                            )
                        )[0]["id"]
                        name = names[resident_no % len(names)]
                        resident_no += 1
                        phone_no += 1
                        await Resident.insert(
                            Resident(office=office, unit=unit, name=name, phone=_SURNAME_PHONES.format(phone_no))
                        )
            for suffix, display, role, department in _ROLE_ACCOUNTS:
                phone_no += 1
                username = f"{suffix}_{key}"
                await Staff.insert(
                    Staff(
                        office=office,
                        username=username,
                        display_name=f"{display}{key.upper()}",
                        role=role,
                        department=department,
                        phone=_SURNAME_PHONES.format(phone_no),
                        password_hash=password_hash,
                    )
                )
                accounts.append((username, role, office_name))
            await seed_patrol_demo(office)
            phone_no += 1
            await seed_roster_demo(office, key, password_hash, _SURNAME_PHONES.format(phone_no))
            await seed_work_demo(office)
            await seed_followups_demo(office)
            await seed_supervision_demo(office)
            await seed_convenience_demo(office)
            await seed_movein_demo(office)
            await seed_notices_demo(office, office_name)
            await seed_frontdesk_demo(office)
    return accounts
