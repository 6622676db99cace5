"""Home page per role, and the health check."""

from __future__ import annotations

from litestar import Request, get
from litestar.response import Response, Template

from app.db import get_engine
from app.home import service
from app.web import current_staff, page


@get("/")
async def home(request: Request) -> Template:
    """Today's lists for the signed-in role."""
    staff = current_staff(request)
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
