"""Choosing another athlete after the fact: the athlete's pixels of stored masks re-derived from
the foreground, the tracks' boxes and the poses, without decoding the video again."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from inference.posedata import PoseSequence
from inference.segmentation.masks import MaskSequence, assign_people


def with_athlete(masks: MaskSequence, poses: PoseSequence, athlete_index: int | None) -> MaskSequence:
    """The same masks with person slot ``athlete_index`` of ``poses`` as the athlete (None: no
    athlete). Each foreground pixel goes to the nearest skeleton among the boxes holding it, as
    :func:`inference.segmentation.stage.segment_video` does."""
    from inference.skeleton import get_skeleton

    if athlete_index is None or masks.num_frames == 0:
        return replace(masks, athlete=np.zeros_like(masks.foreground), athlete_index=None)
    w, h = masks.size
    width, height = masks.source_size
    scale = (w / width, h / height)
    limbs = get_skeleton(poses.skeleton).limbs
    athlete = np.zeros_like(masks.foreground)
    for i, t in enumerate(masks.times):
        j = int(np.argmin(np.abs(poses.timestamps - t)))
        owners = assign_people(masks.foreground[i], poses.keypoints[j], masks.boxes[i], limbs, scale)
        athlete[i] = owners == athlete_index
    return replace(masks, athlete=athlete, athlete_index=athlete_index)
