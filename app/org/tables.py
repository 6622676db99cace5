"""Organisation tables: company → office → buildings → units → residents (SPEC "Who uses it", E1, E3)."""

from piccolo.columns import JSON, Boolean, Date, ForeignKey, Integer, Numeric, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Company(Table):
    id = Serial(primary_key=True)
    name = Varchar(length=100)
    created_at = Timestamptz(default=TimestamptzNow())


class Office(Table):
    """A 管理处: one per estate. Shift templates (D2), the handover inventory (H4) and the resident
    file's checklist (E2) are per office."""

    id = Serial(primary_key=True)
    company = ForeignKey(references=Company, null=False)
    name = Varchar(length=100)
    time_zone = Varchar(length=64, default="Asia/Shanghai")
    shift_templates = JSON(default=[])  # [{"code", "name", "start": "HH:MM", "end": "HH:MM"}]
    inventory_items = JSON(default=[])  # ["电话", "电脑", …]
    file_checklist = JSON(default=[])  # E2: ["购房合同复印件", …]; empty: app.estate defaults
    created_at = Timestamptz(default=TimestamptzNow())


class Building(Table):
    id = Serial(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    name = Varchar(length=50)
    sort_order = Integer(default=0)
    active = Boolean(default=True)


class Unit(Table):
    """A home (E1). `entrusted` is kept in step with `state == "entrusted"` by app.estate (one
    writer), because patrols read it for the P5 checkpoints; E3's agreement and start readings here."""

    id = Serial(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    building = ForeignKey(references=Building, null=False, index=True)
    number = Varchar(length=30)  # e.g. "1-1201"
    floor = Integer(default=1)
    entrusted = Boolean(default=False)  # 托管房 (P5) = state "entrusted"
    area = Numeric(digits=(9, 2), null=True, default=None)  # m²
    state = Varchar(length=20, default="occupied")  # app.estate.schemas.UNIT_STATES
    active = Boolean(default=True)
    entrusted_on = Date(null=True, default=None)  # E3: agreement date
    water_start = Numeric(digits=(10, 2), null=True, default=None)  # E3: meter readings at the start
    power_start = Numeric(digits=(10, 2), null=True, default=None)


class Resident(Table):
    """A person of a unit (E1). Moving out ends the row (`ended_on`); nothing is deleted."""

    id = Serial(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    unit = ForeignKey(references=Unit, null=False, index=True)
    name = Varchar(length=50)
    phone = Varchar(length=30, default="")
    kind = Varchar(length=10, default="owner")  # owner | tenant | household
    phone2 = Varchar(length=30, default="")
    id_last4 = Varchar(length=4, default="")  # E2: never the full ID number
    started_on = Date(null=True, default=None)
    ended_on = Date(null=True, default=None)
