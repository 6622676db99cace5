"""Renovation tables (SPEC M4–M7): one application per unit from 装修申报表 to 竣工验收, and the
office's fee amounts."""

from decimal import Decimal

from piccolo.columns import JSON, Boolean, Date, ForeignKey, Numeric, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.auth.tables import Staff
from app.org.tables import Office, Unit

Photo = 64  # an attachment's SHA-256


class Renovation(Table, tablename="renovation"):
    id = Serial(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    unit = ForeignKey(references=Unit, null=False)
    state = Varchar(length=12, default="applied")  # applied | permitted | completed
    applicant_kind = Varchar(length=10, default="owner")  # owner | tenant
    applicant_name = Varchar(length=50)
    ownership_photo = Varchar(length=Photo, default="")
    lease_photo = Varchar(length=Photo, default="")
    consent_photo = Varchar(length=Photo, default="")
    contractor_kind = Varchar(length=10, default="company")  # company | self
    contractor_name = Varchar(length=100, default="")
    licence_photo = Varchar(length=Photo, default="")
    qualification_photo = Varchar(length=Photo, default="")
    guarantee_photo = Varchar(length=Photo, default="")
    works = Text(default="")
    start_on = Date()
    end_on = Date()
    drawings = JSON(default=[])
    structural = Boolean(default=False)  # structure changed or extra floor load
    approval_photo = Varchar(length=Photo, default="")
    ack_signature = Varchar(length=Photo, default="")
    ack_at = Timestamptz(null=True, default=None)
    owner_signature = Varchar(length=Photo, default="")
    contractor_signature = Varchar(length=Photo, default="")
    office_signature = Varchar(length=Photo, default="")
    agreement_at = Timestamptz(null=True, default=None)
    waste_fee = Numeric(digits=(10, 2), null=True, default=None)
    deposit = Numeric(digits=(10, 2), null=True, default=None)
    receipt_no = Varchar(length=40, default="")
    paid_at = Timestamptz(null=True, default=None)
    permit_no = Varchar(length=30, default="")
    permit_at = Timestamptz(null=True, default=None)
    completion_items = JSON(default=[])
    completion_photos = JSON(default=[])
    completion_signature = Varchar(length=Photo, default="")
    refund = Numeric(digits=(10, 2), null=True, default=None)
    deduction = Numeric(digits=(10, 2), null=True, default=None)
    deduction_reason = Varchar(length=200, default="")
    completed_at = Timestamptz(null=True, default=None)
    created_by = ForeignKey(references=Staff, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class RenovationSettings(Table, tablename="renovation_settings"):
    id = Serial(primary_key=True)
    office = ForeignKey(references=Office, null=False, unique=True)
    waste_fee = Numeric(digits=(10, 2), default=Decimal(300))  # 装修垃圾清运费, yuan
    deposit = Numeric(digits=(10, 2), default=Decimal(2000))  # 装修押金, yuan
