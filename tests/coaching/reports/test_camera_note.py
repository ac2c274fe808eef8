"""Issue 18: where the camera moved (inference/kinematics/camera.py), the report says positions,
travel and speeds follow the picture, and leaves the centre of mass path out there; angles stay.
The handheld basketball clip gets the note, the tripod lab walk does not (both looked at)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from django.urls import reverse

from coaching.reports.figures import CAMERA_MOVED_NOTE, com_figure
from tests.support import (
    give_kinematics,
    signed_in_page,
    squat_kinematics,
    tracked_analysis,
    tracked_clip,
    wait_js,
)

pytestmark = pytest.mark.django_db


def _with_camera(analysis, moved):  # noqa: ANN001, ANN202
    analysis = give_kinematics(analysis, squat_kinematics(depth=60))
    analysis.summary = {**analysis.summary, "kinematics": {"version": 1, "camera": {"moved": moved, "threshold": 0.1}}}
    analysis.save()
    return analysis


def test_note_and_path_left_out_only_where_the_camera_moved(client, world) -> None:
    client.force_login(world.coach)
    analysis = _with_camera(world.analysis, [[1.0, 2.0]])
    page = client.get(reverse("analysis_report", args=[analysis.pk])).content.decode()
    assert 'id="camera-moved"' in page and CAMERA_MOVED_NOTE in page and "1.0–2.0 s" in page
    analysis = _with_camera(world.analysis_al, [])
    assert 'id="camera-moved"' not in client.get(reverse("analysis_report", args=[analysis.pk])).content.decode()

    kin = squat_kinematics(depth=60)
    x = np.array(com_figure(kin, [(1.0, 2.0)])["data"][0]["x"], dtype=float)
    t = np.array(com_figure(kin, [(1.0, 2.0)])["data"][0]["customdata"], dtype=float)
    assert np.isnan(x[(t >= 1.0) & (t <= 2.0)]).all() and np.isfinite(x[t < 0.9]).any()
    assert np.isfinite(np.array(com_figure(kin)["data"][0]["x"], dtype=float)).all()


def _real_report(video, clip: str):  # noqa: ANN001, ANN202
    """The clip's report as the kinematics stage leaves it: poses, kinematics, the camera summary."""
    from inference.kinematics import compute_kinematics
    from inference.kinematics.camera import camera_summary
    from inference.posedata import PoseSequence

    analysis = tracked_analysis(video, clip)  # the clip analysed once per test session
    folder, summary = tracked_clip(clip)
    poses = PoseSequence.load(folder / "poses.npz")
    kin = compute_kinematics(poses, int(np.flatnonzero(poses.track_ids == summary["pose"]["athlete_track_id"])[0]))
    analysis = give_kinematics(analysis, kin)
    analysis.summary = {**analysis.summary, "kinematics": {"version": 1, "camera": camera_summary(summary["video"]["camera"], kin)}}
    analysis.save()
    return analysis


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_note_on_the_pan_not_on_the_tripod_in_chromium(browser, live_server, world, tmp_path) -> None:
    shots = Path(os.environ.get("POSECOACH_SCREENSHOTS", tmp_path))
    panning = _real_report(world.video_al, "basketball_pan_240p.mp4")
    static = _real_report(world.video, "lab_walk_portrait_60fps.mp4")
    page = signed_in_page(browser, live_server)
    page.goto(f"{live_server.url}/analyses/{panning.pk}/report/")
    wait_js(page, "document.querySelector('.kpis') !== null")
    note = page.locator("#camera-moved")
    assert note.is_visible() and CAMERA_MOVED_NOTE in note.inner_text()
    page.screenshot(path=str(shots / "report-camera-moved.png"))
    page.goto(f"{live_server.url}/analyses/{static.pk}/report/")
    wait_js(page, "document.querySelector('.kpis') !== null")
    assert page.locator("#camera-moved").count() == 0
    assert not page.errors
