"""Patrol pages: the patrols home, walking a route (offline), a round, the daily review (P4).

The walk page's plain forms (no JavaScript) post the same mutations the phone's outbox sends, through
`app.sync.forms.submit_form`; their field names are the mutations' data keys (`_route_id` is transport)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Response, Template

from app import paging
from app.auth.schemas import CurrentStaff
from app.errors import Forbidden, NotFound, RuleViolation
from app.org.departments import DEPARTMENTS
from app.patrols import service
from app.patrols._lookups import as_uuid, round_of_finding, route_of_round, server_round
from app.patrols._web import MAX_SOURCE_PHOTO_BYTES, Form, without_photos
from app.patrols.schemas import (
    CheckpointVisit,
    FindingCreate,
    NonconformanceCreate,
    PatrolRoundFinish,
    PatrolRoundStart,
)
from app.sync.forms import FormOutcome, Render, submit_form
from app.web import page

WALKERS = {"roles": service.WALKERS}
READERS = {"roles": service.READERS}
REVIEWERS = {"roles": service.REVIEWERS}
RAIN_ROLES = {"roles": service.SETUP_ROLES | {"manager"}}


@get("/patrols", opt=READERS)
async def patrols_home(request: Request, staff: CurrentStaff, before: paging.Before = None) -> Template:
    """Routes to walk, rounds that are due (P5), my rounds (10 a page); setup links for the supervisor."""
    home = await service.patrols_home(staff, paging.parse(before))
    return page(request, "patrols/index.html", **home, can_rain=staff.role in RAIN_ROLES["roles"])


async def _walk_context(staff: CurrentStaff, route_id: int, round_id: UUID | None = None) -> dict[str, Any]:
    route = await service.get_route(staff.office_id, route_id)
    if not route["active"]:
        raise NotFound()
    if route["kind"] == "spot_check" and staff.role not in service.SPOT_CHECKERS:
        raise Forbidden()
    day = service.today(staff)
    return {
        "route": route,
        "checkpoints": await service.route_checkpoints(staff.office_id, route_id),
        "tasks": await service.open_tasks(staff.office_id, day - timedelta(days=6), route_id=route_id),
        "subjects": await service.spot_check_subjects(staff.office_id) if route["kind"] == "spot_check" else [],
        "departments": DEPARTMENTS,
        "deadline_days": await service.deadline_days(staff.office_id),
        "reasons": service.TASK_REASONS,
        "server_round": await server_round(staff.office_id, route_id, round_id),  # a plain-form round
        "new_id": str(uuid.uuid4()),
        "today": day,
        "max_photo_bytes": MAX_SOURCE_PHOTO_BYTES,
        "error_form": "",
    }


@get("/patrols/routes/{route_id:int}/walk", opt=WALKERS)
async def walk(
    request: Request, staff: CurrentStaff, route_id: FromPath[int], round: FromQuery[UUID | None] = None
) -> Template:
    """Walk a route (P1): start a round, confirm checkpoints by QR or code, record checks, finish.
    The page does not depend on the round (its id lives on the phone), so it works offline."""
    return page(request, "patrols/walk.html", **await _walk_context(staff, route_id, round))


def _walk_again(request: Request, staff: CurrentStaff, route_id: int, round_id: Any, form: str) -> Render:
    """The walk page again, with the refused form's messages beside its fields (422)."""

    async def again(outcome: FormOutcome) -> Template:
        context = await _walk_context(staff, route_id, as_uuid(round_id))
        context["error_form"] = form
        return page(request, "patrols/walk.html", errors=outcome.errors, values=outcome.values, **context)

    return again


async def _route_for(staff: CurrentStaff, data: dict[str, Any]) -> int:
    """The route whose walk page a plain form came from: its round's, else the form's `_route_id`."""
    route_id = await route_of_round(staff.office_id, data.get("round_id"))
    posted = str(data.get("_route_id") or data.get("route_id") or "")
    if route_id is None and not posted.isdigit():
        raise NotFound()
    return route_id or int(posted)


@post("/patrols/rounds", opt=WALKERS)
async def round_start_form(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Plain-form fallback of `patrol_round.start` (the round's id is the form's `id`)."""
    route_id = await _route_for(staff, data)
    round_id = str(as_uuid(data.get("id")) or uuid.uuid4())
    again = _walk_again(request, staff, route_id, round_id, "start")
    done = f"/patrols/routes/{route_id}/walk?round={round_id}"
    return await submit_form(staff, PatrolRoundStart, data, done=done, again=again, mutation_id=round_id)


@post("/patrols/visits", opt=WALKERS)
async def visit_form(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Plain-form fallback of `checkpoint.visit` (the code typed)."""
    route_id, round_id = await _route_for(staff, data), data.get("round_id")
    again = _walk_again(request, staff, route_id, round_id, "visit")
    done = f"/patrols/routes/{route_id}/walk?round={round_id}"
    return await submit_form(staff, CheckpointVisit, data, done=done, again=again, method="typed")


@post("/patrols/findings", opt=WALKERS)
async def finding_form(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Plain-form fallback of `finding.create` (photos need JavaScript: they are resized on the phone)."""
    route_id, round_id = await _route_for(staff, data), data.get("round_id")
    again = _walk_again(request, staff, route_id, round_id, "finding")
    done = f"/patrols/routes/{route_id}/walk?round={round_id}"
    return await submit_form(staff, FindingCreate, without_photos(data), done=done, again=again)


@post("/patrols/rounds/finish", opt=WALKERS)
async def round_finish_form(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Plain-form fallback of `patrol_round.finish`."""
    route_id, round_id = await _route_for(staff, data), data.get("round_id")
    again = _walk_again(request, staff, route_id, round_id, "finish")
    return await submit_form(staff, PatrolRoundFinish, data, done=f"/patrols/rounds/{round_id}", again=again)


@post("/patrols/nonconformances", opt=WALKERS)
async def nonconformance_form(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Plain-form fallback of `nonconformance.create`, from the round page."""
    round_id = await round_of_finding(staff.office_id, data.get("finding_id"))
    if round_id is None:
        raise NotFound()

    async def again(outcome: FormOutcome) -> Template:
        context = await _round_context(staff, round_id) | {"error_finding": str(data.get("finding_id"))}
        return page(request, "patrols/round.html", errors=outcome.errors, values=outcome.values, **context)

    return await submit_form(staff, NonconformanceCreate, data, done=f"/patrols/rounds/{round_id}", again=again)


async def _round_context(staff: CurrentStaff, round_id: UUID) -> dict[str, Any]:
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
async def round_page(request: Request, staff: CurrentStaff, round_id: FromPath[UUID]) -> Template:
    """A round as the server has it: visits, skipped checkpoints, findings, nonconformances; printable."""
    return page(request, "patrols/round.html", **await _round_context(staff, round_id))


@get("/api/patrols/rounds/{round_id:uuid}", opt=READERS, tags=["patrols"])
async def round_json(staff: CurrentStaff, round_id: FromPath[UUID]) -> dict:
    """A round with its visits, findings and nonconformances (JSON)."""
    return await service.round_as_document(staff, round_id)


@get("/patrols/review", opt=REVIEWERS)
async def review_page(
    request: Request, staff: CurrentStaff, office_id: int, day: FromQuery[date | None] = None
) -> Template:
    """P4: the supervisor's daily review — rounds, failed checks, open and overdue items, rounds not done."""
    day = day or service.today(staff)
    context = await service.review(staff, office_id, day)
    can_rain = staff.role in RAIN_ROLES["roles"] and office_id == staff.office_id
    return page(request, "patrols/review.html", **_review_labels(), office_id=office_id, can_rain=can_rain, **context)


def _review_labels() -> dict[str, Any]:
    return {
        "departments": DEPARTMENTS,
        "states": service.NC_STATES,
        "reasons": service.TASK_REASONS,
        "kinds": service.ROUTE_KINDS,
    }


@post("/patrols/tasks/rain", opt=RAIN_ROLES)
async def rain_rounds(request: Request, staff: CurrentStaff, data: Form) -> Response:
    """P5: one action makes a 'before/after heavy rain' round of the entrusted homes due."""
    try:
        await service.request_rain_rounds(staff, str(data.get("when", "")).strip(), service.today(staff))
    except RuleViolation as exc:
        return page(request, "errors/error.html", status_code=422, code=422, message=exc.message)
    return Redirect("/patrols", status_code=303)


@get("/patrols/c/{code:str}", opt=WALKERS)
async def checkpoint_link(staff: CurrentStaff, code: FromPath[str]) -> Response:
    """Where a checkpoint's QR code leads when scanned with the phone's own camera: its route's walk page."""
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
