"""The reports' own record: the monthly analysis report (SPEC F7), one per office and month."""

from piccolo.columns import ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.auth.tables import Staff
from app.org.tables import Office


class MonthlyAnalysis(Table):
    """F7: the causes of the month's recurring problems and the actions taken, written by the
    supervisor (or the manager) beside the problems the app lists; printed with the monthly report."""

    id = Serial(primary_key=True)

    office = ForeignKey(references=Office, null=False, index=True)
    month = Varchar(length=7)  # YYYY-MM; unique per office (migration index)
    text = Text(default="")
    updated_by = ForeignKey(references=Staff, null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())
