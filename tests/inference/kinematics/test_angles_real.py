"""Property over every real clip in ../shared/media: no joint-angle sample is reported as valid
outside its anatomical interval (``AngleDef.plausible``), and no angle sample with confidence above
0 is NaN. The clips include front and back views, arms overhead and feet pointing at the camera
(issue 18: a right-shoulder range of 473° came from unwrapping a joint angle)."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from inference.kinematics import compute_kinematics
from inference.kinematics.angles import ANGLES
from tests.support import MEDIA_DIR, shared_clip
from tests.truth import TRUTH_DIR

CLIPS = ("basketball_pan_240p.mp4", "indoor_two_people_1080p.mp4",
         "lab_two_people_portrait_60fps.mp4", "lab_walk_portrait_60fps.mp4")  # fmt: skip


def _clips() -> list[str]:
    found = sorted(p.name for p in MEDIA_DIR.glob("*.mp4")) if MEDIA_DIR.is_dir() else []
    return sorted(set(found) | set(CLIPS))


@cache
def _analysed(name: str):  # noqa: ANN202 - AnalysisResult, imported lazily
    from inference.pipeline import AnalysisConfig, analyze

    return analyze(shared_clip(name), AnalysisConfig(until="athlete"))


@pytest.mark.parametrize("name", _clips())
def test_no_joint_angle_sample_is_reported_outside_its_interval(name: str) -> None:
    result = _analysed(name)
    if result.athlete_index is None:
        pytest.skip(f"no athlete in {name}")
    kin = compute_kinematics(result.poses, result.athlete_index)
    reported = 0
    for a, d in enumerate(ANGLES):
        values = kin.angles[:, a]
        finite = np.isfinite(values)
        assert (kin.angle_confidence[~finite, a] == 0).all(), d.name
        if d.plausible is None:
            continue
        low, high = d.plausible
        assert ((values[finite] >= low) & (values[finite] <= high)).all(), (d.name, values[finite].min(), values[finite].max())
        reported += int(finite.sum())
    assert reported > 0  # the athlete's joints were measured at all


@pytest.mark.parametrize("name", _clips())
def test_no_keypoint_outside_the_frame_is_reported_as_seen(name: str) -> None:
    # The landmark model places joints beyond the picture's edge (basketball_pan_240p.mp4's pan,
    # Sports2D's woman leaving through the left edge); those are guesses, not observations, so
    # the analysis gives them confidence 0 (inference.tracking.geometry.unseen_outside_frame).
    poses = _analysed(name).poses
    width, height = poses.size
    x, y, c = poses.keypoints[..., 0], poses.keypoints[..., 1], poses.keypoints[..., 2]
    seen = c > 0
    assert seen.any()
    assert ((x[seen] >= 0) & (x[seen] < width) & (y[seen] >= 0) & (y[seen] < height)).all()


def test_an_upside_down_fit_on_real_frames_is_flagged() -> None:
    # basketball_pan_240p.mp4, frame 273 (9.10 s): the player in blue walks upright (frames 269-276
    # looked at, 3x crops), and BlazePose fits her upside down in that one frame (shoulders on her
    # shorts, hips on her chest). Her trunk would have turned half round in 1/30 s and back: the
    # rotation check (inference.kinematics.rotation) flags it; the upright frames before stay.
    from bench.scoring.truth import load_truth

    result = _analysed("basketball_pan_240p.mp4")
    poses = result.poses
    t = float(poses.timestamps[273])
    blue = load_truth(TRUTH_DIR / "basketball_pan_240p.json").person("blue")
    assert blue is not None
    box = blue.box_at(t)
    assert box is not None
    # The truth's box is interpolated between keyframes 0.5 s apart during a fast pan, so it only
    # says which skeleton is hers: the one nearest it, much nearer than the others (white's is on
    # the far left).
    with np.errstate(all="ignore"):
        centre = np.nanmedian(poses.keypoints[272, :, :, :2], axis=1)  # the frame before, fitted upright
    distance = np.nan_to_num(np.hypot(*(centre - (box[:2] + box[2:]) / 2).T), nan=np.inf)
    slot, others = int(np.argmin(distance)), np.delete(distance, np.argmin(distance))
    assert distance[slot] < 0.5 * others.min(), distance
    kin = compute_kinematics(poses, slot)
    assert kin.implausible["trunk"][273]
    assert not kin.implausible["trunk"][240:273].any()
    assert (kin.point_confidence[273] == 0).all()
