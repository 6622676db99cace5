"""Form helpers of the work pages, and the one write path: a plain form becomes the same mutation the
phone's outbox sends, applied by the sync service (docs/offline.md)."""

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
Errors = dict[str | None, str]


def text(values: dict[str, Any], key: str) -> str:
    value = values.get(key, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value).strip()


def int_or_none(values: dict[str, Any], key: str) -> int | None:
    value = text(values, key)
    return int(value) if value.isdigit() else None


def values_list(values: dict[str, Any], key: str) -> list[str]:
    value = values.get(key, [])
    return [str(v).strip() for v in (value if isinstance(value, list) else [value])]


async def apply_form(request: Request, type_: str, data: dict[str, Any], mutation_id: str | None = None) -> Errors:
    """Plain-form fallback: one mutation through the sync service, as the outbox would send it.
    Returns the messages per field (empty when applied, or when this very form was applied before)."""
    staff = current_staff(request)
    raw = {
        "type": type_,
        "id": mutation_id or str(uuid.uuid4()),
        "recorded_at": datetime.now(UTC).isoformat(),
        "data": data,
    }
    try:
        msgspec.convert(raw, registry.union_type(), strict=False)
    except msgspec.ValidationError as exc:
        field, message = message_for(str(exc).replace("$.data.", "$."))
        return {field: message}
    batch = SyncRequest(device_id="web-form", mutations=[msgspec.Raw(msgspec.json.encode(raw))])
    result = (await apply_batch(staff, batch))[0]
    if result.status != "rejected" or result.error is None:
        return {}
    if result.error.code == "id_reused" and await applied_by(raw["id"], staff.id):
        return {}  # the same form sent twice (a double tap, a resubmitted page)
    return {result.error.field: result.error.message}


def form_values(data: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if not k.startswith("_csrf")}
