"""The duty log: append-only, tamper-evident, offline-capable (SPEC D5, D6).

Each entry stores the hash of the previous entry of its office and the hash of its own canonical
content. Late entries from offline phones are appended in arrival order with their own
`recorded_at`, so the chain never has to be rewritten.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec

from app import paging
from app.alerts import hooks as alert_hooks
from app.auth.schemas import CurrentStaff
from app.clock import aware, local, when_it_happened
from app.duty.schemas import DutyLogAppend
from app.duty.tables import DutyLogEntry
from app.errors import Forbidden, RuleViolation
from app.i18n import _, lazy
from app.nav import DUTY_LOG_READERS
from app.org.service import DEFAULT_SHIFTS, all_office_ids, can_see_office, has_unit, office_shift_templates
from app.sync import registry
from app.sync.registry import ApplyContext

GENESIS_HASH = "0" * 64

CATEGORIES: dict[str, str] = {
    "inquiry": lazy("Inquiry"),
    "help": lazy("Help request"),
    "emergency": lazy("Emergency"),
    "patrol": lazy("Patrol"),
    "other": lazy("Other"),
}
ESCALATIONS: dict[str, str] = {
    "": lazy("Not escalated"),
    "difficult": lazy("Difficult: to the supervisor"),
    "major": lazy("Major: report to the manager now"),
}
DUTY_LOG_WRITERS = frozenset({"duty", "frontdesk", "patrol", "supervisor", "manager"})
ESCALATION_READERS = frozenset({"supervisor", "manager", "qa"})


# --- shifts ------------------------------------------------------------------------------------


def _hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def shift_of(local: datetime, templates: list[dict]) -> tuple[date, str]:
    """The shift a local time falls in and the date that shift started (D2; night shifts cross midnight)."""
    templates = templates or DEFAULT_SHIFTS
    t = local.time()
    for shift in templates:
        start, end = _hhmm(shift["start"]), _hhmm(shift["end"])
        if start <= end and start <= t < end:
            return local.date(), shift["code"]
        if start > end and (t >= start or t < end):  # crosses midnight
            started = local.date() if t >= start else local.date() - timedelta(days=1)
            return started, shift["code"]
    return local.date(), "off"


# --- the chain ----------------------------------------------------------------------------------


def _utc_text(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_content(row: dict) -> bytes:
    """The bytes an entry's hash covers: every stored field but the hash itself, in a fixed form."""
    content = {
        "id": str(row["id"]),
        "office": row["office"],
        "seq": row["seq"],
        "author": row["author"],
        "device_id": row["device_id"],
        "recorded_at": _utc_text(row["recorded_at"]),
        "received_at": _utc_text(row["received_at"]),
        "clock_suspect": bool(row["clock_suspect"]),
        "shift_date": row["shift_date"].isoformat(),
        "shift_code": row["shift_code"],
        "category": row["category"],
        "text": row["text"],
        "unit": row["unit"],
        "corrects": str(row["corrects"]) if row["corrects"] else None,
        "escalation": row["escalation"],
        "prev_hash": row["prev_hash"],
    }
    return msgspec.json.encode(content, order="sorted")


def entry_hash(row: dict) -> str:
    return hashlib.sha256(canonical_content(row)).hexdigest()


class _Batch(msgspec.Struct):
    """The chain head and the rows waiting for the batch's bulk insert."""

    office_id: int
    shift_templates: list
    seq: int
    head_hash: str
    rows: list[dict]
    ids: set[UUID]


async def _batch(ctx: ApplyContext) -> _Batch:
    key = "duty_log"
    if key not in ctx.cache:
        office_id = ctx.staff.office_id
        head = (
            await DutyLogEntry.select(DutyLogEntry.seq, DutyLogEntry.entry_hash)
            .where(DutyLogEntry.office == office_id)
            .order_by(DutyLogEntry.seq, ascending=False)
            .first()
        )
        batch = _Batch(
            office_id=office_id,
            shift_templates=await office_shift_templates(office_id),
            seq=head["seq"] if head else 0,
            head_hash=head["entry_hash"] if head else GENESIS_HASH,
            rows=[],
            ids=set(),
        )
        ctx.cache[key] = batch

        async def flush() -> None:
            if batch.rows:
                await DutyLogEntry.insert(*[DutyLogEntry(**row) for row in batch.rows])

        ctx.flushes[key] = flush
    return ctx.cache[key]


async def apply_append(ctx: ApplyContext, mutation: DutyLogAppend) -> None:
    """`duty_log.append` (D5): validate, then chain the entry onto the office's log."""
    staff, data = ctx.staff, mutation.data
    if staff.role not in DUTY_LOG_WRITERS:
        raise RuleViolation("forbidden", _("Your role does not write the duty log."))
    text = data.text.strip()
    if not text:
        raise RuleViolation("text_required", _("Write what happened."), field="text")
    batch = await _batch(ctx)
    # NOTE: the entry id is the mutation id, which the sync service has already checked against every
    # applied mutation; the primary key guards the rest.
    if data.unit_id is not None and not await has_unit(staff.office_id, data.unit_id):
        raise RuleViolation("unit_not_found", _("That unit is not in your office."), field="unit_id")
    if (
        data.corrects is not None
        and data.corrects not in batch.ids
        and not await DutyLogEntry.exists().where(
            (DutyLogEntry.id == data.corrects) & (DutyLogEntry.office == staff.office_id)
        )
    ):
        raise RuleViolation("corrects_not_found", _("The entry to correct is not in this office's log."))

    recorded_at = aware(mutation.recorded_at)
    # A phone whose clock is wrong does not decide the shift; the server's arrival time does.
    happened, suspect = when_it_happened(recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    shift_date, shift_code = shift_of(happened.astimezone(staff.tz), batch.shift_templates)
    row = {
        "id": mutation.id,
        "office": staff.office_id,
        "seq": batch.seq + 1,
        "author": staff.id,
        "device_id": ctx.device_id,
        "recorded_at": recorded_at,
        "received_at": ctx.received_at,
        "clock_suspect": suspect,
        "shift_date": shift_date,
        "shift_code": shift_code,
        "category": data.category,
        "text": text,
        "unit": data.unit_id,
        "corrects": data.corrects,
        "escalation": data.escalation,
        "prev_hash": batch.head_hash,
    }
    row["entry_hash"] = head = entry_hash(row)
    batch.rows.append(row)
    batch.ids.add(mutation.id)
    batch.seq, batch.head_hash = batch.seq + 1, head
    if data.escalation == "major":  # D6, D7: the manager is alerted at once and acknowledges
        alert_hooks.duty_major(ctx, row, str(CATEGORIES[data.category]))


MUTATIONS = (registry.MutationKind(DutyLogAppend, apply_append, label=lazy("Duty log entry"), deferred_writes=True),)


# --- reading -----------------------------------------------------------------------------------


def _check_office(staff: CurrentStaff, office_id: int) -> None:
    if not can_see_office(staff, office_id):
        raise Forbidden()


_COLUMNS = (
    DutyLogEntry.id,
    DutyLogEntry.seq,
    DutyLogEntry.recorded_at,
    DutyLogEntry.received_at,
    DutyLogEntry.clock_suspect,
    DutyLogEntry.shift_date,
    DutyLogEntry.shift_code,
    DutyLogEntry.category,
    DutyLogEntry.text,
    DutyLogEntry.corrects,
    DutyLogEntry.escalation,
    DutyLogEntry.author.display_name.as_alias("author_name"),
    DutyLogEntry.unit.number.as_alias("unit_number"),
)


def _localise(rows: list[dict], tz: ZoneInfo) -> list[dict]:
    for row in rows:
        for key in ("recorded_at", "received_at"):
            row[key.replace("_at", "_local")] = local(row[key], tz)
        row["synced_late"] = (row["received_at"] - row["recorded_at"]) > timedelta(minutes=2)
    return rows


PAGE_SIZE = 50  # entries on one page of a day's log; the whole day (to print) with all=1


async def entries_for_day(
    staff: CurrentStaff,
    office_id: int,
    day: date,
    shift: str | None = None,
    *,
    before: int | None = None,
    limit: int | None = None,
) -> list[dict]:
    """A day's entries (by shift date) in time order, each correction listed with the entry it corrects
    (D5), whatever day either was written: a correction of an entry not shown here names its original.
    With `limit`: only the latest `limit` entries (by number), below entry number `before` if given."""
    _check_office(staff, office_id)
    query = DutyLogEntry.select(*_COLUMNS).where((DutyLogEntry.office == office_id) & (DutyLogEntry.shift_date == day))
    if shift:
        query = query.where(DutyLogEntry.shift_code == shift)
    if before is not None:
        query = query.where(DutyLogEntry.seq < before)
    if limit is not None:
        window = await query.order_by(DutyLogEntry.seq, ascending=False).limit(limit)
        window.sort(key=lambda r: (r["recorded_at"], r["seq"]))
    else:
        window = await query.order_by(DutyLogEntry.recorded_at).order_by(DutyLogEntry.seq)
    rows = _localise(window, _tz(staff))
    by_id = {row["id"]: _unlinked(row) for row in rows}
    for row in [*rows, *await _corrections_written_elsewhere(staff, office_id, by_id)]:
        if row["corrects"] in by_id:
            by_id[row["corrects"]]["corrections"].append(row)
            row["attached"] = True  # shown beside the entry it corrects
    await _name_originals_elsewhere(office_id, [r for r in rows if r["corrects"] and not r["attached"]])
    return rows


def _unlinked(row: dict) -> dict:
    row["corrections"], row["attached"], row["corrected_entry"] = [], False, None
    return row


async def _corrections_written_elsewhere(staff: CurrentStaff, office_id: int, shown: dict) -> list[dict]:
    """Corrections of the shown entries written on another day (or shift) than the one shown."""
    if not shown:
        return []
    rows = await (
        DutyLogEntry.select(*_COLUMNS)
        .where((DutyLogEntry.office == office_id) & DutyLogEntry.corrects.is_in(list(shown)))
        .order_by(DutyLogEntry.recorded_at)
        .order_by(DutyLogEntry.seq)
    )
    return [_unlinked(row) for row in _localise(rows, _tz(staff)) if row["id"] not in shown]


async def _name_originals_elsewhere(office_id: int, corrections: list[dict]) -> None:
    """Give each correction whose original is not shown the original's day and number, for a link."""
    if not corrections:
        return
    originals = await DutyLogEntry.select(
        DutyLogEntry.id, DutyLogEntry.seq, DutyLogEntry.shift_date, DutyLogEntry.shift_code
    ).where((DutyLogEntry.office == office_id) & DutyLogEntry.id.is_in([c["corrects"] for c in corrections]))
    found = {o["id"]: o for o in originals}
    for row in corrections:
        row["corrected_entry"] = found.get(row["corrects"])


async def escalated_entries(staff: CurrentStaff, office_id: int, limit: int = 100) -> list[dict]:
    """Entries escalated as difficult or major (D6), newest first, for the supervisor and manager."""
    _check_office(staff, office_id)
    rows = (
        await DutyLogEntry.select(*_COLUMNS)
        .where((DutyLogEntry.office == office_id) & (DutyLogEntry.escalation != ""))
        .order_by(DutyLogEntry.seq, ascending=False)
        .limit(limit)
    )
    return _localise(rows, _tz(staff))


async def escalated_page(
    staff: CurrentStaff, office_id: int, cursor: paging.Cursor | None
) -> tuple[list[dict], str | None]:
    """A page of the escalated entries (D6), latest number first, 50 after `cursor`; with the cursor
    of the next page (None: the last)."""
    _check_office(staff, office_id)
    query = DutyLogEntry.select(*_COLUMNS).where((DutyLogEntry.office == office_id) & (DutyLogEntry.escalation != ""))
    rows, more = paging.cut(await paging.after(query, DutyLogEntry.seq, DutyLogEntry.id, cursor), "seq")
    return _localise(rows, _tz(staff)), more


def _tz(staff: CurrentStaff) -> ZoneInfo:
    return staff.tz


# --- verification ---------------------------------------------------------------------------


class ChainBreak(msgspec.Struct):
    office_id: int
    seq: int
    entry_id: str
    reason: str


async def verify_chain(office_id: int | None = None, batch_size: int = 2000) -> list[ChainBreak]:
    """Recompute every office's chain; return the first broken entry of each broken office."""
    offices = [office_id] if office_id is not None else await all_office_ids()
    breaks: list[ChainBreak] = []
    for oid in offices:
        if (found := await _verify_office(oid, batch_size)) is not None:
            breaks.append(found)
    return breaks


async def _verify_office(office_id: int, batch_size: int) -> ChainBreak | None:
    prev_hash, expected_seq, last_seq = GENESIS_HASH, 1, 0
    while True:
        rows = (
            await DutyLogEntry.select()
            .where((DutyLogEntry.office == office_id) & (DutyLogEntry.seq > last_seq))
            .order_by(DutyLogEntry.seq)
            .limit(batch_size)
        )
        if not rows:
            return None
        for row in rows:
            broken = None
            if row["seq"] != expected_seq:
                broken = f"sequence gap: expected {expected_seq}, found {row['seq']}"
            elif row["prev_hash"] != prev_hash:
                broken = "previous-entry hash does not match"
            elif entry_hash(row) != row["entry_hash"]:
                broken = "content does not match its hash"
            if broken:
                return ChainBreak(office_id=office_id, seq=row["seq"], entry_id=str(row["id"]), reason=broken)
            prev_hash, expected_seq, last_seq = row["entry_hash"], expected_seq + 1, row["seq"]


# --- the home page ----------------------------------------------------------------------------


async def home_sections(staff: CurrentStaff, day: date) -> list[dict]:
    """What the home page shows of the duty log: today's latest entries, the escalated ones (D6)."""
    sections: list[dict] = []
    if staff.role in DUTY_LOG_READERS:
        entries = await entries_for_day(staff, staff.office_id, day)
        latest = [_item(e, "%H:%M") for e in entries[-5:][::-1]]
        sections.append(
            {"title": _("Duty log today"), "href": "/duty-log", "items": latest, "empty": _("No entries yet today.")}
        )
    if staff.role in ESCALATION_READERS:
        rows = await escalated_entries(staff, staff.office_id, limit=5)
        sections.append(
            {
                "title": _("Escalated from the duty log"),
                "href": "/duty-log/escalated",
                "items": [_item(e, "%m-%d %H:%M") for e in rows],
                "empty": _("Nothing escalated."),
            }
        )
    return sections


def _item(entry: dict, time_format: str) -> dict:
    return {"text": entry["text"], "meta": entry["recorded_local"].strftime(time_format), "flag": entry["escalation"]}
