"""Junk in a page's query string (a hand-edited or truncated link: ?with=abc, ?t=NaN,
?date_from=yesterday, ?sort=';--) or in a posted form is a page or a 4xx with a message, never a
server error. Every page of the URL conf with the world's own objects, each junk value in every
key the pages read. (Another team's ids: athletes/test_scoping.py; JSON bodies:
security/test_json_bodies.py.) A NUL character was the junk that broke five pages (PostgreSQL
refuses it in text): coaching.middleware.NulCharacterMiddleware."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

OWN_KWARGS = {
    "team_id": lambda w: w.team.pk,
    "athlete_id": lambda w: w.ann.pk,
    "video_id": lambda w: w.video.pk,
    "analysis_id": lambda w: w.analysis.pk,
    "render_id": lambda w: w.render.pk,
    "kind": lambda w: "proxy",
    "fmt": lambda w: "mot",
}
# The query keys the pages read (grep request.GET / query_params in coaching/).
KEYS = ("with", "a", "b", "t", "date_from", "date_to", "action", "metric", "sort", "format", "kind",
        "cursor", "page", "limit", "offset", "athlete", "movement", "status", "q", "next")
# The fields the pages' forms and scripts post (grep request.POST in coaching/).
FIELDS = ("x", "y", "t", "at", "track", "other", "operation", "kind", "label", "start", "end", "t_start",
          "t_end", "body", "name", "title", "capture_fps", "backend", "movement", "role", "action",
          "segment", "a", "b", "with", "include_review", "url", "recorded_on", "notes", "height_cm",
          "discipline", "date_of_birth", "revoke", "events", "id")
JUNK = ("NaN", "-inf", "1e400", "abc", "-1", "0", "99999999999999999999", "';--", "\x00", "%", "[]",
        "2026-02-30", "../../etc/passwd")


def _routes(patterns: list, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:  # type: ignore[type-arg]
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        elif p.name:
            yield prefix + str(p.pattern), p


def _pages(world) -> list[str]:  # noqa: ANN001
    urls = []
    for route, pattern in _routes(get_resolver().url_patterns):
        if route.startswith("admin") or pattern.name in {"logout", "api_schema", "api_docs"}:
            continue
        names = pattern.pattern.regex.groupindex
        if any(name not in OWN_KWARGS for name in names):
            continue
        urls.append(reverse(pattern.name, kwargs={n: OWN_KWARGS[n](world) for n in names}))
    return urls


def test_junk_query_values_never_break_a_page(world) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.coach)
    broken = []
    for url in _pages(world):
        for value in JUNK:
            response = client.get(url, {key: value for key in KEYS})
            if response.status_code >= 500:
                broken.append((url, value, response.status_code))
    assert broken == []


def test_a_nul_in_the_address_is_a_400_that_says_so(world) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.coach)
    page = client.get(f"/teams/{world.team.pk}/", {"q": "a\x00b"})
    assert page.status_code == 400 and "NUL character" in page.content.decode()
    api = client.get(f"/api/v1/athletes/{world.ann.pk}/metrics/", {"action": "\x00"})
    assert api.status_code == 400 and "NUL character" in api.json()["detail"]
    assert client.get("/invitations/ab%00cd/").status_code == 400
    # a plain form (what a browser posts): refused before the view
    form = client.post("/accounts/api-tokens/", "name=a%00b", content_type="application/x-www-form-urlencoded")
    assert form.status_code == 400 and "NUL character" in form.content.decode()


class _Undo(Exception):
    """Raised to roll one request's writes back, so every URL meets the same world."""


def test_junk_form_values_never_break_a_page(world) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.coach)
    broken = []
    for url in _pages(world):
        for value in JUNK:
            try:
                with transaction.atomic():
                    response = client.post(url, {key: value for key in FIELDS})
                    if response.status_code >= 500:
                        broken.append((url, value, response.status_code))
                    raise _Undo
            except _Undo:
                pass
    assert broken == []
