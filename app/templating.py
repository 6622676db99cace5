"""Jinja filters for dates and times in the office's time zone, and the static files' URLs."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from litestar.exceptions import HTTPException

from app.clock import local, zone
from app.pwa.assets import assets


def _hm(value: datetime | None) -> str:
    return value.strftime("%H:%M") if value else ""


def _iso(value: datetime | None) -> str:
    """A `<time datetime>` value: whole seconds (HTML allows at most three decimals, Python prints six)."""
    return value.isoformat(timespec="seconds") if value else ""


def _local(value: datetime | None, tz: str | ZoneInfo) -> datetime | None:
    return local(value, tz if isinstance(tz, ZoneInfo) else zone(tz))


@pass_context
def _may_open(context: Context, href: str) -> bool:
    """Whether the signed-in person may open this page (a GET route's `roles`, as the guard checks them):
    `{% if may_open("/handover") %}<a href="/handover">…{% endif %}` — a link shown is a link allowed."""
    request, staff = context.get("request"), context.get("staff")
    if request is None or staff is None:
        return False
    try:
        handler = request.app.asgi_router.handle_routing(href.split("?", 1)[0].split("#", 1)[0], "GET")[1]
    except HTTPException:  # not found, or no GET there
        return False
    roles = handler.opt.get("roles")
    return roles is None or staff.role in roles


def install_filters(env: Environment) -> None:
    env.filters["hm"] = _hm
    env.filters["local"] = _local
    env.filters["iso"] = _iso
    # tojson keeps Chinese as UTF-8 (3 bytes a character, not a 6-byte \uXXXX escape); <, >, & and '
    # are still escaped by Jinja's htmlsafe dumps, so the JSON stays safe inside HTML.
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    # Static files by their fingerprinted URLs (app.pwa.assets): {{ static("js/app.js") }}
    env.globals["static"] = lambda name: assets().url(name)
    env.globals["module_preloads"] = lambda name: assets().preloads(name)
    env.globals["may_open"] = _may_open
    env.filters["ymd"] = lambda v: v.strftime("%Y-%m-%d") if v else ""
    env.filters["ymdhm"] = lambda v: v.strftime("%Y-%m-%d %H:%M") if v else ""
    env.filters["order_no"] = order_no


def order_no(seq: int | str | None) -> str:
    """A work order's number in its one form, No.000012, wherever it is shown."""
    try:
        return f"No.{int(seq or 0):06d}"
    except (TypeError, ValueError):
        return f"No.{seq}"
