"""Move-in reads (M1–M3): the office's inspection list, what a case still lacks (in the words staff
use), the cases, one case whole, and the open defects with their age for the supervisor."""

from __future__ import annotations

from datetime import date

from app.auth.schemas import CurrentStaff
from app.clock import aware, local
from app.errors import Forbidden, RuleViolation, check_found
from app.estate import service as estate
from app.i18n import _
from app.keys import service as keys
from app.movein import rules
from app.movein.tables import MoveIn, MoveInDefect, MoveInDocument, MoveInInspection, MoveInSettings
from app.org.service import can_see_office


def check_reader(staff: CurrentStaff, office_id: int) -> None:
    if staff.role not in rules.READERS or not can_see_office(staff, office_id):
        raise Forbidden()


async def checklist(office_id: int) -> list[tuple[str, str]]:
    """The office's 物业验收清单: (room, item) in order; the default until the supervisor sets one."""
    row = (
        await MoveInSettings.select(MoveInSettings.checklist)
        .where(MoveInSettings.office == office_id)
        .output(load_json=True)
        .first()
    )
    stored = (row or {}).get("checklist") or []
    return [(r, i) for r, i in stored] or list(rules.DEFAULT_CHECKLIST)


async def save_checklist(staff: CurrentStaff, text: str) -> None:
    """One item a line, "room: item" (the supervisor's setting)."""
    if staff.role != "supervisor":
        raise Forbidden()
    items: list[list[str]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        room, sep, item = line.replace("：", ":").partition(":")
        if not sep or not room.strip() or not item.strip() or len(room.strip()) > 30 or len(item.strip()) > 60:
            message = _("Write one item a line as “room: item” (room at most 30 characters, item at most 60).")
            raise RuleViolation("checklist", message, field="checklist")
        if [room.strip(), item.strip()] not in items:
            items.append([room.strip(), item.strip()])
    if not 1 <= len(items) <= 200:
        raise RuleViolation("checklist", _("List 1 to 200 items."), field="checklist")
    if await MoveInSettings.exists().where(MoveInSettings.office == staff.office_id):
        await MoveInSettings.update({MoveInSettings.checklist: items}).where(MoveInSettings.office == staff.office_id)
    else:
        await MoveInSettings.insert(MoveInSettings(office=staff.office_id, checklist=items))


async def missing_for(case: dict) -> list[str]:
    """What the case still lacks, named: documents of its kind, the signed inspection, open defects are
    not blocking (they go to the developer), the agreements, the items issued."""
    have = {
        r["kind"] for r in await MoveInDocument.select(MoveInDocument.kind).where(MoveInDocument.move_in == case["id"])
    }
    missing = [d for d in rules.DOCUMENTS[case["case_kind"]] if d not in have]
    if not await MoveInInspection.exists().where(MoveInInspection.move_in == case["id"]):
        missing.append(rules.INSPECTION_RECORD)
    missing += [a for a in rules.AGREEMENTS if a not in case["agreements"]]
    missing += [i for i in rules.ISSUED if i not in case["issued"]]
    return missing


async def cases(staff: CurrentStaff, office_id: int) -> dict:
    """The office's move-ins (open first) and the units waiting to be handed over."""
    check_reader(staff, office_id)
    rows = (
        await MoveIn.select(
            MoveIn.id,
            MoveIn.unit,
            MoveIn.case_kind,
            MoveIn.owner_name,
            MoveIn.state,
            MoveIn.opened_at,
            MoveIn.completed_at,
        )
        .where(MoveIn.office == office_id)
        .order_by(MoveIn.state, ascending=False)
        .order_by(MoveIn.id, ascending=False)
        .limit(200)
    )
    waiting = await estate.units_in_state(office_id, "not_handed_over")
    labels = {u["id"]: u["label"] for u in waiting}
    for r in rows:
        if r["unit"] not in labels:
            unit = await estate.unit_state(office_id, r["unit"])
            labels[r["unit"]] = unit["label"] if unit else ""
        r["unit_label"] = labels[r["unit"]]
    open_units = {r["unit"] for r in rows if r["state"] == "open"}
    return {"cases": rows, "waiting": [u for u in waiting if u["id"] not in open_units]}


async def case_detail(staff: CurrentStaff, office_id: int, move_in_id: int) -> dict:
    """One case: its unit, documents, inspection, defects, agreements, items, and what is missing."""
    check_reader(staff, office_id)
    case = check_found(
        await MoveIn.select(*MoveIn.all_columns(), MoveIn.completed_by.display_name.as_alias("completed_by_name"))
        .where((MoveIn.id == move_in_id) & (MoveIn.office == office_id))
        .output(load_json=True)
        .first()
    )
    unit = await estate.unit_state(office_id, case["unit"]) or {}
    documents = {
        d["kind"]: d
        for d in await MoveInDocument.select(MoveInDocument.kind, MoveInDocument.photo, MoveInDocument.recorded_at)
        .where(MoveInDocument.move_in == case["id"])
        .order_by(MoveInDocument.id)
    }
    inspection = (
        await MoveInInspection.select(
            *MoveInInspection.all_columns(), MoveInInspection.staff.display_name.as_alias("staff_name")
        )
        .where(MoveInInspection.move_in == case["id"])
        .output(load_json=True)
        .order_by(MoveInInspection.inspected_at, ascending=False)
        .first()
    )
    defects = (
        await MoveInDefect.select()
        .where(MoveInDefect.move_in == case["id"])
        .output(load_json=True)
        .order_by(MoveInDefect.room)
    )
    return {
        "case": case,
        "unit": unit,
        "documents": [(kind, documents.get(kind)) for kind in rules.DOCUMENTS[case["case_kind"]]],
        "inspection": inspection,
        "defects": defects,
        "missing": await missing_for(case) if case["state"] == "open" else [],
        "owner_keys": await keys.owner_keys_of_unit(office_id, case["unit"]),
    }


async def open_defects(staff: CurrentStaff, office_id: int, day: date) -> list[dict]:
    """M2: defects not yet re-inspected, oldest first, each with its age in days (the supervisor's list)."""
    check_reader(staff, office_id)
    rows = (
        await MoveInDefect.select(
            MoveInDefect.id,
            MoveInDefect.move_in,
            MoveInDefect.room,
            MoveInDefect.item,
            MoveInDefect.note,
            MoveInDefect.photos,
            MoveInDefect.reported_on,
            MoveInDefect.move_in.unit.as_alias("unit"),
        )
        .where((MoveInDefect.office == office_id) & (MoveInDefect.state == "open"))
        .output(load_json=True)
        .order_by(MoveInDefect.reported_on)
    )
    labels: dict[int, str] = {}
    for r in rows:
        if r["unit"] not in labels:
            unit = await estate.unit_state(office_id, r["unit"])
            labels[r["unit"]] = unit["label"] if unit else ""
        r["unit_label"] = labels[r["unit"]]
        r["age_days"] = (day - r["reported_on"]).days
    return rows


def local_time(value, staff: CurrentStaff):
    return local(aware(value), staff.tz) if value else None
