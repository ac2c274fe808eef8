"""Technique feedback on real frames: the camera view is judged where a rule judges (a landing seen
from the front is not judged by a rule that needs a side view, even when the athlete turns side-on
later in the clip), the view limits read front and back views as such, and a range of motion needs
enough tracked frames. What each person's view is was looked at in the frames (bench/view_widths.py
lists the windows); the poses come from tests.support.tracked_clip (analysed once per session)."""

from __future__ import annotations

import numpy as np
import pytest

from inference.feedback import evaluate_feedback, rules_for
from inference.feedback.measures import (
    MIN_ROM_SAMPLES,
    MIN_ROM_SHARE,
    STILL_HIP_RANGE,
    STILL_ROM_DEG,
    Context,
    hip_height_range,
    range_of_motion,
    ranges_of_motion,
    standing_still,
    tracked_angle,
    view_during,
    view_of,
)
from inference.kinematics.core import Kinematics
from inference.kinematics.events import Event, Events
from tests.support import tracked_clip
from tests.truth import load_truth


def person_kinematics(clip: str, person: str) -> Kinematics:
    """The kinematics of the truth's ``person``: the track under the centre of their middle box."""
    from inference.kinematics import compute_kinematics
    from inference.posedata import PoseSequence
    from inference.tracking import track_at_point

    folder, _ = tracked_clip(clip)
    poses = PoseSequence.load(folder / "poses.npz")
    boxes = next(p for p in load_truth(clip)["people"] if p["id"] == person)["boxes"]
    key = boxes[len(boxes) // 2]
    x0, y0, x1, y1 = key["box"]
    track = track_at_point(poses.keypoints, poses.track_ids, poses.timestamps, (x0 + x1) / 2, (y0 + y1) / 2, key["t"])
    assert track is not None, f"no track where the truth puts {person}"
    return compute_kinematics(poses, int(np.flatnonzero(poses.track_ids == track)[0]))


@pytest.mark.parametrize(("clip", "person"), [
    ("lab_walk_portrait_60fps.mp4", "athlete"),  # faces the camera
    ("lab_two_people_portrait_60fps.mp4", "man"),  # faces the camera
    ("lab_two_people_portrait_60fps.mp4", "woman"),  # her back to the camera
])  # fmt: skip
def test_people_facing_the_camera_or_turned_away_are_seen_from_the_front(clip: str, person: str) -> None:
    """With the anthropometric widths these read "oblique" (0.48-0.59), so no side-view caveat fired."""
    kin = person_kinematics(clip, person)
    assert view_of(kin) == "front"


def test_the_view_is_judged_in_each_window_where_the_athlete_turns() -> None:
    """indoor_two_people's dark man faces the camera while both stand (0-0.7 s) and turns to the
    grey man; in the embrace his trunk is side-on (1.5-2.0 s)."""
    kin = person_kinematics("indoor_two_people_1080p.mp4", "dark")
    assert view_during(kin, 0.0, 0.7) == "front"
    assert view_during(kin, 1.5, 2.0) == "side"


def test_a_landing_seen_from_the_front_is_not_judged_and_one_seen_from_the_side_is() -> None:
    """The same athlete, the same rules: a landing rule judges the landings whose own window is seen
    from the side. Landings are placed on the dark man's real frames (he does not jump): one
    while he faces the camera, one while he is side-on. Judged once per clip, both were judged or
    neither was."""
    kin = person_kinematics("indoor_two_people_1080p.mp4", "dark")
    front, side = Event("jump", 0.0, 0.1), Event("jump", 1.2, 1.5)  # judged 0.1-0.6 s and 1.5-2.0 s
    only_front = evaluate_feedback(kin, Events("jump", (front,), {}), "jump")
    for rule in ("jump.landing_knee_flexion", "jump.landing_knee_displacement", "jump.landing_symmetry"):
        why = only_front.skipped[rule]
        assert why.startswith("not applied: needs a side view") and "from the front" in why
    both = evaluate_feedback(kin, Events("jump", (front, side), {}), "jump")
    judged = {str(r) for r in both.passed} | {str(f.rule) for f in both.findings}
    assert "jump.landing_knee_flexion" in judged
    for finding in both.findings:  # only the side-on landing is read
        assert finding.time_ranges == ((1.5, 2.0),)


def test_range_of_motion_needs_enough_tracked_frames() -> None:
    """The basketball athlete's ankles are seen in a few frames of 300 (240p, feet end-on): the
    review found "Range of motion, left ankle 50°" resting on 6 of them, two isolated single
    frames. An angle tracked in fewer than MIN_ROM_SAMPLES frames or a share below MIN_ROM_SHARE
    has no range; the thighs' elevations (any view), tracked in about half the frames, have one.
    Her knees had one too until knee flexion became a side-view angle: she shoots with her back to
    the camera, runs away from it and across at an angle (frames 54-84 looked at), and the view
    reads side in about 26 of her frames, fewer than a quarter of the clip."""
    kin = person_kinematics("basketball_pan_240p.mp4", "white")
    frames = kin.timestamps.size
    counts = {n: int(np.isfinite(tracked_angle(kin, n)).sum()) for n in kin.angle_names}
    assert 3 <= counts["left_ankle"] < MIN_ROM_SAMPLES  # a number before (3 samples were enough)
    report = ranges_of_motion(kin)
    for name, n in counts.items():
        enough = n >= MIN_ROM_SAMPLES and n >= MIN_ROM_SHARE * frames
        assert np.isfinite(range_of_motion(kin, name)) == enough, (name, n)
        assert (report[name] is not None) == enough, (name, n)
    assert report["left_ankle"] is None
    assert report["left_hip_elevation"] is not None and report["right_hip_elevation"] is not None
    assert report["left_knee"] is None and report["right_knee"] is None


@pytest.mark.parametrize("movement", ["walk", "run"])
def test_the_standing_woman_gets_no_asymmetry_finding_seen_from_behind(movement: str) -> None:
    """lab_two_people's woman stands on both feet the whole clip, her back to the camera (bench/
    truth; her feet looked at in frames 0, 30, 60 and 99: in the same places), and moves her arms.
    Her knees and hips are side-view angles, so the legs' ranges cannot say she stands here; her
    feet never leave the ground, so the gait symmetry rules say she stood instead of comparing her
    two arms' movements (an elbow "asymmetry" before)."""
    kin = person_kinematics("lab_two_people_portrait_60fps.mp4", "woman")
    feedback = evaluate_feedback(kin, Events(movement, (), {}), movement)
    assert feedback.view == "front" and feedback.findings == ()
    symmetry = [rule for rule in rules_for(movement) if rule.measure == "rom_symmetry"]
    assert len(symmetry) == 3
    for rule in symmetry:
        assert "stood in place: neither foot left the ground" in feedback.skipped[rule.id], rule.id


# People the truth files say stand still (bench/feedback_noise.py's still spans that have a track):
# the noise floor of "the body above the feet is still" that the standing test reads.
@pytest.mark.parametrize(("clip", "person", "span"), [
    ("lab_two_people_portrait_60fps.mp4", "woman", (0.0, 1.667)),  # stands, moves her arms
    ("indoor_two_people_1080p.mp4", "grey", (0.0, 0.7)),
    ("indoor_two_people_1080p.mp4", "dark", (0.0, 0.7)),
    ("basketball_pan_240p.mp4", "white", (7.0, 7.9)),  # holds the follow-through, ~95 px tall
])  # fmt: skip
def test_a_standing_body_stays_within_the_still_hip_range_and_trunk_range(clip: str, person: str,
                                                                         span: tuple[float, float]) -> None:
    kin = person_kinematics(clip, person)
    frames = (kin.timestamps >= span[0]) & (kin.timestamps <= span[1])
    hips, trunk = hip_height_range(kin, frames), range_of_motion(kin, "trunk", frames)
    assert hips <= STILL_HIP_RANGE, hips
    assert not trunk > STILL_ROM_DEG, trunk


def test_a_moving_athlete_is_still_judged() -> None:
    """The lab walk man lifts his right foot at 0.29 s and sets it down at 1.233 s (bench/truth): he
    does not stand, so the symmetry rules are not skipped as for a standing athlete; the knees,
    hips and shoulders say they need a side view (he faces the camera). (The elbows were judged
    here until their rule was retired: inference.feedback.rule_ids.RETIRED_RULE_IDS.) The
    basketball athlete runs 1.55-2.65 s (clear strides, frames 56-79): not standing there either."""
    kin = person_kinematics("lab_walk_portrait_60fps.mp4", "athlete")
    feedback = evaluate_feedback(kin, Events("walk", (), {}), "walk")
    assert feedback.findings == () and not feedback.passed
    for joint in ("knee", "hip", "shoulder"):
        assert f"the {joint} angle needs a side view" in feedback.skipped[f"symmetry.{joint}"]
        assert "stood in place" not in feedback.skipped[f"symmetry.{joint}"]
    runner = person_kinematics("basketball_pan_240p.mp4", "white")
    assert standing_still(Context(runner, Events("run", (), {}), ((1.55, 2.65),))) is None
