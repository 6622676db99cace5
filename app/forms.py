"""Form parsing: a msgspec Struct validates, errors become messages beside the fields."""

from __future__ import annotations

import re
from typing import Any, TypeVar

import msgspec

from app.i18n import _

S = TypeVar("S", bound=msgspec.Struct)

MAX_FIELD_CHARS = 20_000  # no single form field is longer than this, whatever the Struct says

_PATH = re.compile(r"at `\$\.([A-Za-z_][A-Za-z0-9_]*)")
_MISSING = re.compile(r"missing required field `([A-Za-z_][A-Za-z0-9_]*)`")
_MAX_LEN = re.compile(r"length <= (\d+)")
_MIN_LEN = re.compile(r"length >= (\d+)")
_RANGE = re.compile(r"Expected `(int|float)` [<>]=? ")


class FormErrors(Exception):
    """Field name → message; `None` holds a message for the whole form."""

    def __init__(self, errors: dict[str | None, str], values: dict[str, Any]) -> None:
        super().__init__(errors)
        self.errors = errors
        self.values = values


def message_for(error: str) -> tuple[str | None, str]:
    """Translate one msgspec validation error into (field, message in the user's language)."""
    if m := _MISSING.search(error):
        return m.group(1), _("This field is required.")
    field = m.group(1) if (m := _PATH.search(error)) else None
    if m := _MAX_LEN.search(error):
        return field, _("At most %(n)s characters.", n=m.group(1))
    if m := _MIN_LEN.search(error):
        n = int(m.group(1))
        return field, _("This field is required.") if n == 1 else _("At least %(n)s characters.", n=n)
    if "match pattern" in error:
        return field, _("This value has characters that are not allowed.")
    if "Invalid enum value" in error:
        return field, _("Choose a value from the list.")
    if _RANGE.search(error):  # "Expected `int` <= 200": a number, but out of range
        return field, _("This number is out of range.")
    if "Expected `int`" in error or "Expected `float`" in error:
        return field, _("Enter a number.")
    if ">= " in error or "<= " in error or "> " in error or "< " in error:
        return field, _("This number is out of range.")
    if "datetime" in error or "date" in error or "time" in error:
        return field, _("Enter a valid date and time.")
    return field, _("This value is not valid.")


def clean_values(raw: dict[str, Any]) -> dict[str, Any]:
    """Strip text fields; a checkbox sent as "on" stays a string for the Struct to convert."""
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key.startswith("_"):
            continue  # _csrf_token and other transport fields
        values[key] = value.strip() if isinstance(value, str) else value
    return values


def parse_form(struct_type: type[S], raw: dict[str, Any]) -> S:
    """Validate form values against a Struct; raise FormErrors with messages per field."""
    values = clean_values(raw)
    too_long = [k for k, v in values.items() if isinstance(v, str) and len(v) > MAX_FIELD_CHARS]
    if too_long:
        raise FormErrors({k: _("At most %(n)s characters.", n=MAX_FIELD_CHARS) for k in too_long}, values)
    errors = field_errors(struct_type, values)
    if errors:
        raise FormErrors(errors, values)
    try:
        return msgspec.convert(values, struct_type, strict=False)
    except msgspec.ValidationError as exc:  # cross-field rules (__post_init__)
        field, message = message_for(str(exc))
        raise FormErrors({field: message}, values) from exc


def field_errors(struct_type: type[msgspec.Struct], values: dict[str, Any]) -> dict[str | None, str]:
    """Check each field on its own, so a person sees every problem of the form at once (a required
    field left empty — missing, or None for a number or date — is "required")."""
    errors: dict[str | None, str] = {}
    for field in msgspec.structs.fields(struct_type):
        if field.name not in values:
            if field.required:
                errors[field.name] = _("This field is required.")
            continue
        value = values[field.name]
        if isinstance(value, str) and len(value) > MAX_FIELD_CHARS:
            errors[field.name] = _("At most %(n)s characters.", n=MAX_FIELD_CHARS)
            continue
        try:
            msgspec.convert(value, field.type, strict=False)
        except msgspec.ValidationError as exc:
            errors[field.name] = _("This field is required.") if value is None else message_for(str(exc))[1]
    return errors
