"""The key register and its lendings (SPEC K2): each key hangs somewhere; each lending is who, what for,
out, back. A key has at most one open lending (a partial unique index says so too)."""

from piccolo.columns import UUID, Boolean, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.auth.tables import Staff
from app.org.tables import Office, Unit


class Key(Table, tablename="key_item"):
    id = Serial(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    code = Varchar(length=30)  # the tag on the key ring, unique in the office
    name = Varchar(length=100)
    kind = Varchar(length=20)  # owner | public | emergency
    unit = ForeignKey(references=Unit, null=True, default=None)  # owners' keys before move-in
    area = Varchar(length=50, default="")  # the area an emergency or public key opens
    hook = Varchar(length=50)  # where it hangs: cabinet and hook label
    note = Varchar(length=200, default="")
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class KeyLending(Table, tablename="key_lending"):
    id = UUID(primary_key=True)  # the `key.lend` mutation's id
    office = ForeignKey(references=Office, null=False, index=True)
    key = ForeignKey(references=Key, null=False, index=True)
    borrower_staff = ForeignKey(references=Staff, null=True, default=None)
    borrower_name = Varchar(length=50, default="")  # an outside person
    borrower_phone_tail = Varchar(length=4, default="")
    note = Varchar(length=200)  # what for
    approved_by = Varchar(length=50, default="")  # emergency keys: the duty manager who approved
    out_at = Timestamptz()
    out_by = ForeignKey(references=Staff, null=False)
    back_at = Timestamptz(null=True, default=None)
    back_by = ForeignKey(references=Staff, null=True, default=None)
    return_note = Varchar(length=200, default="")
    clock_suspect = Boolean(default=False)
    received_at = Timestamptz()


class KeyNote(Table, tablename="key_note"):
    """What a refused lending or return carried (DESIGN "Conflicts"): kept on the key, not lost."""

    id = Serial(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    key = ForeignKey(references=Key, null=False, index=True)
    author = ForeignKey(references=Staff, null=False)
    text = Text()
    created_at = Timestamptz(default=TimestamptzNow())


class KeySettings(Table, tablename="key_settings"):
    id = Serial(primary_key=True)
    office = ForeignKey(references=Office, null=False, unique=True)
    overdue_minutes = Integer(default=240)
