"""Jinja filters for dates and times in the office's time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from jinja2 import Environment

from app.clock import local, zone


def _hm(value: datetime | None) -> str:
    return value.strftime("%H:%M") if value else ""


def _iso(value: datetime | None) -> str:
    """A `<time datetime>` value: whole seconds (HTML allows at most three decimals, Python prints six)."""
    return value.isoformat(timespec="seconds") if value else ""


def _local(value: datetime | None, tz: str | ZoneInfo) -> datetime | None:
    return local(value, tz if isinstance(tz, ZoneInfo) else zone(tz))


def install_filters(env: Environment) -> None:
    env.filters["hm"] = _hm
    env.filters["local"] = _local
    env.filters["iso"] = _iso
    env.filters["ymd"] = lambda v: v.strftime("%Y-%m-%d") if v else ""
    env.filters["ymdhm"] = lambda v: v.strftime("%Y-%m-%d %H:%M") if v else ""
