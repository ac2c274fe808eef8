"""Choosing another athlete after the fact: the athlete's pixels of stored masks re-derived from
the foreground, the tracks' boxes and the poses, without decoding the video again."""

from __future__ import annotations

import numpy as np

from inference.posedata import PoseSequence
from inference.segmentation.masks import MaskSequence, PackedMasks, TrackedPeople, people_pixels


def with_athlete(masks: MaskSequence, poses: PoseSequence, athlete_index: int | None) -> MaskSequence:
    """The same masks with person slot ``athlete_index`` of ``poses`` as the athlete (None: no
    athlete). The foreground is gated by the people of ``poses`` (short gaps bridged, lost people
    held: :class:`~inference.segmentation.masks.TrackedPeople`) and each pixel given to the nearest
    skeleton among the boxes holding it, everyone's core foreground and the new athlete's theirs,
    as :func:`inference.segmentation.stage.segment_video` does it
    (:func:`~inference.segmentation.masks.people_pixels`: a no-op on the foreground of masks it
    made; masks stored before the gate existed are gated here). The boxes are those of the
    people of ``poses`` (as ``segment_video`` measures them), so poses whose person slots changed
    since the masks were made (a coach joined, split or dropped tracks) own the pixels, not the
    slots the masks were made with."""
    from inference.skeleton import get_skeleton

    if masks.num_frames == 0:
        return masks.replace(athlete=PackedMasks(masks.size[1], masks.size[0]), athlete_index=None,
                       boxes=np.zeros((0, poses.num_people, 4), np.float32),
                       track_ids=poses.track_ids.astype(np.int64))
    w, h = masks.size
    width, height = masks.source_size
    scale = (w / width, h / height)
    limbs, names = get_skeleton(poses.skeleton).limbs, get_skeleton(poses.skeleton).keypoints
    foreground, athlete = PackedMasks(h, w), PackedMasks(h, w)  # frame by frame, compressed
    boxes = np.full((masks.num_frames, poses.num_people, 4), np.nan, np.float32)
    tracked = TrackedPeople(poses.keypoints, poses.timestamps, (width, height), limbs, athlete_index)
    for i, t in enumerate(masks.times):
        if not poses.num_frames:
            foreground.append_empty()
            athlete.append_empty()
            continue
        people, held = tracked.at(int(np.argmin(np.abs(poses.timestamps - t))))
        mask, mine, boxes[i] = people_pixels(masks.foreground_mask(i), people, names, limbs, scale, athlete_index,
                                             held=held)
        foreground.append(mask)
        athlete.append(mine)
    return masks.replace(foreground=foreground, athlete=athlete, athlete_index=athlete_index, boxes=boxes,
                   track_ids=poses.track_ids.astype(np.int64))
