"""The plain (no-JavaScript) handover forms → the same mutation data the page's script builds from the
same fields (one write path). Signatures are sealed here exactly as the phone seals them."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from app.handover import signing
from app.i18n import _

MAX_ROWS = 50


def _flag(value: Any) -> bool:
    return str(value or "").lower() in {"1", "on", "true", "yes"}


def _count(value: Any) -> int | str:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else text


def _inventory(values: dict[str, Any], prefix: str) -> list[dict]:
    rows = []
    for i in range(MAX_ROWS):
        item = values.get(f"{prefix}_item_{i}")
        if item is None:
            break
        count = values.get(f"{prefix}_count_{i}", "")
        if prefix == "rc" and str(count).strip() == "" and not values.get(f"{prefix}_note_{i}"):
            continue  # not recounted (a refusal may come before the recount)
        rows.append(
            {
                "item": str(item),
                "count": _count(count),
                "damaged": _flag(values.get(f"{prefix}_damaged_{i}")),
                "note": str(values.get(f"{prefix}_note_{i}", "")).strip(),
            }
        )
    return rows


def _pairs(values: dict[str, Any], prefix: str, first: str, second: str, keys: tuple[str, str]) -> list[dict]:
    rows = []
    for i in range(MAX_ROWS):
        a, b = str(values.get(f"{prefix}_{first}_{i}", "")).strip(), values.get(f"{prefix}_{second}_{i}", "")
        if f"{prefix}_{first}_{i}" not in values:
            break
        if isinstance(b, str):
            b = b.strip()
        rows.append({keys[0]: a, keys[1]: b})
    return rows


def _local_time(value: str, tz_name: str) -> str:
    """A datetime-local value in the office's time zone, as ISO 8601 with its offset."""
    try:
        naive = datetime.fromisoformat(value)
    except ValueError:
        return value
    tz = ZoneInfo(tz_name)
    return (naive if naive.tzinfo else naive.replace(tzinfo=tz)).isoformat()


def submit_data(values: dict[str, Any], tz_name: str) -> dict:
    """The plain form's fields → handover.submit data (the page's script builds the same from the same fields)."""
    shift_date, _sep, shift_code = str(values.get("shift", "")).partition("|")
    items = _pairs(values, "item", "text", "major", ("text", "major_repair"))
    return {
        "handover_id": values.get("id", ""),
        "shift_date": shift_date,
        "shift_code": shift_code,
        "desk_tidied_at": _local_time(str(values.get("desk_tidied_at", "")), tz_name),
        "work_done": _flag(values.get("work_done")),
        "inventory": _inventory(values, "inv"),
        "open_items": [{"text": r["text"], "major_repair": _flag(r["major_repair"])} for r in items if r["text"]],
        "anomalies": [r for r in _pairs(values, "anomaly", "text", "expl", ("text", "explanation")) if any(r.values())],
        "note": str(values.get("note", "")).strip(),
    }


def _signature(values: dict[str, Any], staff_id: Any, secret_field: str, role: str, handover_id: str, mid: str):
    try:
        sid = int(str(staff_id))
    except ValueError:
        sid = 0
    secret = str(values.get(secret_field, ""))
    if not secret:
        raise FieldError(secret_field, _("Enter the PIN or password to sign."))
    return {"staff_id": sid, "proof": signing.seal({"p": secret, "h": handover_id, "r": role, "s": sid, "m": mid})}


class FieldError(Exception):
    def __init__(self, field: str, message: str) -> None:
        self.field, self.message = field, message


def decision_data(values: dict[str, Any], handover_id: str, mid: str, tz_name: str, outgoing_id: int) -> dict:
    """The take-over form's fields → handover.accept or handover.refuse data."""
    base = {
        "handover_id": handover_id,
        "expected_state": "submitted",
        "arrived_at": _local_time(str(values.get("arrived_at", "")), tz_name),
        "log_read": _flag(values.get("log_read")),
        "inventory": _inventory(values, "rc"),
        "anomalies": [r for r in _pairs(values, "found", "text", "expl", ("text", "explanation")) if any(r.values())],
        "note": str(values.get("note", "")).strip(),
        "incoming": _signature(values, values.get("incoming"), "_secret_in", "incoming", handover_id, mid),
    }
    if values.get("decision") == "refuse":
        reasons = values.get("reasons", [])
        base["reasons"] = reasons if isinstance(reasons, list) else [reasons]
    elif values.get("_secret_out"):  # empty: the outgoing countersigns on their own phone (H7)
        base["outgoing"] = _signature(values, outgoing_id, "_secret_out", "outgoing", handover_id, mid)
    return base


def countersign_data(values: dict[str, Any], handover_id: str, mid: str, outgoing_id: int) -> dict:
    """The countersign form's field → handover.countersign data (the outgoing's own phone, H7)."""
    return {
        "handover_id": handover_id,
        "expected_state": "signing",
        "outgoing": _signature(values, outgoing_id, "_secret_out", "outgoing", handover_id, mid),
    }
