"""Mutation types: each domain lists its own (`MUTATIONS`, a tuple of `MutationKind`) and
`create_app` installs them all — explicitly, never by import side effect (DESIGN "Layout")."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
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


@dataclass(frozen=True)
class MutationKind:
    """One offline write type: its Struct, the function that applies it (in its domain's service),
    its name for people (a lazy string: the outbox page lists waiting and refused changes by it).

    `deferred_writes=True` promises that `apply` writes nothing itself (its rows go through
    `ctx.flushes`), so a rejection has nothing to undo and the per-item savepoint is skipped — a
    measurable saving for high-volume types like the duty log."""

    struct: type[Mutation]
    apply: ApplyFn
    label: Any = ""
    deferred_writes: bool = False

    @property
    def tag(self) -> str:
        tag = self.struct.__struct_config__.tag
        assert isinstance(tag, str), f"{self.struct.__name__} needs a string tag"
        return tag


_KINDS: dict[str, MutationKind] = {}


def install(kinds: Iterable[MutationKind]) -> None:
    """Register every domain's mutation types (idempotent: create_app may run more than once)."""
    for kind in kinds:
        existing = _KINDS.get(kind.tag)
        assert existing is None or existing.struct is kind.struct, f"two types are tagged {kind.tag}"
        _KINDS[kind.tag] = kind


def labels() -> dict[str, str]:
    """Each registered type's name for people, in the current language (the type itself when unnamed)."""
    return {tag: str(_KINDS[tag].label) or tag for tag in sorted(_KINDS)}


def known_types() -> list[str]:
    return sorted(_KINDS)


def apply_fn(type_name: str) -> ApplyFn:
    return _KINDS[type_name].apply


def has_deferred_writes(type_name: str) -> bool:
    return _KINDS[type_name].deferred_writes


def union_type() -> Any:
    """The tagged union of every registered mutation (for decoding and the OpenAPI schema)."""
    structs = tuple(kind.struct for kind in _KINDS.values())
    return Union[structs] if len(structs) > 1 else structs[0]  # noqa: UP007


def decoder() -> msgspec.json.Decoder:
    return msgspec.json.Decoder(union_type())
