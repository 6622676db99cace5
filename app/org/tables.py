"""Organisation tables (SPEC "Who uses it")."""

from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Company(Table):
    name = Varchar(length=100)
    created_at = Timestamptz(default=TimestamptzNow())


class Office(Table):
    """A 管理处: one per estate. Shift templates (D2) and the handover inventory (H4) are per office."""

    company = ForeignKey(references=Company, null=False)
    name = Varchar(length=100)
    time_zone = Varchar(length=64, default="Asia/Shanghai")
    shift_templates = JSON(default=[])  # [{"code", "name", "start": "HH:MM", "end": "HH:MM"}]
    inventory_items = JSON(default=[])  # ["电话", "电脑", …]
    created_at = Timestamptz(default=TimestamptzNow())


class Building(Table):
    office = ForeignKey(references=Office, null=False, index=True)
    name = Varchar(length=50)
    sort_order = Integer(default=0)


class Unit(Table):
    office = ForeignKey(references=Office, null=False, index=True)
    building = ForeignKey(references=Building, null=False, index=True)
    number = Varchar(length=30)  # e.g. "1-1201"
    floor = Integer(default=1)
    entrusted = Boolean(default=False)  # 托管房 (P5)


class Resident(Table):
    office = ForeignKey(references=Office, null=False, index=True)
    unit = ForeignKey(references=Unit, null=False, index=True)
    name = Varchar(length=50)
    phone = Varchar(length=30, default="")
    kind = Varchar(length=10, default="owner")  # owner | tenant
