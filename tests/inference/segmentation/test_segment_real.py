"""``python -m inference segment`` on a real clip with the committed weights: masks for every
frame at the poses' times, the athlete found, agreement with the teacher on held-out frames."""

import json

import numpy as np
import pytest

from inference.cli import main
from inference.posedata import PoseSequence
from inference.segmentation.data import POSE_SIDE, held_out_split
from inference.segmentation.losses import iou
from inference.segmentation.masks import MaskSequence
from tests.support import shared_clip


@pytest.fixture(scope="module")
def segmented(tmp_path_factory):
    clip = shared_clip("lab_walk_portrait_60fps.mp4")
    out = tmp_path_factory.mktemp("segment")
    assert main(["segment", str(clip), "--out", str(out), "--render", "--quiet"]) == 0
    return clip, out


def test_masks_cover_every_frame_at_the_poses_times(segmented):
    _, out = segmented
    masks = MaskSequence.load(out / "masks.npz")
    poses = PoseSequence.load(out / "poses.npz")
    assert masks.num_frames == poses.num_frames == 100
    np.testing.assert_allclose(masks.times, poses.timestamps)
    assert masks.size == (96, 192) and masks.source_size == (1080, 1920)
    athlete_frames = masks.athlete.unpacked().reshape(100, -1).any(1)
    assert athlete_frames.mean() > 0.9
    assert (masks.athlete.unpacked() <= masks.foreground.unpacked()).all()
    shape = masks.silhouette()
    area = shape["area"][athlete_frames]
    assert 0.02 < np.median(area) < 0.3  # a full-body walker in a portrait frame
    cutout = json.loads((out / "cutout.json").read_text())
    assert len(cutout["times"]) == pytest.approx(15 * 100 / 60, abs=2) and cutout["polygons"][10]


def test_privacy_render_and_previews_are_written(segmented):
    _, out = segmented
    assert (out / "privacy.mp4").stat().st_size > 10_000
    assert len(list(out.glob("preview_*.png"))) == 3


def test_foreground_agrees_with_the_teacher_on_held_out_frames(segmented):
    import cv2

    from inference.segmentation.teacher import Teacher
    from inference.video import iter_frames

    clip, out = segmented
    masks = MaskSequence.load(out / "masks.npz")
    held_out = held_out_split(masks.times) == 1
    frames = [f for f, _ in iter_frames(clip, max_side=POSE_SIDE)]
    teacher = [cv2.resize(m, masks.size) >= 0.5 for m in Teacher(use_selfie=False).video_masks(frames)]
    score = iou(masks.foreground[held_out], np.stack(teacher)[held_out])
    assert score > 0.7
