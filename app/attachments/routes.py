"""PUT/GET /api/attachments/{sha256}: idempotent, content-addressed uploads."""

from __future__ import annotations

from litestar import Request, get, put
from litestar.params import FromPath
from litestar.response import File, Response

from app.attachments import service
from app.settings import get_settings
from app.web import current_staff


@put(
    "/api/attachments/{sha256:str}",
    request_max_body_size=2 * get_settings().max_attachment_bytes,
    tags=["attachments"],
)
async def upload(request: Request, sha256: FromPath[str]) -> Response:
    """Store a photo under its SHA-256; sending it again changes nothing."""
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    try:
        created = await service.store(current_staff(request), sha256, content_type, body)
    except service.UploadError as exc:
        return Response({"error": {"code": exc.code, "message": exc.message}}, status_code=exc.status_code)
    return Response({"sha256": sha256, "stored": created}, status_code=201 if created else 200)


@get("/api/attachments/{sha256:str}", tags=["attachments"])
async def download(request: Request, sha256: FromPath[str]) -> File:
    """An attachment of the staff member's office."""
    path, content_type = await service.fetch(current_staff(request), sha256)
    return File(path=path, media_type=content_type, headers={"Cache-Control": "private, max-age=31536000, immutable"})


ROUTES = [upload, download]
