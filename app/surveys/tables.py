"""The owner opinion survey (SPEC N2): one survey a year per office, one invitation per unit with a
one-time token, at most one answer per unit (online through the token or entered from paper)."""

from piccolo.columns import UUID, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.auth.tables import Staff
from app.org.tables import Office, Unit


class Survey(Table, tablename="survey"):
    id = Serial(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    year = Integer()
    title = Varchar(length=100)
    created_by = ForeignKey(references=Staff, null=False)
    created_at = Timestamptz(default=TimestamptzNow())
    closed_at = Timestamptz(null=True, default=None)


class SurveyInvite(Table, tablename="survey_invite"):
    id = Serial(primary_key=True)
    survey = ForeignKey(references=Survey, null=False, index=True)
    office = ForeignKey(references=Office, null=False, index=True)
    unit = ForeignKey(references=Unit, null=False)
    building = Varchar(length=50)  # the building's name when the survey was made (results per building)
    unit_number = Varchar(length=30)
    token = Varchar(length=64, unique=True)
    answered_at = Timestamptz(null=True, default=None)


class SurveyAnswer(Table, tablename="survey_answer"):
    id = UUID(primary_key=True)
    survey = ForeignKey(references=Survey, null=False, index=True)
    invite = ForeignKey(references=SurveyInvite, null=False, unique=True)  # one answer per unit
    office = ForeignKey(references=Office, null=False, index=True)
    service_centre = Integer()
    repairs = Integer()
    cleaning = Integer()
    landscaping = Integer()
    security = Integer()
    comment = Text(default="")
    channel = Varchar(length=10)  # online | paper
    entered_by = ForeignKey(references=Staff, null=True, default=None)
    answered_at = Timestamptz()
