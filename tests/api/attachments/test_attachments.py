"""PUT /api/attachments/{sha256} (DESIGN "Photos"): content-addressed, idempotent, checked, scoped."""

from __future__ import annotations

import hashlib
import struct
import zlib

import pytest


def png_bytes(width: int = 4, height: int = 3, seed: int = 0) -> bytes:
    """A real PNG image."""
    raw = b"".join(b"\x00" + bytes((seed + x) % 256 for x in range(width * 3)) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


@pytest.fixture
async def signed_in(client, office, make_staff, login):
    staff = await make_staff(office["id"], "patrol")
    return await login(client, staff)


async def _put(client, token, body: bytes, sha: str | None = None, content_type: str = "image/png"):
    sha = sha or hashlib.sha256(body).hexdigest()
    return await client.put(
        f"/api/attachments/{sha}", content=body, headers={"x-csrftoken": token, "content-type": content_type}
    )


async def test_upload_is_idempotent_and_readable_back(client, signed_in, unique):
    body = png_bytes(seed=len(unique))
    first = await _put(client, signed_in, body)
    second = await _put(client, signed_in, body)
    assert first.status_code == 201 and first.json()["stored"] is True
    assert second.status_code == 200 and second.json()["stored"] is False
    back = await client.get(f"/api/attachments/{hashlib.sha256(body).hexdigest()}")
    assert back.status_code == 200 and back.content == body
    assert back.headers["content-type"].startswith("image/png")


async def test_hash_mismatch_is_refused(client, signed_in):
    body = png_bytes(seed=7)
    response = await _put(client, signed_in, body, sha=hashlib.sha256(b"other").hexdigest())
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "hash_mismatch"


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (b"%PDF-1.4 not a photo", "image/png", 415, "not_an_image"),
        (b"<script>alert(1)</script>", "text/html", 415, "not_an_image"),
        (b"", "image/png", 400, "empty"),
    ],
)
async def test_not_an_image_or_empty_is_refused_with_a_message(client, signed_in, body, content_type, status, code):
    response = await _put(client, signed_in, body, content_type=content_type)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]


async def test_too_large_is_refused_with_the_limit_named(client, signed_in, prepared_database):
    limit = prepared_database.max_attachment_bytes
    body = b"\x89PNG\r\n\x1a\n" + b"\x00" * limit
    response = await _put(client, signed_in, body)
    assert response.status_code == 413
    assert str(limit // (1024 * 1024)) in response.json()["error"]["message"]


async def test_malformed_hash_in_the_path_is_a_400(client, signed_in):
    response = await _put(client, signed_in, png_bytes(), sha="not-a-hash")
    assert response.status_code == 400


async def test_another_office_cannot_read_an_attachment(client, new_client, signed_in, other_office, make_staff, login):
    body = png_bytes(seed=99)
    assert (await _put(client, signed_in, body)).status_code in (200, 201)
    async with new_client() as other:
        await login(other, await make_staff(other_office["id"], "patrol"))
        response = await other.get(f"/api/attachments/{hashlib.sha256(body).hexdigest()}")
    assert response.status_code == 404


def _photo(fmt: str, size: tuple[int, int] = (40, 30), noise: bool = False) -> bytes:
    """A real photo made by Pillow (noise: incompressible, so a PNG spans several stored chunks)."""
    import io
    import os

    from PIL import Image

    image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)) if noise else Image.new("RGB", size, "red")
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>", "image/png"),  # header-only polyglot
        (b"\xff\xd8\xff\xe0<svg onload=alert(1)>", "image/jpeg"),
        (b"RIFF\x10\x00\x00\x00WEBP<script>", "image/webp"),
        (png_bytes(seed=3) + b"<script>alert(1)</script>", "image/png"),  # a real photo with a page after it
        (png_bytes(seed=4)[:-20], "image/png"),  # cut short
        (_photo("JPEG"), "image/png"),  # a JPEG claiming to be a PNG
    ],
)
async def test_a_file_that_only_starts_like_a_photo_is_refused(client, signed_in, body, content_type):
    """Issue 16: uploads are decoded as images (Pillow) before they are accepted."""
    response = await _put(client, signed_in, body, content_type=content_type)
    assert response.status_code == 415, response.text
    assert response.json()["error"]["code"] == "not_an_image" and response.json()["error"]["message"]


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
async def test_real_photos_of_each_kind_are_accepted(client, signed_in, fmt):
    body = _photo(fmt)
    response = await _put(client, signed_in, body, content_type=f"image/{fmt.lower()}")
    assert response.status_code in (200, 201), response.text


async def test_a_photo_is_stored_where_every_instance_can_read_it(client, signed_in, prepared_database):
    """DESIGN "Scale": on PostgreSQL the bytes live in the database (several chunks for a big photo,
    streamed back), nothing on this instance's disk; on SQLite in the data dir."""
    from app.attachments.service import CHUNK_BYTES
    from app.attachments.tables import AttachmentChunk
    from app.db import is_postgres

    body = _photo("PNG", (500, 400), noise=True)
    assert len(body) > 2 * CHUNK_BYTES
    sha = hashlib.sha256(body).hexdigest()
    assert (await _put(client, signed_in, body)).status_code == 201
    on_disk = prepared_database.data_dir / "attachments" / sha[:2] / sha
    pieces = await AttachmentChunk.count().where(AttachmentChunk.sha256 == sha)
    if is_postgres():
        assert not on_disk.exists() and pieces == -(-len(body) // CHUNK_BYTES)
    else:
        assert on_disk.read_bytes() == body and pieces == 0
    back = await client.get(f"/api/attachments/{sha}")
    assert back.status_code == 200 and back.content == body
    assert back.headers["content-type"].startswith("image/png")
