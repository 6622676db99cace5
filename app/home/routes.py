"""Home page per role, and the health check."""

from __future__ import annotations

from litestar import Request, get
from litestar.response import Response, Template

from app.auth.schemas import CurrentStaff
from app.db import get_engine
from app.home import service
from app.web import page


@get("/")
async def home(request: Request, staff: CurrentStaff) -> Template:
    """Today's lists for the signed-in role."""
    return page(request, "home/index.html", **await service.today(staff))


@get("/healthz", opt={"public": True}, cache_control=None)
async def healthz() -> Response:
    """Liveness and database check, for load balancers and monitoring."""
    try:
        await get_engine().run_ddl("SELECT 1")
    except Exception as exc:
        return Response({"status": "error", "database": str(exc)[:200]}, status_code=503)
    return Response({"status": "ok", "database": get_engine().engine_type})


ROUTES = [home, healthz]
