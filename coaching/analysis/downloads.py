"""What a downloaded file of an analysis is called: the athlete, the video and the day it was
recorded, then what the file holds ("maria-squats-2026-11-30-angles.csv"), so a coach's
downloads folder says whose session each file is. Lower-case ASCII letters, digits, "-" and "_"
(María López: maria-lopez); a name with no Latin letters at all keeps its own (Анна: анна),
which the download header sends as UTF-8 (coaching.serving.content_disposition_header). The day
as ISO (YYYY-MM-DD) so the files sort by date. Every download of an analysis is named here."""

from __future__ import annotations

from django.utils import timezone
from django.utils.text import slugify

from coaching.analysis.models import Analysis


def _slug(text: str) -> str:
    return slugify(text) or slugify(text, allow_unicode=True)


def download_name(analysis: Analysis, what: str, suffix: str) -> str:
    """``<athlete>-<video title>-<recorded on>-<what><suffix>``; the title without the athlete's
    name when it starts with it ("Maria squats" of Maria: maria-squats-...), the upload's day when
    the recorded date is not set."""
    video = analysis.video
    athlete, title = _slug(video.athlete.name), _slug(video.title)
    if athlete and (title == athlete or title.startswith(athlete + "-")):
        athlete = ""
    day = video.recorded_on or timezone.localdate(video.created_at)
    parts = [athlete, title, day.isoformat(), _slug(what)]
    return "-".join(p for p in parts if p) + suffix
