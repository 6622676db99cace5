"""Release slips (放行条, SPEC R1): goods leaving the estate for a unit, checked at the desk (ID, fees, the
owner's confirmation when the person is not a resident) and released once at the gate."""

from piccolo.columns import JSON, UUID, Boolean, Date, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.auth.tables import Staff
from app.org.tables import Office, Unit


class ReleaseSlip(Table, tablename="release_slip"):
    id = UUID(primary_key=True)  # the `slip.issue` mutation's id
    office = ForeignKey(references=Office, null=False, index=True)
    number = Varchar(length=12)  # printed and typed at the gate, unique in the office: R0001
    unit = ForeignKey(references=Unit, null=False, index=True)
    person_name = Varchar(length=50)
    resident_id = Integer(null=True, default=None)  # the person is this resident of the unit on file
    id_kind = Varchar(length=20)
    id_last4 = Varchar(length=4)  # never the full number (PIPL)
    goods = JSON(default=[])  # [{"item": "沙发", "quantity": 1}]
    vehicle = Varchar(length=20, default="")
    note = Varchar(length=200, default="")
    # The unit's fee status when the slip was issued ($1), and the supervisor's override of arrears.
    fee_amount_fen = Integer(default=0)
    fee_months_owed = Integer(default=0)
    fee_as_of = Date(null=True, default=None)
    override_by = ForeignKey(references=Staff, null=True, default=None)
    override_reason = Varchar(length=200, default="")
    # Not a resident: the owner confirmed by phone — who, when, which number.
    confirm_name = Varchar(length=50, default="")
    confirm_phone = Varchar(length=20, default="")
    confirm_at = Timestamptz(null=True, default=None)
    valid_on = Date()  # the day it was issued …
    valid_until = Date()  # … and the next: the last day the gate lets it out
    issued_by = ForeignKey(references=Staff, null=False)
    issued_at = Timestamptz(default=TimestamptzNow())
    cancelled_at = Timestamptz(null=True, default=None)
    cancelled_by = ForeignKey(references=Staff, null=True, default=None)
    cancel_reason = Varchar(length=200, default="")
    released_at = Timestamptz(null=True, default=None)
    released_by = ForeignKey(references=Staff, null=True, default=None)
    release_id = UUID(null=True, default=None)  # the `slip.release` mutation that released it
    release_note = Varchar(length=200, default="")
    clock_suspect = Boolean(default=False)
    # A second release from another phone (both offline): accepted as a fact, flagged to the supervisor.
    second_release_at = Timestamptz(null=True, default=None)
    second_release_by = ForeignKey(references=Staff, null=True, default=None)
    second_release_id = UUID(null=True, default=None)
