"""Applying a batch of mutations: each once, in order, atomically with the record of its id.

DESIGN "Known traps": one transaction per batch, all ids looked up in one query, rows inserted
in bulk — per-mutation transactions are several times slower on SQLite.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import replace
from datetime import datetime, timedelta
from uuid import UUID

import msgspec

from app.auth.schemas import CurrentStaff
from app.clock import aware, now
from app.db import is_postgres, write_transaction
from app.errors import NotFound, RuleViolation, StaleChange
from app.i18n import _
from app.settings import get_settings
from app.sync import registry
from app.sync.schemas import MutationError, MutationResult, SyncRequest
from app.sync.tables import AppliedMutation
from app.validation import check_bounds

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
    except (msgspec.DecodeError, RecursionError):
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
    except RecursionError:
        return _rejected(envelope.id, "invalid", _("This item is nested too deeply."))
    if field := check_bounds(mutation.data if hasattr(mutation, "data") else mutation):
        message = _("The value of %(field)s is out of range.", field=field)
        return _rejected(envelope.id, "out_of_range", message, field.split(".")[0])
    content_hash = hashlib.sha256(_encoder.encode(mutation)).hexdigest()
    return _Decoded(mutation=mutation, content_hash=content_hash)


def _window(received_at: datetime) -> tuple[datetime, datetime]:
    settings = get_settings()
    past, future = timedelta(days=settings.recorded_at_past_days), timedelta(days=settings.recorded_at_future_days)
    return received_at - past, received_at + future


def _time_ok(value: datetime | None, received_at: datetime) -> bool:
    """DESIGN "Time": a client time is kept only within the window around the server's clock —
    9999-12-31 would head the duty-log chain for ever, year 1 overflows the office's time zone."""
    if value is None:
        return True
    earliest, latest = _window(received_at)
    return earliest <= aware(value) <= latest


def _time_message() -> str:
    settings = get_settings()
    return _(
        "The time of this change is too far from the server's time (accepted: %(past)s days before to "
        "%(future)s day(s) after now). Check the date and time on this phone, then enter it again.",
        past=settings.recorded_at_past_days,
        future=settings.recorded_at_future_days,
    )


def _skew_seconds(sent_at: datetime | None, received_at: datetime) -> float:
    if sent_at is None:
        return 0.0
    return (aware(sent_at) - received_at).total_seconds()


class _Batch:
    """One batch being applied: the results so far and the rows recording each applied id."""

    def __init__(self, staff: CurrentStaff, request: SyncRequest, ctx: registry.ApplyContext, seen: dict) -> None:
        self.staff, self.request, self.ctx, self.seen = staff, request, ctx, seen
        self.hashes: dict[UUID, str] = {}
        self.rows: list[AppliedMutation] = []

    def _earlier(self, item: _Decoded) -> MutationResult | None:
        """The answer for an id already applied (earlier, or earlier in this batch), else None."""
        mutation, mid = item.mutation, str(item.mutation.id)
        earlier = self.seen.get(mutation.id)
        earlier_hash = earlier["content_hash"] if earlier else self.hashes.get(mutation.id)
        if earlier_hash is None:
            return None
        same = earlier_hash == item.content_hash and (earlier is None or earlier["office"] == self.staff.office_id)
        if not same:
            return _rejected(mid, "id_reused", _("This change id was already used for different content."))
        if earlier is not None and earlier["outcome"] == "rejected":
            return _rejected(mid, earlier["error_code"], earlier["error_message"])
        return MutationResult(id=mid, status="duplicate")

    def _remember(self, item: _Decoded, result: MutationResult) -> None:
        mutation = item.mutation
        self.hashes[mutation.id] = item.content_hash
        error = result.error if result.status == "rejected" else None
        self.rows.append(
            AppliedMutation(
                id=mutation.id,
                office=self.staff.office_id,
                staff=self.staff.id,
                device_id=self.request.device_id,
                type=mutation.__struct_config__.tag,
                content_hash=item.content_hash,
                recorded_at=mutation.recorded_at,
                received_at=self.ctx.received_at,
                outcome="rejected" if error else "applied",
                error_code=error.code if error else "",
                error_message=error.message if error else "",
            )
        )

    async def apply(self, tx, ctx: registry.ApplyContext, item: _Decoded, *, isolated: bool) -> MutationResult:
        """Apply one mutation. `isolated`: in its own savepoint with its own flushes (the slow,
        safe path); otherwise deferred-write types skip the savepoint (the batch's fast path)."""
        mutation, mid = item.mutation, str(item.mutation.id)
        if (answer := self._earlier(item)) is not None:
            return answer  # a resend of one applied long ago is still a duplicate, whatever its time
        if not _time_ok(mutation.recorded_at, ctx.received_at):
            return _rejected(mid, "recorded_at_out_of_range", _time_message())
        tag = str(mutation.__struct_config__.tag)
        savepoint = await tx.savepoint() if isolated or not registry.has_deferred_writes(tag) else None
        try:
            await registry.apply_fn(tag)(ctx, mutation)
            if isolated:
                for flush in ctx.flushes.values():
                    await flush()
        except StaleChange as exc:
            # The change is undone; what it carried is kept as a comment, and the answer remembered.
            if savepoint is not None:
                await savepoint.rollback_to()
            if exc.keep is not None:
                await exc.keep()
            result = _rejected(mid, exc.code, exc.message, exc.field)
        except RuleViolation as exc:
            if savepoint is not None:
                await savepoint.rollback_to()
            return _rejected(mid, exc.code, exc.message, exc.field)
        except NotFound:
            if savepoint is not None:
                await savepoint.rollback_to()
            return _rejected(mid, "not_found", _("A record this change refers to does not exist."))
        except Exception:
            # NOTE: a bug or a database error in one change must not block the phone's outbox
            # (a 500 would be retried forever with everything behind it). That change is undone
            # and refused, not remembered, so a resend after the fix applies it. Without a
            # savepoint (the fast path) the whole batch is redone item by item (apply_batch).
            if savepoint is None:
                raise
            await savepoint.rollback_to()
            log.exception("applying %s %s failed", tag, mid)
            message = _(
                "The server could not apply this change (an error on our side, now logged). "
                "It stays on this phone: resend it later."
            )
            return _rejected(mid, "server_error", message)
        else:
            result = MutationResult(id=mid, status="applied")
        if savepoint is not None:
            await savepoint.release()
        self._remember(item, result)
        return result


async def _apply_fast(tx, batch: _Batch, todo: list[tuple[int, _Decoded]], results: list) -> None:
    """DESIGN "Known traps": the whole batch in one go — deferred-write types without savepoints,
    their rows flushed in bulk at the end, the ids recorded in one insert."""
    for index, item in todo:
        results[index] = await batch.apply(tx, batch.ctx, item, isolated=False)
    for flush in batch.ctx.flushes.values():
        await flush()
    if batch.rows:
        await AppliedMutation.insert(*batch.rows)


async def _apply_one_by_one(tx, batch: _Batch, todo: list[tuple[int, _Decoded]], results: list) -> None:
    """The fallback when the fast path failed: each mutation a batch of one, in its own savepoint
    with its own context and flushes, so the one bad row is refused alone (DESIGN "Sync API")."""
    for index, item in todo:
        ctx = replace(batch.ctx, cache={}, flushes={})
        start = len(batch.rows)
        results[index] = await batch.apply(tx, ctx, item, isolated=True)
        if len(batch.rows) > start:
            await AppliedMutation.insert(*batch.rows[start:])


async def apply_batch(staff: CurrentStaff, request: SyncRequest) -> list[MutationResult]:
    """Apply a batch; one result per mutation, in the same order (DESIGN "Sync API")."""
    received_at = now()
    decoder = registry.decoder()
    if not _time_ok(request.sent_at, received_at):
        # The phone's clock is far off: none of its times can be trusted.
        return [_rejected(_envelope_id(raw), "clock_out_of_range", _time_message()) for raw in request.mutations]
    decoded = [_decode(raw, decoder) for raw in request.mutations]
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
        savepoint = await tx.savepoint()
        try:
            await _apply_fast(tx, _Batch(staff, request, ctx, seen), todo, results)
        except Exception:
            await savepoint.rollback_to()
            log.exception("batch of %s failed on the fast path; applying it item by item", len(todo))
            fresh = replace(ctx, cache={}, flushes={})
            await _apply_one_by_one(tx, _Batch(staff, request, fresh, seen), todo, results)
        else:
            await savepoint.release()
    return [r for r in results if r is not None]


def _envelope_id(raw: msgspec.Raw) -> str:
    try:
        return msgspec.json.decode(raw, type=_Envelope).id
    except (msgspec.DecodeError, RecursionError):
        return ""
