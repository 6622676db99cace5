"""Move-in tables (SPEC M1–M3): a case per unit handed over, its documents, the house inspection
(made on the phone: the inspection's id is the mutation's), the defects for the developer (整改记录)
and the office's inspection list (物业验收清单)."""

from piccolo.columns import JSON, UUID, Date, ForeignKey, Numeric, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.auth.tables import Staff
from app.org.tables import Office, Unit


class MoveIn(Table, tablename="move_in"):
    id = Serial(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    unit = ForeignKey(references=Unit, null=False)
    case_kind = Varchar(length=12, default="in_person")  # in_person | proxy | company
    owner_name = Varchar(length=50)
    state = Varchar(length=12, default="open")  # open | done
    opened_by = ForeignKey(references=Staff, null=True, default=None)
    opened_at = Timestamptz(default=TimestamptzNow())
    agreements = JSON(default=[])  # the agreements the owner signed
    agreements_signature = Varchar(length=64, default="")
    agreements_at = Timestamptz(null=True, default=None)
    issued = JSON(default=[])  # what was handed over (keys, handbooks …)
    key_ids = JSON(default=[])  # owner's keys of the key register handed over
    issued_signature = Varchar(length=64, default="")
    issued_at = Timestamptz(null=True, default=None)
    completed_by = ForeignKey(references=Staff, null=True, default=None)
    completed_at = Timestamptz(null=True, default=None)


class MoveInDocument(Table, tablename="move_in_document"):
    id = Serial(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    move_in = ForeignKey(references=MoveIn, null=False, index=True)
    kind = Varchar(length=50)
    photo = Varchar(length=64)
    staff = ForeignKey(references=Staff, null=True, default=None)
    recorded_at = Timestamptz(default=TimestamptzNow())


class MoveInInspection(Table, tablename="move_in_inspection"):
    id = UUID(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    move_in = ForeignKey(references=MoveIn, null=False, index=True)
    items = JSON(default=[])  # [{room, item, result, note, photos}]
    water = Numeric(digits=(10, 2), null=True, default=None)
    electricity = Numeric(digits=(10, 2), null=True, default=None)
    gas = Numeric(digits=(10, 2), null=True, default=None)
    signed_by = Varchar(length=50, default="")
    signature = Varchar(length=64, default="")
    staff = ForeignKey(references=Staff, null=True, default=None)
    inspected_at = Timestamptz()
    received_at = Timestamptz()


class MoveInDefect(Table, tablename="move_in_defect"):
    """One defect of an inspection: the rectification record for the developer, until re-inspected."""

    id = UUID(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    move_in = ForeignKey(references=MoveIn, null=False, index=True)
    inspection = ForeignKey(references=MoveInInspection, null=False)
    room = Varchar(length=30)
    item = Varchar(length=60)
    note = Varchar(length=500, default="")
    photos = JSON(default=[])
    reported_on = Date()
    state = Varchar(length=10, default="open")  # open | fixed
    reinspected_at = Timestamptz(null=True, default=None)
    reinspected_by = ForeignKey(references=Staff, null=True, default=None)
    reinspection_note = Varchar(length=500, default="")
    reinspection_signature = Varchar(length=64, default="")


class MoveInSettings(Table, tablename="move_in_settings"):
    id = Serial(primary_key=True)
    office = ForeignKey(references=Office, null=False, unique=True)
    checklist = JSON(default=[])  # [[room, item], …]; empty: the default list
