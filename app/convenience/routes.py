"""Convenience and commissioned services (S4): the announced list with prices, the services agreed and
their steps (plain forms of the same mutations a phone's outbox sends)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Response, Template

from app import paging
from app.auth.schemas import CurrentStaff
from app.convenience import service
from app.convenience.schemas import ItemForm, ServiceAccept, ServiceAgree, ServiceAssign, ServicePay
from app.errors import RuleViolation
from app.forms import FormErrors, parse_form
from app.org.departments import DEPARTMENTS
from app.sync.forms import FormOutcome, form_data, submit_form
from app.web import page

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
READERS = {"roles": service.READERS}


async def _page(
    request: Request, staff: CurrentStaff, status_code: int = 200, cursor: paging.Cursor | None = None, **extra: Any
) -> Template:
    offered = await service.items(staff.office_id)
    bookings, more = await service.bookings(staff, cursor)
    return page(
        request,
        "convenience/index.html",
        status_code=status_code,
        items=offered,
        item_options=[(i["id"], f"{i['name']} {i['price']}/{i['price_unit'] or '次'}") for i in offered],
        bookings=bookings,
        pager=paging.pager("/convenience", {}, more, cursor is not None),
        people=await service.people(staff.office_id, staff.department if staff.role == "dept_head" else None),
        kinds=list(service.KINDS.items()),
        departments=list(DEPARTMENTS.items()),
        methods=list(service.METHODS.items()),
        new_id=str(uuid.uuid4()),
        **extra,
    )


@get("/convenience", opt=READERS)
async def convenience_index(request: Request, staff: CurrentStaff, before: paging.Before = None) -> Template:
    """The announced list with prices, and the services agreed with residents."""
    return await _page(request, staff, cursor=paging.parse(before))


@post("/convenience/items", opt={"roles": service.ADMINS})
async def item_add(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Add a service to the announced list."""
    try:
        await service.add_item(staff, parse_form(ItemForm, form_data(ItemForm, data)))
    except FormErrors as exc:
        return await _page(request, staff, 422, errors=exc.errors, values=exc.values)
    except RuleViolation as exc:
        return await _page(request, staff, 422, errors={exc.field: exc.message}, values=data)
    return Redirect("/convenience", status_code=303)


def _step(mutation: Any) -> Any:
    async def handler(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
        async def again(outcome: FormOutcome) -> Template:
            return await _page(request, staff, errors=outcome.errors, values=outcome.values)

        return await submit_form(staff, mutation, data, done="/convenience", again=again)

    return handler


agree = post("/convenience/agree", opt={"roles": service.AGREERS}, name="convenience_agree")(_step(ServiceAgree))
assign = post("/convenience/assign", opt={"roles": service.ASSIGNERS}, name="convenience_assign")(_step(ServiceAssign))
accept = post("/convenience/accept", opt=READERS, name="convenience_accept")(_step(ServiceAccept))
pay = post("/convenience/pay", opt={"roles": service.AGREERS}, name="convenience_pay")(_step(ServicePay))

ROUTES = [convenience_index, item_add, agree, assign, accept, pay]
