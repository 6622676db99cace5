"""Key register pages (K2): the register with keys out first, one key with its lend/return form (offline on
the duty phone: `data-mutation`), the register form, and the office's overdue limit."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import msgspec
from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery, Parameter
from litestar.response import Redirect, Response, Template

from app import paging
from app.auth.schemas import CurrentStaff
from app.errors import RuleViolation
from app.forms import FormErrors, parse_form
from app.keys import service
from app.keys.schemas import KeyForm, KeyLend, KeyReturn, KeySettingsForm
from app.sync.forms import FormOutcome, form_data, submit_form
from app.web import MAX_ID, page

READERS = {"roles": service.KEY_READERS}
LENDERS = {"roles": service.KEY_LENDERS}
ADMINS = {"roles": service.KEY_ADMINS}
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
KeyId = Annotated[int, Parameter(ge=1, le=MAX_ID)]


def _parse(struct: type[msgspec.Struct], data: dict[str, Any]) -> Any:
    """An online form: empty optional fields left out, then every field checked (messages beside them)."""
    return parse_form(struct, form_data(struct, data))


@get("/keys", opt=READERS)
async def key_register(
    request: Request, staff: CurrentStaff, office_id: int, kind: FromQuery[str | None] = None, q: FromQuery[str] = ""
) -> Template:
    """The register: keys out first (overdue flagged), then every key with where it hangs."""
    return await _index_page(request, staff, office_id, kind, q[:50])


async def _index_page(
    request: Request, staff: CurrentStaff, office_id: int, kind: str | None = None, q: str = "", **extra: Any
) -> Template:
    keys = await service.register(staff, office_id, kind, q)
    extra.setdefault("values", {"overdue_minutes": await service.overdue_minutes(office_id)})
    pages = [f"/keys/{k.id}" for k in keys if k.active]  # opened offline on the duty phone
    extra.setdefault(
        "keys_out", [k.lending for k in keys if k.lending] if not kind and not q else await service.keys_out(office_id)
    )
    return page(
        request,
        "keys/index.html",
        keys=keys,
        kinds=service.KINDS,
        kind=kind or "",
        q=q,
        key_pages=pages,
        office_id=office_id,
        can_admin=staff.role in service.KEY_ADMINS and office_id == staff.office_id,
        can_configure=staff.role in {"supervisor", "manager"} and office_id == staff.office_id,
        **extra,
    )


async def _key_page(
    request: Request,
    staff: CurrentStaff,
    office_id: int,
    key_id: int,
    cursor: paging.Cursor | None = None,
    **extra: Any,
) -> Template:
    key, lendings, notes, more = await service.key_detail(staff, office_id, key_id, cursor)
    kept = {"office": paging.office_filter(staff, office_id)}
    extra["pager"] = paging.pager(f"/keys/{key_id}", kept, more, cursor is not None)
    can_lend = staff.role in service.KEY_LENDERS and office_id == staff.office_id
    colleagues = await service.colleagues(office_id) if can_lend else []
    return page(
        request,
        "keys/key.html",
        key=key,
        lendings=lendings,
        notes=notes,
        kinds=service.KINDS,
        can_lend=can_lend,
        colleagues=colleagues,
        new_id=str(uuid.uuid4()),
        **extra,
    )


@get("/keys/{key_id:int}", opt=READERS)
async def key_page(
    request: Request, staff: CurrentStaff, office_id: int, key_id: KeyId, before: paging.Before = None
) -> Template:
    """One key: in or out (with whom, since when), the lend or return form, its lendings (30 a page)."""
    return await _key_page(request, staff, office_id, key_id, paging.parse(before))


@post("/keys/{key_id:int}/lend", opt=LENDERS)
async def key_lend(request: Request, staff: CurrentStaff, key_id: KeyId, data: Form) -> Response | Template:
    """Plain-form fallback: the same `key.lend` mutation the duty phone's outbox sends."""

    async def again(outcome: FormOutcome) -> Template:
        return await _key_page(request, staff, staff.office_id, key_id, errors=outcome.errors, values=outcome.values)

    return await submit_form(staff, KeyLend, data, done=f"/keys/{key_id}", again=again, key_id=key_id)


@post("/keys/{key_id:int}/return", opt=LENDERS)
async def key_return(request: Request, staff: CurrentStaff, key_id: KeyId, data: Form) -> Response | Template:
    """Plain-form fallback: the same `key.return` mutation the duty phone's outbox sends."""

    async def again(outcome: FormOutcome) -> Template:
        return await _key_page(request, staff, staff.office_id, key_id, errors=outcome.errors, values=outcome.values)

    return await submit_form(staff, KeyReturn, data, done=f"/keys/{key_id}", again=again, key_id=key_id)


async def _form_page(request: Request, staff: CurrentStaff, status_code: int = 200, **context: Any) -> Template:
    units = sorted((await service.unit_labels(staff.office_id)).items(), key=lambda u: u[1])
    return page(request, "keys/form.html", status_code=status_code, kinds=service.KINDS, units=units, **context)


@get("/keys/new", opt=ADMINS)
async def key_new(request: Request, staff: CurrentStaff) -> Template:
    """The form for a new key."""
    return await _form_page(request, staff, values={"kind": "public", "active": True}, key_id=None)


@get("/keys/{key_id:int}/edit", opt=ADMINS)
async def key_edit(request: Request, staff: CurrentStaff, key_id: KeyId) -> Template:
    """The form for an existing key."""
    key, _lendings, _notes, _more = await service.key_detail(staff, staff.office_id, key_id)
    return await _form_page(request, staff, values=msgspec.to_builtins(key), key_id=key_id)


@post("/keys", opt=ADMINS)
async def key_create(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Add a key to the register."""
    return await _save(request, staff, {**data, "active": "on"}, None)


@post("/keys/{key_id:int}/edit", opt=ADMINS)
async def key_update(request: Request, staff: CurrentStaff, key_id: KeyId, data: Form) -> Response | Template:
    """Change a key (unticking "kept" retires it: handed to the owner, lost, no longer kept)."""
    return await _save(request, staff, {**data, "active": "on" if data.get("active") else "false"}, key_id)


async def _save(request: Request, staff: CurrentStaff, data: dict[str, Any], key_id: int | None) -> Response | Template:
    try:
        saved = await service.save_key(staff, _parse(KeyForm, data), key_id)
    except FormErrors as exc:
        return await _form_page(request, staff, 422, errors=exc.errors, values=exc.values, key_id=key_id)
    except RuleViolation as exc:
        return await _form_page(request, staff, 422, errors={exc.field: exc.message}, values=data, key_id=key_id)
    return Redirect(f"/keys/{saved}", status_code=303)


@post("/keys/settings", opt={"roles": frozenset({"supervisor", "manager"})})
async def key_settings(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """The office's limit after which a key out is overdue (default 4 h)."""
    try:
        await service.set_overdue_minutes(staff, _parse(KeySettingsForm, data).overdue_minutes)
    except FormErrors as exc:
        return await _index_page(request, staff, staff.office_id, status_code=422, errors=exc.errors, values=exc.values)
    except RuleViolation as exc:
        return await _index_page(
            request, staff, staff.office_id, status_code=422, errors={exc.field: exc.message}, values=data
        )
    return Redirect("/keys", status_code=303)


ROUTES = [key_register, key_page, key_lend, key_return, key_new, key_edit, key_create, key_update, key_settings]
