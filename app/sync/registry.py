"""Mutation types register here, each with the function that applies it (in its domain's service)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Union

import msgspec

from app.auth.schemas import CurrentStaff
from app.sync.schemas import Mutation


@dataclass
class ApplyContext:
    """What an apply function knows about the batch it is part of.

    `cache` lets a domain keep state across the mutations of one batch (e.g. the head of the
    duty-log chain), so a batch is applied set-based instead of one query round per item.
    `flush` callbacks run once at the end of the batch, inside its transaction.
    """

    staff: CurrentStaff
    device_id: str
    received_at: datetime
    clock_skew_seconds: float
    cache: dict[str, Any] = field(default_factory=dict)
    flushes: dict[str, Callable[[], Awaitable[None]]] = field(default_factory=dict)


ApplyFn = Callable[[ApplyContext, Any], Awaitable[None]]
_KINDS: dict[str, tuple[type[Mutation], ApplyFn, bool]] = {}
_LABELS: dict[str, Any] = {}


def register(struct_type: type[Mutation], apply: ApplyFn, *, label: Any = "", deferred_writes: bool = False) -> None:
    """Register a mutation type. `label` names it for people (a lazy string: the outbox page lists
    waiting and refused changes by it). `deferred_writes=True` promises that `apply` writes nothing
    itself (its rows go through `ctx.flushes`), so a rejection has nothing to undo and the per-item
    savepoint is skipped — a measurable saving for high-volume types like the duty log."""
    tag = struct_type.__struct_config__.tag
    assert isinstance(tag, str), f"{struct_type.__name__} needs a string tag"
    _KINDS[tag] = (struct_type, apply, deferred_writes)
    _LABELS[tag] = label


def labels() -> dict[str, str]:
    """Each registered type's name for people, in the current language (the type itself when unnamed)."""
    return {tag: str(_LABELS.get(tag, "")) or tag for tag in sorted(_KINDS)}


def known_types() -> list[str]:
    return sorted(_KINDS)


def apply_fn(type_name: str) -> ApplyFn:
    return _KINDS[type_name][1]


def has_deferred_writes(type_name: str) -> bool:
    return _KINDS[type_name][2]


def union_type() -> Any:
    """The tagged union of every registered mutation (for decoding and the OpenAPI schema)."""
    structs = tuple(struct for struct, _, _ in _KINDS.values())
    return Union[structs] if len(structs) > 1 else structs[0]  # noqa: UP007


def decoder() -> msgspec.json.Decoder:
    return msgspec.json.Decoder(union_type())
