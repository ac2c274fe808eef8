"""The report says how much of the clip the athlete is tracked in (issue 17, item 6). bench/truth:
the athlete of lab_walk_portrait_60fps.mp4 is visible in all of its 100 frames."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.support import upload_and_analyse

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_report_says_in_how_many_frames_the_athlete_is_tracked(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.coach)
    analysed = upload_and_analyse(client, world.al, "lab_walk_portrait_60fps.mp4", "general")
    html = client.get(reverse("analysis_report", args=[analysed.pk])).content.decode()
    assert 'id="athlete-coverage"' in html
    assert "tracked in 100 of 100 frames (100 %)" in html
