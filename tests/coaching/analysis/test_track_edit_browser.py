"""In real Chromium, with a real worker: the video page's track list on basketball_pan_240p.mp4
(the tracking's people, colours as on the skeletons), a join the tracks refuse (white and blue are
on court together, bench/truth), a split at the video's time, "Not a person", and undo — each edit
a job whose progress the page follows before it reloads the list; then the report greys out where
the athlete is no longer tracked."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest

from inference.posedata import PoseSequence
from tests.support import signed_in_page, tracked_analysis, wait_js

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
CLIP = "basketball_pan_240p.mp4"
SPLIT_AT = 5.0  # the athlete (white) is in view from 0 to 9.38 s (bench/truth)


def _rows(page) -> list[int]:  # type: ignore[no-untyped-def]
    return page.eval_on_selector_all("#tracks-body tr", "rows => rows.map(r => Number(r.dataset.track))")


def _tick(page, track: int) -> None:  # type: ignore[no-untyped-def]
    page.check(f"#tracks-body tr[data-track='{track}'] input[type=checkbox]")


def _wait_edit_done(page, count: int) -> None:  # type: ignore[no-untyped-def]
    """Until the page lists `count` tracks and no edit runs (the progress line hidden again)."""
    wait_js(page, f"document.querySelectorAll('#tracks-body tr').length === {count} "
                  "&& document.getElementById('track-job').hidden", timeout=120)


def test_coach_repairs_tracks_on_the_video_page(browser, live_server, world, celery_worker_process,
                                                 tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shots = Path(os.environ.get("POSECOACH_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    analysis = tracked_analysis(world.video_al, CLIP)
    poses = PoseSequence.load(analysis.poses.path)
    athlete = analysis.summary["pose"]["athlete_track_id"]
    tracks = [int(t) for t in poses.track_ids]
    page = signed_in_page(browser, live_server)
    page.goto(f"{live_server.url}/videos/{world.video_al.pk}/")
    page.wait_for_selector("#tracks:not([hidden])", timeout=120_000)
    assert sorted(_rows(page)) == sorted(tracks)
    # the athlete's row wears the overlay's athlete colour and says so
    swatch = page.eval_on_selector(f"#tracks-body tr[data-track='{athlete}'] .swatch", "s => s.style.backgroundColor")
    assert swatch == "rgb(255, 140, 0)"
    assert "athlete" in page.inner_text(f"#tracks-body tr[data-track='{athlete}']")
    # people are numbered 1..N in the order the list shows them, whatever the tracker's ids
    for number, track in enumerate(_rows(page), 1):
        assert re.search(rf"\bPerson {number}\b", page.inner_text(f"#tracks-body tr[data-track='{track}']"))
    coverage = page.inner_text("#tracks-coverage")
    assert f"tracked in {analysis.summary['pose']['frames_with_athlete']} of 300 frames" in coverage
    assert page.is_hidden("#tracks-close-call")  # white scores far above blue: no close call

    # Two people on court at once cannot be joined: the page says why, nothing runs.
    slot = tracks.index(athlete)
    other = next(t for i, t in enumerate(tracks) if t != athlete
                 and (np.isfinite(poses.keypoints[:, i, :, 0]).any(1) & np.isfinite(poses.keypoints[:, slot, :, 0]).any(1)).sum() > 5)
    _tick(page, athlete)
    _tick(page, other)
    page.click("#track-join")
    page.wait_for_selector("#track-error:not([hidden])")
    assert "both in" in page.inner_text("#track-error")
    page.uncheck(f"#tracks-body tr[data-track='{other}'] input[type=checkbox]")

    wait_js(page, "document.getElementById('player').readyState >= 2")
    page.eval_on_selector("#player", f"v => {{ v.currentTime = {SPLIT_AT}; }}")
    wait_js(page, f"document.getElementById('track-split').textContent === 'Split at {SPLIT_AT:.2f} s'")
    page.click("#track-split")
    page.wait_for_selector("#track-job:not([hidden])")  # the job's progress line
    _wait_edit_done(page, len(tracks) + 1)
    later = next(t for t in _rows(page) if t not in tracks)
    number = {t: n for n, t in enumerate(_rows(page), 1)}  # as listed now
    assert (f"Split person {number[athlete]} at {SPLIT_AT:.2f} s (the later part is person {number[later]})"
            in page.text_content("#track-history"))
    page.screenshot(path=str(shots / "tracks-after-split.png"), full_page=True)

    _tick(page, later)
    page.click("#track-drop")
    _wait_edit_done(page, len(tracks))
    assert later not in _rows(page)
    page.click("#track-undo")
    _wait_edit_done(page, len(tracks) + 1)
    assert later in _rows(page)
    assert "undone" in page.text_content("#track-history")
    assert page.errors == []
    # The report greys out where the athlete, the part before the split, is not tracked (item 6).
    page.goto(f"{live_server.url}/analyses/{analysis.pk}/report/")
    page.wait_for_selector("#chart-angle .shapelayer path")
    assert "grey bands on the charts" in page.inner_text("#athlete-coverage")
    page.screenshot(path=str(shots / "report-after-split.png"), full_page=True)
    assert page.errors == []


def test_a_close_call_asks_the_coach_to_check_the_athlete(browser, live_server, world,
                                                           tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """lab_two_people_portrait_60fps.mp4: the performing man and the standing foreground woman
    score almost alike (bench/truth: a coach could pick either), so the page asks for a check."""
    analysis = tracked_analysis(world.video_al, "lab_two_people_portrait_60fps.mp4")
    pose = analysis.summary["pose"]
    other = next(p["track_id"] for p in pose["people"] if p["track_id"] != pose["athlete_track_id"])
    page = signed_in_page(browser, live_server)
    page.goto(f"{live_server.url}/videos/{world.video_al.pk}/")
    # the list loads once the page's status poll reports the analysis done: on a loaded 2-CPU
    # machine (CI beside benches) that took over Playwright's default 30 s once
    page.wait_for_selector("#tracks-close-call:not([hidden])", timeout=120_000)
    text = page.inner_text("#tracks-close-call")
    number = _rows(page).index(other) + 1  # people numbered as the list shows them
    assert f"person {number} scores almost as high" in text and "Choose the athlete" in text
    assert page.is_visible("#tracks-confirm button")  # or confirm the rule's choice
    assert not page.errors
    shots = Path(os.environ.get("POSECOACH_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    page.locator("#tracks").screenshot(path=str(shots / "tracks-close-call.png"))
