"""Patrol pages: the patrols home, walking a route (offline), a round, the daily review (P4)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Response, Template

from app.errors import Forbidden, NotFound, RuleViolation
from app.org.departments import DEPARTMENTS
from app.patrols import service
from app.patrols._web import MAX_SOURCE_PHOTO_BYTES, Form, apply_form_mutation, form_values, int_or_none
from app.patrols.tables import Finding, PatrolRound, Visit
from app.web import current_staff, page

WALKERS = {"roles": service.WALKERS}
READERS = {"roles": service.READERS}
REVIEWERS = {"roles": service.REVIEWERS}
RAIN_ROLES = {"roles": service.SETUP_ROLES | {"manager"}}


def _office_id(request: Request, office: int | None) -> int:
    staff = current_staff(request)
    if office is None or office == staff.office_id:
        return staff.office_id
    if not staff.sees_all_offices:
        raise Forbidden()
    return office


@get("/patrols", opt=READERS)
async def patrols_home(request: Request) -> Template:
    """Routes to walk, rounds that are due (P5), my latest rounds; setup links for the supervisor."""
    staff = current_staff(request)
    day = service.today(staff)
    await service.ensure_weekly_tasks(staff.office_id, day)
    kinds = {"patrol", "entrusted"} | ({"spot_check"} if staff.role in service.SPOT_CHECKERS else set())
    routes = await service.list_routes(staff.office_id, active_only=True, kinds=kinds)
    rounds = await service.rounds_of_day(staff.office_id, day, service.tz_of(staff))
    tasks = await service.open_tasks(staff.office_id, day - timedelta(days=6))
    to_verify = []
    if staff.role in service.VERIFIERS:  # P3: rectified items wait for a follow-up inspection (跟进检查)
        ncs = await service.open_nonconformances(staff.office_id, day, service.tz_of(staff))
        to_verify = [n for n in ncs if n["state"] == "rectified"]
    return page(
        request,
        "patrols/index.html",
        to_verify=to_verify,
        departments=DEPARTMENTS,
        states=service.NC_STATES,
        routes=routes,
        not_done=service.rounds_not_done(routes, rounds, tasks),
        rounds=rounds,
        mine=await service.recent_rounds(staff),
        can_walk=staff.role in service.WALKERS,
        can_setup=staff.role in service.SETUP_ROLES,
        can_review=staff.role in service.REVIEWERS,
        can_rain=staff.role in RAIN_ROLES["roles"],
        reasons=service.TASK_REASONS,
        kinds=service.ROUTE_KINDS,
        cache_pages=[
            "/patrols",
            *(f"/patrols/routes/{r['id']}/walk" for r in routes),
            *(f"/patrols/nc/{n['id']}" for n in to_verify),
            "/outbox",
        ],
    )


async def _walk_context(request: Request, route_id: int, round_id: UUID | None = None) -> dict[str, Any]:
    staff = current_staff(request)
    route = await service.get_route(staff.office_id, route_id)
    if not route["active"]:
        raise NotFound()
    if route["kind"] == "spot_check" and staff.role not in service.SPOT_CHECKERS:
        raise Forbidden()
    day = service.today(staff)
    server_round = None
    if round_id is not None:  # a round started from the plain form (no JavaScript)
        server_round = (
            await PatrolRound.select(PatrolRound.id, PatrolRound.status)
            .where(
                (PatrolRound.id == round_id) & (PatrolRound.office == staff.office_id) & (PatrolRound.route == route_id)
            )
            .first()
        )
        if server_round is not None:
            server_round["visited"] = {
                r["checkpoint"] for r in await Visit.select(Visit.checkpoint).where(Visit.round == round_id)
            }
    return {
        "route": route,
        "checkpoints": await service.route_checkpoints(staff.office_id, route_id),
        "tasks": await service.open_tasks(staff.office_id, day - timedelta(days=6), route_id=route_id),
        "subjects": await service.spot_check_subjects(staff.office_id) if route["kind"] == "spot_check" else [],
        "departments": DEPARTMENTS,
        "deadline_days": await service.deadline_days(staff.office_id),
        "reasons": service.TASK_REASONS,
        "server_round": server_round,
        "new_id": str(uuid.uuid4()),
        "today": day,
        "max_photo_bytes": MAX_SOURCE_PHOTO_BYTES,
        "error_form": "",
    }


@get("/patrols/routes/{route_id:int}/walk", opt=WALKERS)
async def walk(request: Request, route_id: FromPath[int], round: FromQuery[UUID | None] = None) -> Template:
    """Walk a route (P1): start a round, confirm checkpoints by QR or code, record checks, finish.
    The page does not depend on the round (its id lives on the phone), so it works offline."""
    return page(request, "patrols/walk.html", **await _walk_context(request, route_id, round))


async def _walk_form(
    request: Request, route_id: int | None, type_: str, data: dict, values: dict, form: str, round_id: str | None
) -> Response | Template:
    """Plain-form fallback of the walk page: the same mutation, then back to the page."""
    mid = values.get("id") if _is_uuid(values.get("id")) else None
    if form == "start":
        mid = round_id
    errors = await apply_form_mutation(request, type_, data, mid)
    if route_id is None:
        raise NotFound()
    if not errors:
        return Redirect(f"/patrols/routes/{route_id}/walk?round={round_id}", status_code=303)
    context = await _walk_context(request, route_id, UUID(round_id) if _is_uuid(round_id) else None)
    context["error_form"] = form
    return page(request, "patrols/walk.html", status_code=422, errors=errors, values=values, **context)


def _is_uuid(value: str | None) -> bool:
    try:
        UUID(str(value))
    except ValueError:
        return False
    return True


async def _route_of_round(request: Request, round_id: str | None) -> int | None:
    if not _is_uuid(round_id):
        return None
    row = (
        await PatrolRound.select(PatrolRound.route)
        .where((PatrolRound.id == UUID(str(round_id))) & (PatrolRound.office == current_staff(request).office_id))
        .first()
    )
    return row["route"] if row else None


@post("/patrols/rounds", opt=WALKERS)
async def round_start_form(request: Request, data: Form) -> Response | Template:
    """Plain-form fallback of `patrol_round.start`."""
    values = form_values(data)
    route_id = int_or_none(values.get("route_id"))
    mid = values.get("id") if _is_uuid(values.get("id")) else str(uuid.uuid4())
    mutation = {
        "route_id": route_id,
        "task_id": int_or_none(values.get("task_id")),
        "subject_staff_id": int_or_none(values.get("subject_staff_id")),
    }
    return await _walk_form(request, route_id, "patrol_round.start", mutation, values, "start", mid)


@post("/patrols/visits", opt=WALKERS)
async def visit_form(request: Request, data: Form) -> Response | Template:
    """Plain-form fallback of `checkpoint.visit` (the code typed)."""
    values = form_values(data)
    round_id = values.get("round_id", "")
    mutation = {"round_id": round_id, "code": values.get("code", ""), "method": "typed"}
    route_id = await _route_of_round(request, round_id) or int_or_none(values.get("route_id"))
    return await _walk_form(request, route_id, "checkpoint.visit", mutation, values, "visit", round_id)


@post("/patrols/findings", opt=WALKERS)
async def finding_form(request: Request, data: Form) -> Response | Template:
    """Plain-form fallback of `finding.create` (photos need JavaScript: they are resized on the phone)."""
    values = form_values(data)
    round_id = values.get("round_id", "")
    mutation = {
        "round_id": round_id,
        "result": values.get("result", ""),
        "checkpoint_id": int_or_none(values.get("checkpoint_id")),
        "check_item_id": int_or_none(values.get("check_item_id")),
        "note": values.get("note", ""),
        "location": values.get("location", ""),
    }
    route_id = await _route_of_round(request, round_id) or int_or_none(values.get("route_id"))
    return await _walk_form(request, route_id, "finding.create", mutation, values, "finding", round_id)


@post("/patrols/rounds/finish", opt=WALKERS)
async def round_finish_form(request: Request, data: Form) -> Response | Template:
    """Plain-form fallback of `patrol_round.finish`."""
    values = form_values(data)
    round_id = values.get("round_id", "")
    mutation = {"round_id": round_id, "note": values.get("note", "")}
    route_id = await _route_of_round(request, round_id) or int_or_none(values.get("route_id"))
    errors = await apply_form_mutation(request, "patrol_round.finish", mutation)
    if not errors:
        return Redirect(f"/patrols/rounds/{round_id}", status_code=303)
    if route_id is None:
        raise NotFound()
    context = await _walk_context(request, route_id, UUID(round_id) if _is_uuid(round_id) else None)
    context["error_form"] = "finish"
    return page(request, "patrols/walk.html", status_code=422, errors=errors, values=values, **context)


@post("/patrols/nonconformances", opt=WALKERS)
async def nonconformance_form(request: Request, data: Form) -> Response | Template:
    """Plain-form fallback of `nonconformance.create`, from the round page."""
    values = form_values(data)
    mutation = {
        "finding_id": values.get("finding_id", ""),
        "department": values.get("department", ""),
        "deadline": values.get("deadline") or None,
        "note": values.get("note", ""),
    }
    staff = current_staff(request)
    finding_id = values.get("finding_id", "")
    finding = (
        await Finding.select(Finding.round)
        .where((Finding.id == UUID(finding_id)) & (Finding.office == staff.office_id))
        .first()
        if _is_uuid(finding_id)
        else None
    )
    if finding is None:
        raise NotFound()
    errors = await apply_form_mutation(request, "nonconformance.create", mutation, values.get("id"))
    if not errors:
        return Redirect(f"/patrols/rounds/{finding['round']}", status_code=303)
    context = await _round_context(request, finding["round"])
    return page(
        request,
        "patrols/round.html",
        status_code=422,
        errors=errors,
        values=values,
        **{**context, "error_finding": finding_id},
    )


async def _round_context(request: Request, round_id: UUID) -> dict[str, Any]:
    staff = current_staff(request)
    round_ = await service.get_round(staff, round_id)
    return {
        "round": round_,
        "departments": DEPARTMENTS,
        "deadline_days": await service.deadline_days(round_["office"]),
        "reasons": service.TASK_REASONS,
        "kinds": service.ROUTE_KINDS,
        "states": service.NC_STATES,
        "can_raise": staff.role in service.WALKERS and round_["office"] == staff.office_id,
        "new_id": str(uuid.uuid4()),
        "error_finding": None,
    }


@get("/patrols/rounds/{round_id:uuid}", opt=READERS)
async def round_page(request: Request, round_id: FromPath[UUID]) -> Template:
    """A round as the server has it: visits, skipped checkpoints, findings, nonconformances; printable."""
    return page(request, "patrols/round.html", **await _round_context(request, round_id))


@get("/api/patrols/rounds/{round_id:uuid}", opt=READERS, tags=["patrols"])
async def round_json(request: Request, round_id: FromPath[UUID]) -> dict:
    """A round with its visits, findings and nonconformances (JSON)."""
    return await service.round_as_document(current_staff(request), round_id)


@get("/patrols/review", opt=REVIEWERS)
async def review_page(
    request: Request, day: FromQuery[date | None] = None, office: FromQuery[int | None] = None
) -> Template:
    """P4: the supervisor's daily review — rounds, failed checks, open and overdue items, rounds not done."""
    staff = current_staff(request)
    office_id = _office_id(request, office)
    day = day or service.today(staff)
    context = await service.review(staff, office_id, day)
    return page(
        request,
        "patrols/review.html",
        prev_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1),
        office_id=office_id,
        departments=DEPARTMENTS,
        states=service.NC_STATES,
        reasons=service.TASK_REASONS,
        kinds=service.ROUTE_KINDS,
        can_rain=staff.role in RAIN_ROLES["roles"] and office_id == staff.office_id,
        **context,
    )


@post("/patrols/tasks/rain", opt=RAIN_ROLES)
async def rain_rounds(request: Request, data: Form) -> Response:
    """P5: one action makes a 'before/after heavy rain' round of the entrusted homes due."""
    staff = current_staff(request)
    when = form_values(data).get("when", "")
    try:
        await service.request_rain_rounds(staff, when, service.today(staff))
    except RuleViolation as exc:
        return page(request, "errors/error.html", status_code=422, code=422, message=exc.message)  # type: ignore[return-value]
    return Redirect("/patrols", status_code=303)


@get("/patrols/c/{code:str}", opt=WALKERS)
async def checkpoint_link(request: Request, code: FromPath[str]) -> Response:
    """Where a checkpoint's QR code leads when scanned with the phone's own camera: its route's walk page."""
    staff = current_staff(request)
    checkpoint = await service.checkpoint_by_code(staff.office_id, service.normalise_code(code))
    return Redirect(f"/patrols/routes/{checkpoint['route']}/walk#code={checkpoint['code']}", status_code=303)


ROUTES = [
    patrols_home,
    walk,
    round_start_form,
    visit_form,
    finding_form,
    round_finish_form,
    nonconformance_form,
    round_page,
    round_json,
    review_page,
    rain_rounds,
    checkpoint_link,
]
