"""The frame mask is gated by the people the pose stage found: foreground far from every skeleton
is dropped, a person's own pixels within GATE_MARGIN of their keypoint box and REACH of their
skeleton are kept, a frame without people is empty — in ``segment_video`` and in ``with_athlete``
alike."""

import numpy as np

from inference.posedata import PoseSequence
from inference.segmentation.athlete import with_athlete
from inference.segmentation.masks import GATE_MARGIN, MaskSequence, person_boxes, person_gate
from inference.segmentation.stage import segment_video
from tests.support import write_clip

SOURCE = (200, 100)  # W, H of the source frame
WORK = (100, 50)  # w, h of the masks (scale 0.5)


def _person(x: float) -> np.ndarray:
    """(33, 3) a standing skeleton: keypoints over x ± 10, y 20–80 (source pixels)."""
    person = np.zeros((33, 3), np.float32)
    person[:, 0] = x + np.linspace(-10, 10, 33)
    person[:, 1] = np.linspace(20, 80, 33)
    person[:, 2] = 0.9
    return person


def _foreground() -> np.ndarray:
    """(h, w): a person at working x 25–35, y 10–40, their hair/hands 2 px beyond (within the
    margin: 0.2 × 30 = 6 px), and a 'wall' blob at x 80–95, far from the person."""
    fg = np.zeros(WORK[::-1], bool)
    fg[8:42, 23:37] = True
    fg[5:45, 80:95] = True
    return fg


class FlatModel:
    """Stands in for the segmentation network: every frame's probability is ``_foreground()``."""

    working_side = 100
    level = 2

    def working_size(self, width: int, height: int) -> tuple[int, int]:
        return WORK

    def predict(self, frames: list, level: int) -> list[np.ndarray]:
        return [_foreground().astype(np.float32) for _ in frames]


def test_gate_keeps_the_person_and_drops_far_foreground():
    people = _person(60.0)[None]
    gate = person_gate(people, (0.5, 0.5), WORK)
    kept = _foreground() & gate
    assert kept[8:42, 23:37].all()  # the person, 2 px beyond the keypoint box, is kept
    assert not kept[:, 60:].any()  # the wall is gone
    # the margin is GATE_MARGIN of the box's larger side: keypoint box 10 x 30 working px → ± 6 px
    box = person_boxes(people, (0.5, 0.5), WORK, GATE_MARGIN)[0]
    np.testing.assert_allclose(box, [25 - 6, 10 - 6, 35 + 6, 40 + 6])
    assert not person_gate(np.zeros((0, 33, 3), np.float32), (0.5, 0.5), WORK).any()
    absent = np.full((1, 33, 3), np.nan, np.float32)
    assert not person_gate(absent, (0.5, 0.5), WORK).any()


def test_segment_video_gates_each_frame_by_its_people(tmp_path):
    clip = write_clip(tmp_path / "clip.mp4", frames=6, size=SOURCE, fps=10)
    keypoints = np.full((6, 1, 33, 3), np.nan, np.float32)
    keypoints[:3, 0] = _person(60.0)  # a person in the first three frames, nobody after
    poses = PoseSequence(keypoints, "blazepose33", np.arange(6) / 10, 10.0, SOURCE, np.array([1]))
    masks = segment_video(clip, poses, 0, model=FlatModel())
    assert masks.num_frames == 6
    for i in range(3):
        for y in range(10, 41):  # the skeleton: a diagonal from (25, 10) to (35, 40), working pixels
            x = round(25 + (y - 10) / 3)
            assert masks.foreground[i, y, x - 1:x + 2].all()  # within REACH (0.15 x 30 = 4.5 px): kept
        assert not masks.foreground[i, 41, 23]  # in the gate's box, but 12 px from the skeleton: dropped
        assert not masks.foreground[i, :, 60:].any()
        assert masks.athlete[i].sum() > 0 and (masks.athlete[i] <= masks.foreground[i]).all()
    assert not masks.foreground[3:].any() and not masks.athlete[3:].any()  # nobody: empty


def test_with_athlete_gates_stored_masks_like_segment_video():
    keypoints = np.full((2, 2, 33, 3), np.nan, np.float32)
    keypoints[:, 0] = _person(60.0)
    keypoints[1, 1] = _person(175.0)  # a second person by the 'wall' in frame 1 only
    times = np.array([0.0, 0.1])
    poses = PoseSequence(keypoints, "blazepose33", times, 10.0, SOURCE, np.array([1, 2]))
    boxes = np.stack([person_boxes(keypoints[i], (0.5, 0.5), WORK) for i in range(2)])
    fg = np.stack([_foreground(), _foreground()])  # stored without a gate (an older masks.npz)
    stored = MaskSequence(fg, np.zeros_like(fg), times, boxes, np.array([1, 2]), None, SOURCE, 2)
    first = with_athlete(stored, poses, 0)
    assert not first.foreground[0, :, 60:].any()  # frame 0: nobody by the wall, gone
    assert first.foreground[1, 10:40, 85:95].any()  # frame 1: the second person's pixels stay
    assert (first.athlete.unpacked() <= first.foreground.unpacked()).all() and not first.athlete[:, :, 60:].any()
    second = with_athlete(first, poses, 1)
    np.testing.assert_array_equal(second.foreground, first.foreground)  # idempotent
    assert not second.athlete[0].any() and second.athlete[1, :, 60:].any()


def test_with_athlete_gives_the_new_athlete_their_core():
    """An athlete chosen afterwards gets the band along their skeleton as segment_video gives it,
    even where the stored masks have none of their pixels (the privacy video must not blur them)."""
    keypoints = np.full((1, 2, 33, 3), np.nan, np.float32)
    keypoints[0, 0] = _person(60.0)
    keypoints[0, 1] = _person(150.0)
    poses = PoseSequence(keypoints, "blazepose33", np.zeros(1), 10.0, SOURCE, np.array([1, 2]))
    empty = np.zeros((1, *WORK[::-1]), bool)
    stored = MaskSequence(empty, empty.copy(), np.zeros(1), np.full((1, 2, 4), np.nan, np.float32),
                          np.array([1, 2]), 0, SOURCE, 2)
    chosen = with_athlete(stored, poses, 1)
    assert chosen.athlete[0, 25, 70:80].any() and not chosen.athlete[0, :, :50].any()
    assert (chosen.athlete.unpacked() <= chosen.foreground.unpacked()).all()
