"""The gate (R1, V1, V2): the guard's page and the snapshot its phone keeps offline — today's and
tomorrow's release slips (and those ended lately, to say why they are refused), the office's passes,
the visitors still in. The page checks a scanned or typed number against it, offline too."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get
from litestar.response import Response, Template

from app.auth.schemas import CurrentStaff
from app.clock import now, today
from app.org.departments import DEPARTMENTS
from app.passes.service import ID_KINDS, gate_passes
from app.slips._reads import GATE_ROLES, gate_slips
from app.visitors.service import visitors_in
from app.web import page

GATE = {"roles": GATE_ROLES}
SLIP_KEYS = (
    "id", "number", "unit_label", "person_name", "is_resident", "id_last4", "goods", "valid_on", "valid_until",
    "released_at", "released_by", "cancelled_at", "cancel_reason", "state",
)  # fmt: skip
PASS_KEYS = (
    "id", "number", "holder_name", "company", "id_last4", "valid_from", "valid_to", "withdrawn_at",
    "withdrawn_reason", "unit_label", "state",
)  # fmt: skip


def _only(item: msgspec.Struct, keys: tuple[str, ...]) -> dict[str, Any]:
    data = msgspec.to_builtins(item)
    return {k: data[k] for k in keys}


async def snapshot(staff: CurrentStaff) -> dict[str, Any]:
    """What the gate phone keeps: no phone numbers, IDs by their last 4 only."""
    day = today(staff.tz)
    slips = [_only(s, SLIP_KEYS) for s in await gate_slips(staff.office_id, day)]
    passes = [_only(p, PASS_KEYS) for p in await gate_passes(staff.office_id, day)]
    visits = [
        msgspec.to_builtins(v) | {"department_label": str(DEPARTMENTS.get(v.department or "", ""))}
        for v in await visitors_in(staff.office_id)
    ]
    return {
        "generated_at": now().isoformat(),
        "today": day.isoformat(),
        "time_zone": staff.office_time_zone,
        "slips": slips,
        "passes": passes,
        "visits": visits,
    }


@get("/api/gate/snapshot", opt=GATE, tags=["gate"])
async def gate_snapshot(staff: CurrentStaff) -> Response:
    """The gate phone's offline data: open and recent slips, passes, visitors in."""
    return Response(await snapshot(staff), headers={"Cache-Control": "no-store"})


@get("/gate", opt=GATE)
async def gate_page(request: Request, staff: CurrentStaff) -> Template:
    """Scan or type a slip's or pass's number; release the goods; visitors in and out. Offline too."""
    return page(request, "slips/gate.html", departments=DEPARTMENTS, id_kinds=ID_KINDS)


ROUTES = [gate_snapshot, gate_page]
