"""Estate tables: the register (E1) and parking (E4), resident files and their spot checks (E2, K1).

NOTE: Building, Unit and Resident are defined in app/org/tables.py, where the other domains have always
referenced them (a unit on a request, a checkpoint, a duty-log entry); app.estate is their one writer
and reaches them through this module (DESIGN's "org/estate" is one domain)."""

from piccolo.columns import JSON, Boolean, Date, ForeignKey, Integer, Numeric, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.auth.tables import Staff
from app.org.tables import Building, Office, Resident, Unit

__all__ = ["Building", "FileCheck", "FileCheckItem", "FileDocument", "Office", "ParkingSpace", "Resident", "Unit"]


class ParkingSpace(Table):
    """E4: a space let through the centre: to which unit, the monthly rent, the period."""

    id = Serial(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    number = Varchar(length=20)
    unit = ForeignKey(references=Unit, null=True, default=None)
    rent = Numeric(digits=(10, 2), null=True, default=None)  # yuan a month
    let_from = Date(null=True, default=None)
    let_until = Date(null=True, default=None)
    active = Boolean(default=True)


class FileDocument(Table):
    """E2: one document of a unit's file, received (who, when) with its scan (an attachment's sha256)."""

    id = Serial(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    unit = ForeignKey(references=Unit, null=False, index=True)
    kind = Varchar(length=50)  # a label of the office's checklist
    attachment = Varchar(length=64, default="")
    note = Varchar(length=200, default="")
    received_by = ForeignKey(references=Staff, null=True, default=None)
    received_at = Timestamptz(default=TimestamptzNow())


class FileCheck(Table):
    """K1 档案抽查: a seeded draw of N files (reproducible from `seed` and `population`)."""

    id = Serial(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    seed = Varchar(length=32)
    size = Integer()
    population = JSON(default=[])  # the unit ids drawn from, sorted
    drawn_by = ForeignKey(references=Staff, null=True, default=None)
    drawn_at = Timestamptz(default=TimestamptzNow())


class FileCheckItem(Table):
    """One drawn file: correct, or the errors found; `checked_at` empty until marked."""

    id = Serial(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    check = ForeignKey(references=FileCheck, null=False, index=True)
    unit = ForeignKey(references=Unit, null=False)
    correct = Boolean(null=True, default=None)
    errors = Text(default="")
    checked_by = ForeignKey(references=Staff, null=True, default=None)
    checked_at = Timestamptz(null=True, default=None)
