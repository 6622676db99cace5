"""create_app(): the Litestar application, its parts listed explicitly."""

from __future__ import annotations

import logging

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Litestar, MediaType, Request, Response
from litestar.config.compression import CompressionConfig
from litestar.config.csrf import CSRFConfig
from litestar.exceptions import HTTPException, NotAuthorizedException, PermissionDeniedException
from litestar.exceptions import NotFoundException as HTTPNotFound
from litestar.logging import LoggingConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from app import i18n
from app.alerts import routes as alerts
from app.alerts.worker import start_worker, stop_worker
from app.attachments import routes as attachments
from app.auth import routes as auth
from app.auth.guard import session_middleware, staff_guard
from app.convenience import routes as convenience
from app.db import close_pool, open_pool
from app.duty import routes as duty
from app.errors import Forbidden, NotFound, RuleViolation
from app.estate import routes as estate
from app.fees import routes as fees
from app.followups import routes as followups
from app.followups.scheduler import start_scheduler, stop_scheduler
from app.handover import routes as handover
from app.home import routes as home
from app.keys import routes as keys
from app.movein import routes as movein
from app.notices import routes as notices
from app.openapi import openapi_config
from app.paging import BadCursor
from app.passes import routes as passes
from app.patrols import routes as patrols
from app.patrols._weekly import start_weekly, stop_weekly
from app.public import public_router
from app.pwa import routes as pwa
from app.renovation import routes as renovation
from app.reports import routes as reports
from app.roster import routes as roster
from app.security import add_security_headers
from app.settings import ROOT, Settings, get_settings
from app.slips import gate
from app.slips import routes as slips
from app.supervision import routes as supervision
from app.supervision.reminders import start_reminders, stop_reminders
from app.surveys import routes as surveys
from app.sync import registry
from app.sync import routes as sync
from app.templating import install_filters
from app.validation import validation_middleware
from app.visitors import routes as visitors
from app.web import DEPENDENCIES, is_htmx, page
from app.work import routes as work

log = logging.getLogger("app")


def mutation_kinds() -> tuple[registry.MutationKind, ...]:
    """Every domain's offline write types, listed here explicitly (no registration by import)."""
    from app.alerts.service import MUTATIONS as alerts_mutations
    from app.convenience.service import MUTATIONS as convenience_mutations
    from app.duty.service import MUTATIONS as duty_mutations
    from app.estate.service import MUTATIONS as estate_mutations
    from app.fees.service import MUTATIONS as fee_mutations
    from app.followups._reopen import MUTATIONS as reopen_mutations
    from app.followups.complaints import MUTATIONS as complaint_mutations
    from app.followups.consultations import MUTATIONS as consultation_mutations
    from app.followups.service import MUTATIONS as followup_mutations
    from app.handover.service import MUTATIONS as handover_mutations
    from app.keys.service import MUTATIONS as key_mutations
    from app.movein.service import MUTATIONS as movein_mutations
    from app.notices.service import MUTATIONS as notice_mutations
    from app.passes.service import MUTATIONS as pass_mutations
    from app.patrols.service import MUTATIONS as patrol_mutations
    from app.renovation.service import MUTATIONS as renovation_mutations
    from app.reports.analysis import MUTATIONS as report_mutations
    from app.slips.service import MUTATIONS as slip_mutations
    from app.supervision.service import MUTATIONS as supervision_mutations
    from app.surveys.service import MUTATIONS as survey_mutations
    from app.visitors.service import MUTATIONS as visit_mutations
    from app.work.service import MUTATIONS as work_mutations

    return (
        *duty_mutations,
        *handover_mutations,
        *patrol_mutations,
        *work_mutations,
        *alerts_mutations,
        *followup_mutations,
        *complaint_mutations,
        *consultation_mutations,
        *key_mutations,
        *fee_mutations,
        *estate_mutations,
        *supervision_mutations,
        *convenience_mutations,
        *movein_mutations,
        *renovation_mutations,
        *pass_mutations,
        *notice_mutations,
        *survey_mutations,
        *slip_mutations,
        *visit_mutations,
        *report_mutations,
        *reopen_mutations,
    )


def _install_hooks() -> None:
    """What a domain adds to one below it, wired here so the lower one imports nothing above it."""
    from app.followups import complaints, consultations
    from app.work import hooks as work_hooks

    work_hooks.install(request_taken=(consultations.log_from_intake,), countdowns=complaints.countdowns)


def _template_config() -> TemplateConfig:
    env = Environment(
        loader=FileSystemLoader(ROOT / "frontend" / "templates"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    install_filters(env)
    return TemplateConfig(engine=JinjaTemplateEngine.from_environment(env))


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def _error(request: Request, status_code: int, code: str, message: str) -> Response:
    """One error answer: JSON for the API, a page otherwise, a small notice for htmx requests.

    NOTE: htmx 4 swaps 4xx/5xx responses; the notice is retargeted to #flash so an error
    page never lands inside a fragment target.
    """
    if _wants_json(request):
        return Response({"error": {"code": code, "message": message}}, status_code=status_code)
    if is_htmx(request):
        return Response(
            f'<p class="notice error" role="alert">{_escape(message)}</p>',
            status_code=status_code,
            media_type=MediaType.HTML,
            headers={"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"},
        )
    return page(request, "errors/error.html", status_code=status_code, code=status_code, message=message)


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def _unauthenticated(request: Request, exc: Exception) -> Response:
    if _wants_json(request):
        return _error(request, 401, "unauthenticated", i18n._("Please sign in again."))
    target = "/login?next=" + request.url.path
    if is_htmx(request):
        return Response("", status_code=401, headers={"HX-Redirect": target})
    return Response("", status_code=303, headers={"Location": target})


def _forbidden(request: Request, exc: Exception) -> Response:
    if isinstance(exc, PermissionDeniedException) and "CSRF" in str(exc.detail):
        message = i18n._("This form has expired. Reload the page and try again.")
        return _error(request, 403, "csrf", message)
    return _error(request, 403, "forbidden", i18n._("You do not have access to this page."))


def _not_found(request: Request, exc: Exception) -> Response:
    said = exc.args[0] if isinstance(exc, NotFound) and exc.args and isinstance(exc.args[0], str) else ""
    return _error(request, 404, "not_found", said or i18n._("Not found, or not in your office."))


def _rule_violation(request: Request, exc: RuleViolation) -> Response:
    return _error(request, 422, exc.code, exc.message)


def _http_error(request: Request, exc: HTTPException) -> Response:
    status = exc.status_code
    if status == 413:
        message = i18n._("What you sent is too large.")
    elif status == 405:
        message = i18n._("This action is not available here.")
    elif isinstance(exc, BadCursor):
        message = str(exc.detail)
    elif 400 <= status < 500:
        message = i18n._("The request could not be understood. Check what you entered and try again.")
    else:
        message = i18n._("Something went wrong on the server. What you entered is kept; try again later.")
    return _error(request, status, f"http_{status}", message)


def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    message = i18n._("Something went wrong on the server. What you entered is kept; try again later.")
    return _error(request, 500, "server_error", message)


def create_app(
    settings: Settings | None = None, *, manage_pool: bool = True, alerts_worker: bool | None = None
) -> Litestar:
    """`manage_pool=False` leaves the database connection pool to the caller (the tests open one
    in their own event loop; Litestar's test client runs the lifespan in another).
    `alerts_worker`: run the alert delivery worker with the app (default: APP_ALERTS_WORKER, and
    only when the app manages its pool; tests drive `app.alerts.queue.drain_once` themselves)."""
    settings = settings or get_settings()
    registry.install(mutation_kinds())
    _install_hooks()
    worker = (settings.alerts_worker and manage_pool) if alerts_worker is None else alerts_worker
    return Litestar(
        route_handlers=[
            *home.ROUTES,
            *auth.ROUTES,
            *sync.ROUTES,
            *attachments.ROUTES,
            *duty.ROUTES,
            *roster.ROUTES,
            *handover.ROUTES,
            *patrols.ROUTES,
            *alerts.ROUTES,
            *work.ROUTES,
            *followups.ROUTES,
            *reports.ROUTES,
            *keys.ROUTES,
            *fees.ROUTES,
            *estate.ROUTES,
            *supervision.ROUTES,
            *convenience.ROUTES,
            *movein.ROUTES,
            *renovation.ROUTES,
            *passes.ROUTES,
            *notices.ROUTES,
            *surveys.ROUTES,
            public_router([*notices.PUBLIC_ROUTES, *surveys.PUBLIC_ROUTES]),
            *slips.ROUTES,
            *gate.ROUTES,
            *visitors.ROUTES,
            *pwa.ROUTES,  # /static/ included (fingerprinted URLs, app.pwa.assets)
        ],
        guards=[staff_guard],
        dependencies=DEPENDENCIES,
        middleware=[session_middleware, validation_middleware],
        before_send=[add_security_headers],
        # gzip pages, CSS and JS (speed is a feature on a weak signal); streams opt out with
        # `opt={"no_compression": True}` so server-sent events are not buffered.
        compression_config=CompressionConfig(
            backend="gzip", minimum_size=500, gzip_compress_level=6, exclude_opt_key="no_compression"
        ),
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_secure=settings.secure_cookies,
            cookie_samesite="lax",
            header_name="x-csrftoken",
        ),
        template_config=_template_config(),
        openapi_config=openapi_config(),
        exception_handlers={
            NotAuthorizedException: _unauthenticated,
            PermissionDeniedException: _forbidden,
            Forbidden: _forbidden,
            NotFound: _not_found,
            HTTPNotFound: _not_found,
            RuleViolation: _rule_violation,
            HTTPException: _http_error,
            Exception: _server_error,
        },
        on_startup=([open_pool] if manage_pool else [])
        + ([start_worker, start_scheduler, start_weekly, start_reminders] if worker else []),
        on_shutdown=([stop_reminders, stop_weekly, stop_scheduler, stop_worker] if worker else [])
        + ([close_pool] if manage_pool else []),
        logging_config=LoggingConfig(log_exceptions="debug", loggers={"app": {"level": "INFO"}}),
        debug=settings.debug,
    )
