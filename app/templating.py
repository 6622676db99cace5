"""Jinja filters for dates and times in the office's time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from jinja2 import Environment

from app.clock import local, zone


def _hm(value: datetime | None) -> str:
    return value.strftime("%H:%M") if value else ""


def _local(value: datetime | None, tz: str | ZoneInfo) -> datetime | None:
    return local(value, tz if isinstance(tz, ZoneInfo) else zone(tz))


def install_filters(env: Environment) -> None:
    env.filters["hm"] = _hm
    env.filters["local"] = _local
    env.filters["ymd"] = lambda v: v.strftime("%Y-%m-%d") if v else ""
    env.filters["ymdhm"] = lambda v: v.strftime("%Y-%m-%d %H:%M") if v else ""
    env.filters["order_no"] = order_no


def order_no(seq: int | str | None) -> str:
    """A work order's number in its one form, No.000012, wherever it is shown."""
    try:
        return f"No.{int(seq or 0):06d}"
    except (TypeError, ValueError):
        return f"No.{seq}"
