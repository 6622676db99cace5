"""Handover tables (H1–H7). A decided (signed) handover is never changed: database triggers refuse it."""

from piccolo.columns import JSON, UUID, Boolean, Date, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.auth.tables import Staff
from app.org.tables import Office


class Handover(Table):
    """One handover of the desk from the outgoing to the incoming (交接班记录).

    submitted (prepared by the outgoing) → accepted (both signed; the incoming is on duty from
    `decided_at`, H7) or refused (one of the four refusals, H5; the outgoing stays on duty, D10).
    NOTE: triggers refuse UPDATE of a decided row and every DELETE (signed handovers cannot change).
    """

    id = UUID(primary_key=True)  # made on the phone (the `handover_id` of handover.submit)
    office = ForeignKey(references=Office, null=False, index=True)
    from_date = Date()  # the outgoing shift: the date it started and its code
    from_code = Varchar(length=20)
    to_date = Date()  # the incoming shift (the next rostered one)
    to_code = Varchar(length=20)
    status = Varchar(length=10, default="submitted")  # submitted | signing | accepted | refused
    outgoing = ForeignKey(references=Staff, null=False)
    incoming = ForeignKey(references=Staff, null=True, default=None)
    prepared_at = Timestamptz()  # when the outgoing submitted the checklist (phone clock)
    received_at = Timestamptz()  # when the server got it
    device_id = Varchar(length=64, default="")
    clock_suspect = Boolean(default=False)
    desk_tidied_at = Timestamptz()  # H1
    tidied_typed = Boolean(default=True)  # H1: typed in afterwards (False: tapped at the moment)
    work_done = Boolean(default=False)  # H6: all work finished or carried over as open items
    outgoing_inventory = JSON(default=[])  # H4: [{item, count, damaged, note}]
    outgoing_anomalies = JSON(default=[])  # H3: [{text, explanation}]
    outgoing_note = Text(default="")
    arrived_at = Timestamptz(null=True, default=None)  # H1: the incoming's arrival
    arrived_typed = Boolean(default=True)  # H1: typed in afterwards (False: tapped at the moment)
    log_read = Boolean(default=False)  # H2
    incoming_inventory = JSON(default=[])  # H4: the incoming's recount
    incoming_anomalies = JSON(default=[])  # H3: found by the incoming, explained by the outgoing
    incoming_note = Text(default="")
    refusal_reasons = JSON(default=[])  # H5
    decided_at = Timestamptz(null=True, default=None)  # acceptance or refusal (H7: duty starts then)
    decided_received_at = Timestamptz(null=True, default=None)
    decided_by = ForeignKey(references=Staff, null=True, default=None)  # whose session sent the decision
    decided_device_id = Varchar(length=64, default="")
    outgoing_signed_at = Timestamptz(null=True, default=None)
    incoming_signed_at = Timestamptz(null=True, default=None)


class HandoverItem(Table):
    """Unfinished work carried over as an open item (H2, H6). Items of a night shift that are still
    open the next morning are turned into a work order or complaint record by the day shift (D11)."""

    id = UUID(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    handover = ForeignKey(references=Handover, null=False, index=True)
    position = Integer(default=0)
    text = Text()
    major_repair = Boolean(default=False)
    night = Boolean(default=False)  # carried over from a shift that crosses midnight
    from_date = Date()
    from_code = Varchar(length=20)
    state = Varchar(length=10, default="open")  # open | converted
    target_kind = Varchar(length=20, default="")  # work_order | complaint | handled
    target_ref = Text(default="")
    resolved_by = ForeignKey(references=Staff, null=True, default=None)
    resolved_at = Timestamptz(null=True, default=None)


class HandoverComment(Table):
    """What a late decision carried, kept on the handover when it came too late (DESIGN "Conflicts")."""

    id = Serial(primary_key=True)

    office = ForeignKey(references=Office, null=False, index=True)
    handover = ForeignKey(references=Handover, null=False, index=True)
    author = ForeignKey(references=Staff, null=False)
    text = Text()
    created_at = Timestamptz(default=TimestamptzNow())


class HandoverPin(Table):
    """A staff member's handover PIN (H7 signatures), Argon2id-hashed; the password works as well."""

    id = Serial(primary_key=True)

    staff = ForeignKey(references=Staff, null=False, unique=True)
    pin_hash = Varchar(length=200)
    updated_at = Timestamptz(default=TimestamptzNow())


class SignatureFailure(Table):
    """A wrong PIN or password in a signature: five in 15 minutes lock that person's signing."""

    id = Serial(primary_key=True)

    staff = ForeignKey(references=Staff, null=False, index=True)
    office = ForeignKey(references=Office, null=False)
    failed_at = Timestamptz(default=TimestamptzNow(), index=True)
