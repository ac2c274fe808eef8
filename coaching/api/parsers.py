"""The API's JSON parser: the same bounded reading as every JSON endpoint of the pages
(coaching.requestdata: size, depth, finite numbers only)."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

from coaching.requestdata import MAX_JSON_BYTES, BadRequest, json_object_from_bytes


class BoundedJSONParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream: Any, media_type: str | None = None,
              parser_context: dict[str, Any] | None = None) -> dict[str, Any]:
        body = stream.read(MAX_JSON_BYTES + 1) if stream is not None else b""
        try:
            return json_object_from_bytes(body)
        except BadRequest as exc:
            raise ParseError(str(exc)) from exc
