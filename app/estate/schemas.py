"""Estate mutations (E1–E4, E2 files, K1 spot checks) and page data."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from app.i18n import lazy
from app.sync.schemas import Mutation

UNIT_STATES: dict[str, str] = {
    "not_handed_over": lazy("Not handed over"),  # 未交房
    "vacant": lazy("Vacant"),  # 空置
    "occupied": lazy("Occupied"),  # 入住
    "entrusted": lazy("Entrusted"),  # 托管
    "renovating": lazy("Renovating"),  # 装修
}
RESIDENT_KINDS: dict[str, str] = {
    "owner": lazy("Home owner"),  # 业主 ("Owner" is 责任人 elsewhere)
    "tenant": lazy("Tenant"),  # 租户
    "household": lazy("Household member"),  # 家庭成员
}
UnitState = Literal["not_handed_over", "vacant", "occupied", "entrusted", "renovating"]
ResidentKind = Literal["owner", "tenant", "household"]
Id = Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
# A mainland mobile (11 digits), a landline with or without its area code, or empty.
PHONE_PATTERN = r"^(|1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}|[0-9]{7,8})$"
Phone = Annotated[str, msgspec.Meta(max_length=30, pattern=PHONE_PATTERN)]
Reading = Annotated[float, msgspec.Meta(ge=0, le=99_999_999)]  # Numeric(10, 2)
Area = Annotated[float, msgspec.Meta(gt=0, le=9_999_999)]  # Numeric(9, 2)
Money = Annotated[float, msgspec.Meta(ge=0, le=99_999_999)]
UnitNumber = Annotated[str, msgspec.Meta(min_length=1, max_length=30, pattern=r"^[0-9A-Za-z\-]+$")]


class BuildingSaveData(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    sort_order: Annotated[int, msgspec.Meta(ge=0, le=9999)] = 0
    building_id: Id | None = None  # empty: a new building


class BuildingSave(Mutation, tag="estate.building_save"):
    """Add or rename a building (E1)."""

    data: BuildingSaveData


class UnitSaveData(msgspec.Struct, forbid_unknown_fields=True):
    building_id: Id
    number: UnitNumber
    floor: Annotated[int, msgspec.Meta(ge=-5, le=200)]
    state: UnitState
    area: Area | None = None
    entrusted_on: date | None = None  # E3
    water_start: Reading | None = None
    power_start: Reading | None = None
    unit_id: Id | None = None


class UnitSave(Mutation, tag="estate.unit_save"):
    """Add or edit a unit (E1); an entrusted one with its agreement date and start readings (E3)."""

    data: UnitSaveData


class ActiveData(msgspec.Struct, forbid_unknown_fields=True):
    kind: Literal["building", "unit", "parking"]
    record_id: Id
    active: bool


class SetActive(Mutation, tag="estate.set_active"):
    """Deactivate (or reactivate) a building, unit or parking space; nothing is deleted."""

    data: ActiveData


class ResidentSaveData(msgspec.Struct, forbid_unknown_fields=True):
    unit_id: Id
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    kind: ResidentKind
    phone: Phone = ""
    phone2: Phone = ""
    id_last4: Annotated[str, msgspec.Meta(max_length=4, pattern=r"^([0-9]{3}[0-9Xx])?$")] = ""  # E2
    started_on: date | None = None
    resident_id: Id | None = None


class ResidentSave(Mutation, tag="estate.resident_save"):
    """Add or edit a resident of a unit (E1)."""

    data: ResidentSaveData


class ResidentEndData(msgspec.Struct, forbid_unknown_fields=True):
    resident_id: Id
    ended_on: date


class ResidentEnd(Mutation, tag="estate.resident_end"):
    """A resident moved out: the row is ended, kept as history (E1)."""

    data: ResidentEndData


class ParkingSaveData(msgspec.Struct, forbid_unknown_fields=True):
    number: Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
    unit_id: Id | None = None
    rent: Money | None = None
    let_from: date | None = None
    let_until: date | None = None
    parking_id: Id | None = None


class ParkingSave(Mutation, tag="estate.parking_save"):
    """Add or edit a parking space let through the centre (E4)."""

    data: ParkingSaveData


class ResidentRow(msgspec.Struct):
    id: int
    unit: int
    name: str
    kind: str
    phone: str
    phone2: str
    id_last4: str
    started_on: date | None
    ended_on: date | None


class UnitRow(msgspec.Struct):
    id: int
    building: int
    building_name: str
    number: str
    floor: int
    state: str
    active: bool
    area: float | None = None
    entrusted_on: date | None = None
    water_start: float | None = None
    power_start: float | None = None
    residents: list[ResidentRow] = []


class BuildingRow(msgspec.Struct):
    id: int
    name: str
    sort_order: int
    active: bool
    units: int = 0


class ParkingRow(msgspec.Struct):
    id: int
    number: str
    unit: int | None
    unit_label: str
    rent: float | None
    let_from: date | None
    let_until: date | None
    active: bool


class FileItem(msgspec.Struct):
    kind: str
    received: bool
    attachment: str = ""
    note: str = ""
    received_by: str = ""
    received_at: datetime | None = None


class DocumentRecordData(msgspec.Struct, forbid_unknown_fields=True):
    unit_id: Id
    kind: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    attachment: Annotated[str, msgspec.Meta(pattern=r"^([0-9a-f]{64})?$")] = ""
    note: Annotated[str, msgspec.Meta(max_length=200)] = ""


class DocumentRecord(Mutation, tag="estate.document_record"):
    """E2: a document of a unit's file received (with its scan): who and when are the sender and now."""

    data: DocumentRecordData


class FileCheckMarkData(msgspec.Struct, forbid_unknown_fields=True):
    item_id: Id
    correct: bool
    errors: Annotated[str, msgspec.Meta(max_length=1000)] = ""


class FileCheckMark(Mutation, tag="estate.file_check_mark"):
    """K1 档案抽查: a drawn file marked correct, or its errors listed."""

    data: FileCheckMarkData


class CheckItemRow(msgspec.Struct):
    id: int
    unit: int
    unit_label: str
    correct: bool | None
    errors: str
    checked_at: datetime | None


class CheckRow(msgspec.Struct):
    id: int
    seed: str
    size: int
    drawn_at: datetime
    items: list[CheckItemRow] = []


class ErrorRate(msgspec.Struct):
    """K1: files found wrong over files checked, in a period."""

    wrong: int
    checked: int

    @property
    def percent(self) -> float | None:
        return None if not self.checked else 100.0 * self.wrong / self.checked

    @property
    def meets_target(self) -> bool | None:
        return None if not self.checked else self.wrong * 100 < self.checked  # < 1 %
