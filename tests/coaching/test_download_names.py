"""Downloads are named after the athlete, the video and the day it was recorded, then what the
file holds ("maria-lopez-squats-2026-11-30-angles.csv"), never "analysis-17.csv": a coach's
downloads folder says whose session each file is (coaching.analysis.downloads)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coaching.analysis.downloads import download_name
from tests.support import squat_video, store_small_poses

pytestmark = pytest.mark.django_db
SAFE = re.compile(r"[a-z0-9-]+\.[a-z0-9.]+")


@pytest.mark.parametrize(("athlete", "title", "recorded", "expected"), [
    ("María López", "Squats", dt.date(2026, 11, 30), "maria-lopez-squats-2026-11-30-angles.csv"),
    ("Maria", "Maria squats", dt.date(2026, 11, 30), "maria-squats-2026-11-30-angles.csv"),  # no maria-maria-
    ("Al", 'IMG_0001 "final"; rm -rf /', dt.date(2026, 1, 5), "al-img_0001-final-rm-rf-2026-01-05-angles.csv"),
    ("Анна", "Прыжки", dt.date(2026, 3, 1), "анна-прыжки-2026-03-01-angles.csv"),  # no Latin letters: kept
])
def test_names_say_whose_session(world, athlete: str, title: str, recorded: dt.date, expected: str) -> None:
    world.ann.name = athlete
    world.ann.save()
    analysis = squat_video(world.ann, recorded=recorded, depth=80, title=title)
    assert download_name(analysis, "angles", ".csv") == expected


def test_the_upload_day_when_the_recorded_day_is_not_set(world) -> None:
    day = timezone.localdate(world.video.created_at).isoformat()
    assert download_name(world.analysis, "annotated", ".mp4") == f"ann-squat-{day}-annotated.mp4"


def test_every_download_of_an_analysis_carries_the_name(world) -> None:
    analysis = squat_video(world.ann, recorded=dt.date(2026, 11, 30), depth=80, title="Squats")
    analysis.angles_csv.save("angles.csv", ContentFile(b"t,left_knee\n0,170\n"), save=True)
    store_small_poses(analysis)
    client = Client()
    client.force_login(world.coach)
    stem = "ann-squats-2026-11-30"
    urls = {
        f"{stem}-angles.csv": reverse("analysis_file", args=[analysis.pk, "angles_csv"]),
        f"{stem}-angles.mot": reverse("analysis_export", args=[analysis.pk, "mot"]),
        f"{stem}-markers.trc": reverse("analysis_export", args=[analysis.pk, "trc"]),
        f"{stem}-openpose-json.zip": reverse("analysis_export", args=[analysis.pk, "openpose"]),
    }
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Disposition"] == f'attachment; filename="{name}"', url
        assert SAFE.fullmatch(name)
    html = client.get(reverse("analysis_report", args=[analysis.pk])).content.decode()
    assert f'download="{stem}-angles.csv"' in html
