"""Passes (出入证, SPEC V2): one per person, for contractors and temporary workers, with a validity period;
linked to a unit and a renovation when there is one (the renovation is another domain's: no FK)."""

from piccolo.columns import UUID, Date, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.auth.tables import Staff
from app.org.tables import Office


class AccessPass(Table, tablename="access_pass"):
    id = UUID(primary_key=True)  # the `pass.issue` mutation's id
    office = ForeignKey(references=Office, null=False, index=True)
    number = Varchar(length=12)  # printed on the pass, unique in the office: P0001
    holder_name = Varchar(length=50)
    holder_kind = Varchar(length=20)  # contractor | temporary | other
    company = Varchar(length=100, default="")
    id_kind = Varchar(length=20)  # id_card | passport | hk_macau_tw | other
    id_last4 = Varchar(length=4)  # never the full number (PIPL)
    trade = Varchar(length=20, null=True, default=None)
    certificate_no = Varchar(length=50, default="")
    valid_from = Date()
    valid_to = Date()
    unit_id = Integer(null=True, default=None)
    renovation_id = Integer(null=True, default=None, index=True)
    note = Varchar(length=200, default="")
    withdrawn_at = Timestamptz(null=True, default=None)
    withdrawn_by = ForeignKey(references=Staff, null=True, default=None)
    withdrawn_reason = Varchar(length=200, default="")
    issued_by = ForeignKey(references=Staff, null=False)
    created_at = Timestamptz(default=TimestamptzNow())
