"""Spreadsheets in and out, the way the office's staff use Excel: XLSX (openpyxl) and CSV in UTF-8 or
GB18030 (what Chinese Excel writes). One reader for every import, one writer for every export."""

from __future__ import annotations

import csv
import io
import itertools
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook, load_workbook

from app.i18n import _

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # an estate of 10,000 units is well under 2 MB as XLSX
MAX_ROWS = 50_000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class SpreadsheetError(ValueError):
    """The upload cannot be read as a table; the message says why in the user's language."""


@dataclass(frozen=True)
class Sheet:
    """A table read from a file: its header row and the data rows, each a dict by header.
    `row_numbers[i]` is the row of rows[i] as staff see it in Excel (title rows above the header
    and blank rows between are counted, so a problem points at the right line)."""

    headers: list[str]
    rows: list[dict[str, str]]
    row_numbers: list[int]
    header_row: int = 1

    def numbered(self) -> Iterable[tuple[int, dict[str, str]]]:
        """(Excel row number, cells) for each data row."""
        return zip(self.row_numbers, self.rows, strict=True)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 402.0 from a numeric cell is the unit "402"
    if hasattr(value, "isoformat"):
        value = value.isoformat()
        if value.endswith("T00:00:00"):
            value = value[:10]
    return str(value).strip()


TITLE_ROWS = 3  # how many lines above the header a sheet may spend on titles ("翠湖花园房屋档案 2026年")


def _table(rows: Iterable[Sequence[Any]]) -> Sheet:
    """The header is the fullest of the first few non-empty rows (the first, on a tie): a title
    typed (often merged) across the top fills one cell and is passed over, as a reader would."""
    numbered = ((n, [_cell_text(v) for v in raw]) for n, raw in enumerate(rows, start=1))
    nonempty = ((n, values) for n, values in numbered if any(values))
    head = list(itertools.islice(nonempty, TITLE_ROWS + 1))
    if not head:
        raise SpreadsheetError(_("The file has no header row."))
    at = max(range(len(head)), key=lambda i: (sum(1 for v in head[i][1] if v), -i))
    header_row, headers = head[at]
    while headers and not headers[-1]:
        headers.pop()
    out: list[dict[str, str]] = []
    numbers: list[int] = []
    for number, values in itertools.chain(head[at + 1 :], nonempty):
        if len(out) >= MAX_ROWS:
            raise SpreadsheetError(_("The file has more than %(n)s rows.", n=MAX_ROWS))
        out.append({h: (values[i] if i < len(values) else "") for i, h in enumerate(headers) if h})
        numbers.append(number)
    return Sheet(headers=[h for h in headers if h], rows=out, row_numbers=numbers, header_row=header_row)


def _decode_csv(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(_("The CSV file is neither UTF-8 nor GB18030 text."))


def read_table(content: bytes, filename: str = "") -> Sheet:
    """Read the first sheet of an XLSX, or a CSV (UTF-8 with or without BOM, or GB18030)."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise SpreadsheetError(_("The file is too large (at most %(n)s MB).", n=MAX_UPLOAD_BYTES // (1024 * 1024)))
    if not content:
        raise SpreadsheetError(_("The file is empty."))
    if content[:4] == b"PK\x03\x04":
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise SpreadsheetError(_("This is not an Excel workbook (.xlsx) that can be read.")) from exc
        try:
            sheet = workbook.worksheets[0]
            return _table(sheet.iter_rows(values_only=True))
        finally:
            workbook.close()
    if filename.lower().endswith((".xls", ".xlsx", ".xlsm")) or b"\x00" in content[:4096]:
        raise SpreadsheetError(_("Only .xlsx workbooks and .csv files can be read (save an .xls as .xlsx first)."))
    text = _decode_csv(content)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return _table(csv.reader(io.StringIO(text), dialect))


def safe_cell(value: Any) -> Any:
    """A value a spreadsheet will not run: text starting with = + - @ gets a leading apostrophe (CSV
    and formula injection); numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence[Any]], title: str = "Sheet1") -> bytes:
    """A one-sheet workbook; every text cell neutralised (`safe_cell`)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet1")
    sheet.append(list(headers))
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a BOM (so Excel opens it as UTF-8), every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
