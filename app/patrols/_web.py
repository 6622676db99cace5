"""Helpers of the patrol pages: plain-form fallbacks go through the same mutations as the phones."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec
from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.params import Body

from app.forms import message_for
from app.sync import registry
from app.sync.schemas import SyncRequest
from app.sync.service import applied_by, apply_batch
from app.web import current_staff

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
MAX_SOURCE_PHOTO_BYTES = 25 * 1024 * 1024  # a photo straight from a phone camera; resized before upload


def form_values(data: dict[str, Any]) -> dict[str, str]:
    """Text fields of a posted form, stripped; transport fields (`_csrf_token`) left out."""
    return {k: v.strip() for k, v in data.items() if isinstance(v, str) and not k.startswith("_")}


def int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


async def apply_form_mutation(
    request: Request, type_: str, data: dict[str, Any], mutation_id: str | None = None
) -> dict[str | None, str]:
    """Apply one mutation made from a plain form (no JavaScript) through the sync service.

    Returns {} when applied (or when this very form was applied before: a double tap), else
    field → message for the form to show beside the field (DESIGN "One path, online and offline").
    """
    staff = current_staff(request)
    raw = {
        "type": type_,
        "id": mutation_id or str(uuid.uuid4()),
        "recorded_at": datetime.now(UTC).isoformat(),
        "data": data,
    }
    try:
        msgspec.convert(raw, registry.union_type())
    except msgspec.ValidationError as exc:
        field, message = message_for(str(exc).replace("$.data.", "$."))
        return {field: message}
    request_ = SyncRequest(device_id="web-form", mutations=[msgspec.Raw(msgspec.json.encode(raw))])
    result = (await apply_batch(staff, request_))[0]
    if result.status != "rejected":
        return {}
    assert result.error is not None
    if result.error.code == "id_reused" and await applied_by(raw["id"], staff.id):
        return {}
    return {result.error.field: result.error.message}
