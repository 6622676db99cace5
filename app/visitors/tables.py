"""The visitor log (SPEC V1): who came, why, whom they visit (a unit or a department), identity checked
(kind and last 4), in and out; who was told (the department by an alert, the resident by a call)."""

from piccolo.columns import UUID, Boolean, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.table import Table

from app.auth.tables import Staff
from app.org.tables import Office, Unit


class VisitorEntry(Table, tablename="visitor_entry"):
    id = UUID(primary_key=True)  # the `visit.in` mutation's id
    office = ForeignKey(references=Office, null=False, index=True)
    visitor_name = Varchar(length=50)
    people = Integer(default=1)
    id_kind = Varchar(length=20)
    id_last4 = Varchar(length=4)  # never the full number (PIPL)
    purpose = Varchar(length=200)
    host_kind = Varchar(length=20)  # unit | department
    unit = ForeignKey(references=Unit, null=True, default=None)
    department = Varchar(length=30, null=True, default=None)
    place = Varchar(length=10, default="desk")  # desk | gate
    notify = Boolean(default=False)  # the visit needs the host told
    alert_id = UUID(null=True, default=None)  # the department's alert
    resident_called_at = Timestamptz(null=True, default=None)
    resident_called_by = ForeignKey(references=Staff, null=True, default=None)
    call_note = Varchar(length=200, default="")
    in_at = Timestamptz()
    in_by = ForeignKey(references=Staff, null=False)
    out_at = Timestamptz(null=True, default=None)
    out_by = ForeignKey(references=Staff, null=True, default=None)
    clock_suspect = Boolean(default=False)
    received_at = Timestamptz()
