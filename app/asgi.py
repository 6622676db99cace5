"""The ASGI entry point for servers: `uvicorn app.asgi:app`. Fair admission (app.admission) wraps the
whole app here, outside routing, so a request waiting for its turn costs no work."""

from app.admission import admission_middleware
from app.main import create_app

litestar_app = create_app()
app = admission_middleware(litestar_app)
