"""Start-up once per process: pose backends kept between videos, models warmed, stage timings."""

from __future__ import annotations

import numpy as np
import pytest

from inference.pipeline import AnalysisConfig, analyze
from inference.pipeline.run import StageTiming
from inference.pipeline.warm import give_back_pose_backend, take_pose_backend
from inference.pose.registry import BackendOptions
from tests.support import shared_clip

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_a_backend_given_back_is_the_next_videos_and_concurrent_videos_get_their_own() -> None:
    options = BackendOptions(max_people=3)  # a key of its own: other tests' backends stay apart
    first = take_pose_backend("blazepose", options)
    second = take_pose_backend("blazepose", options)
    assert first is not second  # two videos at once never share a backend's state
    give_back_pose_backend("blazepose", options, first)
    assert take_pose_backend("blazepose", options) is first
    assert take_pose_backend("blazepose", options) is not second  # second was never given back


def test_a_reused_backend_gives_the_same_poses_as_a_fresh_process_would() -> None:
    """The same clip twice through one process: the second run starts on the backend the first
    gave back, following two people at the clip's last frame, and must give the same poses."""
    two_people = shared_clip("indoor_two_people_1080p.mp4")
    config = AnalysisConfig(until="tracking")
    timings: list[StageTiming] = []
    before = analyze(two_people, config, timer=timings.append).poses
    after = analyze(two_people, config).poses
    np.testing.assert_array_equal(before.keypoints, after.keypoints)
    np.testing.assert_array_equal(before.track_ids, after.track_ids)
    assert [t.name for t in timings] == ["probe", "pose", "tracking"]
    pose = timings[1]
    assert pose.wall_s > 0 and pose.cpu_s > 0  # the pose stage ran 72 frames of two people
