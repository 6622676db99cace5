"""The sync envelope and results. Each domain defines its mutations as subclasses of `Mutation`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

MAX_BATCH = 200


class Mutation(msgspec.Struct, tag_field="type", kw_only=True, forbid_unknown_fields=True):
    """Base of every offline write: `{id, type, recorded_at, data}`; `type` is the subclass's tag."""

    id: UUID
    recorded_at: datetime


class SyncRequest(msgspec.Struct, forbid_unknown_fields=True):
    """What the outbox sends; mutations are decoded one by one so one bad item rejects only itself."""

    device_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    mutations: Annotated[list[msgspec.Raw], msgspec.Meta(max_length=MAX_BATCH)]
    sent_at: datetime | None = None  # the phone's clock when sending, to measure its skew


class MutationError(msgspec.Struct, omit_defaults=True):
    code: str
    message: str
    field: str | None = None  # the form field the message belongs beside, when there is one


class MutationResult(msgspec.Struct, omit_defaults=True):
    id: str
    status: Literal["applied", "duplicate", "rejected"]
    error: MutationError | None = None


class SyncResponse(msgspec.Struct):
    results: list[MutationResult]
    server_time: datetime
