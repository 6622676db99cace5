"""PUT/GET /api/attachments/{sha256}: idempotent, content-addressed uploads."""

from __future__ import annotations

from litestar import Request, get, put
from litestar.params import FromPath
from litestar.response import File, Response, Stream

from app.attachments import service
from app.settings import get_settings
from app.web import current_staff

CACHE = {"Cache-Control": "private, max-age=31536000, immutable"}


@put(
    "/api/attachments/{sha256:str}",
    request_max_body_size=2 * get_settings().max_attachment_bytes,
    tags=["attachments"],
)
async def upload(request: Request, sha256: FromPath[str]) -> Response:
    """Store a photo under its SHA-256; sending it again changes nothing."""
    content_type = request.headers.get("content-type", "")
    try:
        body = await service.read_limited(request.stream())
        created = await service.store(current_staff(request), sha256, content_type, body)
    except service.UploadError as exc:
        return Response({"error": {"code": exc.code, "message": exc.message}}, status_code=exc.status_code)
    return Response({"sha256": sha256, "stored": created}, status_code=201 if created else 200)


@get("/api/attachments/{sha256:str}", tags=["attachments"])
async def download(request: Request, sha256: FromPath[str]) -> File | Stream:
    """An attachment of the staff member's office (from the data dir, or streamed from PostgreSQL)."""
    stored = await service.fetch(current_staff(request), sha256)
    if stored.path is not None:
        return File(path=stored.path, media_type=stored.content_type, headers=CACHE)
    return Stream(service.chunks(sha256), media_type=stored.content_type, headers=CACHE)


ROUTES = [upload, download]
