"""bench/scoring/people.py on synthetic skeletons placed in the fixture's true boxes."""

from pathlib import Path

import numpy as np
import pytest

from bench.scoring import people
from bench.scoring.truth import load_truth

FIXTURE = Path(__file__).with_name("truth_fixture.json")
K = 5
SIGMAS = np.full(K, 0.08)


def skeleton_in(box, shrink=0.1):
    """(K, 3) corners and centre of the box shrunk by ``shrink`` of its size, confidence 0.9."""
    x0, y0, x1, y1 = box
    dx, dy = shrink * (x1 - x0), shrink * (y1 - y0)
    x0, y0, x1, y1 = x0 + dx, y0 + dy, x1 - dx, y1 - dy
    pts = [(x0, y0), (x1, y0), (x0, y1), (x1, y1), ((x0 + x1) / 2, (y0 + y1) / 2)]
    return np.array([(x, y, 0.9) for x, y in pts], np.float32)


@pytest.fixture
def truth():
    return load_truth(FIXTURE)


def clean_scene(truth, slots=2):
    """Frames 5..35 (0.5–3.5 s): slot 0 on the athlete, slot 1 on the other person while visible."""
    times = np.arange(40) / 10.0
    kp = np.full((40, slots, K, 3), np.nan, np.float32)
    for f in range(5, 36):
        kp[f, 0] = skeleton_in(truth.person("athlete").box_at(times[f]))
        other = truth.person("other").box_at(times[f])
        if other is not None:
            kp[f, 1] = skeleton_in(other)
    return kp, times


def test_clean_scene_scores_perfectly(truth):
    kp, times = clean_scene(truth)
    s = people.score_people(kp, times, 0, truth, SIGMAS)
    assert s.duplicate_frames == 0 and s.phantoms == 0 and s.identity_switches == 0
    assert s.tracks_per_person == {"athlete": 1, "other": 1} and s.mean_tracks_per_person == 1.0
    assert s.athlete_visible == 31 and s.athlete_covered == 31 and s.athlete_visible_any == 40
    assert s.athlete_own_track_covered == 31 and s.chosen_person == "athlete" and s.chosen_on_another == 0


def test_duplicate_skeleton_is_counted(truth):
    kp, times = clean_scene(truth, slots=3)
    kp[10:13, 2] = kp[10:13, 0] + np.array([3.0, 2.0, 0.0], np.float32)  # the athlete seen twice
    s = people.score_people(kp, times, 0, truth, SIGMAS)
    assert s.duplicate_frames == 3


def test_skeletons_side_by_side_are_not_duplicates(truth):
    kp, times = clean_scene(truth)
    s = people.score_people(kp, times, 0, truth, SIGMAS)
    assert s.duplicate_frames == 0


def test_phantom_is_counted_and_its_track_belongs_to_nobody(truth):
    kp, times = clean_scene(truth, slots=3)
    kp[20:24, 2] = skeleton_in([180, 20, 240, 180])  # empty floor between the two people
    s = people.score_people(kp, times, 0, truth, SIGMAS)
    assert s.phantoms == 4 and s.tracks_of_nobody == 1


def test_unjudged_frames_count_no_phantom(truth):
    kp, times = clean_scene(truth, slots=3)
    kp[37, 2] = skeleton_in([180, 20, 240, 180])  # 3.7 s: the athlete's box is unknown there
    assert people.score_people(kp, times, 0, truth, SIGMAS).phantoms == 0


def test_person_split_over_two_tracks(truth):
    kp, times = clean_scene(truth, slots=3)
    kp[20:, 2], kp[20:, 0] = kp[20:, 0], np.nan
    s = people.score_people(kp, times, 0, truth, SIGMAS)
    assert s.tracks_per_person["athlete"] == 2 and s.mean_tracks_per_person == 1.5
    assert s.athlete_covered == 15  # the chosen slot stopped at 2 s
    assert s.athlete_own_track_covered == 16  # the longer of the two tracks: 2.0-3.5 s


def test_identity_switch_frames(truth):
    kp, times = clean_scene(truth)
    kp[8:12, 0] = kp[8:12, 1]  # the athlete slot jumps onto the other person for 4 frames
    s = people.score_people(kp, times, 0, truth, SIGMAS)
    assert s.identity_switches == 4 and s.athlete_covered == 31 - 4 and s.chosen_on_another == 4


def test_choosing_the_other_person_is_not_a_switch(truth):
    kp, times = clean_scene(truth)
    s = people.score_people(kp, times, 1, truth, SIGMAS)  # the rule picked the other person's track
    assert s.identity_switches == 0 and s.chosen_person == "other"
    assert s.athlete_covered == 0 and s.athlete_own_track_covered == 31


def test_oks_identical_is_one_far_is_zero():
    a = skeleton_in([0, 0, 50, 100])
    assert people.oks(a, a, SIGMAS, 5000.0) == pytest.approx(1.0)
    assert people.oks(a, a + np.array([200, 0, 0], np.float32), SIGMAS, 5000.0) < 1e-6


def test_a_matched_skeleton_counts_in_a_frame_that_is_not_judged(truth):
    kp, times = clean_scene(truth)
    kp[2, 1] = skeleton_in(truth.person("other").box_at(0.2))  # 0.2 s: the athlete's box is unknown
    base = people.score_people(clean_scene(truth)[0], times, 0, truth, SIGMAS)
    s = people.score_people(kp, times, 0, truth, SIGMAS)
    assert s.skeleton_frames_judged == base.skeleton_frames_judged + 1 and s.phantoms == 0


def test_phantom_duration_separates_a_flicker_from_a_lasting_phantom(truth):
    kp, times = clean_scene(truth, slots=3)
    kp[20:22, 2] = skeleton_in([180, 20, 240, 180])  # 2 frames at 10 fps: 0.2 s, not more
    kp[25:29, 2] = skeleton_in([180, 20, 240, 180])  # 4 frames: 0.4 s
    s = people.score_people(kp, times, 0, truth, SIGMAS)
    assert s.phantoms == 6 and s.phantom_runs == pytest.approx((0.4, 0.2))
    assert s.lasting_phantoms == 1


def test_a_phantom_in_two_slots_at_once_is_two_runs(truth):
    kp, times = clean_scene(truth, slots=4)
    kp[20:23, 2] = skeleton_in([180, 20, 240, 180])
    kp[20:23, 3] = skeleton_in([185, 30, 235, 170])
    s = people.score_people(kp, times, 0, truth, SIGMAS)
    assert s.phantom_runs == pytest.approx((0.3, 0.3)) and s.lasting_phantoms == 2
