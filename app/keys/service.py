"""The key register and lending (SPEC K2): keys kept at the duty room, each lending recorded (who, what
for, out, back), offline on the duty phone. Lending and return are state changes (DESIGN "Conflicts"):
a key already out is not lent again, a key not out is not returned; what a refused change carried is
kept as a note on the key. Keys out longer than the office's limit (default 4 h) are overdue."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import msgspec

from app import paging
from app.auth import directory
from app.auth.schemas import CurrentStaff
from app.clock import aware, now, when_it_happened
from app.errors import Forbidden, NotFound, RuleViolation, StaleChange, check_found
from app.i18n import _, lazy
from app.keys.schemas import KeyForm, KeyLend, KeyOut, KeyReturn, KeyView, Lending, NoteView
from app.keys.tables import Key, KeyLending, KeyNote, KeySettings
from app.org.service import can_see_office, unit_in_office, units_of_office
from app.sync import registry
from app.sync.registry import ApplyContext

KINDS: dict[str, str] = {
    "owner": lazy("Owner's key (before move-in)"),
    "public": lazy("Public-area key"),
    "emergency": lazy("Emergency key"),
}
KEY_READERS = frozenset({"duty", "frontdesk", "patrol", "supervisor", "manager", "qa"})  # = app.nav "Keys"
KEY_LENDERS = frozenset({"duty", "frontdesk", "supervisor", "manager"})
KEY_ADMINS = frozenset({"frontdesk", "supervisor", "manager"})
DEFAULT_OVERDUE_MINUTES = 240


def check_reader(staff: CurrentStaff, office_id: int) -> None:
    if staff.role not in KEY_READERS or not can_see_office(staff, office_id):
        raise Forbidden()


# --- lending (offline mutations) -------------------------------------------------------------


async def _key_of_office(key_id: int, office_id: int) -> dict:
    row = (
        await Key.select(Key.id, Key.code, Key.name, Key.kind, Key.active)
        .where((Key.id == key_id) & (Key.office == office_id))
        .first()
    )
    if row is None:
        raise RuleViolation("key_not_found", _("That key is not in your office's register."), field="key_id")
    return row


async def _open_lending(key_id: int) -> dict | None:
    query = KeyLending.select(*_LENDING_COLUMNS).where((KeyLending.key == key_id) & KeyLending.back_at.is_null())
    row = await query.first()
    return _with_borrower(row) if row else None


def _keep(ctx: ApplyContext, key_id: int, text: str):
    async def keep() -> None:
        await KeyNote.insert(KeyNote(office=ctx.staff.office_id, key=key_id, author=ctx.staff.id, text=text))

    return keep


async def _borrower_checked(ctx: ApplyContext, m: KeyLend, kind: str) -> None:
    data = m.data
    if data.borrower_staff_id is not None:
        if not await directory.staff_of_office(ctx.staff.office_id, ids=[data.borrower_staff_id]):
            raise RuleViolation(
                "staff_not_found", _("That colleague is not in your office."), field="borrower_staff_id"
            )
    elif not data.borrower_name.strip():
        raise RuleViolation(
            "borrower_required", _("Choose a colleague or write the person's name."), field="borrower_name"
        )
    elif len(data.borrower_phone_tail) != 4:
        message = _("Write the last 4 digits of the person's phone.")
        raise RuleViolation("phone_tail_required", message, field="borrower_phone_tail")
    if kind == "emergency" and not data.approved_by.strip():
        message = _("An emergency key is used only with the duty manager's approval: write who approved.")
        raise RuleViolation("approval_required", message, field="approved_by")


async def apply_lend(ctx: ApplyContext, m: KeyLend) -> None:
    """`key.lend` (K2): the key must be in; the lending's id is the mutation's id."""
    if ctx.staff.role not in KEY_LENDERS:
        raise RuleViolation("forbidden", _("Your role does not lend keys."))
    key = await _key_of_office(m.data.key_id, ctx.staff.office_id)
    if not key["active"]:
        raise RuleViolation("key_retired", _("This key is no longer kept in the register."), field="key_id")
    await _borrower_checked(ctx, m, key["kind"])
    if (open_ := await _open_lending(key["id"])) is not None:
        text = _(
            "Lending to %(who)s (%(what)s) refused: the key was out with %(holder)s.",
            who=_borrower_text(m.data),
            what=m.data.note,
            holder=open_["borrower"],
        )
        message = _(
            "This key is recorded as out with %(holder)s. If it is back on its hook, record the return "
            "first, then lend it again.",
            holder=open_["borrower"],
        )
        raise StaleChange(message, keep=_keep(ctx, key["id"], text))
    happened, suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    data = m.data
    await KeyLending.insert(
        KeyLending(
            id=m.id,
            office=ctx.staff.office_id,
            key=key["id"],
            borrower_staff=data.borrower_staff_id,
            borrower_name="" if data.borrower_staff_id else data.borrower_name.strip(),
            borrower_phone_tail="" if data.borrower_staff_id else data.borrower_phone_tail,
            note=data.note.strip(),
            approved_by=data.approved_by.strip(),
            out_at=happened,
            out_by=ctx.staff.id,
            clock_suspect=suspect,
            received_at=ctx.received_at,
        )
    )


def _borrower_text(data: Any) -> str:
    return data.borrower_name or _("a colleague")


async def apply_return(ctx: ApplyContext, m: KeyReturn) -> None:
    """`key.return` (K2): the key must be out, under the lending the phone saw (if it names one)."""
    if ctx.staff.role not in KEY_LENDERS:
        raise RuleViolation("forbidden", _("Your role does not lend keys."))
    key = await _key_of_office(m.data.key_id, ctx.staff.office_id)
    open_ = await _open_lending(key["id"])
    kept = _("Return refused: %(note)s", note=m.data.note) if m.data.note else ""
    if open_ is None or (m.data.lending_id is not None and open_["id"] != m.data.lending_id):
        message = (
            _("This key is not out: its return was already recorded.")
            if open_ is None
            else _("That lending was already returned; the key is now out with %(holder)s.", holder=open_["borrower"])
        )
        raise StaleChange(message, keep=_keep(ctx, key["id"], kept) if kept else None)
    happened, suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    out_at = aware(open_["out_at"])
    await KeyLending.update(
        {
            KeyLending.back_at: max(happened, out_at),
            KeyLending.back_by: ctx.staff.id,
            KeyLending.return_note: m.data.note.strip(),
            KeyLending.clock_suspect: open_["clock_suspect"] or suspect or happened < out_at,
        }
    ).where(KeyLending.id == open_["id"])


MUTATIONS = (
    registry.MutationKind(KeyLend, apply_lend, label=lazy("Key lent")),
    registry.MutationKind(KeyReturn, apply_return, label=lazy("Key returned")),
)


# --- reading -----------------------------------------------------------------------------------

_LENDING_COLUMNS = (
    KeyLending.id,
    KeyLending.key,
    KeyLending.borrower_name,
    KeyLending.borrower_phone_tail,
    KeyLending.borrower_staff.display_name.as_alias("staff_name"),
    KeyLending.note,
    KeyLending.approved_by,
    KeyLending.out_at,
    KeyLending.out_by.display_name.as_alias("out_by"),
    KeyLending.back_at,
    KeyLending.back_by.display_name.as_alias("back_by"),
    KeyLending.return_note,
    KeyLending.clock_suspect,
)


def _with_borrower(row: dict) -> dict:
    if row.get("staff_name"):
        row["borrower"] = row["staff_name"]
    else:
        row["borrower"] = f"{row['borrower_name']}（{_('phone ending %(n)s', n=row['borrower_phone_tail'])}）"
    row["back_by"] = row.get("back_by") or ""
    return row


async def overdue_minutes(office_id: int) -> int:
    row = await KeySettings.select(KeySettings.overdue_minutes).where(KeySettings.office == office_id).first()
    return row["overdue_minutes"] if row else DEFAULT_OVERDUE_MINUTES


async def set_overdue_minutes(staff: CurrentStaff, minutes: int) -> None:
    if staff.role not in {"supervisor", "manager"}:
        raise Forbidden()
    if not 10 <= minutes <= 10080:
        message = _("Choose from 10 minutes to 10080 (a week).")
        raise RuleViolation("out_of_range", message, field="overdue_minutes")
    updated = (
        await KeySettings.update({KeySettings.overdue_minutes: minutes})
        .where(KeySettings.office == staff.office_id)
        .returning(KeySettings.id)
    )
    if not updated:
        await KeySettings.insert(KeySettings(office=staff.office_id, overdue_minutes=minutes))


async def keys_out(office_id: int, at: datetime | None = None) -> list[KeyOut]:
    """Every key of the office that is out, longest out first, each flagged when overdue (K2; H4 counts them)."""
    at = at or now()
    limit = timedelta(minutes=await overdue_minutes(office_id))
    rows = (
        await KeyLending.select(
            *_LENDING_COLUMNS, KeyLending.key.code, KeyLending.key.name, KeyLending.key.kind, KeyLending.key.hook
        )
        .where((KeyLending.office == office_id) & KeyLending.back_at.is_null())
        .order_by(KeyLending.out_at)
    )
    return [
        KeyOut(
            lending_id=r["id"],
            key_id=r["key"],
            code=r["key.code"],
            name=r["key.name"],
            kind=r["key.kind"],
            hook=r["key.hook"],
            borrower=_with_borrower(r)["borrower"],
            note=r["note"],
            out_at=aware(r["out_at"]),
            overdue=at - aware(r["out_at"]) > limit,
        )
        for r in rows
    ]


async def overdue_keys(office_id: int, at: datetime) -> list[KeyOut]:
    """The keys out longer than the office's limit at `at` (K2): for the duty officer's home page."""
    return [k for k in await keys_out(office_id, at) if k.overdue]


_KEY_COLUMNS = (Key.id, Key.code, Key.name, Key.kind, Key.hook, Key.area, Key.note, Key.active, Key.unit)


def _key_view(row: dict, units: dict[int, str], out: dict[int, KeyOut]) -> KeyView:
    return KeyView(
        id=row["id"],
        code=row["code"],
        name=row["name"],
        kind=row["kind"],
        hook=row["hook"],
        area=row["area"],
        note=row["note"],
        active=row["active"],
        unit_id=row["unit"],
        unit_label=units.get(row["unit"], ""),
        lending=out.get(row["id"]),
    )


async def unit_labels(office_id: int) -> dict[int, str]:
    return {u["id"]: f"{u['building']} {u['number']}" for u in await units_of_office(office_id)}


async def register(staff: CurrentStaff, office_id: int, kind: str | None = None, q: str = "") -> list[KeyView]:
    """The office's key register, by kind and code; each key with its open lending if out."""
    check_reader(staff, office_id)
    query = Key.select(*_KEY_COLUMNS).where(Key.office == office_id)
    if kind in KINDS:
        query = query.where(Key.kind == kind)
    if q:
        query = query.where(Key.code.ilike(f"%{q}%") | Key.name.ilike(f"%{q}%") | Key.hook.ilike(f"%{q}%"))
    rows = await query.order_by(Key.active, ascending=False).order_by(Key.kind).order_by(Key.code)
    out = {k.key_id: k for k in await keys_out(office_id)}
    units = await unit_labels(office_id)
    return [_key_view(r, units, out) for r in rows]


LENDINGS_PAGE = 30  # lendings of one key on a page (the number the page always showed)


async def key_detail(
    staff: CurrentStaff, office_id: int, key_id: int, cursor: paging.Cursor | None = None
) -> tuple[KeyView, list[Lending], list[NoteView], str | None]:
    """One key: its state, its lendings (latest first, 30 a page after `cursor`, with the next page's
    cursor) and the notes kept from refused changes."""
    check_reader(staff, office_id)
    row = check_found(await Key.select(*_KEY_COLUMNS).where((Key.id == key_id) & (Key.office == office_id)).first())
    out = {k.key_id: k for k in await keys_out(office_id) if k.key_id == key_id}
    view = _key_view(row, await unit_labels(office_id), out)
    query = KeyLending.select(*_LENDING_COLUMNS).where((KeyLending.key == key_id) & (KeyLending.office == office_id))
    query = paging.after(query, KeyLending.out_at, KeyLending.id, cursor, size=LENDINGS_PAGE)
    rows, more = paging.cut(await query, "out_at", size=LENDINGS_PAGE)
    lendings = [msgspec.convert(_with_borrower(r), Lending, strict=False) for r in rows]
    notes = (
        await KeyNote.select(KeyNote.text, KeyNote.author.display_name.as_alias("author"), KeyNote.created_at)
        .where(KeyNote.key == key_id)
        .order_by(KeyNote.created_at, ascending=False)
        .limit(20)
    )
    return view, lendings, [msgspec.convert(n, NoteView, strict=False) for n in notes], more


async def colleagues(office_id: int) -> list[tuple[int, str]]:
    """The office's active staff, for "who took it"."""
    found = await directory.staff_of_office(office_id)
    return sorted(((p.id, p.display_name) for p in found), key=lambda item: item[1])


# --- the register (online forms) -------------------------------------------------------------


async def save_key(staff: CurrentStaff, form: KeyForm, key_id: int | None = None) -> int:
    """Add or edit a key (K2): an owner's key names its unit; codes are unique in the office."""
    if staff.role not in KEY_ADMINS:
        raise Forbidden()
    if form.kind == "owner" and form.unit_id is None:
        raise RuleViolation("unit_required", _("An owner's key names the unit it opens."), field="unit_id")
    if form.unit_id is not None:
        try:
            await unit_in_office(form.unit_id, staff.office_id)
        except NotFound:
            raise RuleViolation("unit_not_found", _("That unit is not in your office."), field="unit_id") from None
    clash = Key.exists().where((Key.office == staff.office_id) & (Key.code == form.code.strip()))
    if key_id is not None:
        clash = clash.where(Key.id != key_id)
    if await clash:
        raise RuleViolation("code_taken", _("Another key already has this code."), field="code")
    values: dict[Any, Any] = {
        "code": form.code.strip(),
        "name": form.name.strip(),
        "kind": form.kind,
        "hook": form.hook.strip(),
        "unit": form.unit_id,
        "area": form.area.strip(),
        "note": form.note.strip(),
        "active": form.active,
    }
    if key_id is None:
        return (await Key.insert(Key(office=staff.office_id, **values)).returning(Key.id))[0]["id"]
    if not form.active and await _open_lending(key_id):
        raise RuleViolation("key_out", _("This key is out: record its return first."), field="active")
    check_found(await Key.update(values).where((Key.id == key_id) & (Key.office == staff.office_id)).returning(Key.id))
    return key_id


# --- move-in (M3): the owner's keys of a unit handed over ----------------------------------------


async def owner_keys_of_unit(office_id: int, unit_id: int) -> list[dict]:
    """The owner's keys of a unit still kept in the register: id, code, name."""
    return (
        await Key.select(Key.id, Key.code, Key.name)
        .where((Key.office == office_id) & (Key.unit == unit_id) & (Key.kind == "owner") & Key.active.eq(True))
        .order_by(Key.code)
    )


async def hand_over_keys(office_id: int, unit_id: int, key_ids: list[int], note: str) -> None:
    """M3: the owner signed for these keys: they leave the register (no longer kept)."""
    if key_ids:
        await Key.update({Key.active: False, Key.note: note[:200]}).where(
            (Key.office == office_id) & (Key.unit == unit_id) & Key.id.is_in(key_ids)
        )
