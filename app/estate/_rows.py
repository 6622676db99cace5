"""One row of an estate spreadsheet checked on its own: every problem named by row and column (E1)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from app.estate.register import building_key, parse_unit_ref, unit_key
from app.estate.schemas import PHONE_PATTERN
from app.i18n import _

# The template's columns, in order (Chinese headers, as the office's own sheets have them).
B, N, FLOOR, AREA, STATE, ENTRUSTED_ON, WATER, POWER, NAME, KIND, PHONE, PHONE2, ID4 = (
    "楼栋", "房号", "楼层", "面积(㎡)", "房屋状态", "托管日期", "水表起数", "电表起数",
    "住户姓名", "住户类型", "电话", "备用电话", "身份证后四位",
)  # fmt: skip
HEADERS = [B, N, FLOOR, AREA, STATE, ENTRUSTED_ON, WATER, POWER, NAME, KIND, PHONE, PHONE2, ID4]
STATE_WORDS = {
    "未交房": "not_handed_over", "未交付": "not_handed_over", "空置": "vacant", "空房": "vacant",
    "入住": "occupied", "已入住": "occupied", "自住": "occupied", "出租": "occupied",
    "托管": "entrusted", "装修": "renovating", "装修中": "renovating",
}  # fmt: skip
STATE_NAMES = {
    "not_handed_over": "未交房",
    "vacant": "空置",
    "occupied": "入住",
    "entrusted": "托管",
    "renovating": "装修",
}
KIND_WORDS = {"业主": "owner", "租户": "tenant", "家庭成员": "household", "家属": "household", "成员": "household"}
KIND_NAMES = {"owner": "业主", "tenant": "租户", "household": "家庭成员"}
_PHONE = re.compile(PHONE_PATTERN)
_NUMBER = re.compile(r"^[0-9A-Za-z\-]{1,30}$")
_ID4 = re.compile(r"^[0-9]{3}[0-9X]$")
_DAY = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


@dataclass
class Problem:
    row: int
    column: str
    message: str


@dataclass
class UnitValues:
    building: str
    number: str
    key: str
    floor: int
    area: Decimal | None
    state: str
    entrusted_on: date | None
    water_start: Decimal | None
    power_start: Decimal | None

    def same(self) -> tuple:
        return (self.floor, self.area, self.state, self.entrusted_on, self.water_start, self.power_start)


@dataclass
class ResidentValues:
    name: str
    kind: str
    phone: str
    phone2: str
    id_last4: str


def _decimal(text: str, low: float, high: float) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError from None
    if not value.is_finite() or not low <= value <= high:
        raise ValueError
    return value.quantize(Decimal("0.01"))


def _day(text: str) -> date | None:
    m = _DAY.match(text[:10] if len(text) >= 10 and text[4] == "-" else text)
    if not m:
        raise ValueError
    value = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if not 1950 <= value.year <= 2100:
        raise ValueError
    return value


def _floor(number: str) -> int:
    digits = number.rsplit("-", 1)[-1]
    return int(digits[:-2]) if digits.isdigit() and len(digits) >= 3 else 1


def check_row(
    row_number: int, cells: dict[str, str], problems: list[Problem]
) -> tuple[UnitValues, ResidentValues | None] | None:
    """The unit and the resident of a row, or None with its problems appended."""
    start = len(problems)

    def bad(column: str, message: str) -> None:
        problems.append(Problem(row_number, column, message))

    building, number = cells.get(B, ""), cells.get(N, "").replace(" ", "")
    if not building:
        bad(B, _("The building is missing."))
    elif len(building) > 50:
        bad(B, _("At most %(n)s characters.", n=50))
    if not number:
        bad(N, _("The unit number is missing."))
    elif (ref := parse_unit_ref(number)) and "-" not in number:
        number = f"{ref[0]}-{ref[1]}"  # "3栋402" is stored as "3-402"
    if number and not _NUMBER.match(number):
        bad(N, _("A unit number has digits, letters and dashes only (e.g. 3-402)."))
    floor, entrusted_on = 1, None
    try:
        floor = int(cells[FLOOR]) if cells.get(FLOOR) else _floor(number)
        if not -5 <= floor <= 200:
            raise ValueError
    except ValueError:
        bad(FLOOR, _("The floor must be a whole number from -5 to 200."))
    numbers: dict[str, Decimal | None] = {}
    for column, low, high in ((AREA, 0.01, 9_999_999), (WATER, 0, 99_999_999), (POWER, 0, 99_999_999)):
        try:
            numbers[column] = _decimal(cells[column], low, high) if cells.get(column) else None
        except ValueError:
            bad(column, _("Enter a number from %(low)s to %(high)s.", low=low, high=high))
    state = STATE_WORDS.get(cells.get(STATE) or "入住")
    if state is None:
        bad(STATE, _("Unknown state; use one of: %(names)s.", names="、".join(STATE_NAMES.values())))
    try:
        entrusted_on = _day(cells[ENTRUSTED_ON]) if cells.get(ENTRUSTED_ON) else None
    except ValueError:
        bad(ENTRUSTED_ON, _("Enter a date like 2026-03-01."))
    resident = _resident(cells, bad)
    if len(problems) > start:
        return None
    key = unit_key(building, number)
    unit = UnitValues(
        building, number, key, floor, numbers[AREA], state or "occupied", entrusted_on, numbers[WATER], numbers[POWER]
    )
    return unit, resident


def _resident(cells: dict[str, str], bad) -> ResidentValues | None:
    name, phone, phone2 = (
        cells.get(NAME, ""),
        cells.get(PHONE, "").replace(" ", ""),
        cells.get(PHONE2, "").replace(" ", ""),
    )
    if not name:
        if phone or cells.get(KIND):
            bad(NAME, _("A phone or resident type without a name."))
        return None
    if len(name) > 50:
        bad(NAME, _("At most %(n)s characters.", n=50))
    kind = KIND_WORDS.get(cells.get(KIND) or "业主")
    if kind is None:
        bad(KIND, _("Unknown resident type; use one of: %(names)s.", names="、".join(KIND_NAMES.values())))
    for column, value in ((PHONE, phone), (PHONE2, phone2)):
        if not _PHONE.match(value):
            bad(column, _("Not a phone number (11-digit mobile, or a landline like 0755-12345678)."))
    id4 = cells.get(ID4, "").upper()[-4:]  # E2: a full ID number is cut to its last four, never kept
    if id4 and not _ID4.match(id4):
        bad(ID4, _("The last four characters of an ID number: digits, the last may be X."))
    return ResidentValues(name, kind or "owner", phone, phone2, id4)


__all__ = [
    "HEADERS",
    "KIND_NAMES",
    "STATE_NAMES",
    "Problem",
    "ResidentValues",
    "UnitValues",
    "building_key",
    "check_row",
]
