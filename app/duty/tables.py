"""The duty log (值班记录): append-only and hash-chained per office (SPEC D5)."""

from piccolo.columns import UUID, Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table

# Other domains' tables by reference only (a domain never imports another's tables; same schema).
Office = LazyTableReference("Office", module_path="app.org.tables")
Unit = LazyTableReference("Unit", module_path="app.org.tables")
Staff = LazyTableReference("Staff", module_path="app.auth.tables")


class DutyLogEntry(Table):
    """NOTE: no UPDATE or DELETE path exists in the code, and database triggers refuse both (D5)."""

    id = UUID(primary_key=True)  # made on the phone, = the mutation's entry id
    office: ForeignKey = ForeignKey(references=Office, null=False, index=True)
    seq = Integer()  # position in the office's chain: 1, 2, 3 … in arrival order
    author: ForeignKey = ForeignKey(references=Staff, null=False)
    device_id = Varchar(length=64, default="")
    recorded_at = Timestamptz()  # when it happened, by the phone's clock
    received_at = Timestamptz()  # when the server got it
    clock_suspect = Boolean(default=False)  # the phone's clock was far from the server's
    shift_date = Date(index=True)  # the date the shift started (office time zone)
    shift_code = Varchar(length=20)
    category = Varchar(length=20)
    text = Text()
    unit: ForeignKey = ForeignKey(references=Unit, null=True, default=None)
    corrects = UUID(null=True, default=None)  # the entry this one corrects (same office)
    escalation = Varchar(length=10, default="")  # "" | difficult | major (D6)
    prev_hash = Varchar(length=64)
    entry_hash = Varchar(length=64)
