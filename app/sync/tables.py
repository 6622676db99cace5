"""The record of every applied mutation id: what makes a resend harmless."""

from piccolo.columns import UUID, ForeignKey, Text, Timestamptz, Varchar
from piccolo.table import Table

from app.auth.tables import Staff
from app.org.tables import Office


class AppliedMutation(Table):
    id = UUID(primary_key=True)  # the mutation id made on the phone
    office = ForeignKey(references=Office, null=False, index=True)
    staff = ForeignKey(references=Staff, null=False)
    device_id = Varchar(length=64)
    type = Varchar(length=64)
    content_hash = Varchar(length=64)  # SHA-256 of the canonical mutation: same id + other content = id_reused
    recorded_at = Timestamptz()
    received_at = Timestamptz()
    # "applied", or "rejected" for a stale change whose content was kept as a comment: a resend
    # of the same mutation then gets the same rejection, and nothing is stored twice.
    outcome = Varchar(length=10, default="applied")
    error_code = Varchar(length=40, default="")
    error_message = Text(default="")
