"""Applying a batch of mutations: each once, in order, atomically with the record of its id.

DESIGN "Known traps": one transaction per batch, all ids looked up in one query, rows inserted
in bulk — per-mutation transactions are several times slower on SQLite.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import UTC, datetime
from uuid import UUID

import msgspec

from app.auth.schemas import CurrentStaff
from app.db import is_postgres, write_transaction
from app.errors import NotFound, RuleViolation, StaleChange
from app.i18n import _
from app.sync import registry
from app.sync.schemas import MutationError, MutationResult, SyncRequest
from app.sync.tables import AppliedMutation

log = logging.getLogger(__name__)
_encoder = msgspec.json.Encoder(order="sorted")
_UNKNOWN_TAG = re.compile(r"Invalid value '([^']*)' - at `\$\.type`")


class _Envelope(msgspec.Struct):
    """Just enough of a mutation to answer about it, even when the rest is invalid."""

    id: str = ""
    type: str = ""


class _Decoded(msgspec.Struct):
    mutation: registry.Mutation
    content_hash: str


def _rejected(mutation_id: str, code: str, message: str, field: str | None = None) -> MutationResult:
    error = MutationError(code=code, message=message, field=field)
    return MutationResult(id=mutation_id, status="rejected", error=error)


async def applied_by(mutation_id: str, staff_id: int) -> bool:
    """Whether this staff member's mutation with this id was applied (a form sent twice)."""
    try:
        key = UUID(mutation_id)
    except ValueError:
        return False
    return await AppliedMutation.exists().where((AppliedMutation.id == key) & (AppliedMutation.staff == staff_id))


def _decode(raw: msgspec.Raw, decoder: msgspec.json.Decoder) -> _Decoded | MutationResult:
    """Decode one mutation; a bad one becomes a `rejected` result with a message a person can act on."""
    try:
        envelope = msgspec.json.decode(raw, type=_Envelope)
    except msgspec.DecodeError:
        return _rejected("", "invalid", _("This item is not a valid change record."))
    try:
        mutation = decoder.decode(raw)
    except msgspec.ValidationError as exc:
        text = str(exc)
        if _UNKNOWN_TAG.search(text) or "missing required field `type`" in text:
            message = _("This kind of change (%(type)s) is not known to the server.", type=envelope.type or "?")
            return _rejected(envelope.id, "unknown_type", message)
        return _rejected(envelope.id, "invalid", _("The change is incomplete or malformed: %(detail)s", detail=text))
    except msgspec.DecodeError:
        return _rejected(envelope.id, "invalid", _("This item is not a valid change record."))
    content_hash = hashlib.sha256(_encoder.encode(mutation)).hexdigest()
    return _Decoded(mutation=mutation, content_hash=content_hash)


def _skew_seconds(sent_at: datetime | None, received_at: datetime) -> float:
    if sent_at is None:
        return 0.0
    if sent_at.tzinfo is None:
        sent_at = sent_at.replace(tzinfo=UTC)
    return (sent_at - received_at).total_seconds()


async def apply_batch(staff: CurrentStaff, request: SyncRequest) -> list[MutationResult]:
    """Apply a batch; one result per mutation, in the same order (DESIGN "Sync API")."""
    decoder = registry.decoder()
    decoded = [_decode(raw, decoder) for raw in request.mutations]
    received_at = datetime.now(UTC)
    ctx = registry.ApplyContext(
        staff=staff,
        device_id=request.device_id,
        received_at=received_at,
        clock_skew_seconds=_skew_seconds(request.sent_at, received_at),
    )
    results: list[MutationResult | None] = [d if isinstance(d, MutationResult) else None for d in decoded]
    todo = [(i, d) for i, d in enumerate(decoded) if isinstance(d, _Decoded)]
    if not todo:
        return [r for r in results if r is not None]

    async with write_transaction() as tx:
        if is_postgres():
            # One writer per office at a time: keeps per-office chains (duty log) and id checks simple.
            await AppliedMutation.raw("SELECT pg_advisory_xact_lock(7001, {})", staff.office_id)
        ids = list({d.mutation.id for _, d in todo})
        seen = {
            row["id"]: row
            for row in await AppliedMutation.select(
                AppliedMutation.id,
                AppliedMutation.content_hash,
                AppliedMutation.office,
                AppliedMutation.outcome,
                AppliedMutation.error_code,
                AppliedMutation.error_message,
            ).where(AppliedMutation.id.is_in(ids))
        }
        applied_rows: list[AppliedMutation] = []
        batch_hashes: dict[UUID, str] = {}
        for index, item in todo:
            mutation, mid = item.mutation, str(item.mutation.id)
            earlier = seen.get(mutation.id)
            earlier_hash = earlier["content_hash"] if earlier else batch_hashes.get(mutation.id)
            if earlier_hash is not None:
                same = earlier_hash == item.content_hash and (earlier is None or earlier["office"] == staff.office_id)
                if not same:
                    message = _("This change id was already used for different content.")
                    results[index] = _rejected(mid, "id_reused", message)
                elif earlier is not None and earlier["outcome"] == "rejected":
                    results[index] = _rejected(mid, earlier["error_code"], earlier["error_message"])
                else:
                    results[index] = MutationResult(id=mid, status="duplicate")
                continue
            outcome = "applied"
            tag = mutation.__struct_config__.tag
            savepoint = None if registry.has_deferred_writes(tag) else await tx.savepoint()
            try:
                await registry.apply_fn(tag)(ctx, mutation)
            except StaleChange as exc:
                # The change is undone; what it carried is kept as a comment, and the answer remembered.
                if savepoint is not None:
                    await savepoint.rollback_to()
                if exc.keep is not None:
                    await exc.keep()
                outcome = "rejected"
                results[index] = _rejected(mid, exc.code, exc.message, exc.field)
            except RuleViolation as exc:
                if savepoint is not None:
                    await savepoint.rollback_to()
                results[index] = _rejected(mid, exc.code, exc.message, exc.field)
                continue
            except NotFound:
                if savepoint is not None:
                    await savepoint.rollback_to()
                results[index] = _rejected(mid, "not_found", _("A record this change refers to does not exist."))
                continue
            except Exception:
                # NOTE: a bug or a database error in one change must not block the phone's outbox
                # (a 500 would be retried forever with everything behind it). That change is undone
                # and refused, not remembered, so a resend after the fix applies it.
                if savepoint is None:
                    raise
                await savepoint.rollback_to()
                log.exception("applying %s %s failed", tag, mid)
                message = _(
                    "The server could not apply this change (an error on our side, now logged). "
                    "It stays on this phone: resend it later."
                )
                results[index] = _rejected(mid, "server_error", message)
                continue
            if savepoint is not None:
                await savepoint.release()
            batch_hashes[mutation.id] = item.content_hash
            error = results[index].error if outcome == "rejected" else None  # type: ignore[union-attr]
            applied_rows.append(
                AppliedMutation(
                    id=mutation.id,
                    office=staff.office_id,
                    staff=staff.id,
                    device_id=request.device_id,
                    type=mutation.__struct_config__.tag,
                    content_hash=item.content_hash,
                    recorded_at=mutation.recorded_at,
                    received_at=received_at,
                    outcome=outcome,
                    error_code=error.code if error else "",
                    error_message=error.message if error else "",
                )
            )
            if outcome == "applied":
                results[index] = MutationResult(id=mid, status="applied")
        for flush in ctx.flushes.values():
            await flush()
        if applied_rows:
            await AppliedMutation.insert(*applied_rows)
    return [r for r in results if r is not None]
