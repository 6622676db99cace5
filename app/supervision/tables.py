"""The supervisor's written reports (G1, G2), storm mode (G3), emergency calls (D3, D7), the daily
review (P4), "explained to the resident" (W5) and the collection of the night records (W8)."""

from piccolo.columns import UUID, Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.auth.tables import Staff
from app.org.tables import Office


class SupervisionReport(Table, tablename="supervision_report"):
    """One report per office, kind and period: drafted from the figures, edited, submitted."""

    id = UUID(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    kind = Varchar(length=20)  # weekly | month_plan | month_report | incident
    period = Varchar(length=60)  # the Monday, the month, or "<day>:<duty-log entry id>"
    title = Varchar(length=200)
    body = Text()
    figures = Text(default="{}")  # what the draft was made from, kept with the report
    state = Varchar(length=10, default="draft")  # draft | submitted
    due_at = Timestamptz()
    updated_at = Timestamptz(default=TimestamptzNow())
    updated_by = ForeignKey(references=Staff, null=False)
    submitted_at = Timestamptz(null=True, default=None)
    submitted_by = ForeignKey(references=Staff, null=True, default=None)
    late = Boolean(default=False)


class StormEvent(Table, tablename="storm_event"):
    """A typhoon, rainstorm or flood: all staff stand by until the manager switches it off."""

    id = UUID(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    kind = Varchar(length=20)  # typhoon | rainstorm | flood
    note = Varchar(length=500, default="")
    started_at = Timestamptz()
    started_by = ForeignKey(references=Staff, null=False)
    duty_manager = ForeignKey(references=Staff, null=False)
    arrived_at = Timestamptz(null=True, default=None)
    arrival_late = Boolean(default=False)
    checklist = Text(default="[]")  # the codes of the items done
    rain_rounds = Integer(default=0)
    ended_at = Timestamptz(null=True, default=None)
    ended_by = ForeignKey(references=Staff, null=True, default=None)
    summary = Text(default="")


class EmergencyCall(Table, tablename="emergency_call"):
    """Who the duty officer called in an emergency, when they answered, when they came on site."""

    id = UUID(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    entry = UUID(null=True, default=None)  # the duty-log entry it is about
    storm = UUID(null=True, default=None)
    callee = ForeignKey(references=Staff, null=False)
    called_by = ForeignKey(references=Staff, null=False)
    called_at = Timestamptz()
    alerted = Boolean(default=False)
    answered_at = Timestamptz(null=True, default=None)
    on_site_at = Timestamptz(null=True, default=None)
    note = Varchar(length=200, default="")


class DailyReview(Table, tablename="daily_review"):
    id = UUID(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    day = Date()
    reviewer = ForeignKey(references=Staff, null=False)
    done_at = Timestamptz()
    patrols = Integer(default=0)
    complaints = Integer(default=0)
    repairs = Integer(default=0)
    note = Varchar(length=500, default="")


class NightRecordCollection(Table, tablename="night_record_collection"):
    id = UUID(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    day = Date()
    collected_at = Timestamptz()
    collected_by = ForeignKey(references=Staff, null=False)
    entries = Integer(default=0)  # lines on the control room's sheet
    note = Varchar(length=200, default="")


class RepairExplanation(Table, tablename="repair_explanation"):
    id = UUID(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    order_id = UUID()  # the work order that cannot be done
    explained_at = Timestamptz()
    explained_by = ForeignKey(references=Staff, null=False)
    how = Varchar(length=10)  # phone | visit | notice
    note = Varchar(length=500)
