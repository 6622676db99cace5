"""Importing the finance department's arrears export (SPEC $1): upload → preview listing every row's
problem → confirm, all or nothing. Re-importing the same file changes nothing (a row equal to the unit's
status is unchanged; a row older than it is skipped). Read with app.spreadsheets (XLSX, CSV UTF-8/GB18030)."""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from app.auth.schemas import CurrentStaff
from app.clock import now, today
from app.db import write_transaction
from app.errors import RuleViolation, check_found
from app.fees.schemas import ChangeKind, Preview, PreviewLine, RowProblem
from app.fees.tables import FeeImport, FeeStatus, FeeUpload
from app.i18n import _
from app.org.service import units_of_office
from app.spreadsheets import Sheet, SpreadsheetError, read_table

COLUMNS: dict[str, tuple[str, ...]] = {  # our name → headers seen in finance exports (first is the template's)
    "building": ("楼栋", "栋", "楼号", "楼宇", "building"),
    "number": ("房号", "户号", "房间号", "单元号", "unit"),
    "months": ("欠费月数", "月数", "欠费月份", "months"),
    "amount": ("欠费金额", "金额", "欠款金额", "欠费金额(元)", "欠费金额（元）", "amount"),
    "as_of": ("截止日期", "截至日期", "统计日期", "日期", "as_of"),
}
MAX_AMOUNT_FEN = 1_000_000_000  # 10,000,000 yuan: more than any unit owes, inside the column's range
MAX_MONTHS = 600
_BUILDING_SUFFIX = re.compile(r"(号楼|栋|幢|座|楼)$")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def _building_key(text: str) -> str:
    return _BUILDING_SUFFIX.sub("", text.replace(" ", "").upper())


def _unit_index(units: list[dict]) -> dict[tuple[str, str], dict]:
    """(building, number) → unit, with the number also without its building prefix ("1-101" and "101")."""
    index: dict[tuple[str, str], dict] = {}
    for unit in units:
        b, n = _building_key(unit["building"]), unit["number"].replace(" ", "").upper()
        index[(b, n)] = unit
        if n.startswith(f"{b}-"):
            index.setdefault((b, n[len(b) + 1 :]), unit)
    return index


def _headers(sheet: Sheet) -> tuple[dict[str, str], list[RowProblem]]:
    found: dict[str, str] = {}
    for name, aliases in COLUMNS.items():
        for header in sheet.headers:
            if header.replace(" ", "").lower() in aliases:
                found[name] = header
                break
    missing = [COLUMNS[name][0] for name in COLUMNS if name not in found]
    return found, [RowProblem(sheet.header_row, column, _("This column is missing.")) for column in missing]


def _amount(text: str) -> int | None:
    cleaned = text.replace(",", "").replace("，", "").replace("¥", "").replace("￥", "").replace("元", "").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        return None
    fen = int(value * 100)
    return fen if fen <= MAX_AMOUNT_FEN else None


def _months(text: str) -> int | None:
    try:
        value = Decimal(text.strip() or "x")
    except InvalidOperation:
        return None
    return int(value) if value == value.to_integral_value() and 0 <= value <= MAX_MONTHS else None


def _date(text: str, latest: date) -> date | None:
    if not (m := _DATE.match(text.strip()[:10] if "T" in text else text.strip())):
        return None
    try:
        value = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return value if date(2000, 1, 1) <= value <= latest else None


async def preview(staff: CurrentStaff, token: uuid.UUID) -> Preview:
    """What confirming the upload would do: each row's line and change, or its problem (nothing written)."""
    upload = check_found(
        await FeeUpload.select()
        .where((FeeUpload.id == token) & (FeeUpload.office == staff.office_id) & (FeeUpload.staff == staff.id))
        .first()
    )
    try:
        sheet = read_table(bytes(upload["content"]), upload["filename"])
    except SpreadsheetError as exc:
        return Preview(token, upload["filename"], [], [RowProblem(0, "", str(exc))])
    columns, problems = _headers(sheet)
    if problems:
        return Preview(token, upload["filename"], [], problems)
    index = _unit_index(await units_of_office(staff.office_id))
    current = {r["unit"]: r for r in await FeeStatus.select().where(FeeStatus.office == staff.office_id)}
    lines: list[PreviewLine] = []
    seen: dict[int, int] = {}
    latest = today(staff.tz) + timedelta(days=1)
    for i, row in sheet.numbered():
        line = _line(i, row, columns, index, latest, problems)
        if line is None:
            continue
        if line.unit_id in seen:
            problems.append(
                RowProblem(i, COLUMNS["number"][0], _("The same unit is already on row %(n)s.", n=seen[line.unit_id]))
            )
            continue
        seen[line.unit_id] = i
        line.change = _change(line, current.get(line.unit_id))
        lines.append(line)
    return Preview(token, upload["filename"], lines, problems)


def _line(
    i: int, row: dict, columns: dict, index: dict, latest: date, problems: list[RowProblem]
) -> PreviewLine | None:
    before = len(problems)
    building, number = row.get(columns["building"], "").strip(), row.get(columns["number"], "").strip()
    unit = index.get((_building_key(building), number.replace(" ", "").upper()))
    if not building or not number:
        problems.append(
            RowProblem(i, COLUMNS["building" if not building else "number"][0], _("This field is required."))
        )
    elif unit is None:
        problems.append(
            RowProblem(
                i, COLUMNS["number"][0], _("No unit %(unit)s in this office's register.", unit=f"{building} {number}")
            )
        )
    months = _months(row.get(columns["months"], ""))
    if months is None:
        problems.append(
            RowProblem(i, COLUMNS["months"][0], _("Months owed must be a whole number from 0 to %(n)s.", n=MAX_MONTHS))
        )
    fen = _amount(row.get(columns["amount"], ""))
    if fen is None:
        problems.append(
            RowProblem(
                i,
                COLUMNS["amount"][0],
                _("The amount must be a number of yuan from 0 to 10,000,000, at most 2 decimals."),
            )
        )
    as_of = _date(row.get(columns["as_of"], ""), latest)
    if as_of is None:
        problems.append(RowProblem(i, COLUMNS["as_of"][0], _("Write the date as 2026-12-01 (not in the future).")))
    if len(problems) > before or unit is None or months is None or fen is None or as_of is None:
        return None
    label = f"{unit['building']} {unit['number']}"
    return PreviewLine(i, unit["id"], label, months, fen, as_of, "new")


def _change(line: PreviewLine, status: dict | None) -> ChangeKind:
    if status is None:
        return "new"
    if line.as_of < status["as_of"]:
        return "older"  # an export older than what is on file does not overwrite it
    same = (status["months_owed"], status["amount_fen"], status["as_of"]) == (
        line.months_owed,
        line.amount_fen,
        line.as_of,
    )
    return "unchanged" if same else "changed"


async def upload(staff: CurrentStaff, content: bytes, filename: str) -> uuid.UUID:
    """Keep an uploaded export until its preview is confirmed; older uploads of the office are dropped."""
    if staff.role not in IMPORTERS:
        raise RuleViolation("forbidden", _("Your role does not import fee status."))
    try:
        read_table(content, filename)  # refuse what cannot be read (too large, not a spreadsheet) at once
    except SpreadsheetError as exc:
        raise RuleViolation("unreadable", str(exc), field="file") from exc
    token = uuid.uuid4()
    async with write_transaction():
        await FeeUpload.delete().where(
            (FeeUpload.office == staff.office_id) & (FeeUpload.created_at < now() - timedelta(days=1))
        )
        await FeeUpload.insert(
            FeeUpload(
                id=token,
                office=staff.office_id,
                staff=staff.id,
                filename=filename[:200],
                sha256=hashlib.sha256(content).hexdigest(),
                content=content,
            )
        )
    return token


async def confirm(staff: CurrentStaff, token: uuid.UUID) -> int:
    """Write the previewed lines, all or nothing ($1); returns how many units changed (0 for the same file)."""
    result = await preview(staff, token)
    if result.problems:
        raise RuleViolation("rows_have_problems", _("Correct the rows listed, then upload the file again."))
    todo = [line for line in result.lines if line.change in ("new", "changed")]
    async with write_transaction():
        if todo:
            sha = (await FeeUpload.select(FeeUpload.sha256).where(FeeUpload.id == token).first() or {}).get(
                "sha256", ""
            )
            batch = (
                await FeeImport.insert(
                    FeeImport(
                        office=staff.office_id,
                        staff=staff.id,
                        filename=result.filename,
                        sha256=sha,
                        row_count=len(result.lines),
                        changed=len(todo),
                    )
                ).returning(FeeImport.id)
            )[0]["id"]
            await _write(staff.office_id, batch, todo)
        await FeeUpload.delete().where(FeeUpload.id == token)
    return len(todo)


async def _write(office_id: int, batch: int, todo: list[PreviewLine]) -> None:
    at: datetime = now()
    new = [line for line in todo if line.change == "new"]
    if new:
        await FeeStatus.insert(
            *[
                FeeStatus(
                    office=office_id,
                    unit=line.unit_id,
                    months_owed=line.months_owed,
                    amount_fen=line.amount_fen,
                    as_of=line.as_of,
                    fee_import=batch,
                    updated_at=at,
                )
                for line in new
            ]
        )
    for line in todo:
        if line.change == "changed":
            await FeeStatus.update(
                {
                    FeeStatus.months_owed: line.months_owed,
                    FeeStatus.amount_fen: line.amount_fen,
                    FeeStatus.as_of: line.as_of,
                    FeeStatus.fee_import: batch,
                    FeeStatus.updated_at: at,
                }
            ).where((FeeStatus.unit == line.unit_id) & (FeeStatus.office == office_id))


IMPORTERS = frozenset({"frontdesk", "supervisor", "manager"})
TEMPLATE_HEADERS = [aliases[0] for aliases in COLUMNS.values()]
