"""The estate domain's service: the register (E1, E3, E4), its import and export, resident files and
their spot checks (E2, K1). Re-exports the parts; lists the mutation types."""

from __future__ import annotations

from app.estate.files import (
    apply_document_record,
    apply_file_check_mark,
    draw_file_check,
    file_checklist,
    file_error_rate,
    file_of_unit,
    list_file_checks,
    save_file_checklist,
)
from app.estate.register import (
    CALLERS,
    CENTRE_ROLES,
    EDITORS,
    READERS,
    apply_building_save,
    apply_parking_save,
    apply_resident_end,
    apply_resident_save,
    apply_set_active,
    apply_unit_save,
    get_resident,
    get_unit,
    list_buildings,
    list_parking,
    mask_phone,
    parse_unit_ref,
    search_units,
    unit_key,
    unit_options,
)
from app.estate.schemas import (
    BuildingSave,
    DocumentRecord,
    FileCheckMark,
    ParkingSave,
    ResidentEnd,
    ResidentSave,
    SetActive,
    UnitSave,
)
from app.estate.states import add_file_document, set_unit_state, unit_state, units_in_state
from app.i18n import lazy
from app.sync import registry

MUTATIONS = (
    registry.MutationKind(BuildingSave, apply_building_save, label=lazy("Building")),
    registry.MutationKind(UnitSave, apply_unit_save, label=lazy("Unit")),
    registry.MutationKind(SetActive, apply_set_active, label=lazy("Deactivate or reactivate")),
    registry.MutationKind(ResidentSave, apply_resident_save, label=lazy("Resident")),
    registry.MutationKind(ResidentEnd, apply_resident_end, label=lazy("Resident moved out")),
    registry.MutationKind(ParkingSave, apply_parking_save, label=lazy("Parking space")),
    registry.MutationKind(DocumentRecord, apply_document_record, label=lazy("Resident file document")),
    registry.MutationKind(FileCheckMark, apply_file_check_mark, label=lazy("File spot check")),
)

__all__ = [
    "CALLERS",
    "CENTRE_ROLES",
    "EDITORS",
    "MUTATIONS",
    "READERS",
    "add_file_document",
    "draw_file_check",
    "file_checklist",
    "file_error_rate",
    "file_of_unit",
    "get_resident",
    "get_unit",
    "list_buildings",
    "list_file_checks",
    "list_parking",
    "mask_phone",
    "parse_unit_ref",
    "save_file_checklist",
    "search_units",
    "set_unit_state",
    "unit_key",
    "unit_options",
    "unit_state",
    "units_in_state",
]
