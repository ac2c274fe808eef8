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


def _loaded(records: list) -> list[str]:  # type: ignore[type-arg]
    return [r.getMessage() for r in records if r.getMessage().startswith("model loaded:")]


def test_after_warming_a_video_loads_builds_traces_and_imports_nothing(caplog) -> None:  # type: ignore[no-untyped-def]
    """What a worker's pool process warmed when it started is what each video uses: the same
    model objects, networks and traced graphs, the pose backend given back, no module imported."""
    import logging
    import sys

    from inference.actions import load_action_model
    from inference.actions.labels import load_posture_model
    from inference.pipeline.stages import segmentation_model
    from inference.pipeline.warm import warm_models

    config = AnalysisConfig()
    warm_models(config)
    segmentation, actions, posture = segmentation_model(None), load_action_model(), load_posture_model()
    networks = (segmentation.network(), actions.network, actions._two_headed, posture.network)
    traced = [n.predict_function.experimental_get_tracing_count() for n in (networks[0], networks[3])]
    backend = take_pose_backend(config.backend, config.backend_options)
    give_back_pose_backend(config.backend, config.backend_options, backend)
    modules = {name for name in sys.modules if name.startswith("inference")}

    caplog.clear()  # the warm-up's own loads
    with caplog.at_level(logging.INFO):
        result = analyze(shared_clip("lab_walk_portrait_60fps.mp4"), config)
    assert result.actions is not None and result.masks is not None  # every stage ran
    assert _loaded(caplog.records) == []
    assert (segmentation_model(None), load_action_model(), load_posture_model()) == (segmentation, actions, posture)
    assert (segmentation.network(), actions.network, actions._two_headed, posture.network) == networks
    assert [n.predict_function.experimental_get_tracing_count() for n in (networks[0], networks[3])] == traced
    assert {name for name in sys.modules if name.startswith("inference")} == modules
    assert take_pose_backend(config.backend, config.backend_options) is backend  # the video gave it back
    give_back_pose_backend(config.backend, config.backend_options, backend)


def test_threads_asking_for_a_model_at_once_load_it_once(monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    """A threaded worker pool: videos starting together wait for one load instead of each loading
    the model (each read is slowed so the threads overlap inside it)."""
    import logging
    import threading
    import time

    from inference.actions import labels
    from inference.actions import model as action_model
    from inference.actions.posture import PostureModel
    from inference.pipeline import stages
    from inference.segmentation import model as segmentation

    def slowed(read):  # type: ignore[no-untyped-def]
        def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
            time.sleep(0.05)
            return read(*args, **kwargs)

        return slow

    # Empty caches for this test (restored after it), so each loader starts unloaded.
    monkeypatch.setattr(labels, "_posture_model", None)
    monkeypatch.setattr(action_model, "_cache", {})
    monkeypatch.setattr(stages, "_segmentation_models", {})
    monkeypatch.setattr(PostureModel, "read", classmethod(slowed(PostureModel.read.__func__)))
    monkeypatch.setattr(action_model, "read_action_model", slowed(action_model.read_action_model))
    monkeypatch.setattr(segmentation, "load_model", slowed(segmentation.load_model))
    weights = segmentation.DEFAULT_WEIGHTS  # a weights file: load_model, not the default_model singleton
    loaders = {"posture": labels.load_posture_model, "actions": action_model.load_action_model,
               "segmentation": lambda: stages.segmentation_model(weights)}  # fmt: skip
    for name, load in loaders.items():
        barrier, got = threading.Barrier(4), []

        def ask(load=load, barrier=barrier, got=got) -> None:  # type: ignore[no-untyped-def]
            barrier.wait()
            got.append(load())

        caplog.clear()
        with caplog.at_level(logging.INFO):
            threads = [threading.Thread(target=ask) for _ in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        assert len(got) == 4 and all(model is got[0] for model in got), name
        assert len(_loaded(caplog.records)) == 1, (name, _loaded(caplog.records))


@pytest.mark.slow
def test_two_videos_analysed_at_once_in_one_warm_process_give_what_they_give_one_at_a_time(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A threaded worker pool: two analyses at once share the process's models (each has its own
    pose backend) and write the same files, byte for byte, as one after the other (every file but
    the proxy and poster, which stay in analyze()'s temporary folder: x264 shares nothing)."""
    import threading

    from inference.pipeline.warm import warm_models

    config = AnalysisConfig()
    warm_models(config)
    clips = [shared_clip("lab_walk_portrait_60fps.mp4"), shared_clip("indoor_two_people_1080p.mp4")]
    for clip in clips:
        analyze(clip, config).write(tmp_path / "alone" / clip.stem)
    errors: list[BaseException] = []

    def work(clip) -> None:  # type: ignore[no-untyped-def]
        try:
            analyze(clip, config).write(tmp_path / "together" / clip.stem)
        except BaseException as exc:  # noqa: BLE001 (reported below, in the test's thread)
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(clip,)) for clip in clips]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for clip in clips:
        alone = sorted(p.name for p in (tmp_path / "alone" / clip.stem).iterdir())
        assert alone == sorted(p.name for p in (tmp_path / "together" / clip.stem).iterdir())
        for name in alone:
            if name != "result.json":  # its timings differ
                assert (tmp_path / "alone" / clip.stem / name).read_bytes() == \
                    (tmp_path / "together" / clip.stem / name).read_bytes(), (clip.name, name)  # fmt: skip
