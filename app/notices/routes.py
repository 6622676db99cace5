"""Notice pages (N1): the office's notices with the board's next change and the public page's link,
a template filled in and published, one notice, its A4 print view; the public page per office."""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from uuid import UUID

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Response, Template

from app import paging
from app.auth.schemas import CurrentStaff
from app.i18n import _
from app.notices import service
from app.notices.kinds import DEFAULTS, KINDS
from app.notices.schemas import BODY_MAX, BoardChanged, NoticePublish, NoticeWithdraw
from app.public import public_message, public_page
from app.sync.forms import FormOutcome, submit_form
from app.web import page

READERS = {"roles": service.NOTICE_READERS}
WRITERS = {"roles": service.NOTICE_WRITERS}
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
Token = str  # checked by the service (an unknown or malformed token is one 404 page)


async def _index(
    request: Request,
    staff: CurrentStaff,
    office_id: int,
    topic: str = "",
    cursor: paging.Cursor | None = None,
    **extra: Any,
) -> Template:
    notices, more = await service.page_of_notices(staff, office_id, topic, cursor)
    kept = {"topic": topic, "office": paging.office_filter(staff, office_id)}
    quarter, topics = await service.quarter_topics(staff) if office_id == staff.office_id else ("", [])
    return page(
        request,
        "notices/index.html",
        notices=notices,
        pager=paging.pager("/notices", kept, more, cursor is not None),
        kinds=KINDS,
        board=await service.board_status(office_id, tz=staff.tz),
        board_days=service.BOARD_DAYS,
        quarter=quarter,
        topics=topics,
        topic=topic,
        can_write=staff.role in service.NOTICE_WRITERS and office_id == staff.office_id,
        new_id=str(uuid.uuid4()),
        **extra,
    )


@get("/notices", opt=READERS)
async def notice_list(
    request: Request, staff: CurrentStaff, office_id: int, topic: FromQuery[str] = "", before: paging.Before = None
) -> Template:
    """The office's notices (newest first, 50 a page), the board's next change, the public page's link, Q1 topics."""
    return await _index(request, staff, office_id, topic[:100], paging.parse(before))


async def _form(request: Request, staff: CurrentStaff, kind: str, values: dict, errors: dict | None = None) -> Template:
    _label, topics = await service.quarter_topics(staff)
    return page(
        request,
        "notices/form.html",
        kind=kind,
        kinds=KINDS,
        values=values,
        errors=errors or {},
        topics=[t["topic"] for t in topics],
        body_max=BODY_MAX,
    )


@get("/notices/new", opt=WRITERS)
async def notice_new(request: Request, staff: CurrentStaff, kind: FromQuery[str] = "holiday") -> Template:
    """A template's form, filled in with its Chinese text (the office's name as the signer)."""
    kind = kind if kind in KINDS else "general"
    values = {**DEFAULTS[kind], "kind": kind, "signer": staff.office_name, "id": str(uuid.uuid4())}
    return await _form(request, staff, kind, values)


@post("/notices", opt=WRITERS)
async def notice_publish(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Publish (the `notice.publish` mutation): on the public page at once, ready to print."""
    notice_id = str(data.get("id") or uuid.uuid4())

    async def again(outcome: FormOutcome) -> Template:
        kind = str(outcome.values.get("kind") or "general")
        return await _form(request, staff, kind if kind in KINDS else "general", outcome.values, outcome.errors)

    return await submit_form(
        staff, NoticePublish, data, done=f"/notices/{notice_id}", again=again, mutation_id=notice_id
    )


@get("/notices/{notice_id:uuid}", opt=READERS)
async def notice_page(request: Request, staff: CurrentStaff, office_id: int, notice_id: UUID) -> Template:
    """One notice as residents read it, with its print view and (supervisor) withdraw."""
    notice = await service.notice_detail(staff, office_id, notice_id)
    can_write = staff.role in service.NOTICE_WRITERS and office_id == staff.office_id
    token = (await service.board_status(office_id)).public_token
    return page(request, "notices/notice.html", notice=notice, kinds=KINDS, can_write=can_write, token=token)


@get("/notices/{notice_id:uuid}/print", opt=READERS)
async def notice_print(request: Request, staff: CurrentStaff, office_id: int, notice_id: UUID) -> Template:
    """The A4 print view for the notice boards and the mailboxes."""
    notice = await service.notice_detail(staff, office_id, notice_id)
    return page(request, "notices/print.html", notice=notice)


@post("/notices/{notice_id:uuid}/withdraw", opt=WRITERS)
async def notice_withdraw(request: Request, staff: CurrentStaff, notice_id: UUID, data: Form) -> Response | Template:
    """Take a notice off the public page (`notice.withdraw`)."""

    async def again(outcome: FormOutcome) -> Template:
        return await _index(request, staff, staff.office_id, errors=outcome.errors)

    return await submit_form(
        staff, NoticeWithdraw, data, done=f"/notices/{notice_id}", again=again, notice_id=str(notice_id)
    )


@post("/notices/board", opt=WRITERS)
async def board_changed(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Record that the notice board was changed today (`notice_board.changed`)."""

    async def again(outcome: FormOutcome) -> Template:
        return await _index(request, staff, staff.office_id, errors=outcome.errors)

    return await submit_form(staff, BoardChanged, data, done="/notices", again=again)


@get("/notices/{token:str}", name="public_notices")
async def public_notices(request: Request, token: Token) -> Template:
    """The office's public notice page: its published notices, nothing about anyone."""
    found = await service.public_board(token)
    if found is None:
        return public_message(request, 404, _("Page not found"), _("This link is not valid. Ask the service centre."))
    estate, tz, notices = found
    return public_page(request, "public/notices.html", estate=estate, tz=tz, notices=notices)


ROUTES = [notice_list, notice_new, notice_publish, notice_page, notice_print, notice_withdraw, board_changed]
PUBLIC_ROUTES = [public_notices]
