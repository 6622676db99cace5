"""The rules of requests, work orders and paid services (SPEC W1–W8, S1–S3, C4, D11).

Split by subject: `_requests` (intake, W1, C4, W8, D11), `_orders` (issue, dispatch, W5),
`_technician` (the phone's steps: W3, W7, S1, S2), `_urgent` (W6 alerts), `_notify` (W2, W5
alerts), `_settings` (W3, W4, W6, S1), `_reading` (lists, one record, history), `_home` (home page
sections). Every write that must work offline is a mutation registered here with the function that
applies it.
"""

from __future__ import annotations

from app.i18n import lazy
from app.sync import registry
from app.work import _orders, _requests, _technician
from app.work._common import (
    ASSIGNABLE_ROLES,
    CATEGORIES,
    CHANNELS,
    DISPATCHERS,
    INTAKE_ROLES,
    ORDER_STATES,
    PAYMENT_METHODS,
    PRICE_KINDS,
    READERS,
    REQUEST_KINDS,
    SETTINGS_ROLES,
    URGENCY,
    category_label,
    now,
    yuan,
)
from app.work._directory import assignees, unit_directory
from app.work._home import default_order_view, default_request_view, home_sections
from app.work._pages import page_of_orders, page_of_requests
from app.work._reading import (
    ORDER_VIEWS,
    REQUEST_VIEWS,
    get_order,
    get_request,
    history,
    is_overdue,
    list_orders,
    list_requests,
    orders_newest_first,
    recent_requests,
)
from app.work._reads import (
    DONE_STATES,
    OPEN_STATES,
    ComplaintRequest,
    DoneOrder,
    IssuedOrder,
    OrderBrief,
    RequestOrigin,
    complaint_requests,
    done_orders,
    issued_orders,
    order_brief,
    overdue_order_count,
    request_origin,
)
from app.work._requests import night_item, night_items
from app.work._settings import (
    add_material,
    add_price_item,
    categories,
    materials,
    price_list,
    save_categories,
    save_keywords,
    seed_office_defaults,
    update_material,
    update_price_item,
    urgent_keywords,
)
from app.work.schemas import (
    RequestClose,
    RequestCreate,
    WorkOrderAccept,
    WorkOrderAddMaterials,
    WorkOrderArrive,
    WorkOrderCannotFix,
    WorkOrderCharges,
    WorkOrderComplete,
    WorkOrderDispatch,
    WorkOrderEscalate,
    WorkOrderIssue,
    WorkOrderResolve,
)

MUTATIONS = (
    registry.MutationKind(RequestCreate, _requests.apply_create, label=lazy("Request taken")),
    registry.MutationKind(RequestClose, _requests.apply_close, label=lazy("Request closed")),
    registry.MutationKind(WorkOrderIssue, _orders.apply_issue, label=lazy("Work order issued")),
    registry.MutationKind(WorkOrderDispatch, _orders.apply_dispatch, label=lazy("Work order dispatched")),
    registry.MutationKind(WorkOrderEscalate, _orders.apply_escalate, label=lazy("Work order escalated")),
    registry.MutationKind(WorkOrderResolve, _orders.apply_resolve, label=lazy("Escalated order solved")),
    registry.MutationKind(WorkOrderAccept, _technician.apply_accept, label=lazy("Work order accepted")),
    registry.MutationKind(WorkOrderArrive, _technician.apply_arrive, label=lazy("Arrived on site")),
    registry.MutationKind(WorkOrderAddMaterials, _technician.apply_add_materials, label=lazy("Materials drawn")),
    registry.MutationKind(WorkOrderCharges, _technician.apply_charges, label=lazy("Charges agreed")),
    registry.MutationKind(WorkOrderComplete, _technician.apply_complete, label=lazy("Work order completed")),
    registry.MutationKind(WorkOrderCannotFix, _technician.apply_cannot_fix, label=lazy("Cannot fix")),
)

__all__ = [
    "ASSIGNABLE_ROLES",
    "CATEGORIES",
    "CHANNELS",
    "DISPATCHERS",
    "DONE_STATES",
    "INTAKE_ROLES",
    "OPEN_STATES",
    "ORDER_STATES",
    "ORDER_VIEWS",
    "PAYMENT_METHODS",
    "PRICE_KINDS",
    "READERS",
    "REQUEST_KINDS",
    "REQUEST_VIEWS",
    "SETTINGS_ROLES",
    "URGENCY",
    "ComplaintRequest",
    "DoneOrder",
    "IssuedOrder",
    "OrderBrief",
    "RequestOrigin",
    "add_material",
    "add_price_item",
    "assignees",
    "categories",
    "category_label",
    "complaint_requests",
    "default_order_view",
    "default_request_view",
    "done_orders",
    "get_order",
    "get_request",
    "history",
    "home_sections",
    "is_overdue",
    "issued_orders",
    "list_orders",
    "list_requests",
    "materials",
    "night_item",
    "night_items",
    "now",
    "order_brief",
    "orders_newest_first",
    "overdue_order_count",
    "page_of_orders",
    "page_of_requests",
    "price_list",
    "recent_requests",
    "request_origin",
    "save_categories",
    "save_keywords",
    "seed_office_defaults",
    "unit_directory",
    "update_material",
    "update_price_item",
    "urgent_keywords",
    "yuan",
]
