"""Input bounds checked once, before any handler runs (issue 16): whatever a client sends is either
within the range the database and the calendar can hold, or a 4xx with a message — never a 500.

One small ASGI middleware (listed in `create_app`) checks, for every routed request:
- path integers within the id columns' range (PostgreSQL `integer`): larger ones cannot name a
  record, so they are "not found";
- query strings and form bodies are valid UTF-8 without NUL characters (PostgreSQL refuses NUL);
- every date, month or quarter in the path or the query lies in 1900–2199 and is a real date
  (a `?day=9999-12-31` otherwise overflows when the page adds the time zone);
- integer query parameters of the handler within the 32-bit range;
- JSON bodies nested at most `MAX_JSON_DEPTH` deep (msgspec otherwise raises RecursionError).

Mutation Structs get the same integer bounds at decode (`check_bounds`, used by app.sync.service).
"""

from __future__ import annotations

import contextlib
import re
import types
import typing
from datetime import date
from typing import Any
from urllib.parse import unquote_to_bytes

import msgspec
from litestar.types import ASGIApp, Receive, Scope, Send

from app.errors import NotFound, RuleViolation
from app.i18n import _

INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # PostgreSQL `integer`, the type of every id and count column
YEAR_MIN, YEAR_MAX = 1900, 2199
MAX_JSON_DEPTH = 64
MAX_BUFFERED_BODY = 10 * 1024 * 1024  # Litestar's own default request body limit

_DATE_SHAPE = re.compile(r"^([+-]?\d{4,})-(\d{1,2})(?:-(\d{1,2}))?(?:[T ][0-9:.+\-Z]*)?$")
_QUARTER_SHAPE = re.compile(r"^([+-]?\d{4,})-[Qq](\d+)$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_YEAR_PARAMS = frozenset({"year"})


class BadInput(RuleViolation):
    """Input outside what the app can hold; answered 422 with the message by app.main's handler."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__("bad_input", message, field)


def _year_ok(year: int) -> bool:
    return YEAR_MIN <= year <= YEAR_MAX


def check_calendar_value(name: str, value: str) -> None:
    """A value shaped like a date, a month or a quarter must be a real one within 1900–2199."""
    text = value.strip()
    if match := _QUARTER_SHAPE.match(text):
        if not _year_ok(int(match[1])) or not 1 <= int(match[2]) <= 4:
            raise BadInput(_("%(name)s: the quarter must be between 1900 and 2199.", name=name), name)
        return
    if match := _DATE_SHAPE.match(text):
        year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
        try:
            date(year, month, day)
        except (ValueError, OverflowError):
            valid = False
        else:
            valid = _year_ok(year)
        if not valid:
            raise BadInput(_("%(name)s: the date must be a real date between 1900 and 2199.", name=name), name)
        return
    if name in _YEAR_PARAMS and _INTEGER.match(text) and (len(text) > 6 or not _year_ok(int(text))):
        raise BadInput(_("%(name)s: the year must be between 1900 and 2199.", name=name), name)


def _int_ok(value: int) -> bool:
    return INT_MIN <= value <= INT_MAX


def check_path_params(params: dict[str, Any]) -> None:
    for name, value in params.items():
        if isinstance(value, int) and not isinstance(value, bool) and not _int_ok(value):
            raise NotFound()
        if isinstance(value, str):
            if "\x00" in value:
                raise NotFound()
            try:
                check_calendar_value(name, value)
            except BadInput as exc:  # a month that does not exist is a page that does not exist
                said = _("There is no such page: %(value)s is not a real date or month.", value=value[:20])
                raise NotFound(said) from exc


def _text(raw: bytes, what: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(_("%(what)s is not valid UTF-8 text.", what=what)) from None
    if "\x00" in text:
        raise BadInput(_("%(what)s contains a NUL character.", what=what))
    return text


def parse_pairs(raw: bytes, what: str) -> list[tuple[str, str]]:
    """`a=1&b=2` (query string or url-encoded form) as strict UTF-8 pairs, or BadInput."""
    pairs = []
    for part in raw.replace(b";", b"&").split(b"&"):
        if not part:
            continue
        key, _sep, value = part.partition(b"=")
        pairs.append(
            (
                _text(unquote_to_bytes(key.replace(b"+", b" ")), what),
                _text(unquote_to_bytes(value.replace(b"+", b" ")), what),
            )
        )
    return pairs


def _bare(tp: Any) -> Any:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _bare(args[0]) if len(args) == 1 else tp
    return tp


def _int_query_names(handler: Any) -> frozenset[str]:
    """The handler's own query parameters typed `int` (by their query name)."""
    cached = getattr(handler, "_bounded_int_queries", None)
    if cached is not None:
        return cached
    names = set()
    try:
        parameters = handler.parsed_fn_signature.parameters
    except Exception:  # pragma: no cover - a handler without a parsed signature
        parameters = {}
    for name, definition in parameters.items():
        if _bare(definition.annotation) is int:
            kwarg = getattr(definition, "kwarg_definition", None)
            names.add(getattr(kwarg, "query", None) or name)
    result = frozenset(names)
    with contextlib.suppress(Exception):  # a handler that takes no attributes just is not cached
        handler._bounded_int_queries = result
    return result


def check_query(raw: bytes, handler: Any) -> None:
    ints = _int_query_names(handler) if handler is not None else frozenset()
    for name, value in parse_pairs(raw, _("The address")):
        check_calendar_value(name, value)
        if name in ints and _INTEGER.match(value.strip()) and not _int_ok(int(value.strip()[:12])):
            raise BadInput(_("%(name)s: the number is out of range.", name=name), name)


def json_depth_ok(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    brackets = _JSON_STRING.sub(b'""', body).translate(None, _NOT_BRACKETS)
    depth = 0
    for byte in brackets:
        depth += 1 if byte in b"[{" else -1
        if depth > limit:
            return False
    return True


def check_body(content_type: str, body: bytes) -> None:
    if content_type.startswith("application/x-www-form-urlencoded"):
        parse_pairs(body, _("The form"))
    elif "json" in content_type:
        _text(body, _("The request"))  # NUL is escaped in JSON text (\u0000), so only encoding matters here
        if not json_depth_ok(body):
            raise BadInput(_("The request is nested too deeply."))


def _buffered(body: bytes, receive: Receive) -> Receive:
    """The body already read, then the real channel (a later `http.disconnect` is a real one)."""
    sent = False

    async def replay() -> Any:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def validation_middleware(app: ASGIApp) -> ASGIApp:
    """Refuse out-of-range input before the handler (see the module docstring)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        check_path_params(scope.get("path_params") or {})
        check_query(scope.get("query_string", b""), scope.get("route_handler"))
        headers = dict(scope.get("headers") or [])
        content_type = headers.get(b"content-type", b"").decode("latin-1").lower()
        if scope.get("method") in ("POST", "PUT", "PATCH") and (
            "json" in content_type or content_type.startswith("application/x-www-form-urlencoded")
        ):
            body = await _read_body(receive, MAX_BUFFERED_BODY)
            if body is None:
                raise BadInput(_("What you sent is too large."))
            check_body(content_type, body)
            receive = _buffered(body, receive)
        await app(scope, receive, send)

    return middleware


# --- mutation Structs: every integer within the 32-bit range, every string without NUL ----------


def check_bounds(value: Any, path: str = "") -> str | None:
    """The first field (dotted path) of a decoded Struct whose value the database cannot hold."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return None if _int_ok(value) else path or "value"
    if isinstance(value, str):
        return path or "value" if "\x00" in value else None
    if isinstance(value, msgspec.Struct):
        for name in value.__struct_fields__:
            if found := check_bounds(getattr(value, name), f"{path}.{name}" if path else name):
                return found
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            if found := check_bounds(item, path):
                return found
    elif isinstance(value, dict):
        for key, item in value.items():
            if found := check_bounds(key, path) or check_bounds(item, f"{path}.{key}" if path else str(key)):
                return found
    return None
