"""Reading what a request sends, for every JSON and coordinate endpoint: a bounded JSON object
(size, nesting depth, finite numbers only) and finite numbers from form fields. Errors are
BadRequest with a message the page shows (a 400), never a 500.

Why each limit: NaN/Infinity reached the database (IntegrityError) and made invalid JSON in the
replies; 2,000 levels of nesting raised RecursionError; 1e400 parses as infinity."""

from __future__ import annotations

import json
import math
from typing import Any

from django.http import HttpRequest

MAX_JSON_BYTES = 256 * 1024  # a 4,000-point freehand drawing is about 100 KB
MAX_JSON_DEPTH = 16
MAX_ID = 2**63 - 1


class BadRequest(ValueError):
    """The request is malformed; the message says how (shown to the user with a 400)."""


def json_object(request: HttpRequest) -> dict[str, Any]:
    """The request body as a JSON object, within the size and depth limits, finite numbers only."""
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > MAX_JSON_BYTES:
        raise BadRequest(f"The request is larger than {MAX_JSON_BYTES // 1024} KB.")
    return json_object_from_bytes(request.body)


def json_object_from_bytes(body: bytes) -> dict[str, Any]:
    """The same checks on a body already read (the API's parser reads at most the limit + 1)."""
    if len(body) > MAX_JSON_BYTES:
        raise BadRequest(f"The request is larger than {MAX_JSON_BYTES // 1024} KB.")
    try:
        text = body.decode("utf-8") if body else "null"
    except UnicodeDecodeError as exc:
        raise BadRequest("The request is not UTF-8 text.") from exc
    if _depth(text) > MAX_JSON_DEPTH:
        raise BadRequest(f"The request nests deeper than {MAX_JSON_DEPTH} levels.")
    try:
        data = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_literal)
    except (ValueError, RecursionError) as exc:
        message = str(exc) if isinstance(exc, BadRequest) else "The request is not JSON."
        raise BadRequest(message) from exc
    if not isinstance(data, dict):
        raise BadRequest("The request is not a JSON object.")
    return data


def _depth(text: str) -> int:
    """The deepest nesting of [ and { outside strings, counted before parsing (the parser itself
    would recurse)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _refuse_constant(name: str) -> float:
    raise BadRequest(f"{name} is not a number we accept: send finite numbers only.")


def _finite_literal(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise BadRequest(f"{literal[:20]} is too large: send finite numbers only.")
    return value


def finite_number(value: Any, what: str) -> float:
    """A finite float from a JSON number or a form field's text; "nan", "inf" and 1e400 refused."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise BadRequest(f"{what} must be a number.")
    try:
        number = float(value)
    except (ValueError, OverflowError) as exc:
        raise BadRequest(f"{what} must be a number.") from exc
    if not math.isfinite(number):
        raise BadRequest(f"{what} must be a finite number.")
    return number


def row_id(value: Any, what: str = "id") -> int:
    """A positive database id (a larger one would overflow the database's integer)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise BadRequest(f"{what} is missing.")
    return value
