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


def test_charts_grey_out_where_the_athlete_was_not_tracked() -> None:
    """Frames with none of the athlete's points seen are grey bands on the time charts, and the
    centre-of-mass path has no point there (nothing interpolated across)."""
    from dataclasses import replace

    from coaching.reports.figures import angle_figure, com_figure, untracked_spans
    from tests.support import squat_kinematics

    kin = squat_kinematics(depth=90)  # 24 fps, 96 frames
    confidence = kin.point_confidence.copy()
    confidence[10:15] = 0.0
    confidence[30] = 0.0
    kin = replace(kin, point_confidence=confidence)
    t, half = kin.timestamps, 0.5 / 24
    expected = [(round(t[10] - half, 3), round(t[14] + half, 3)), (round(t[30] - half, 3), round(t[30] + half, 3))]
    assert untracked_spans(kin) == expected
    bands = [(s["x0"], s["x1"]) for s in angle_figure(kin, "knee", [])["layout"]["shapes"] if s["name"] == "not tracked"]
    assert bands == expected
    com = com_figure(kin)["data"][0]
    assert com["x"][12] is None and com["x"][20] is not None
    assert untracked_spans(squat_kinematics(depth=90)) == []
