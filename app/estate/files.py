"""Resident files (E2): per unit, the documents received with their scans; the supervisor's spot
checks (档案抽查) drawn at random, reproducibly, and the file-error rate they give (K1, < 1 %)."""

from __future__ import annotations

import random
import secrets
from datetime import datetime
from typing import Any

import msgspec

from app import paging
from app.attachments.service import exists_for_office
from app.auth.schemas import CurrentStaff
from app.clock import now
from app.db import write_transaction
from app.errors import RuleViolation, check_found
from app.estate.register import CENTRE_ROLES
from app.estate.schemas import CheckItemRow, CheckRow, DocumentRecord, ErrorRate, FileCheckMark, FileItem
from app.estate.tables import FileCheck, FileCheckItem, FileDocument, Office, Unit
from app.i18n import _
from app.sync.registry import ApplyContext

# E2 / M1 / M3: the documents of a file, from the seeds (configurable per office).
DEFAULT_FILE_CHECKLIST = [
    "购房合同复印件",
    "身份证复印件",
    "入住通知单",
    "委托书及受托人身份证",
    "单位证明",
    "住户登记表",
    "临时管理规约",
    "精神文明建设公约",
    "区域防火责任书",
    "装修资料",
]
CHECKERS = frozenset({"supervisor", "manager"})
MAX_DRAW = 200


def require_centre(staff: CurrentStaff) -> None:
    """E2: files are confidential, for the service centre only."""
    if staff.role not in CENTRE_ROLES:
        raise RuleViolation("forbidden", _("Resident files are for the service centre only."))


async def file_checklist(office_id: int) -> list[str]:
    row = await Office.select(Office.file_checklist).where(Office.id == office_id).output(load_json=True).first()
    return list((row or {}).get("file_checklist") or DEFAULT_FILE_CHECKLIST)


async def save_file_checklist(staff: CurrentStaff, text: str) -> list[str]:
    """The office's checklist, one document a line (the supervisor's setting)."""
    if staff.role != "supervisor":
        raise RuleViolation("forbidden", _("Only the supervisor changes the office's settings."))
    items = list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))
    if not items or len(items) > 40 or any(len(i) > 50 for i in items):
        raise RuleViolation("checklist", _("List 1 to 40 documents, each at most 50 characters."), field="checklist")
    await Office.update({Office.file_checklist: items}).where(Office.id == staff.office_id)
    return items


async def file_of_unit(staff: CurrentStaff, office_id: int, unit_id: int) -> list[FileItem]:
    """The unit's file: every checklist document, received or not (the latest record of each)."""
    require_centre(staff)
    check_found(await Unit.select(Unit.id).where((Unit.id == unit_id) & (Unit.office == office_id)).first())
    rows = (
        await FileDocument.select(
            FileDocument.kind,
            FileDocument.attachment,
            FileDocument.note,
            FileDocument.received_by.display_name.as_alias("received_by"),
            FileDocument.received_at,
        )
        .where((FileDocument.unit == unit_id) & (FileDocument.office == office_id))
        .order_by(FileDocument.id)
    )
    latest = {r["kind"]: r for r in rows}
    kinds = await file_checklist(office_id)
    kinds += [k for k in latest if k not in kinds]  # a document of a kind since removed stays visible
    return [
        msgspec.convert({"kind": k, "received": True} | latest[k], FileItem) if k in latest else FileItem(k, False)
        for k in kinds
    ]


async def apply_document_record(ctx: ApplyContext, mutation: DocumentRecord) -> None:
    """E2: a document received; its scan must have been uploaded for this office first."""
    staff, data = ctx.staff, mutation.data
    require_centre(staff)
    if not await Unit.exists().where((Unit.id == data.unit_id) & (Unit.office == staff.office_id)):
        raise RuleViolation("no_unit", _("Choose a unit of this office."), field="unit_id")
    if data.kind not in await file_checklist(staff.office_id):
        raise RuleViolation("kind", _("Choose a document of the checklist."), field="kind")
    if data.attachment and not await exists_for_office(data.attachment, staff.office_id):
        raise RuleViolation("photo_missing", _("The scan has not reached the server."), field="attachment")
    await FileDocument.insert(
        FileDocument(
            office=staff.office_id,
            unit=data.unit_id,
            kind=data.kind,
            attachment=data.attachment,
            note=data.note.strip(),
            received_by=staff.id,
            received_at=now(),
        )
    )


def draw(seed: str, population: list[int], k: int) -> list[int]:
    """The seeded draw: the same seed and population give the same files (as F3's draws)."""
    return sorted(random.Random(seed).sample(sorted(population), min(k, len(population))))


async def draw_file_check(staff: CurrentStaff, size: int) -> int:
    """K1 档案抽查: draw `size` of the office's active units' files; seed and population are stored."""
    if staff.role not in CHECKERS:
        raise RuleViolation("forbidden", _("Only the supervisor or manager draws a spot check."))
    if not 1 <= size <= MAX_DRAW:
        raise RuleViolation("size", _("Draw between 1 and %(n)s files.", n=MAX_DRAW), field="size")
    rows = await Unit.select(Unit.id).where((Unit.office == staff.office_id) & Unit.active.eq(True))
    population = sorted(r["id"] for r in rows)
    if not population:
        raise RuleViolation("empty", _("The office has no units yet."), field="size")
    seed = secrets.token_hex(8)
    async with write_transaction():
        check = FileCheck(office=staff.office_id, seed=seed, size=size, population=population, drawn_by=staff.id)
        check_id = (await FileCheck.insert(check))[0]["id"]
        await FileCheckItem.insert(
            *[FileCheckItem(office=staff.office_id, check=check_id, unit=u) for u in draw(seed, population, size)]
        )
    return check_id


async def verify_draw(check_id: int) -> bool:
    """Audit: redo a stored draw from its seed and population."""
    row = check_found(await FileCheck.select().where(FileCheck.id == check_id).output(load_json=True).first())
    chosen = await FileCheckItem.select(FileCheckItem.unit).where(FileCheckItem.check == check_id)
    return draw(row["seed"], row["population"], row["size"]) == sorted(r["unit"] for r in chosen)


CHECKS_PAGE = 10  # spot checks on one page (each lists its drawn files)


async def list_file_checks(
    staff: CurrentStaff, office_id: int, cursor: paging.Cursor | None = None
) -> tuple[list[CheckRow], str | None]:
    """K1: the office's spot checks, latest first, 10 a page after `cursor`, each with its files;
    with the cursor of the next page (None: the last)."""
    require_centre(staff)
    query = FileCheck.select(FileCheck.id, FileCheck.seed, FileCheck.size, FileCheck.drawn_at).where(
        FileCheck.office == office_id
    )
    query = paging.after(query, FileCheck.id, FileCheck.id, cursor, size=CHECKS_PAGE)
    checks, more = paging.cut(await query, "id", size=CHECKS_PAGE)
    ids = [c["id"] for c in checks]
    items = await FileCheckItem.select(
        FileCheckItem.id,
        FileCheckItem.check,
        FileCheckItem.unit,
        FileCheckItem.unit.number.as_alias("number"),
        FileCheckItem.unit.building.name.as_alias("building"),  # type: ignore[union-attr]
        FileCheckItem.correct,
        FileCheckItem.errors,
        FileCheckItem.checked_at,
    ).where(FileCheckItem.check.is_in(ids or [0]))
    per: dict[int, list[CheckItemRow]] = {}
    for i in items:
        label = f"{i.pop('building')} {i.pop('number')}"
        per.setdefault(i.pop("check"), []).append(msgspec.convert(i | {"unit_label": label}, CheckItemRow))
    return [
        msgspec.structs.replace(msgspec.convert(c, CheckRow), items=sorted(per.get(c["id"], []), key=lambda x: x.unit))
        for c in checks
    ], more


async def apply_file_check_mark(ctx: ApplyContext, mutation: FileCheckMark) -> None:
    """K1: a drawn file is correct, or its errors are listed (a wrong file needs them)."""
    staff, data = ctx.staff, mutation.data
    if staff.role not in CHECKERS:
        raise RuleViolation("forbidden", _("Only the supervisor or manager marks a spot check."))
    where = (FileCheckItem.id == data.item_id) & (FileCheckItem.office == staff.office_id)
    check_found(await FileCheckItem.select(FileCheckItem.id).where(where).first())
    errors = data.errors.strip()
    if not data.correct and not errors:
        raise RuleViolation("errors_required", _("List what is wrong with this file."), field="errors")
    values: dict[Any, Any] = {FileCheckItem.correct: data.correct, FileCheckItem.errors: "" if data.correct else errors}
    await FileCheckItem.update(values | {FileCheckItem.checked_by: staff.id, FileCheckItem.checked_at: now()}).where(
        where
    )


async def file_error_rate(office_id: int, since: datetime, until: datetime) -> ErrorRate:
    """K1 resident-file error rate (< 1 %): files marked wrong over files checked, checked in [since, until)."""
    rows = await FileCheckItem.select(FileCheckItem.correct).where(
        (FileCheckItem.office == office_id)
        & FileCheckItem.checked_at.is_not_null()
        & (FileCheckItem.checked_at >= since)
        & (FileCheckItem.checked_at < until)
    )
    return ErrorRate(wrong=sum(1 for r in rows if r["correct"] is False), checked=len(rows))
