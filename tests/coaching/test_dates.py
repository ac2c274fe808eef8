"""Dates read one way on every page ("30 Nov 2026") and moments another ("30 Nov 2026, 15:04"),
from one definition (coaching/formats, settings.FORMAT_MODULE_PATH): before, the same app wrote
2026-11-30, "Nov. 30, 2026", "30 Nov 2026" and 2026-11-30 14:02:07 on different pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from tests.support import ROOT, squat_video

TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
# A format written into a template instead of the two named ones, or a date printed as ISO text.
INLINE_FORMAT = re.compile(r'\|date:"(?!DATE_FORMAT"|DATETIME_FORMAT")[^"]*"|\|time:|\.isoformat\s*}}')
ISO_DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")
PADDED_DAY = re.compile(r"\b0\d [A-Z][a-z]{2} 20\d\d\b")  # "02 Nov 2026": the day is written 2 Nov 2026
MOMENT = re.compile(r"\b\d{1,2} [A-Z][a-z]{2} 20\d\d, \d\d:\d\d\b")


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.relative_to(ROOT / "templates").as_posix())
def test_templates_name_the_format_instead_of_writing_one(path) -> None:  # noqa: ANN001
    assert INLINE_FORMAT.findall(path.read_text()) == []


def test_the_formats_are_defined_once() -> None:
    from django.utils import formats

    from coaching.formats import day_text, moment_text

    assert formats.date_format(dt.date(2026, 11, 30)) == day_text(dt.date(2026, 11, 30)) == "30 Nov 2026"
    moment = dt.datetime(2026, 11, 30, 15, 4, tzinfo=dt.UTC)
    assert moment_text(moment) == "30 Nov 2026, 15:04"


def _text(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    main = re.sub(r"<script.*?</script>", "", html[html.index("<main"):html.index("</main>")], flags=re.S)
    return re.sub(r"<[^>]+>", " ", re.sub(r'(value|href|src|data-[\w-]+|download|datetime)="[^"]*"', "", main))


@pytest.mark.django_db
def test_pages_write_dates_and_moments_one_way(world) -> None:
    from coaching.analysis.models import Analysis, Status
    from coaching.api.tokens import api_token_create
    from coaching.progress.services import metric_rows_write

    world.ann.date_of_birth = dt.date(2004, 3, 9)
    world.ann.save()
    early = squat_video(world.ann, recorded=dt.date(2026, 11, 2), depth=80, title="Squats early")
    late = squat_video(world.ann, recorded=dt.date(2026, 11, 30), depth=95, title="Squats late")
    for analysis in (early, late):
        metric_rows_write(analysis=analysis)
    Analysis.objects.create(video=late.video, status=Status.FAILED)  # a second run: the runs list
    api_token_create(user=world.coach, name="laptop")
    client = Client()
    client.force_login(world.coach)
    pages = {
        "athlete": (f"/athletes/{world.ann.pk}/", ["30 Nov 2026", "2 Nov 2026", "9 Mar 2004"]),
        "video": (f"/videos/{late.video_id}/", ["30 Nov 2026"]),
        "progress": (f"/athletes/{world.ann.pk}/progress/", ["30 Nov 2026"]),
        "compare": (f"/analyses/{late.pk}/compare/?with={early.pk}", ["30 Nov 2026", "2 Nov 2026"]),
        "dashboard": (f"/teams/{world.team.pk}/dashboard/", ["30 Nov 2026"]),
        "tokens": ("/accounts/api-tokens/", []),
    }
    for name, (url, days) in pages.items():
        text = _text(client, url)
        assert ISO_DATE.findall(text) == [], (name, [text[m.start() - 80:m.end() + 20] for m in ISO_DATE.finditer(text)])
        assert PADDED_DAY.findall(text) == [], name
        for day in days:
            assert day in text, (name, day)
    # The review panel's comment times come written by the server, in the same format.
    from coaching.reviews.models import Comment
    from coaching.reviews.payloads import comment_payload

    said = Comment(video=world.video, author=world.coach, body="knees out",
                   created_at=dt.datetime(2026, 11, 30, 9, 5, tzinfo=dt.UTC))
    assert comment_payload(said, viewer=world.coach)["created_at_text"] == "30 Nov 2026, 09:05"
    now = timezone.localtime()
    assert MOMENT.search(_text(client, f"/videos/{late.video_id}/")), "the runs' times"
    assert f"{now:%d %b %Y}".lstrip("0") + ", " in _text(client, "/accounts/api-tokens/")
