"""The segmentation network runs on key frames only (at most KEY_RATE per second of video, the
first and the last frame); the frames between get their key frames' probabilities blended by
time, in order, and a whole video's masks keep one mask per frame."""

import numpy as np

from inference.posedata import PoseSequence
from inference.segmentation.stage import KEY_RATE, keyed, segment_video
from tests.support import write_clip


def _run(times: list[float], key_rate: float | None) -> tuple[list[float], list[tuple[float, float]]]:
    """(the times the network saw, the (t, value) of every frame given out); the network's
    probability of a frame is a flat map of its time."""
    seen: list[float] = []

    def predict(batch: list[tuple[object, float]]) -> np.ndarray:
        seen.extend(t for _, t in batch)
        return np.stack([np.full((2, 3), t, np.float32) for _, t in batch])

    out = [(t, float(prob.mean())) for prob, t in keyed(predict, iter([(None, t) for t in times]), key_rate)]
    return seen, out


def test_60_fps_runs_the_network_on_every_second_frame_and_blends_the_others():
    times = [i / 60 for i in range(21)]  # 21 frames: crosses a batch of 8 key frames, odd count
    seen, out = _run(times, KEY_RATE)
    assert seen == times[::2]  # every second frame; frame 20 (the last) is one of them
    assert [t for t, _ in out] == times  # every frame, in order
    np.testing.assert_allclose([v for _, v in out], times, atol=1e-6)  # the blend of a linear ramp is the ramp


def test_the_last_frame_is_a_key_frame_and_30_fps_keeps_every_frame():
    times = [i / 60 for i in range(20)]  # even count: frame 19 is not on the key rhythm
    seen, out = _run(times, KEY_RATE)
    assert seen == times[::2] + [times[-1]]
    np.testing.assert_allclose([v for _, v in out], times, atol=1e-6)
    thirty = [i / 30 for i in range(17)]
    assert _run(thirty, KEY_RATE)[0] == thirty
    assert _run(times, None)[0] == times  # None: every frame, as before key frames


def test_a_blend_lies_between_its_key_frames_by_time():
    times = [0.0, 0.01, 0.04]  # 0.01 is not a key frame (< 1/30 s after 0.0); 0.04 is the last
    seen, out = _run(times, KEY_RATE)
    assert seen == [0.0, 0.04]
    np.testing.assert_allclose(out[1][1], 0.01, atol=1e-6)  # a quarter of the way: ¾ of 0.0 + ¼ of 0.04


class RecordingModel:
    """A frame-level model stand-in: probability 1 in a fixed box; records the frames it sees."""

    working_side = 64
    level = 2

    def __init__(self) -> None:
        self.frames = 0

    def working_size(self, width: int, height: int) -> tuple[int, int]:
        return 64, 32

    def predict(self, frames: list, level: int) -> np.ndarray:
        self.frames += len(frames)
        prob = np.zeros((len(frames), 32, 64), np.float32)
        prob[:, 4:28, 20:40] = 1.0
        return prob


def test_segment_video_at_60_fps_has_a_mask_per_frame_from_half_the_network_runs(tmp_path):
    clip = write_clip(tmp_path / "clip.mp4", frames=12, size=(128, 64), fps=60)
    person = np.zeros((33, 3), np.float32)
    person[:, 0] = np.linspace(50, 70, 33)
    person[:, 1] = np.linspace(15, 50, 33)
    person[:, 2] = 0.9
    keypoints = np.repeat(person[None, None], 12, axis=0)
    poses = PoseSequence(keypoints, "blazepose33", np.arange(12) / 60, 60.0, (128, 64), np.array([1]))
    model = RecordingModel()
    masks = segment_video(clip, poses, 0, model=model)
    assert masks.num_frames == 12 and model.frames == 7  # frames 0, 2, …, 10 and the last (11)
    # the skeleton runs from (25, 7.5) to (35, 25) in working pixels; pixels near it are foreground
    assert all(masks.foreground[i, 16, 29:32].all() for i in range(12))
    every = RecordingModel()
    assert np.array_equal(segment_video(clip, poses, 0, model=every, key_rate=None).foreground, masks.foreground)
    assert every.frames == 12
