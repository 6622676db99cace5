"""Patrol tables (SPEC P1–P6, D9). Every table carries `office` (the tenant key).

Records made on a phone (rounds, visits, findings, nonconformances and their events) have
client-made UUID primary keys, so later changes can refer to them before the server has seen them.
"""

from piccolo.columns import JSON, UUID, Boolean, Date, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table

# Other domains' tables by reference only (a domain never imports another's tables; same schema).
Office = LazyTableReference("Office", module_path="app.org.tables")
Building = LazyTableReference("Building", module_path="app.org.tables")
Unit = LazyTableReference("Unit", module_path="app.org.tables")
Staff = LazyTableReference("Staff", module_path="app.auth.tables")


class PatrolRoute(Table):
    """A route of an office (P1): ordered checkpoints. `kind`: patrol | entrusted (P5) | spot_check (D9)."""

    id = Serial(primary_key=True)
    office: ForeignKey = ForeignKey(references=Office, null=False, index=True)
    name = Varchar(length=60)
    kind = Varchar(length=20, default="patrol")
    description = Text(default="")
    daily_rounds = Integer(default=1)  # P1: rounds expected each day; 0 = none expected
    active = Boolean(default=True)
    sort_order = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())


class Checkpoint(Table):
    """A place on a route, confirmed on the phone by its QR code or the short code printed under it."""

    id = Serial(primary_key=True)
    office: ForeignKey = ForeignKey(references=Office, null=False, index=True)
    route = ForeignKey(references=PatrolRoute, null=False, index=True)
    position = Integer(default=0)
    name = Varchar(length=60)
    location = Varchar(length=120, default="")
    building: ForeignKey = ForeignKey(references=Building, null=True, default=None)
    unit: ForeignKey = ForeignKey(references=Unit, null=True, default=None)  # entrusted homes (P5)
    code = Varchar(length=12)  # unique per office (migration index)
    active = Boolean(default=True)


class CheckItem(Table):
    """What is checked at a checkpoint (P1, P2); `department` is who fixes it when it fails (P3)."""

    id = Serial(primary_key=True)
    office: ForeignKey = ForeignKey(references=Office, null=False, index=True)
    checkpoint = ForeignKey(references=Checkpoint, null=False, index=True)
    position = Integer(default=0)
    label = Varchar(length=100)
    department = Varchar(length=20)
    active = Boolean(default=True)


class RoundTask(Table):
    """A round that is due: weekly outside patrol of entrusted homes, before/after heavy rain (P5)."""

    id = Serial(primary_key=True)
    office: ForeignKey = ForeignKey(references=Office, null=False, index=True)
    route = ForeignKey(references=PatrolRoute, null=False, index=True)
    reason = Varchar(length=20)  # weekly | rain_before | rain_after
    due_date = Date()  # weekly: the Monday of the week; rain: the day it was requested
    requested_by: ForeignKey = ForeignKey(references=Staff, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    round = UUID(null=True, default=None)  # the round that did it
    done_at = Timestamptz(null=True, default=None)


class PatrolRound(Table):
    id = UUID(primary_key=True)  # made on the phone (= the start mutation's id)
    office: ForeignKey = ForeignKey(references=Office, null=False, index=True)
    route = ForeignKey(references=PatrolRoute, null=False, index=True)
    kind = Varchar(length=20)  # the route's kind when the round started
    task = ForeignKey(references=RoundTask, null=True, default=None)
    started_by: ForeignKey = ForeignKey(references=Staff, null=False)
    subject_staff: ForeignKey = ForeignKey(references=Staff, null=True, default=None)  # D9: who was spot-checked
    device_id = Varchar(length=64, default="")
    started_at = Timestamptz()  # the phone's clock
    local_date = Date()  # office time zone; the review page's day
    received_at = Timestamptz()
    clock_suspect = Boolean(default=False)
    status = Varchar(length=12, default="in_progress")  # in_progress | finished
    finished_at = Timestamptz(null=True, default=None)
    skipped = JSON(default=[])  # checkpoint ids not visited, in route order, set at finish
    note = Text(default="")


class Visit(Table):
    id = UUID(primary_key=True)
    office: ForeignKey = ForeignKey(references=Office, null=False, index=True)
    round = ForeignKey(references=PatrolRound, null=False, index=True)
    checkpoint = ForeignKey(references=Checkpoint, null=False)
    method = Varchar(length=8)  # scan | typed
    visited_at = Timestamptz()
    received_at = Timestamptz()
    staff: ForeignKey = ForeignKey(references=Staff, null=False)
    device_id = Varchar(length=64, default="")


class Finding(Table):
    id = UUID(primary_key=True)
    office: ForeignKey = ForeignKey(references=Office, null=False, index=True)
    round = ForeignKey(references=PatrolRound, null=False, index=True)
    checkpoint = ForeignKey(references=Checkpoint, null=True, default=None)
    check_item = ForeignKey(references=CheckItem, null=True, default=None)
    label = Varchar(length=100, default="")  # the check item's label when recorded
    result = Varchar(length=4)  # pass | fail
    note = Text(default="")
    photos = JSON(default=[])  # SHA-256 names of attachments
    location = Varchar(length=200, default="")
    recorded_at = Timestamptz()
    local_date = Date()
    received_at = Timestamptz()
    staff: ForeignKey = ForeignKey(references=Staff, null=False)
    device_id = Varchar(length=64, default="")


class Nonconformance(Table):
    """A failed check sent to a department (P3): open → rectified → closed, or back to open."""

    id = UUID(primary_key=True)
    office: ForeignKey = ForeignKey(references=Office, null=False, index=True)
    finding = ForeignKey(references=Finding, null=True, default=None, unique=True)
    round = ForeignKey(references=PatrolRound, null=True, default=None)
    checkpoint = ForeignKey(references=Checkpoint, null=True, default=None)
    title = Varchar(length=200)
    department = Varchar(length=20)
    state = Varchar(length=12, default="open")  # open | rectified | closed
    cycle = Integer(default=0)  # +1 each time a failed verification reopens it
    deadline = Date()
    raised_by: ForeignKey = ForeignKey(references=Staff, null=False)
    raised_at = Timestamptz()
    received_at = Timestamptz()
    changed_at = Timestamptz()
    changed_by: ForeignKey = ForeignKey(references=Staff, null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)


class NonconformanceEvent(Table):
    """The history of a nonconformance; `comment` keeps what a stale change carried (DESIGN "Conflicts")."""

    id = UUID(primary_key=True)
    office: ForeignKey = ForeignKey(references=Office, null=False, index=True)
    nonconformance = ForeignKey(references=Nonconformance, null=False, index=True)
    kind = Varchar(length=12)  # raised | rectified | verified | reopened | comment
    from_state = Varchar(length=12, default="")
    to_state = Varchar(length=12, default="")
    note = Text(default="")
    photos = JSON(default=[])
    deadline = Date(null=True, default=None)
    reason = Text(default="")  # for a kept comment: why its change was not applied
    staff: ForeignKey = ForeignKey(references=Staff, null=False)
    recorded_at = Timestamptz()
    received_at = Timestamptz()


class DepartmentDeadline(Table):
    """Days a department gets to rectify, per office (P3; configurable, defaults in the service)."""

    id = Serial(primary_key=True)
    office: ForeignKey = ForeignKey(references=Office, null=False, index=True)
    department = Varchar(length=20)
    days = Integer()
