"""POST /api/sync and the outbox page."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
from litestar import Request, get, post
from litestar.response import Response, Template
from litestar.utils.scope.state import ScopeState

from app.i18n import _
from app.sync import registry, service
from app.sync.schemas import SyncRequest, SyncResponse
from app.web import current_staff, page


def _body_error(message: str) -> Response:
    return Response({"error": {"code": "invalid_body", "message": message}}, status_code=400)


@post("/api/sync", status_code=200, tags=["sync"])
async def sync(request: Request) -> Response[SyncResponse]:
    """Apply the outbox's mutations; one result per mutation, in order (applied, duplicate or rejected)."""
    try:
        body = msgspec.json.decode(await request.body(), type=SyncRequest)
    except msgspec.ValidationError as exc:
        return _body_error(_("The sync request is malformed: %(detail)s", detail=str(exc)))
    except msgspec.DecodeError:
        return _body_error(_("The sync request is not valid JSON."))
    results = await service.apply_batch(current_staff(request), body)
    return Response(SyncResponse(results=results, server_time=datetime.now(UTC)))


@get("/api/session", tags=["sync"], cache_control=None)
async def session_info(request: Request) -> Response:
    """Who is signed in and a current CSRF token: the outbox asks when a send was refused with 403
    (the token a cached page carried may be older than the cookie)."""
    staff = current_staff(request)
    token = ScopeState.from_scope(request.scope).csrf_token
    return Response({"staff_id": staff.id, "csrf_token": token}, headers={"Cache-Control": "no-store"})


@get("/outbox")
async def outbox_page(request: Request) -> Template:
    """What this phone has not synced yet; rejected items with the server's reason (rendered from IndexedDB)."""
    return page(request, "sync/outbox.html", type_labels=registry.labels())


ROUTES = [sync, session_info, outbox_page]
