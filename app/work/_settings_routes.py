"""The repair settings page (W3, W4, W6, S1): standard completion times and urgent categories,
urgent keywords, the store's materials and the paid-service price list. Online forms."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, FromPath
from litestar.response import Redirect, Response, Template

from app.auth.schemas import CurrentStaff
from app.errors import RuleViolation
from app.forms import FormErrors, clean_values, parse_form
from app.web import page
from app.work import service
from app.work.schemas import MaterialForm, PriceItemForm

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
Errors = dict[str | None, str]
SETTINGS = {"roles": service.SETTINGS_ROLES}


async def _settings_context(staff: CurrentStaff) -> dict:
    return {
        "categories": await service.categories(staff.office_id),
        "keywords": await service.urgent_keywords(staff.office_id),
        "materials": await service.materials(staff.office_id),
        "prices": await service.price_list(staff.office_id),
        "price_kinds": service.PRICE_KINDS,
        "section": "settings",
    }


async def _settings_page(request: Request, staff: CurrentStaff, status_code: int = 200, **extra: Any) -> Template:
    context = {**await _settings_context(staff), **extra}
    return page(request, "work/settings.html", status_code=status_code, **context)


@get("/work/settings", opt=SETTINGS)
async def settings_page(request: Request, staff: CurrentStaff) -> Template:
    """Standard completion times and urgent categories (W4, W6), urgent keywords, the store's
    materials (W3) and the paid-service price list (S1)."""
    return await _settings_page(request, staff)


async def _save_section(staff: CurrentStaff, section: str, values: dict[str, Any]) -> Errors:
    """One section of the settings page saved; the messages per field when refused."""
    try:
        if section == "categories":
            return await service.save_categories(staff, values)
        if section == "keywords":
            return await service.save_keywords(staff, str(values.get("keywords") or ""))
        if section == "materials":
            await service.add_material(staff, parse_form(MaterialForm, values))
        elif section == "prices":
            await service.add_price_item(staff, parse_form(PriceItemForm, values))
        else:
            raise NotFoundException()
    except FormErrors as exc:
        return exc.errors
    except RuleViolation as exc:
        return {exc.field: exc.message}
    return {}


async def _save_item(staff: CurrentStaff, section: str, item_id: int, values: dict[str, Any]) -> Errors:
    """One material or price-list item changed; the messages per field when refused."""
    try:
        if section == "materials":
            await service.update_material(staff, item_id, parse_form(MaterialForm, values))
        elif section == "prices":
            await service.update_price_item(staff, item_id, parse_form(PriceItemForm, values))
        else:
            raise NotFoundException()
    except FormErrors as exc:
        return exc.errors
    except RuleViolation as exc:
        return {exc.field: exc.message}
    return {}


@post("/work/settings/{section:str}", opt=SETTINGS)
async def settings_save(
    request: Request, staff: CurrentStaff, section: FromPath[str], data: Form
) -> Response | Template:
    """Save one section of the settings page."""
    values = clean_values(data)
    if errors := await _save_section(staff, section, values):
        scoped = {f"{section}.{k or ''}": v for k, v in errors.items()}
        return await _settings_page(request, staff, 422, errors=scoped, values={section: values})
    return Redirect(f"/work/settings#{section}", status_code=303)


@post("/work/settings/{section:str}/{item_id:int}", opt=SETTINGS)
async def settings_item_save(
    request: Request, staff: CurrentStaff, section: FromPath[str], item_id: FromPath[int], data: Form
) -> Response | Template:
    """Change one material or price-list item (name, unit, price, in use)."""
    values = clean_values(data)
    key = f"{section}-{item_id}"
    if errors := await _save_item(staff, section, item_id, values):
        scoped = {f"{key}.{k or ''}": v for k, v in errors.items()}
        return await _settings_page(request, staff, 422, errors=scoped, values={key: values})
    return Redirect(f"/work/settings#{key}", status_code=303)


ROUTES = [settings_page, settings_save, settings_item_save]
