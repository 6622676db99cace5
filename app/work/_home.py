"""What requests and work orders add to the home page: the first responder's requests (C4), the
technician's orders, the engineering lead's queue and overdue orders (W4, W5), the manager's
escalations (W5), night and control-room requests for the day shift (W8, D11)."""

from __future__ import annotations

from datetime import datetime

from app.auth.schemas import CurrentStaff
from app.i18n import _
from app.work._common import INTAKE_ROLES, READERS
from app.work._reading import is_overdue, list_orders, list_requests


def _order_item(order: dict, now: datetime) -> dict:
    overdue = is_overdue(order, now)
    text = f"No.{order['number']} {order['where']} {order['category_label']}: {order['description']}"
    return {
        "text": (_("Overdue") + " · " if overdue else "") + text,
        "meta": order["due_local"].strftime("%m-%d %H:%M") if order["due_local"] else "",
        "flag": "major" if overdue else "",
        "href": f"/work/orders/{order['id']}",
    }


async def home_sections(staff: CurrentStaff, now: datetime) -> list[dict]:
    """C4: what the first responder owns; the technician's orders; the engineering lead's queue and
    overdue orders (W4, W5); the manager's escalations (W5); night items for the day shift (W8, D11)."""
    if staff.role not in READERS:
        return []
    sections: list[dict] = []
    if staff.role == "technician" or staff.role == "engineering_lead":
        mine = await list_orders(staff, "mine", now)
        if mine or staff.role == "technician":
            sections.append(
                {
                    "title": _("My work orders"),
                    "href": "/work/orders?view=mine",
                    "items": [_order_item(o, now) for o in mine[:8]],
                    "empty": _("No work orders for you."),
                }
            )
    if staff.role == "engineering_lead":
        queue = await list_orders(staff, "queue", now)
        sections.append(
            {
                "title": _("To dispatch, and cannot fix"),
                "href": "/work/orders?view=queue",
                "items": [_order_item(o, now) for o in queue[:8]],
                "empty": _("Nothing waiting for you."),
            }
        )
    if staff.role in ("engineering_lead", "supervisor", "manager"):
        overdue = await list_orders(staff, "overdue", now)
        sections.append(
            {
                "title": _("Overdue work orders"),
                "href": "/work/orders?view=overdue",
                "items": [_order_item(o, now) for o in overdue[:8]],
                "empty": _("No overdue work orders."),
            }
        )
    if staff.role == "manager":
        escalated = await list_orders(staff, "escalated", now)
        sections.append(
            {
                "title": _("Repairs escalated to you"),
                "href": "/work/orders?view=escalated",
                "items": [_order_item(o, now) for o in escalated[:8]],
                "empty": _("Nothing escalated."),
            }
        )
    if staff.role in INTAKE_ROLES:
        owned = await list_requests(staff, "mine", now)
        items = []
        for r in owned[:8]:
            text = f"{r['where']} {r['kind_label']}: {r['description']}"
            flag = "major" if r["overdue"] else ("warn" if r["state"] == "completed" else "")
            prefix = _("Overdue") + " · " if r["overdue"] else ""
            if r["state"] == "completed":
                prefix += _("Done, to close") + " · "
            items.append(
                {
                    "text": prefix + text,
                    "meta": r["recorded_local"].strftime("%m-%d %H:%M"),
                    "flag": flag,
                    "href": f"/work/requests/{r['id']}",
                }
            )
        sections.append(
            {
                "title": _("Requests I own"),
                "href": "/work/requests?view=mine",
                "items": items,
                "empty": _("You own no open requests."),
            }
        )
        night = await list_requests(staff, "night", now)
        if night:
            sections.append(
                {
                    "title": _("From the night and the control room: to turn into work orders"),
                    "href": "/work/requests?view=night",
                    "items": [
                        {
                            "text": f"{r['where']} {r['category_label']}: {r['description']}",
                            "meta": r["recorded_local"].strftime("%m-%d %H:%M"),
                            "flag": "warn",
                            "href": f"/work/requests/{r['id']}",
                        }
                        for r in night[:8]
                    ],
                    "empty": "",
                }
            )
    return sections


def default_request_view(staff: CurrentStaff) -> str:
    return "mine" if staff.role in ("frontdesk", "duty") else "open"


def default_order_view(staff: CurrentStaff) -> str:
    if staff.role == "technician":
        return "mine"
    if staff.role == "engineering_lead":
        return "queue"
    if staff.role == "manager":
        return "escalated"
    return "open"
