"""Storing and finding attachments. The server checks the hash and decodes the image before it is
accepted (DESIGN "Stack": Pillow), so a file that only starts like a photo is refused.

Where the bytes live (DESIGN "Scale"): on PostgreSQL in `attachment_chunk`, so any of several
stateless instances serves any upload; on SQLite in the data dir. Content-addressed either way:
the same photo is stored once, whichever offices hold it.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import re
import warnings
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from app.attachments.tables import Attachment, AttachmentChunk
from app.auth.schemas import CurrentStaff
from app.db import is_postgres, write_transaction
from app.errors import RuleViolation, check_found
from app.i18n import _
from app.settings import get_settings

SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
CHUNK_BYTES = 256 * 1024  # one row of attachment_chunk; a download streams these one by one
MAX_PIXELS = 50_000_000  # a phone photo after resizing is far smaller; beyond this is a decompression bomb
# The kinds of file accepted: the Pillow format each must decode as.
FORMATS: dict[str, str] = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


class UploadError(RuleViolation):
    def __init__(self, code: str, message: str, status_code: int) -> None:
        super().__init__(code, message)
        self.status_code = status_code


@dataclass(frozen=True)
class Stored:
    """An attachment to send back: its type and size, and a file (SQLite) or chunks (PostgreSQL)."""

    sha256: str
    content_type: str
    size: int
    path: Path | None


def _path(sha256: str) -> Path:
    return get_settings().data_dir / "attachments" / sha256[:2] / sha256


def too_large() -> UploadError:
    mb = get_settings().max_attachment_bytes // (1024 * 1024)
    return UploadError("too_large", _("The file is too large (at most %(mb)s MB).", mb=mb), 413)


def _ends_cleanly(fmt: str, body: bytes) -> bool:
    """Nothing after the image (a page or a script appended to a photo is not a photo)."""
    if fmt == "PNG":
        return body.endswith(b"IEND\xaeB`\x82")
    if fmt == "JPEG":
        return body.rstrip(b"\x00").endswith(b"\xff\xd9")
    return int.from_bytes(body[4:8], "little") + 8 == len(body) and body[8:12] == b"WEBP"


def decode_image(content_type: str, body: bytes) -> None:
    """Decode the whole image (not just its first bytes); UploadError (415) when it is not one."""
    fmt = FORMATS.get(content_type)
    not_image = UploadError("not_an_image", _("Only photos (JPEG, PNG or WebP) can be attached."), 415)
    if fmt is None:
        raise not_image
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(body), formats=[fmt]) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise not_image
                image.load()
    except UploadError:
        raise
    except Exception:  # Pillow raises many kinds for a broken file; all mean the same to the user
        raise UploadError("not_an_image", _("The file is not a readable image."), 415) from None
    if not _ends_cleanly(fmt, body):
        raise UploadError("not_an_image", _("The file's content does not match its type."), 415)


def check_upload(sha256: str, content_type: str, body: bytes) -> str:
    """Validate an upload; returns the normalised content type or raises UploadError (4xx)."""
    if not SHA256_HEX.match(sha256):
        raise UploadError("bad_hash", _("The file name must be its SHA-256 in lower-case hex."), 400)
    if len(body) > get_settings().max_attachment_bytes:
        raise too_large()
    if not body:
        raise UploadError("empty", _("The file is empty."), 400)
    content_type = content_type.split(";")[0].strip().lower()
    if content_type not in FORMATS:
        raise UploadError("not_an_image", _("Only photos (JPEG, PNG or WebP) can be attached."), 415)
    if hashlib.sha256(body).hexdigest() != sha256:
        raise UploadError("hash_mismatch", _("The file arrived damaged (its hash does not match). Try again."), 422)
    return content_type


async def read_limited(stream: AsyncIterator[bytes]) -> bytes:
    """The request body, read as it arrives and refused (413) as soon as it passes the limit."""
    limit, size, parts = get_settings().max_attachment_bytes, 0, []
    async for part in stream:
        size += len(part)
        if size > limit:
            raise too_large()
        parts.append(part)
    return b"".join(parts)


async def _save_bytes(sha256: str, body: bytes) -> None:
    if is_postgres():
        if await AttachmentChunk.exists().where((AttachmentChunk.sha256 == sha256) & (AttachmentChunk.n == 0)):
            return
        pieces = [
            AttachmentChunk(sha256=sha256, n=n, data=body[start : start + CHUNK_BYTES])
            for n, start in enumerate(range(0, len(body), CHUNK_BYTES))
        ]
        # One transaction: a reader sees all the pieces or none; two instances storing the same
        # photo at once store it once (the unique index on sha256, n).
        async with write_transaction():
            await AttachmentChunk.insert(*pieces).on_conflict(action="DO NOTHING")
        return
    path = _path(sha256)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(body)
        os.replace(tmp, path)  # atomic: a reader never sees half a file


async def store(staff: CurrentStaff, sha256: str, content_type: str, body: bytes) -> bool:
    """Store an upload for the staff member's office. Returns False when it was already there."""
    content_type = check_upload(sha256, content_type, body)
    await asyncio.to_thread(decode_image, content_type, body)  # decoding takes a while: off the event loop
    await _save_bytes(sha256, body)
    if await Attachment.exists().where((Attachment.sha256 == sha256) & (Attachment.office == staff.office_id)):
        return False
    await Attachment.insert(
        Attachment(
            sha256=sha256, office=staff.office_id, content_type=content_type, size=len(body), uploaded_by=staff.id
        )
    )
    return True


async def fetch(staff: CurrentStaff, sha256: str) -> Stored:
    """An attachment the staff member's office holds (404 otherwise)."""
    query = Attachment.select(Attachment.content_type, Attachment.size).where(Attachment.sha256 == sha256)
    if not staff.sees_all_offices:
        query = query.where(Attachment.office == staff.office_id)
    row = check_found(await query.first())
    path = None if is_postgres() else _path(sha256)
    if path is not None and not path.exists():
        check_found(None)
    return Stored(sha256=sha256, content_type=row["content_type"], size=row["size"], path=path)


async def chunks(sha256: str) -> AsyncIterator[bytes]:
    """The bytes of an attachment stored in the database, one piece (one query) at a time."""
    n = 0
    while True:
        row = await (
            AttachmentChunk.select(AttachmentChunk.data)
            .where((AttachmentChunk.sha256 == sha256) & (AttachmentChunk.n == n))
            .first()
        )
        if row is None:
            return
        yield bytes(row["data"])
        n += 1


async def exists_for_office(sha256: str, office_id: int) -> bool:
    return await Attachment.exists().where((Attachment.sha256 == sha256) & (Attachment.office == office_id))
