"""Notice mutations (`notice.publish`, `notice.withdraw`, `notice_board.changed`) and page data (SPEC N1)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from app.sync.schemas import Mutation

NoticeKind = Literal["holiday", "weather", "outage", "fees", "general"]
BODY_MAX = 4000


class NoticePublishData(msgspec.Struct, forbid_unknown_fields=True):
    kind: NoticeKind
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    body: Annotated[str, msgspec.Meta(min_length=1, max_length=BODY_MAX)]
    checklist: Annotated[str, msgspec.Meta(max_length=1000)] = ""  # one item per line
    starts_on: date | None = None
    ends_on: date | None = None
    hours: Annotated[str, msgspec.Meta(max_length=200)] = ""
    contact: Annotated[str, msgspec.Meta(max_length=100)] = ""  # the office's hotline
    signer: Annotated[str, msgspec.Meta(max_length=100)] = ""
    topic: Annotated[str, msgspec.Meta(max_length=100)] = ""  # the quarter's notice-board topic


class NoticePublish(Mutation, tag="notice.publish"):
    """Publish a notice filled in from a template: on the public page and ready to print (N1)."""

    data: NoticePublishData


class NoticeWithdrawData(msgspec.Struct, forbid_unknown_fields=True):
    notice_id: UUID


class NoticeWithdraw(Mutation, tag="notice.withdraw"):
    """Take a notice off the public page (it stays on record)."""

    data: NoticeWithdrawData


class BoardChangedData(msgspec.Struct, forbid_unknown_fields=True):
    note: Annotated[str, msgspec.Meta(max_length=200)] = ""


class BoardChanged(Mutation, tag="notice_board.changed"):
    """The notice board (宣传栏) was changed today: the next change is due in two weeks."""

    data: BoardChangedData


class NoticeView(msgspec.Struct):
    id: UUID
    kind: str
    title: str
    body: str
    checklist: str
    starts_on: str
    ends_on: str
    hours: str
    contact: str
    signer: str
    topic: str
    published_at: datetime
    withdrawn_at: datetime | None

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n") if p.strip()]

    @property
    def checklist_items(self) -> list[str]:
        return [line.strip() for line in self.checklist.splitlines() if line.strip()]


class BoardStatus(msgspec.Struct):
    changed_at: datetime | None
    due_on: date | None  # None: never recorded (due now)
    due: bool
    public_token: str
