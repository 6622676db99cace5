"""Fee status (SPEC $1) as the finance department exports it, and dunning records ($2). The app does not
bill: a unit's status is what the last imported export said, as of its date."""

from piccolo.columns import UUID, Boolean, Bytea, Date, ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.auth.tables import Staff
from app.org.tables import Office, Unit


class FeeImport(Table, tablename="fee_import"):
    id = Serial(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    staff = ForeignKey(references=Staff, null=False)
    filename = Varchar(length=200, default="")
    sha256 = Varchar(length=64)
    row_count = Integer(default=0)
    changed = Integer(default=0)
    imported_at = Timestamptz(default=TimestamptzNow())


class FeeStatus(Table, tablename="fee_status"):
    """One row per unit: the latest export's line for it (amounts in fen, so both engines agree)."""

    id = Serial(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    unit = ForeignKey(references=Unit, null=False, unique=True)
    months_owed = Integer(default=0)
    amount_fen = Integer(default=0)
    as_of = Date()
    fee_import = ForeignKey(references=FeeImport, null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())


class FeeUpload(Table, tablename="fee_upload"):
    """An uploaded export waiting for its preview to be confirmed (nothing else is written before)."""

    id = UUID(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    staff = ForeignKey(references=Staff, null=False)
    filename = Varchar(length=200, default="")
    sha256 = Varchar(length=64)
    content = Bytea()
    created_at = Timestamptz(default=TimestamptzNow())


class DunningRecord(Table, tablename="dunning_record"):
    """A visit or call about a unit's arrears ($2): append-only."""

    id = UUID(primary_key=True)  # the `dunning.record` mutation's id
    office = ForeignKey(references=Office, null=False, index=True)
    unit = ForeignKey(references=Unit, null=False, index=True)
    staff = ForeignKey(references=Staff, null=False)
    method = Varchar(length=10)  # visit | phone
    outcome = Varchar(length=20)
    promised_date = Date(null=True, default=None)
    next_follow_up = Date(null=True, default=None)
    note = Varchar(length=500, default="")
    recorded_at = Timestamptz()
    received_at = Timestamptz()
    clock_suspect = Boolean(default=False)
