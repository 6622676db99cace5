"""The office's alert settings: the work-chat robot, and per alert kind its channels and ladder."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

import msgspec
from piccolo.columns import Column

from app.alerts.kinds import (
    CHANNELS,
    DEFAULT_WAIT_MINUTES,
    KINDS,
    MAX_STEPS,
    MAX_WAIT_MINUTES,
    TARGETS,
    Kind,
    LadderStep,
)
from app.alerts.schemas import KindSettings, OfficeAlertSettings
from app.alerts.tables import AlertSettings
from app.auth.schemas import CurrentStaff
from app.db import write_transaction
from app.errors import Forbidden, RuleViolation
from app.i18n import _, lazy
from app.outbound import address_problem, url_problem

SETTINGS_EDITORS = frozenset({"supervisor", "manager"})
WEBHOOK_KINDS: dict[str, str] = {
    "": lazy("None"),
    "wecom": lazy("WeCom group robot (企业微信)"),
    "dingtalk": lazy("DingTalk group robot (钉钉)"),
}


def default_kind_settings(kind: Kind) -> KindSettings:
    return KindSettings(channels=list(kind.channels), ladder=list(kind.ladder))


async def office_settings(office_id: int) -> OfficeAlertSettings:
    """Stored settings of the office, every kind filled in from the defaults where not stored."""
    row = await AlertSettings.select().where(AlertSettings.office == office_id).output(load_json=True).first()
    stored = (row or {}).get("kinds") or {}
    kinds: dict[str, KindSettings] = {}
    for code, kind in KINDS.items():
        value = stored.get(code) if kind.configurable else None
        try:
            kinds[code] = msgspec.convert(value, KindSettings) if value else default_kind_settings(kind)
        except msgspec.ValidationError:  # written by an older version: fall back, never fail an alert
            kinds[code] = default_kind_settings(kind)
    return OfficeAlertSettings(
        webhook_kind=(row or {}).get("webhook_kind") or "",
        webhook_url=(row or {}).get("webhook_url") or "",
        webhook_secret=(row or {}).get("webhook_secret") or "",
        kinds=kinds,
    )


def webhook_settings_dict(settings: OfficeAlertSettings) -> dict[str, str]:
    return {
        "webhook_kind": settings.webhook_kind,
        "webhook_url": settings.webhook_url,
        "webhook_secret": settings.webhook_secret,
    }


def _webhook_url_error(url: str) -> str | None:
    """Public https only (app.outbound); the DNS look-up is in save_settings, and again at send."""
    parts = urlparse(url)
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        return _("Enter the robot's full web address, starting with https://")
    return url_problem(url)


def _wait(raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return DEFAULT_WAIT_MINUTES
    if not raw.isdigit():
        return None
    value = int(raw)
    return value if value <= MAX_WAIT_MINUTES else None


def settings_form_values(settings: OfficeAlertSettings) -> dict[str, Any]:
    """The settings as form field values (the page's `values`)."""
    values: dict[str, Any] = webhook_settings_dict(settings)
    for code, kind_settings in settings.kinds.items():
        for channel in CHANNELS:
            values[f"{code}-{channel}"] = "on" if channel in kind_settings.channels else ""
        for i, step in enumerate(kind_settings.ladder[:MAX_STEPS], start=1):
            values[f"{code}-step{i}-to"] = step.to
            values[f"{code}-step{i}-wait"] = str(step.wait_minutes)
    return values


def parse_settings_form(raw: dict[str, Any]) -> tuple[OfficeAlertSettings | None, dict[str | None, str]]:
    """Validate the settings form; returns the settings, or the messages beside each field."""
    values = {k: v.strip() if isinstance(v, str) else "" for k, v in raw.items()}
    errors: dict[str | None, str] = {}
    webhook_kind = values.get("webhook_kind", "")
    webhook_url = values.get("webhook_url", "")
    webhook_secret = values.get("webhook_secret", "")
    if webhook_kind not in WEBHOOK_KINDS:
        errors["webhook_kind"] = _("Choose a value from the list.")
    if len(webhook_url) > 500:
        errors["webhook_url"] = _("At most %(n)s characters.", n=500)
    elif webhook_kind and not webhook_url:
        errors["webhook_url"] = _("Enter the robot's web address (from the group's robot settings).")
    elif webhook_url and (message := _webhook_url_error(webhook_url)):
        errors["webhook_url"] = message
    if len(webhook_secret) > 200:
        errors["webhook_secret"] = _("At most %(n)s characters.", n=200)
    kinds: dict[str, KindSettings] = {}
    for code, kind in KINDS.items():
        if not kind.configurable:
            continue
        channels = [c for c in CHANNELS if values.get(f"{code}-{c}") in {"on", "1", "true"}]
        if not channels:
            errors[f"{code}-channels"] = _("Choose at least one way to reach people.")
        ladder: list[LadderStep] = []
        gap = False
        for i in range(1, MAX_STEPS + 1):
            to = values.get(f"{code}-step{i}-to", "")
            if not to:
                gap = True
                continue
            field = f"{code}-step{i}-to"
            if to not in TARGETS:
                errors[field] = _("Choose a value from the list.")
            elif gap:
                errors[field] = _("Fill in the steps in order, without a blank step before this one.")
            wait = _wait(values.get(f"{code}-step{i}-wait", ""))
            if wait is None:
                errors[f"{code}-step{i}-wait"] = _("Enter whole minutes from 0 to %(n)s.", n=MAX_WAIT_MINUTES)
            ladder.append(LadderStep(to=to, wait_minutes=wait or 0))
        if not ladder:
            errors[f"{code}-step1-to"] = _("Say who is notified first.")
        kinds[code] = KindSettings(channels=channels, ladder=ladder)
    if errors:
        return None, errors
    settings = OfficeAlertSettings(
        webhook_kind=webhook_kind,
        webhook_url=webhook_url if webhook_kind else "",
        webhook_secret=webhook_secret if webhook_kind == "dingtalk" else "",
        kinds=kinds,
    )
    return settings, {}


async def save_settings(actor: CurrentStaff, settings: OfficeAlertSettings) -> None:
    """Store the office's alert settings (supervisor or manager of the office)."""
    if actor.role not in SETTINGS_EDITORS:
        raise Forbidden()
    if settings.webhook_url and (problem := await address_problem(settings.webhook_url)):
        raise RuleViolation("webhook_not_public", problem, "webhook_url")
    values: dict[Column | str, Any] = {
        AlertSettings.webhook_kind: settings.webhook_kind,
        AlertSettings.webhook_url: settings.webhook_url,
        AlertSettings.webhook_secret: settings.webhook_secret,
        AlertSettings.kinds: msgspec.to_builtins(settings.kinds),
        AlertSettings.updated_at: datetime.now(UTC),
        AlertSettings.updated_by: actor.id,
    }
    async with write_transaction():
        if await AlertSettings.exists().where(AlertSettings.office == actor.office_id):
            await AlertSettings.update(values).where(AlertSettings.office == actor.office_id)
        else:
            row = AlertSettings(
                office=actor.office_id, **{c._meta.name: v for c, v in values.items() if isinstance(c, Column)}
            )
            await AlertSettings.insert(row)
