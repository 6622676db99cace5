"""Roster tables: the month (draft → published, D1), its cells, holidays (D8), leave with substitutes (D4)."""

from piccolo.columns import Date, ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.auth.tables import Staff
from app.org.tables import Office


class RosterMonth(Table):
    """One office's roster of one month. Published rosters are frozen: changes go through leave (D4)."""

    id = Serial(primary_key=True)

    office = ForeignKey(references=Office, null=False, index=True)
    month = Date()  # the first day of the month; unique with office (migration)
    status = Varchar(length=10, default="draft")  # draft | published
    published_at = Timestamptz(null=True, default=None)
    published_by = ForeignKey(references=Staff, null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())


class RosterAssignment(Table):
    """A cell of the grid: this staff member works this shift on this day (one shift per person and day)."""

    id = Serial(primary_key=True)

    office = ForeignKey(references=Office, null=False, index=True)
    month = Date(index=True)
    day = Date(index=True)
    shift_code = Varchar(length=20)
    staff = ForeignKey(references=Staff, null=False, index=True)


class Holiday(Table):
    """A holiday or special day of an office's calendar: a mid-level manager must be on duty (D8)."""

    id = Serial(primary_key=True)

    office = ForeignKey(references=Office, null=False, index=True)
    day = Date()  # unique with office (migration)
    name = Varchar(length=40)
    created_by = ForeignKey(references=Staff, null=True, default=None)


class LeaveRequest(Table):
    """Leave for one rostered shift (D4): asked with a reason, decided by the supervisor; only an
    approved request can get a substitute, and only the supervisor assigns one (no private swaps)."""

    id = Serial(primary_key=True)

    office = ForeignKey(references=Office, null=False, index=True)
    assignment = ForeignKey(references=RosterAssignment, null=False, index=True)
    requester = ForeignKey(references=Staff, null=False)
    reason = Text()
    status = Varchar(length=10, default="pending")  # pending | approved | refused
    created_at = Timestamptz(default=TimestamptzNow())
    decided_by = ForeignKey(references=Staff, null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    decision_note = Text(default="")
    substitute = ForeignKey(references=Staff, null=True, default=None)
    substitute_set_by = ForeignKey(references=Staff, null=True, default=None)
    substitute_set_at = Timestamptz(null=True, default=None)
