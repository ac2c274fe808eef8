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


def test_after_warming_no_frame_shape_or_batch_traces_the_segmentation_network_again() -> None:
    """Videos of other sizes and orientations, and short last batches, reuse the traced graph."""
    from inference.pipeline.warm import _warm_segmentation
    from inference.segmentation.model import SegmentationModel

    model = SegmentationModel()  # the committed default weights, a fresh network of its own
    _warm_segmentation(model)
    traced = model.network().predict_function.experimental_get_tracing_count()
    for shape, count in (((720, 1280, 3), 8), ((1920, 1080, 3), 3), ((480, 640, 3), 1)):
        model.predict([np.zeros(shape, np.uint8)] * count)
    assert model.network().predict_function.experimental_get_tracing_count() == traced


def test_a_person_centred_segmentation_model_is_warmed_on_its_crops(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from inference.pipeline.warm import _warm_segmentation
    from inference.segmentation.model import PersonSegmentationModel
    from inference.segmentation.train import TrainConfig, save_weights
    from inference.segmentation.unetpp import UNetPPConfig, build_unetpp, weights_by_name

    filters = (8, 8, 8, 8, 8)  # small and untrained: tracing is what is tested, not the masks
    network = build_unetpp(UNetPPConfig(filters=filters, level=2, deep_supervision=False, channels=4))
    save_weights(tmp_path / "person.npz", weights_by_name(network), TrainConfig(filters=filters), crop=32)
    model = PersonSegmentationModel(tmp_path / "person.npz", level=2)
    _warm_segmentation(model)
    traced = model.network().predict_function.experimental_get_tracing_count()
    model.predict_crops(np.zeros((5, 32, 32, 4), np.float32))
    assert model.network().predict_function.experimental_get_tracing_count() == traced
