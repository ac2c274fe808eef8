"""Side-on running on real frames: football_sprint_slowmo.mp4 (a development clip, fetched by
`make eval-data` into ~/.cache/posecoach/eval; Sports2D 0.3.0's demo), against
bench/truth/football_sprint_slowmo.json, written from the frames. A sprinter's strides have a
flight phase (both feet off the ground between one foot's lift-off and the other's touch-down),
and a panning camera moves the planted foot across the picture: neither may read as a jump, and a
step the detector reports must be one the frames show. The right touch-down (truth 1.062 s), whose
swing runs from the clip's first frame in the detected contacts, is found as a step of a swing
already under way (``swing_seen`` false). The first left one is found 4 frames late (the legs'
labels exchanged just after it; beyond the issue's 2 frames, so not asserted here) and the last
is not found (docs/kinematics.md, "Side-on running on a development clip"); the scoreboard says so."""

from __future__ import annotations

import pytest

from inference.kinematics.events import FLIGHT_KINDS, detect_events, swing_seen
from inference.kinematics.points import point_index
from tests.truth import load_truth

CLIP = "football_sprint_slowmo.mp4"
MATCH_S = 0.15  # the scoreboard's matching window (bench/scoring/measures.py)


def test_the_sprint_is_one_tracked_athlete_with_no_flight_and_no_step_the_frames_do_not_show() -> None:
    from bench.eval_data import eval_dir
    from inference.kinematics.camera import athlete_track
    from inference.pipeline import AnalysisConfig, analyze

    path = eval_dir() / CLIP
    if not path.exists():
        pytest.skip(f"{path} is absent (make eval-data)")
    truth = load_truth(CLIP)
    result = analyze(path, AnalysisConfig(until="kinematics"))
    assert result.athlete_index is not None and result.kinematics is not None
    kin = result.kinematics.kinematics
    seen = (kin.point_confidence > 0).any(axis=1)
    assert seen.all(), f"the runner, in view in every frame, is untracked in {int((~seen).sum())}"
    # Who was picked: the runner in white, whose truth box holds the athlete's hips in each keyframe.
    white = next(p for p in truth["people"] if p["id"] == truth["athlete"])
    hips = kin.points_unsmoothed[:, point_index("Hip")]  # the pelvis centre
    for key in white["boxes"]:
        frame = int(abs(kin.timestamps - key["t"]).argmin())
        x0, y0, x1, y1 = key["box"]
        assert x0 <= hips[frame, 0] <= x1 and y0 <= hips[frame, 1] <= y1, (key, hips[frame].tolist())
    background = athlete_track(result.video.camera if result.video is not None else None, kin)
    assert background is not None and background[-1, 0] < -500  # the camera panned with him
    flights = [e for e in detect_events(kin, "jump", background=background).events if e.kind in FLIGHT_KINDS]
    assert truth["jumps"] == [] and flights == [], [(e.kind, e.start, e.end) for e in flights]
    true_steps = [s["t"] for s in truth["steps"]]
    steps = detect_events(kin, "run", background=background).of_kind("step")
    for step in steps:
        assert min(abs(step.end - t) for t in true_steps) <= MATCH_S, (step.end, true_steps)
    right = next(s for s in truth["steps"] if s["foot"] == "right")
    found = [s for s in steps if s.side == "right" and abs(s.end - right["t"]) <= 2 / 30.0]  # the 2 frames
    assert len(found) == 1 and not swing_seen(found[0]), [(s.side, s.end) for s in steps]
