"""Picking another athlete re-derives the athlete's pixels from the stored masks and poses."""

import numpy as np

from inference.pose.base import PoseSequence
from inference.segmentation.athlete import with_athlete
from inference.segmentation.masks import MaskSequence, person_boxes


def _stored(frames: int = 3) -> tuple[MaskSequence, PoseSequence]:
    """Two standing skeletons side by side in a 200x100 frame; masks at 100x50, athlete = slot 0."""
    people = np.full((2, 33, 3), np.nan, np.float32)
    for p, x in enumerate((60.0, 140.0)):
        people[p, :, 0] = x + np.linspace(-30, 30, 33)
        people[p, :, 1] = np.linspace(10, 90, 33)
        people[p, :, 2] = 0.9
    fg = np.zeros((frames, 50, 100), bool)
    fg[:, 5:45, 20:80] = True
    athlete = np.zeros_like(fg)
    athlete[:, 5:45, 20:50] = True
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
    assert not (other.athlete & first.athlete).any()  # no pixel belongs to both
    assert np.array_equal(other.athlete | first.athlete, masks.foreground)  # and none is lost
    assert other.athlete[:, 5:45, 56:80].all() and not other.athlete[:, :, :44].any()
    assert first.athlete[:, 5:45, 20:44].all() and not first.athlete[:, :, 56:].any()


def test_no_athlete_clears_the_athlete_pixels():
    masks, poses = _stored()
    none = with_athlete(masks, poses, None)
    assert none.athlete_index is None and not none.athlete.any()
    assert np.isnan(none.silhouette()["area"]).all()
