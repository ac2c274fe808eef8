"""What the API answers when a service refuses input: a 400 with the service's message, never a
500. A DRF error response keeps DRF's shape, ``{"detail": "..."}``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler

from coaching.requestdata import BadRequest


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ValidationError):
        return Response({"detail": " ".join(exc.messages)}, status=400)
    if isinstance(exc, BadRequest):
        return Response({"detail": str(exc)}, status=400)
    return exception_handler(exc, context)
