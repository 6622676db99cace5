"""The patrol domain's rules (SPEC P1–P6, D3, D9). Other domains call this module, not the parts.

Parts: `_setup` (routes, checkpoints, deadlines), `_codes`, `_entrusted` (P5: entrusted homes, due
rounds), `_rounds` (walking a round) and `_round_reads`, `_nonconformances` (P3 lifecycle) and
`_nc_reads`, `_review` (P4), `_home` (the home pages), `_weekly` (P5's background step), `_lookups`
(reads of the plain-form fallbacks).
"""

from __future__ import annotations

from app.i18n import lazy
from app.patrols._codes import code_hash, normalise_code
from app.patrols._common import (
    DEFAULT_DEADLINE_DAYS,
    EVENT_KINDS,
    INBOX_ROLES,
    NC_READERS,
    NC_STATES,
    READERS,
    RECTIFY_ON_BEHALF,
    REVIEWERS,
    ROUTE_KINDS,
    SETUP_ROLES,
    SPOT_CHECKERS,
    TASK_REASONS,
    VERIFIERS,
    WALKERS,
    today,
    tz_of,
)
from app.patrols._entrusted import ensure_weekly_tasks, request_rain_rounds, sync_entrusted_checkpoints, week_start
from app.patrols._home import home_sections, patrols_home
from app.patrols._nc_reads import (
    INBOX_PARTS,
    can_rectify,
    can_verify,
    closed_nonconformances,
    get_nonconformance,
    inbox,
    open_nonconformances,
)
from app.patrols._nonconformances import apply_create, apply_rectify, apply_verify, default_deadline
from app.patrols._renovation import renovation_route, renovation_units, sync_renovation_checkpoints, violations_at
from app.patrols._review import review, rounds_not_done, rounds_of_day
from app.patrols._round_reads import get_round, open_tasks, recent_rounds, round_as_document, spot_check_subjects
from app.patrols._rounds import apply_finding, apply_round_finish, apply_round_start, apply_visit
from app.patrols._setup import (
    add_checkpoint,
    checkpoint_by_code,
    create_route,
    deadline_days,
    get_checkpoint,
    get_route,
    list_routes,
    move_checkpoint,
    route_checkpoints,
    set_deadline_days,
    update_checkpoint,
    update_route,
)
from app.patrols.schemas import (
    CheckpointVisit,
    FindingCreate,
    NonconformanceCreate,
    NonconformanceRectify,
    NonconformanceVerify,
    PatrolRoundFinish,
    PatrolRoundStart,
)
from app.qr import qr_svg
from app.sync import registry

MUTATIONS = (
    registry.MutationKind(PatrolRoundStart, apply_round_start, label=lazy("Patrol round started")),
    registry.MutationKind(CheckpointVisit, apply_visit, label=lazy("Checkpoint visited")),
    registry.MutationKind(FindingCreate, apply_finding, label=lazy("Patrol check")),
    registry.MutationKind(PatrolRoundFinish, apply_round_finish, label=lazy("Patrol round finished")),
    registry.MutationKind(NonconformanceCreate, apply_create, label=lazy("Nonconformance raised")),
    registry.MutationKind(NonconformanceRectify, apply_rectify, label=lazy("Nonconformance rectified")),
    registry.MutationKind(NonconformanceVerify, apply_verify, label=lazy("Follow-up inspection")),
)

__all__ = [
    "DEFAULT_DEADLINE_DAYS",
    "EVENT_KINDS",
    "INBOX_PARTS",
    "INBOX_ROLES",
    "NC_READERS",
    "NC_STATES",
    "READERS",
    "RECTIFY_ON_BEHALF",
    "REVIEWERS",
    "ROUTE_KINDS",
    "SETUP_ROLES",
    "SPOT_CHECKERS",
    "TASK_REASONS",
    "VERIFIERS",
    "WALKERS",
    "add_checkpoint",
    "can_rectify",
    "can_verify",
    "checkpoint_by_code",
    "closed_nonconformances",
    "code_hash",
    "create_route",
    "deadline_days",
    "default_deadline",
    "ensure_weekly_tasks",
    "get_checkpoint",
    "get_nonconformance",
    "get_round",
    "get_route",
    "home_sections",
    "inbox",
    "list_routes",
    "move_checkpoint",
    "normalise_code",
    "open_nonconformances",
    "open_tasks",
    "patrols_home",
    "qr_svg",
    "recent_rounds",
    "renovation_route",
    "renovation_units",
    "request_rain_rounds",
    "review",
    "round_as_document",
    "rounds_not_done",
    "rounds_of_day",
    "route_checkpoints",
    "set_deadline_days",
    "spot_check_subjects",
    "sync_entrusted_checkpoints",
    "sync_renovation_checkpoints",
    "today",
    "tz_of",
    "update_checkpoint",
    "update_route",
    "violations_at",
    "week_start",
]
