"""Per-office settings of the repair service: standard completion times and urgency per category
(W4, W6), urgent keywords (W6), the store's materials (W3) and the paid-service price list (S1)."""

from __future__ import annotations

from app.auth.schemas import CurrentStaff
from app.db import write_transaction
from app.errors import RuleViolation, check_found
from app.i18n import _
from app.work._common import (
    CATEGORIES,
    DEFAULT_URGENT_KEYWORDS,
    PRICE_KINDS,
    SETTINGS_ROLES,
    now,
    parse_yuan,
    require,
    yuan,
)
from app.work.schemas import MaterialForm, PriceItemForm
from app.work.tables import PriceItem, StoreMaterial, WorkCategory, WorkSettings

MAX_HOURS = 24 * 90
MAX_KEYWORDS = 60


async def categories(office_id: int) -> list[dict]:
    """Every category with the office's standard hours (W4) and urgency (W6), defaults filled in."""
    rows = {
        r["code"]: r
        for r in await WorkCategory.select(WorkCategory.code, WorkCategory.standard_hours, WorkCategory.urgent).where(
            WorkCategory.office == office_id
        )
    }
    result = []
    for code, (label, hours) in CATEGORIES.items():
        row = rows.get(code)
        result.append(
            {
                "code": code,
                "label": str(label),
                "standard_hours": row["standard_hours"] if row else hours,
                "urgent": bool(row["urgent"]) if row else False,
                "default_hours": hours,
            }
        )
    return result


async def category_settings(office_id: int) -> dict[str, dict]:
    return {c["code"]: c for c in await categories(office_id)}


async def urgent_keywords(office_id: int) -> list[str]:
    row = (
        await WorkSettings.select(WorkSettings.urgent_keywords)
        .where(WorkSettings.office == office_id)
        .output(load_json=True)
        .first()
    )
    return list(row["urgent_keywords"]) if row is not None else list(DEFAULT_URGENT_KEYWORDS)


async def save_categories(actor: CurrentStaff, values: dict[str, str]) -> dict[str | None, str]:
    """W4/W6: save `hours_<code>` and `urgent_<code>` for every category; returns errors per field."""
    require(actor, SETTINGS_ROLES)
    errors: dict[str | None, str] = {}
    parsed: dict[str, tuple[int, bool]] = {}
    for code in CATEGORIES:
        raw = str(values.get(f"hours_{code}", "")).strip()
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_HOURS:
            errors[f"hours_{code}"] = _("Enter whole hours between 1 and %(max)s.", max=MAX_HOURS)
            continue
        parsed[code] = (int(raw), bool(values.get(f"urgent_{code}")))
    if errors:
        return errors
    async with write_transaction():
        await WorkCategory.delete().where(WorkCategory.office == actor.office_id)
        await WorkCategory.insert(
            *[
                WorkCategory(office=actor.office_id, code=code, standard_hours=hours, urgent=urgent)
                for code, (hours, urgent) in parsed.items()
            ]
        )
    return {}


async def save_keywords(actor: CurrentStaff, text: str) -> dict[str | None, str]:
    """W6: one keyword per line (or separated by commas)."""
    require(actor, SETTINGS_ROLES)
    words: list[str] = []
    for part in text.replace("，", "\n").replace(",", "\n").splitlines():
        word = part.strip()
        if word and word not in words:
            words.append(word)
    if len(words) > MAX_KEYWORDS or any(len(w) > 30 for w in words):
        return {"keywords": _("At most %(n)s keywords of at most 30 characters each.", n=MAX_KEYWORDS)}
    async with write_transaction():
        exists = await WorkSettings.exists().where(WorkSettings.office == actor.office_id)
        if exists:
            await WorkSettings.update(
                {WorkSettings.urgent_keywords: words, WorkSettings.updated_at: now(), WorkSettings.updated_by: actor.id}
            ).where(WorkSettings.office == actor.office_id)
        else:
            await WorkSettings.insert(
                WorkSettings(office=actor.office_id, urgent_keywords=words, updated_at=now(), updated_by=actor.id)
            )
    return {}


# --- materials (W3) and the price list (S1) ------------------------------------------------------------


def _price_fen(text: str) -> int:
    fen = parse_yuan(text)
    if fen is None:
        raise RuleViolation("bad_price", _("Enter a price in yuan, e.g. 12.50."), field="price")
    return fen


async def materials(office_id: int, active_only: bool = False) -> list[dict]:
    query = StoreMaterial.select().where(StoreMaterial.office == office_id)
    if active_only:
        query = query.where(StoreMaterial.active.eq(True))
    rows = await query.order_by(StoreMaterial.sort_order).order_by(StoreMaterial.id)
    for row in rows:
        row["price"] = yuan(row["price_fen"])
    return rows


async def price_list(office_id: int, active_only: bool = False) -> list[dict]:
    query = PriceItem.select().where(PriceItem.office == office_id)
    if active_only:
        query = query.where(PriceItem.active.eq(True))
    rows = await query.order_by(PriceItem.kind).order_by(PriceItem.sort_order).order_by(PriceItem.id)
    for row in rows:
        row["price"] = yuan(row["price_fen"])
        row["kind_label"] = str(PRICE_KINDS.get(row["kind"], row["kind"]))
    return rows


async def add_material(actor: CurrentStaff, form: MaterialForm) -> None:
    require(actor, SETTINGS_ROLES)
    fen = _price_fen(form.price)
    count = await StoreMaterial.count().where(StoreMaterial.office == actor.office_id)
    await StoreMaterial.insert(
        StoreMaterial(
            office=actor.office_id, name=form.name, unit=form.unit, price_fen=fen, active=True, sort_order=count
        )
    )


async def update_material(actor: CurrentStaff, item_id: int, form: MaterialForm) -> None:
    require(actor, SETTINGS_ROLES)
    fen = _price_fen(form.price)
    check_found(
        await StoreMaterial.select(StoreMaterial.id)
        .where((StoreMaterial.id == item_id) & (StoreMaterial.office == actor.office_id))
        .first()
    )
    await StoreMaterial.update(
        {
            StoreMaterial.name: form.name,
            StoreMaterial.unit: form.unit,
            StoreMaterial.price_fen: fen,
            StoreMaterial.active: bool(form.active),
        }
    ).where((StoreMaterial.id == item_id) & (StoreMaterial.office == actor.office_id))


async def add_price_item(actor: CurrentStaff, form: PriceItemForm) -> None:
    require(actor, SETTINGS_ROLES)
    fen = _price_fen(form.price)
    count = await PriceItem.count().where(PriceItem.office == actor.office_id)
    await PriceItem.insert(
        PriceItem(
            office=actor.office_id,
            name=form.name,
            unit=form.unit,
            kind=form.kind,
            price_fen=fen,
            active=True,
            sort_order=count,
        )
    )


async def update_price_item(actor: CurrentStaff, item_id: int, form: PriceItemForm) -> None:
    require(actor, SETTINGS_ROLES)
    fen = _price_fen(form.price)
    check_found(
        await PriceItem.select(PriceItem.id)
        .where((PriceItem.id == item_id) & (PriceItem.office == actor.office_id))
        .first()
    )
    await PriceItem.update(
        {
            PriceItem.name: form.name,
            PriceItem.unit: form.unit,
            PriceItem.kind: form.kind,
            PriceItem.price_fen: fen,
            PriceItem.active: bool(form.active),
        }
    ).where((PriceItem.id == item_id) & (PriceItem.office == actor.office_id))


# Demo and new-office defaults: a few common items (prices in fen).
DEFAULT_MATERIALS = [
    ("水龙头", "个", 3500),
    ("角阀", "个", 1800),
    ("PPR水管", "米", 1200),
    ("生料带", "卷", 200),
    ("空气开关", "个", 4500),
    ("LED灯泡", "个", 1500),
    ("门锁锁芯", "个", 6000),
    ("玻璃胶", "支", 1500),
]
DEFAULT_PRICES = [
    ("更换水龙头（人工）", "次", "labour", 3000),
    ("疏通下水道（人工）", "次", "labour", 5000),
    ("更换灯具（人工）", "次", "labour", 2000),
    ("更换锁芯（人工）", "次", "labour", 3000),
    ("水龙头", "个", "materials", 3500),
    ("锁芯", "个", "materials", 6000),
    ("LED灯泡", "个", "materials", 1500),
]


async def seed_office_defaults(office_id: int) -> None:
    """Store materials and a price list for a new (or demo) office; nothing when it has some."""
    if not await StoreMaterial.exists().where(StoreMaterial.office == office_id):
        await StoreMaterial.insert(
            *[
                StoreMaterial(office=office_id, name=n, unit=u, price_fen=p, active=True, sort_order=i)
                for i, (n, u, p) in enumerate(DEFAULT_MATERIALS)
            ]
        )
    if not await PriceItem.exists().where(PriceItem.office == office_id):
        await PriceItem.insert(
            *[
                PriceItem(office=office_id, name=n, unit=u, kind=k, price_fen=p, active=True, sort_order=i)
                for i, (n, u, k, p) in enumerate(DEFAULT_PRICES)
            ]
        )
