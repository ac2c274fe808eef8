"""The people masks are made from (:class:`TrackedPeople`): a short gap in the athlete's track is
bridged from both sides, a longer one is not; someone else lost away from the frame's border is
held at their last skeleton for at most HOLD_S, which keeps their pixels out of the athlete's mask
(never the athlete's core) and leaves the foreground as it was."""

import numpy as np

from inference.segmentation.masks import BRIDGE_S, HOLD_S, TrackedPeople, people_pixels
from inference.skeleton import get_skeleton
from inference.tracking.stitch import StitchConfig

SIZE = (400, 200)  # W, H of the source frame
LIMBS = get_skeleton("blazepose33").limbs
NAMES = get_skeleton("blazepose33").keypoints
FPS = 30.0


def _person(x: float, y: float = 30.0) -> np.ndarray:
    """(33, 3): keypoints over x ± 10, y .. y + 60 (source pixels), confident."""
    person = np.zeros((33, 3), np.float32)
    person[:, 0] = x + np.linspace(-10, 10, 33)
    person[:, 1] = np.linspace(y, y + 60, 33)
    person[:, 2] = 0.9
    return person


def _sequence(frames: int, people: int) -> np.ndarray:
    return np.full((frames, people, 33, 3), np.nan, np.float32)


def test_a_short_gap_in_the_athletes_track_is_interpolated_from_both_sides():
    keypoints = _sequence(10, 1)
    for j in range(10):
        keypoints[j, 0] = _person(100 + 10 * j)
    keypoints[3:6] = np.nan  # 3 frames missing: 4 / 30 s between the frames that have them
    tracked = TrackedPeople(keypoints, np.arange(10) / FPS, SIZE, LIMBS, 0)
    for j in (3, 4, 5):
        people, held = tracked.at(j)
        np.testing.assert_allclose(people[0, :, :2], _person(100 + 10 * j)[:, :2], atol=1e-3)
        assert (people[0, :, 2] == np.float32(0.9)).all() and len(held) == 0
    # the pose stage's own frames are untouched
    np.testing.assert_array_equal(tracked.at(2)[0], keypoints[2])


def test_a_gap_longer_than_the_bridge_stays_a_gap_and_the_ends_are_not_extrapolated():
    frames = int(BRIDGE_S * FPS) + 4
    keypoints = _sequence(frames, 1)
    keypoints[0, 0] = keypoints[-1, 0] = _person(100)
    tracked = TrackedPeople(keypoints, np.arange(frames) / FPS, SIZE, LIMBS, 0)
    assert np.isnan(tracked.at(frames // 2)[0]).all()
    ends = _sequence(4, 1)
    ends[1:3, 0] = _person(100)
    tracked = TrackedPeople(ends, np.arange(4) / FPS, SIZE, LIMBS, 0)
    assert np.isnan(tracked.at(0)[0]).all() and np.isnan(tracked.at(3)[0]).all()


def test_someone_else_lost_away_from_the_border_is_held_for_hold_s_not_bridged():
    frames = int(HOLD_S * FPS) + 10
    keypoints = _sequence(frames, 2)
    keypoints[:, 0] = _person(100)  # the athlete, everywhere
    keypoints[:5, 1] = _person(250)  # someone else, lost after frame 4
    keypoints[6, 1] = _person(250)  # and seen once more, one frame later
    tracked = TrackedPeople(keypoints, np.arange(frames) / FPS, SIZE, LIMBS, 0)
    people, held = tracked.at(5)  # a one-frame gap of theirs: held, not drawn into the people
    assert np.isnan(people[1]).all() and len(held) == 1
    np.testing.assert_array_equal(held[0], keypoints[4, 1])
    people, held = tracked.at(7 + int(HOLD_S * FPS) - 1)
    np.testing.assert_array_equal(held[0], keypoints[6, 1])
    assert len(tracked.at(7 + int(HOLD_S * FPS) + 1)[1]) == 0  # beyond HOLD_S: gone
    # no athlete: nobody to keep pixels from
    assert len(TrackedPeople(keypoints, np.arange(frames) / FPS, SIZE, LIMBS, None).at(8)[1]) == 0


def test_someone_who_was_last_seen_at_the_border_may_have_left_and_is_not_held():
    keypoints = _sequence(4, 2)
    keypoints[:, 0] = _person(100)
    keypoints[:2, 1] = _person(392)  # keypoints up to x 402 of a 400-wide frame
    tracked = TrackedPeople(keypoints, np.arange(4) / FPS, SIZE, LIMBS, 0)
    assert len(tracked.at(3)[1]) == 0


def test_the_athletes_own_body_found_twice_is_not_held():
    keypoints = _sequence(4, 2)
    keypoints[:, 0] = _person(100)
    keypoints[:2, 1] = _person(101)  # a second fit on the athlete's body
    tracked = TrackedPeople(keypoints, np.arange(4) / FPS, SIZE, LIMBS, 0)
    assert len(tracked.at(3)[1]) == 0


def test_hold_s_is_the_trackers_bound_on_an_unseen_person():
    assert HOLD_S == StitchConfig().max_gap


def test_a_held_person_keeps_their_pixels_out_of_the_athletes_mask_but_not_the_athletes_core():
    scale = (0.5, 0.5)
    athlete, other = _person(100), _person(112)  # two slanted skeletons 6 working px apart
    mask = np.zeros((100, 200), bool)
    mask[10:50, 40:72] = True  # both people's pixels, one blob
    fg0, mine0, _ = people_pixels(mask, athlete[None], NAMES, LIMBS, scale, 0)  # the other one not found
    fg1, mine1, _ = people_pixels(mask, athlete[None], NAMES, LIMBS, scale, 0, held=other[None])
    np.testing.assert_array_equal(fg0, fg1)  # the foreground is what the people found make it
    # row 30: the athlete's skeleton at x 50, the held one's at 56; REACH 4.5 px
    assert mine0[30, 54:56].all() and not mine1[30, 54:].any()  # nearer the held skeleton: not the athlete's
    assert (mine1 <= mine0).all() and mine1[30, 45:54].all()
    core = people_pixels(np.zeros_like(mask), athlete[None], NAMES, LIMBS, scale, 0)[1]
    assert core.any() and (mine1 >= core).all()  # the athlete's core stays theirs


def test_a_track_that_lies_on_the_athletes_body_is_a_remnant_and_is_never_held():
    """A second, smaller fit on the athlete's torso that the tracker kept as a broken track (as on
    the held-out sports2d_demo clip) is not someone else: held, it took the athlete's legs."""
    frames = 12
    keypoints = _sequence(frames, 2)
    keypoints[:, 0] = _person(100)
    phantom = _person(100)
    phantom[:, 1] = np.linspace(45, 75, 33)  # the same line, half as long: on the athlete's limbs
    phantom[:, 0] = 100 + np.linspace(-5, 5, 33)
    keypoints[:4, 1] = phantom[None]
    tracked = TrackedPeople(keypoints, np.arange(frames) / FPS, SIZE, LIMBS, 0)
    assert tracked.remnant.tolist() == [False, True]
    assert all(len(tracked.at(j)[1]) == 0 for j in range(4, frames))
