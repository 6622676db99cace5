"""The office's announced list of convenience and commissioned services with their prices, and each
service agreed with a resident: terms, assigned by the department head, accepted, paid (SPEC S4)."""

from piccolo.columns import UUID, Boolean, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.auth.tables import Staff
from app.org.tables import Office, Unit


class ServiceItem(Table, tablename="convenience_item"):
    id = Serial(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    kind = Varchar(length=20)  # convenience | commissioned
    name = Varchar(length=100)
    department = Varchar(length=30)  # app.org.departments: whose head sends someone
    price_fen = Integer()  # the announced price, in fen
    price_unit = Varchar(length=20, default="")  # 次, 小时, 平方米 …
    note = Varchar(length=200, default="")
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class ServiceBooking(Table, tablename="convenience_booking"):
    id = UUID(primary_key=True)  # the `convenience.agree` mutation's id
    office = ForeignKey(references=Office, null=False, index=True)
    seq = Integer()  # the office's number for it
    item = ForeignKey(references=ServiceItem, null=False)
    unit = ForeignKey(references=Unit, null=True, default=None)
    resident_name = Varchar(length=50)
    phone_tail = Varchar(length=4, default="")
    place = Varchar(length=100)
    appointment_at = Timestamptz()
    price_fen = Integer()  # agreed
    terms = Text()  # what, how much, the result expected
    state = Varchar(length=10)  # agreed | assigned | accepted | paid
    agreed_by = ForeignKey(references=Staff, null=False)
    agreed_at = Timestamptz()
    assignee = ForeignKey(references=Staff, null=True, default=None)
    assigned_by = ForeignKey(references=Staff, null=True, default=None)
    assigned_at = Timestamptz(null=True, default=None)
    accepted_at = Timestamptz(null=True, default=None)
    acceptance_note = Varchar(length=200, default="")
    paid_at = Timestamptz(null=True, default=None)
    payment_method = Varchar(length=10, default="")  # cash | wechat | alipay | card
    receipt_no = Varchar(length=30, default="")
    paid_fen = Integer(default=0)
