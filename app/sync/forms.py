"""The one form adapter (DESIGN "One path, online and offline"): a plain posted form becomes the
very mutation the phone's outbox would send, applied by `apply_batch`.

The form's field names are the keys of the mutation's `data` Struct; a field named `id` is the
mutation's id (as in the outbox's `formData`); fields starting with `_` are transport
(`_csrf_token`). Values from the URL (`fixed`) override the form.
"""

from __future__ import annotations

import types
import typing
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any

import msgspec
from litestar.response import Redirect, Response, Template

from app.auth.schemas import CurrentStaff
from app.clock import now
from app.forms import field_errors, message_for
from app.i18n import _
from app.sync.schemas import Mutation, SyncRequest
from app.sync.service import applied_by, apply_batch

Errors = dict[str | None, str]
FORM_DEVICE = "web-form"


@dataclass(frozen=True)
class FormOutcome:
    """What became of a posted form: no errors means applied (or applied before: a double tap)."""

    errors: Errors = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def data_type(mutation_type: type[Mutation]) -> type[msgspec.Struct]:
    """The Struct of a mutation's `data`."""
    hints = typing.get_type_hints(mutation_type, include_extras=True)
    return hints["data"]


def _bare(tp: Any) -> Any:
    """The type under `Annotated[...]` and `X | None`."""
    while typing.get_origin(tp) is Annotated:
        tp = typing.get_args(tp)[0]
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _bare(args[0]) if len(args) == 1 else tp
    return tp


def _text(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def form_data(struct_type: type[msgspec.Struct], form: Mapping[str, Any]) -> dict[str, Any]:
    """The form's values shaped for the Struct: text stripped, a single value for a list field made a
    list, a checkbox's "on" a bool, an empty optional field left out (so its default applies)."""
    fields = {f.name: f for f in msgspec.structs.fields(struct_type)}
    data: dict[str, Any] = {}
    for key, raw in form.items():
        if key.startswith("_") or key == "id" or key not in fields:
            if not key.startswith("_") and key != "id":
                data[key] = raw  # unknown: let the Struct refuse it (forbid_unknown_fields)
            continue
        bare = _bare(fields[key].type)
        origin = typing.get_origin(bare) or bare
        if origin in (list, tuple, set, frozenset):
            items = raw if isinstance(raw, list) else [raw]
            data[key] = [_text(v) for v in items if _text(v) != ""]
            continue
        value = _text(raw[-1] if isinstance(raw, list) and raw else raw)
        if value == "" and (not fields[key].required or bare is not str):
            if fields[key].required:
                data[key] = None  # a required number or date left empty: "required", below
            continue
        if bare is bool and value in ("on", "yes"):
            value = True
        data[key] = value
    return data


def build_mutation(
    mutation_type: type[Mutation], form: Mapping[str, Any], *, mutation_id: str | None = None, **fixed: Any
) -> Mutation | FormOutcome:
    """The mutation a form stands for, or the messages that say why it cannot be one."""
    struct_type = data_type(mutation_type)
    values = {k: _text(v) for k, v in form.items() if not k.startswith("_")}
    data = form_data(struct_type, form) | {k: v for k, v in fixed.items() if v is not None}
    errors = field_errors(struct_type, data)
    if errors:
        return FormOutcome(errors, values)
    try:
        payload = msgspec.convert(data, struct_type, strict=False)
        ident = uuid.UUID(mutation_id or str(form.get("id") or "") or str(uuid.uuid4()))
    except msgspec.ValidationError as exc:  # cross-field rules (__post_init__), unknown fields
        field_name, message = message_for(str(exc))
        return FormOutcome({field_name: message}, values)
    except ValueError:
        return FormOutcome({None: _("This form has expired. Reload the page and try again.")}, values)
    return mutation_type(id=ident, recorded_at=now(), data=payload)  # type: ignore[call-arg]


async def apply_form(
    staff: CurrentStaff,
    mutation_type: type[Mutation],
    form: Mapping[str, Any],
    *,
    mutation_id: str | None = None,
    **fixed: Any,
) -> FormOutcome:
    """Apply a posted form through `apply_batch`, exactly as the outbox would send it."""
    mutation = build_mutation(mutation_type, form, mutation_id=mutation_id, **fixed)
    if isinstance(mutation, FormOutcome):
        return mutation
    values = {k: _text(v) for k, v in form.items() if not k.startswith("_")}
    batch = SyncRequest(device_id=FORM_DEVICE, mutations=[msgspec.Raw(msgspec.json.encode(mutation))])
    result = (await apply_batch(staff, batch))[0]
    if result.status != "rejected" or result.error is None:
        return FormOutcome(values=values)
    if result.error.code == "id_reused" and await applied_by(str(mutation.id), staff.id):
        return FormOutcome(values=values)  # the same form sent twice (a double tap, a resubmitted page)
    return FormOutcome({result.error.field: result.error.message}, values)


Render = Callable[[FormOutcome], Awaitable[Template]]


async def submit_form(
    staff: CurrentStaff,
    mutation_type: type[Mutation],
    form: Mapping[str, Any],
    *,
    done: str,
    again: Render,
    mutation_id: str | None = None,
    **fixed: Any,
) -> Response | Template:
    """A form's whole answer: applied → redirect to `done` (303); refused → the form again, with
    each message beside its field, as a 422 (htmx 4 swaps it like any answer)."""
    outcome = await apply_form(staff, mutation_type, form, mutation_id=mutation_id, **fixed)
    if outcome.ok:
        return Redirect(done, status_code=303)
    template = await again(outcome)
    template.status_code = 422
    return template
