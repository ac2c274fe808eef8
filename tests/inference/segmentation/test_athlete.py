"""Picking another athlete re-derives the athlete's pixels from the stored masks and poses."""

import numpy as np

from inference.posedata import PoseSequence
from inference.segmentation.athlete import with_athlete
from inference.segmentation.masks import MaskSequence, person_boxes


def _stored(frames: int = 3) -> tuple[MaskSequence, PoseSequence]:
    """Two skeletons side by side in a 200x100 frame (x 30–90 and 110–170); masks at 100x50: the
    foreground is their limbs drawn 5 px thick (every pixel within reach of its skeleton);
    athlete = slot 0."""
    import cv2

    from inference.skeleton import get_skeleton

    people = np.full((2, 33, 3), np.nan, np.float32)
    for p, x in enumerate((60.0, 140.0)):
        people[p, :, 0] = x + np.linspace(-30, 30, 33)
        people[p, :, 1] = np.linspace(10, 90, 33)
        people[p, :, 2] = 0.9
    body = np.zeros((50, 100), np.uint8)
    for person in people:
        for a, b in get_skeleton("blazepose33").limbs:
            pa, pb = (person[[a, b], :2] * 0.5).round().astype(int)
            cv2.line(body, (int(pa[0]), int(pa[1])), (int(pb[0]), int(pb[1])), 1, 5)
    fg = np.repeat(body.astype(bool)[None], frames, 0)
    athlete = fg.copy()
    athlete[:, :, 50:] = False
    boxes = np.repeat(person_boxes(people, (0.5, 0.5), (100, 50))[None], frames, 0)
    times = np.arange(frames) / 30
    masks = MaskSequence(fg, athlete, times, boxes, np.array([4, 8]), 0, (200, 100), 3)
    poses = PoseSequence(np.repeat(people[None], frames, 0), "blazepose33", times, 30.0, (200, 100),
                         np.array([4, 8]))
    return masks, poses


def test_the_other_person_becomes_the_athlete():
    masks, poses = _stored()
    first, other = with_athlete(masks, poses, 0), with_athlete(masks, poses, 1)
    assert other.athlete_index == 1 and np.array_equal(other.foreground, masks.foreground)
    fg, mine, theirs = masks.foreground.unpacked(), other.athlete.unpacked(), first.athlete.unpacked()
    assert not (mine & theirs).any()  # no pixel belongs to both
    assert np.array_equal(mine | theirs, fg)  # and none is lost
    assert np.array_equal(mine[:, :, 50:], fg[:, :, 50:]) and not mine[:, :, :50].any()
    assert np.array_equal(theirs[:, :, :50], fg[:, :, :50]) and not theirs[:, :, 50:].any()


def test_no_athlete_clears_the_athlete_pixels():
    masks, poses = _stored()
    none = with_athlete(masks, poses, None)
    assert none.athlete_index is None and not none.athlete.unpacked().any()
    assert np.isnan(none.silhouette()["area"]).all()


def test_poses_whose_slots_changed_own_the_pixels():
    """A coach's track edit changes the person slots after the masks were made (here the left
    person's slot is dropped): the boxes come from the poses given, not the masks' old slots."""
    masks, poses = _stored()
    from inference.tracking.edit import drop_track

    right = with_athlete(masks, drop_track(poses, 4), 0)  # slot 0 is now track 8, the right one
    assert list(right.track_ids) == [8] and right.boxes.shape[1] == 1
    fg, mine = masks.foreground.unpacked(), right.athlete.unpacked()
    assert np.array_equal(mine[:, :, 50:], fg[:, :, 50:]) and not mine[:, :, :50].any()
    assert np.array_equal(with_athlete(masks, poses, 0).boxes, masks.boxes)  # unchanged slots: same boxes
