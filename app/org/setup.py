"""`python -m app setup`: a company, an office (name, time zone, D2 shift preset) and its first
supervisor, on an empty database or beside the offices already there."""

from __future__ import annotations

from typing import Annotated

import msgspec

from app.auth.schemas import DisplayName, Password, Username
from app.auth.service import create_staff_account
from app.clock import zone
from app.db import write_transaction
from app.errors import RuleViolation
from app.i18n import _
from app.org.service import DEFAULT_INVENTORY
from app.org.tables import Company, Office
from app.roster.service import SHIFT_PRESETS

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class SetupForm(msgspec.Struct, forbid_unknown_fields=True):
    company: Name
    office: Name
    username: Username
    display_name: DisplayName
    password: Password
    time_zone: str = "Asia/Shanghai"
    shifts: str = "three"  # a key of SHIFT_PRESETS (D2)


class SetupResult(msgspec.Struct):
    company_id: int
    office_id: int
    staff_id: int
    company_created: bool


async def setup_office(form: SetupForm) -> SetupResult:
    """Create (or reuse, by name) the company, then a new office and its supervisor, in one transaction."""
    if form.shifts not in SHIFT_PRESETS:
        raise RuleViolation("shifts", _("Unknown shift preset."), field="shifts")
    try:
        zone(form.time_zone)
    except (KeyError, ValueError) as exc:  # ZoneInfoNotFoundError is a KeyError
        raise RuleViolation("time_zone", _("Unknown time zone."), field="time_zone") from exc
    try:
        return await _create(form)
    except RuleViolation:
        raise
    except Exception as exc:  # the unique username (auth's table), on either engine: the whole setup is undone
        if "unique" in str(exc).lower() and "username" in str(exc).lower():
            raise RuleViolation("username_taken", _("This username is already taken."), field="username") from exc
        raise


async def _create(form: SetupForm) -> SetupResult:
    async with write_transaction():
        company = await Company.select(Company.id).where(Company.name == form.company).first()
        company_id = company["id"] if company else (await Company.insert(Company(name=form.company)))[0]["id"]
        if await Office.exists().where((Office.company == company_id) & (Office.name == form.office)):
            raise RuleViolation("office_exists", _("This company already has an office of that name."), field="office")
        office = Office(
            company=company_id,
            name=form.office,
            time_zone=form.time_zone,
            shift_templates=SHIFT_PRESETS[form.shifts][1],
            inventory_items=DEFAULT_INVENTORY,
        )
        office_id = (await Office.insert(office))[0]["id"]
        staff_id = await create_staff_account(office_id, form.username, form.display_name, "supervisor", form.password)
    return SetupResult(company_id, office_id, staff_id, company is None)
