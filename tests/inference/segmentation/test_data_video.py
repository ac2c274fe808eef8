"""Labelling videos: short clips frame by frame, long ones by frames sampled with seeking."""

import numpy as np

from inference.segmentation.data import label_video, sample_frames
from inference.video import iter_frames
from tests.support import shared_clip


class _FakeTeacher:
    """Marks the frame's left half as a person; counts how it was called."""

    def __init__(self) -> None:
        self.video_calls = self.image_calls = 0

    def _half(self, frame: np.ndarray) -> np.ndarray:
        mask = np.zeros(frame.shape[:2], np.float32)
        mask[:, : frame.shape[1] // 2] = 1
        return mask

    def _person(self, frame: np.ndarray) -> np.ndarray:
        """One person standing in the left half (x, y in the frame's pixels, visibility)."""
        h, w = frame.shape[:2]
        person = np.zeros((1, 33, 3), np.float32)
        person[0, :, 0], person[0, :, 1], person[0, :, 2] = w / 4, np.linspace(0.1, 0.9, 33) * h, 0.9
        return person

    def video_labels(self, frames):
        self.video_calls += 1
        return ((self._half(f), self._person(f)) for f in frames)

    def image_label(self, frame):
        self.image_calls += 1
        return self._half(frame), self._person(frame)


def test_sampled_frames_are_the_frames_at_those_times():
    clip = shared_clip("lab_walk_portrait_60fps.mp4")
    sampled = list(sample_frames(clip, 5, 320))
    every = list(iter_frames(clip, max_side=320))
    assert len(sampled) == 5
    times = [t for _, t in sampled]
    assert np.all(np.diff(times) > 0.2) and 0 < times[0] < 0.3 and times[-1] < every[-1][1] + 1e-6
    for image, t in sampled:
        frame, _ = min(every, key=lambda item: abs(item[1] - t))
        assert np.abs(image.astype(int) - frame.astype(int)).mean() < 1.0


def test_long_videos_are_sampled_and_short_ones_labelled_whole():
    clip = shared_clip("lab_walk_portrait_60fps.mp4")  # 100 frames
    teacher = _FakeTeacher()
    sampled = label_video(clip, teacher, max_frames=12)
    assert teacher.image_calls == 12 and teacher.video_calls == 0
    assert len(sampled.images) <= 12 and sampled.held_out.sum() == 3
    assert sampled.masks[0][:, :50].min() == 255 and sampled.masks[0][:, -50:].max() == 0
    # The teacher's people are stored in the stored frames' pixels (a quarter of the width across).
    width = sampled.images.shape[2]
    assert sampled.people is not None and sampled.people.shape == (len(sampled.images), 1, 33, 3)
    assert np.allclose(sampled.people[:, 0, :, 0], width / 4, atol=1.0)
    whole = label_video(clip, teacher, max_frames=100)
    assert teacher.video_calls == 1 and len(whole.images) == 100 - 6  # the 0.1 s gap (6 frames) is dropped
