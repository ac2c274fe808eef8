"""What the compare lists, the progress page and the report's charts say in a coach's words: a
segment names its action once and a jump by its flight (the padded windows overlap), no code
path in what a metric means, the chosen days in the pages' own format beside the browser's date
inputs, and an angle chart says what its 0 (or 90) is."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from coaching.progress.figures import Point, Series, trend_figure
from coaching.progress.templatetags.progress_tags import plain_words, segment_text
from coaching.reports.figures import angle_figure, angle_reference
from inference.compare.metrics import METRICS
from inference.compare.segments import Segment
from tests.support import squat_kinematics


def test_segments_say_their_action_once_and_a_jump_by_its_flight() -> None:
    # sports2d_demo's first two hops (the review's "jump 1 · jump (0.0-1.1 s)", "jump 2 · jump (0.2-1.8 s)")
    assert segment_text(Segment("jump", "jump", "jump 1", 0.0, 1.1, (0.37, 0.65))) == "jump 1 (flight 0.37–0.65 s)"
    assert segment_text(Segment("jump", "run", "jump 2", 0.2, 1.8, (0.98, 1.26))) == "jump 2 of run (flight 0.98–1.26 s)"
    assert segment_text(Segment("rep", "squat", "rep 1", 0.0, 2.06)) == "rep 1 of squat (0.0–2.1 s)"
    assert segment_text(Segment("action", "walk", "walk 1.0–2.5 s", 1.0, 2.5)) == "walk 1.0–2.5 s"
    assert segment_text(Segment("whole", "general", "whole clip", 0.0, 7.5)) == "whole clip (general)"


def test_what_a_metric_means_has_no_code_path() -> None:
    for metric in METRICS.values():
        words = plain_words(metric.meaning)
        assert "inference." not in words and "(" not in words.replace("(+ forward, − backward)", "")
    assert plain_words(METRICS["knee_rom"].meaning).startswith("5th–95th percentile span of each side's angle")


@pytest.mark.django_db
def test_the_progress_page_shows_chosen_days_in_the_pages_format(client, world) -> None:
    client.force_login(world.coach)
    page = client.get(reverse("athlete_progress", args=[world.ann.pk]),
                      {"date_from": "2026-11-02", "date_to": "2026-11-30"}).content.decode()
    assert '<output id="date-from-text" class="muted small day-text" for="date_from">2 Nov 2026</output>' in page
    assert ">30 Nov 2026</output>" in page and "inference.feedback" not in page
    empty = client.get(reverse("athlete_progress", args=[world.ann.pk])).content.decode()
    assert 'for="date_to">any day</output>' in empty


def test_trend_dates_sit_below_the_lowest_value_label() -> None:
    series = Series("general", "trunk_lean_max", "deg", movement="general",
                    points=[Point(date(2026, 11, 2), 48.0, 1, 0.0, "a"), Point(date(2026, 11, 30), -14.0, 2, 0.0, "b")])
    assert trend_figure(series)["layout"]["xaxis"]["ticklabelstandoff"] > 0


def test_an_angle_chart_says_what_its_numbers_are_measured_from() -> None:
    assert angle_reference("trunk") == "90 upright, <90 leaning forward"
    assert angle_reference("left_knee") == "0 straight"
    kin = squat_kinematics(depth=60)
    title = angle_figure(kin, "trunk", [])["layout"]["title"]
    assert title["text"] == "Trunk angle" and title["subtitle"]["text"] == "90 upright, <90 leaning forward"
