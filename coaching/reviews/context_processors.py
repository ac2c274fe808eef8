"""The unread-review count in the navigation of every page."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from coaching.reviews.selectors import review_unread_count


def review_unread(request: HttpRequest) -> dict[str, object]:
    # Lazy: counted only where a template shows it (signed-in pages).
    return {"review_unread": SimpleLazyObject(lambda: review_unread_count(user=request.user))}
