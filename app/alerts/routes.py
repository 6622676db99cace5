"""Alert pages: my alerts, one alert (acknowledge), devices for push, the office's alert settings,
the live-alert stream, and the JSON the page's push set-up needs."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Response, ServerSentEvent, Template

from app.alerts import service, stream
from app.alerts._lists import OFFICE_VIEW_ROLES, alerts_page
from app.alerts._reading import ACTIONS, DELIVERY_STATUSES, STATUSES, alert_detail
from app.alerts._reading import mark_opened as _mark_opened
from app.alerts.kinds import CHANNELS, MAX_STEPS, TARGETS, configurable_kinds
from app.alerts.schemas import AlertAcknowledge, SubscriptionIn
from app.alerts.vapid import public_key
from app.auth.schemas import CurrentStaff
from app.clock import now
from app.errors import RuleViolation
from app.forms import message_for
from app.i18n import _
from app.sync.forms import FormOutcome, submit_form
from app.web import is_htmx, page

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
Part = Literal["open", "acknowledged", "history"]  # app.alerts._lists.PARTS
EDITORS = {"roles": service.SETTINGS_EDITORS}
_LABELS: dict[str, Any] = {
    "actions": ACTIONS,
    "statuses": STATUSES,
    "delivery_statuses": DELIVERY_STATUSES,
    "channel_names": CHANNELS,
}


def _error_json(status: int, code: str, message: str, field: str | None = None) -> Response:
    error = {"code": code, "message": message, **({"field": field} if field else {})}
    return Response({"error": error}, status_code=status)


# --- my alerts, one alert -----------------------------------------------------------------------


@get("/alerts")
async def alerts_list(
    request: Request,
    staff: CurrentStaff,
    show: FromQuery[str] = "mine",
    part: FromQuery[Part | None] = None,
    before: FromQuery[UUID | None] = None,
) -> Template:
    """Open, acknowledged and past alerts, newest first; `part` and `before` page one part back in time."""
    context = await alerts_page(staff, show, part, before)
    template = "alerts/_list.html" if is_htmx(request) else "alerts/list.html"
    can_configure = staff.role in service.SETTINGS_EDITORS
    office_view = staff.role in OFFICE_VIEW_ROLES
    return page(request, template, **context, **_LABELS, office_view=office_view, can_configure=can_configure)


async def _alert_page(request: Request, staff: CurrentStaff, alert_id: UUID, **extra: Any) -> Template:
    context = await alert_detail(staff, alert_id)  # NotFound (404) when the alert is not this person's to see
    template = "alerts/_alert.html" if is_htmx(request) else "alerts/alert.html"
    return page(request, template, **context, **_LABELS, new_id=str(uuid.uuid4()), **extra)


@get("/alerts/{alert_id:uuid}")
async def alert_view(request: Request, staff: CurrentStaff, alert_id: FromPath[UUID]) -> Template:
    """The page a notification opens: what happened, the acknowledge button, the whole record."""
    await _mark_opened(staff, alert_id, now())
    return await _alert_page(request, staff, alert_id)


@post("/alerts/{alert_id:uuid}/ack")
async def alert_ack(request: Request, staff: CurrentStaff, alert_id: FromPath[UUID], data: Form) -> Response | Template:
    """Plain-form fallback: the same `alert.acknowledge` mutation, applied through the sync service."""

    async def again(outcome: FormOutcome) -> Template:
        return await _alert_page(request, staff, alert_id, errors=outcome.errors, values=outcome.values)

    done = f"/alerts/{alert_id}"
    return await submit_form(staff, AlertAcknowledge, data, done=done, again=again, alert_id=str(alert_id))


@get("/alerts/stream", opt={"no_compression": True})
async def alerts_stream(request: Request, staff: CurrentStaff, since: FromQuery[str | None] = None) -> ServerSentEvent:
    """Live alerts for the signed-in person while a page of the app is open (server-sent events)."""
    stream.watch_shutdown()
    cursor = stream.parse_cursor(request.headers.get("last-event-id")) or stream.parse_cursor(since)
    return ServerSentEvent(stream.events(staff, cursor), headers={"Cache-Control": "no-store"})


# --- devices (web push subscriptions) -----------------------------------------------------------


@get("/api/alerts/vapid-public-key", tags=["alerts"])
async def vapid_public_key() -> Response:
    """The application server key a browser subscribes with (VAPID, base64url)."""
    return Response({"public_key": public_key()}, headers={"Cache-Control": "no-cache"})


@post("/api/alerts/subscriptions", tags=["alerts"], status_code=201)
async def add_subscription(request: Request, staff: CurrentStaff) -> Response:
    """Store this browser's push subscription (from `PushManager.subscribe`) for the signed-in person."""
    try:
        data = msgspec.json.decode(await request.body(), type=SubscriptionIn)
    except msgspec.ValidationError as exc:
        field, message = message_for(str(exc))
        return _error_json(422, "invalid", message, field)
    except msgspec.DecodeError:
        return _error_json(400, "invalid_body", _("The request is not valid JSON."))
    try:
        subscription_id = await service.subscribe(staff, data)
    except RuleViolation as exc:
        return _error_json(422, exc.code, exc.message, exc.field)
    return Response({"id": subscription_id}, status_code=201)


async def _devices_page(request: Request, staff: CurrentStaff, notice: str = "") -> Template:
    devices = await service.list_devices(staff)
    template = "alerts/_devices.html" if is_htmx(request) else "alerts/devices.html"
    return page(request, template, devices=devices, notice=notice)


@get("/alerts/devices")
async def devices(request: Request, staff: CurrentStaff) -> Template:
    """The phones and browsers this person turned alerts on for."""
    return await _devices_page(request, staff)


@post("/alerts/devices/{device_id:int}/delete")
async def device_remove(request: Request, staff: CurrentStaff, device_id: FromPath[int]) -> Response | Template:
    """Stop alerts to one of my devices."""
    await service.remove_device(staff, device_id)
    if is_htmx(request):
        return await _devices_page(request, staff, _("Removed. This device gets no more push notifications."))
    return Redirect("/alerts/devices", status_code=303)


@post("/alerts/devices/{device_id:int}/test")
async def device_test(request: Request, staff: CurrentStaff, device_id: FromPath[int]) -> Response | Template:
    """Send a test notification to one of my devices."""
    await service.send_test(staff, device_id)
    notice = _("Test notification sent. It should appear on that device within a minute.")
    return await _devices_page(request, staff, notice)


# --- office alert settings (supervisor, manager) ------------------------------------------------


def _settings_page(
    request: Request, values: dict, errors: dict | None = None, notice: str = "", status: int = 200
) -> Template:
    return page(
        request,
        "alerts/settings.html",
        status_code=status,
        values=values,
        errors=errors or {},
        notice=notice,
        kinds=configurable_kinds(),
        channels=CHANNELS,
        targets=TARGETS,
        steps=range(1, MAX_STEPS + 1),
        webhook_kinds=service.WEBHOOK_KINDS,
    )


@get("/alerts/settings", opt=EDITORS)
async def settings_page(request: Request, staff: CurrentStaff) -> Template:
    """The office's alert settings: the work-chat robot, channels and escalation ladders per kind."""
    settings = await service.office_settings(staff.office_id)
    return _settings_page(request, service.settings_form_values(settings))


@post("/alerts/settings", opt=EDITORS)
async def settings_save(request: Request, staff: CurrentStaff, data: Form) -> Template:
    """Save the office's alert settings; messages beside the fields when something is wrong."""
    settings, errors = service.parse_settings_form(data)
    if settings is None:
        values = {k: v for k, v in data.items() if isinstance(v, str) and not k.startswith("_")}
        return _settings_page(request, values, errors, status=422)
    await service.save_settings(staff, settings)
    return _settings_page(request, service.settings_form_values(settings), notice=_("Saved."))


@post("/alerts/settings/webhook-test", opt=EDITORS)
async def webhook_test(request: Request, staff: CurrentStaff) -> Template:
    """Post a test message to the office's work-chat group."""
    settings = await service.office_settings(staff.office_id)
    values = service.settings_form_values(settings)
    if not settings.has_webhook:
        errors = {"webhook_url": _("Save a robot address first.")}
        return _settings_page(request, values, errors, status=422)
    await service.send_webhook_test(staff)
    return _settings_page(request, values, notice=_("Test message queued; it should appear in the group shortly."))


ROUTES = [alerts_list, alert_view, alert_ack, alerts_stream, vapid_public_key, add_subscription, devices]
ROUTES += [device_remove, device_test, settings_page, settings_save, webhook_test]
