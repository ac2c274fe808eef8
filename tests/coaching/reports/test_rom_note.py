"""The report's ranges of motion are percentile spans (inference.feedback.measures.range_of_motion),
smaller than the peak-to-peak a coach reads off the angle chart (the lunge clip: left knee 37° in
the key numbers, 6° to 52° on the chart). The key numbers say so beside them."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from django.urls import reverse

from coaching.reports.figures import RANGE_OF_MOTION_NOTE
from inference.feedback.measures import range_of_motion, tracked_angle
from tests.support import give_kinematics, signed_in_page, squat_kinematics, wait_js

pytestmark = pytest.mark.django_db


def test_the_note_says_what_range_of_motion_computes() -> None:
    kin = squat_kinematics(depth=60)
    knee = kin.angle_names.index("left_knee")
    kin.angles[10, knee] = 175.0  # one wrong frame
    x = tracked_angle(kin, "left_knee")
    x = x[np.isfinite(x)]
    assert range_of_motion(kin, "left_knee") == pytest.approx(np.percentile(x, 95) - np.percentile(x, 5))
    assert range_of_motion(kin, "left_knee") < x.max() - x.min() - 50  # the spike does not count
    assert "5th to the 95th percentile" in RANGE_OF_MOTION_NOTE


def _with_ranges(world, ranges):  # noqa: ANN001, ANN202
    analysis = give_kinematics(world.analysis, squat_kinematics(depth=60))
    analysis.summary = {**analysis.summary, "feedback": {"movement": "general", "findings": [], "passed": [],
                                                         "skipped": [], "ranges_of_motion": ranges}}  # fmt: skip
    analysis.save()
    return analysis


def test_note_beside_ranges_only(client, world) -> None:
    client.force_login(world.coach)
    analysis = _with_ranges(world, {"left_knee": 37.0, "right_knee": 24.0})
    page = client.get(reverse("analysis_report", args=[analysis.pk])).content.decode()
    assert '<p class="muted small" id="rom-note">' + RANGE_OF_MOTION_NOTE in page
    analysis = _with_ranges(world, {})
    assert 'id="rom-note"' not in client.get(reverse("analysis_report", args=[analysis.pk])).content.decode()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_note_in_chromium(browser, live_server, world, tmp_path) -> None:
    shots = Path(os.environ.get("POSECOACH_SCREENSHOTS", tmp_path))
    analysis = _with_ranges(world, {"left_knee": 37.0, "right_knee": 24.0})
    page = signed_in_page(browser, live_server)
    page.goto(f"{live_server.url}/analyses/{analysis.pk}/report/")
    wait_js(page, "document.querySelector('.kpis') !== null")
    note, kpis = page.locator("#rom-note"), page.locator(".kpis")
    assert note.is_visible()
    assert note.bounding_box()["y"] >= kpis.bounding_box()["y"] + kpis.bounding_box()["height"]  # below, not over
    page.locator(".key-numbers").screenshot(path=str(shots / "report-rom-note.png"))
    assert not page.errors
