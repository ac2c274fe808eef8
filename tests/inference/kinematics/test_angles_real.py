"""Property over every real clip in ../shared/media: no joint-angle sample is reported as valid
outside its anatomical interval (``AngleDef.plausible``), and no angle sample with confidence above
0 is NaN. The clips include front and back views, arms overhead and feet pointing at the camera
(issue 18: a right-shoulder range of 473° came from unwrapping a joint angle)."""

from __future__ import annotations

import numpy as np
import pytest

from inference.kinematics import compute_kinematics
from inference.kinematics.angles import ANGLES
from tests.support import MEDIA_DIR, shared_clip

CLIPS = ("basketball_pan_240p.mp4", "indoor_two_people_1080p.mp4",
         "lab_two_people_portrait_60fps.mp4", "lab_walk_portrait_60fps.mp4")  # fmt: skip


def _clips() -> list[str]:
    found = sorted(p.name for p in MEDIA_DIR.glob("*.mp4")) if MEDIA_DIR.is_dir() else []
    return sorted(set(found) | set(CLIPS))


@pytest.mark.parametrize("name", _clips())
def test_no_joint_angle_sample_is_reported_outside_its_interval(name: str) -> None:
    from inference.pipeline import AnalysisConfig, analyze

    result = analyze(shared_clip(name), AnalysisConfig(until="athlete"))
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
