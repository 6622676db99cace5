"""The plain (no-JavaScript) handover forms, shaped into the mutations' data keys for
`app.sync.forms.submit_form` — the same shaping the page's script does from the same fields.

Only what a flat form cannot say is done here: the table rows (`inv_count_0`, `item_text_0`, …:
the page's script reads those names too), the shift select (`date|code`), a `datetime-local` value
in the office's time zone, an unticked checkbox (not sent: false), and the signatures, sealed here
exactly as the phone seals them (H7). Everything else is converted and checked by the adapter.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from app.handover import signing
from app.i18n import _

MAX_ROWS = 50
Form = Mapping[str, Any]


class FieldError(Exception):
    def __init__(self, field: str, message: str) -> None:
        self.field, self.message = field, message


def _flag(value: Any) -> bool:
    return str(value or "").lower() in {"1", "on", "true", "yes"}


def _count(value: Any) -> int | str:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else text


def _inventory(values: Form, prefix: str) -> list[dict]:
    rows = []
    for i in range(MAX_ROWS):
        item = values.get(f"{prefix}_item_{i}")
        if item is None:
            break
        count = values.get(f"{prefix}_count_{i}", "")
        if prefix == "rc" and str(count).strip() == "" and not values.get(f"{prefix}_note_{i}"):
            continue  # not recounted (a refusal may come before the recount)
        note = str(values.get(f"{prefix}_note_{i}", "")).strip()
        damaged = _flag(values.get(f"{prefix}_damaged_{i}"))
        rows.append({"item": str(item), "count": _count(count), "damaged": damaged, "note": note})
    return rows


def _pairs(values: Form, prefix: str, first: str, second: str, keys: tuple[str, str]) -> list[dict]:
    rows = []
    for i in range(MAX_ROWS):
        if f"{prefix}_{first}_{i}" not in values:
            break
        a, b = str(values.get(f"{prefix}_{first}_{i}", "")).strip(), values.get(f"{prefix}_{second}_{i}", "")
        rows.append({keys[0]: a, keys[1]: b.strip() if isinstance(b, str) else b})
    return rows


def _anomalies(values: Form, prefix: str) -> list[dict]:
    return [r for r in _pairs(values, prefix, "text", "expl", ("text", "explanation")) if any(r.values())]


def _local_time(value: Any, tz: ZoneInfo) -> str:
    """A datetime-local value in the office's time zone, as ISO 8601 with its offset."""
    try:
        naive = datetime.fromisoformat(str(value or ""))
    except ValueError:
        return str(value or "")
    return (naive if naive.tzinfo else naive.replace(tzinfo=tz)).isoformat()


def submit_fields(values: Form, tz: ZoneInfo) -> dict[str, Any]:
    """The prepare form → `handover.submit` data keys (the form's `id` is the handover's and the mutation's)."""
    shift_date, _sep, shift_code = str(values.get("shift", "")).partition("|")
    items = _pairs(values, "item", "text", "major", ("text", "major_repair"))
    return {
        "id": values.get("id", ""),
        "handover_id": values.get("id", ""),
        "shift_date": shift_date,
        "shift_code": shift_code,
        "desk_tidied_at": _local_time(values.get("desk_tidied_at"), tz),
        "tidied_typed": values.get("tidied_typed", "1") != "0",
        "work_done": _flag(values.get("work_done")),
        "inventory": _inventory(values, "inv"),
        "open_items": [{"text": r["text"], "major_repair": _flag(r["major_repair"])} for r in items if r["text"]],
        "anomalies": _anomalies(values, "anomaly"),
        "note": values.get("note", ""),
    }


def _signature(values: Form, staff_id: Any, secret_field: str, role: str, handover_id: str, mid: str) -> dict:
    try:
        sid = int(str(staff_id))
    except ValueError:
        sid = 0
    secret = str(values.get(secret_field, ""))
    if not secret:
        raise FieldError(secret_field, _("Enter the PIN or password to sign."))
    return {"staff_id": sid, "proof": signing.seal({"p": secret, "h": handover_id, "r": role, "s": sid, "m": mid})}


def decision_fields(values: Form, handover_id: str, mid: str, tz: ZoneInfo, outgoing_id: int | None) -> dict:
    """The take-over form → `handover.accept` or `handover.refuse` data keys (FieldError: a signature missing)."""
    base = {
        "handover_id": handover_id,
        "expected_state": "submitted",
        "arrived_at": _local_time(values.get("arrived_at"), tz),
        "arrived_typed": values.get("arrived_typed", "1") != "0",
        "log_read": _flag(values.get("log_read")),
        "inventory": _inventory(values, "rc"),
        "anomalies": _anomalies(values, "found"),
        "note": values.get("note", ""),
        "incoming": _signature(values, values.get("incoming"), "_secret_in", "incoming", handover_id, mid),
    }
    if values.get("decision") == "refuse":
        reasons = values.get("reasons", [])
        base["reasons"] = reasons if isinstance(reasons, list) else [reasons]
    elif values.get("_secret_out"):  # empty: the outgoing countersigns on their own phone (H7)
        base["outgoing"] = _signature(values, outgoing_id, "_secret_out", "outgoing", handover_id, mid)
    return base


def countersign_fields(values: Form, handover_id: str, mid: str, outgoing_id: int | None) -> dict:
    """The countersign form → `handover.countersign` data keys (the outgoing's own phone, H7)."""
    return {
        "handover_id": handover_id,
        "expected_state": "signing",
        "outgoing": _signature(values, outgoing_id, "_secret_out", "outgoing", handover_id, mid),
    }
