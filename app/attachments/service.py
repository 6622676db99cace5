"""Storing and finding attachments. The server checks the hash and that the bytes are what they claim."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from app.attachments.tables import Attachment
from app.auth.schemas import CurrentStaff
from app.errors import RuleViolation, check_found
from app.i18n import _
from app.settings import get_settings

SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
# The kinds of file accepted, each with the bytes it must start with.
MAGIC: dict[str, tuple[bytes, ...]] = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/webp": (b"RIFF",),
}


class UploadError(RuleViolation):
    def __init__(self, code: str, message: str, status_code: int) -> None:
        super().__init__(code, message)
        self.status_code = status_code


def _path(sha256: str) -> Path:
    return get_settings().data_dir / "attachments" / sha256[:2] / sha256


def check_upload(sha256: str, content_type: str, body: bytes) -> str:
    """Validate an upload; returns the normalised content type or raises UploadError (4xx)."""
    if not SHA256_HEX.match(sha256):
        raise UploadError("bad_hash", _("The file name must be its SHA-256 in lower-case hex."), 400)
    limit = get_settings().max_attachment_bytes
    if len(body) > limit:
        mb = limit // (1024 * 1024)
        raise UploadError("too_large", _("The file is too large (at most %(mb)s MB).", mb=mb), 413)
    if not body:
        raise UploadError("empty", _("The file is empty."), 400)
    content_type = content_type.split(";")[0].strip().lower()
    magic = MAGIC.get(content_type)
    if magic is None or not body.startswith(magic) or (content_type == "image/webp" and body[8:12] != b"WEBP"):
        raise UploadError("not_an_image", _("Only photos (JPEG, PNG or WebP) can be attached."), 415)
    if hashlib.sha256(body).hexdigest() != sha256:
        raise UploadError("hash_mismatch", _("The file arrived damaged (its hash does not match). Try again."), 422)
    return content_type


async def store(staff: CurrentStaff, sha256: str, content_type: str, body: bytes) -> bool:
    """Store an upload for the staff member's office. Returns False when it was already there."""
    content_type = check_upload(sha256, content_type, body)
    path = _path(sha256)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(body)
        os.replace(tmp, path)  # atomic: a reader never sees half a file
    if await Attachment.exists().where((Attachment.sha256 == sha256) & (Attachment.office == staff.office_id)):
        return False
    await Attachment.insert(
        Attachment(
            sha256=sha256, office=staff.office_id, content_type=content_type, size=len(body), uploaded_by=staff.id
        )
    )
    return True


async def fetch(staff: CurrentStaff, sha256: str) -> tuple[Path, str]:
    """The file and type of an attachment the staff member's office holds (404 otherwise)."""
    query = Attachment.select(Attachment.content_type).where(Attachment.sha256 == sha256)
    if not staff.sees_all_offices:
        query = query.where(Attachment.office == staff.office_id)
    row = check_found(await query.first())
    return _path(sha256), row["content_type"]


async def exists_for_office(sha256: str, office_id: int) -> bool:
    return await Attachment.exists().where((Attachment.sha256 == sha256) & (Attachment.office == office_id))
