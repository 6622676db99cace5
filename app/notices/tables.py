"""Notices to residents (SPEC N1): filled in from a template and published by the supervisor; the
office's notice board (宣传栏), changed every two weeks, and the office's public notice page token."""

from piccolo.columns import UUID, ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.auth.tables import Staff
from app.org.tables import Office


class Notice(Table, tablename="notice"):
    id = UUID(primary_key=True)  # the `notice.publish` mutation's id
    office = ForeignKey(references=Office, null=False, index=True)
    kind = Varchar(length=20)  # holiday | weather | outage | fees | general
    title = Varchar(length=100)
    body = Text()  # ≤ 4000 characters, paragraphs separated by blank lines
    checklist = Text(default="")  # one item per line
    starts_on = Varchar(length=10, default="")  # ISO dates, "" when the template has none
    ends_on = Varchar(length=10, default="")
    hours = Varchar(length=200, default="")
    contact = Varchar(length=100, default="")  # the office's hotline, never a person's phone
    signer = Varchar(length=100, default="")
    topic = Varchar(length=100, default="")  # the quarter's notice-board topic it serves (Q1)
    published_at = Timestamptz()
    published_by = ForeignKey(references=Staff, null=False)
    withdrawn_at = Timestamptz(null=True, default=None)


class NoticeBoard(Table, tablename="notice_board"):
    """One per office: its public page token (unguessable, 128+ bits) and when the board was last changed."""

    id = Serial(primary_key=True)
    office = ForeignKey(references=Office, null=False, unique=True)
    public_token = Varchar(length=64, unique=True)
    changed_at = Timestamptz(null=True, default=None)
    changed_by = ForeignKey(references=Staff, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
