"""Segment smoothing on constructed probability sequences."""

from __future__ import annotations

import numpy as np

from inference.actions.segment import (
    UNKNOWN,
    absorb_short,
    cut_windows,
    frame_probabilities,
    moving_average,
    segments_from_labels,
    smooth_labels,
    window_starts,
)

CLASSES = ("idle", "walk", "jump")


def _probs(sequence: list[tuple[int, int, tuple[float, float, float]]]) -> np.ndarray:
    """[(class-less run length, _, probabilities)] → (T, 3)."""
    return np.concatenate([np.tile(p, (n, 1)) for n, _, p in sequence])


def test_windows_cover_the_track_and_short_tracks_are_centred() -> None:
    starts = window_starts(100, 40, 5)
    assert starts[0] == 0 and starts[-1] == 60 and (np.diff(starts) <= 5).all()
    assert list(window_starts(30, 40, 5)) == [-5]
    track = np.arange(30 * 2 * 3, dtype=np.float32).reshape(30, 2, 3)
    windows = cut_windows(track, window_starts(30, 40, 5), 40)
    assert windows.shape == (1, 40, 2, 3)
    assert np.isnan(windows[0, :5, :, 0]).all() and (windows[0, :5, :, 2] == 0).all()
    np.testing.assert_array_equal(windows[0, 5:35], track)


def test_frame_probabilities_average_covering_windows() -> None:
    starts = np.array([0, 10])
    probs = np.array([[1.0, 0.0], [0.0, 1.0]])
    frames = frame_probabilities(probs, starts, 20, 30)
    np.testing.assert_allclose(frames[:10], [[1, 0]] * 10)
    np.testing.assert_allclose(frames[20:], [[0, 1]] * 10)
    assert np.allclose(frames[10:20].sum(1), 1) and frames[11, 0] > frames[18, 0]
    unusable = frame_probabilities(probs, starts, 20, 30, usable=np.array([True, False]))
    assert np.isnan(unusable[20:]).all()


def test_hysteresis_keeps_the_label_through_small_wobbles() -> None:
    probs = _probs([(10, 0, (0.2, 0.7, 0.1)), (3, 0, (0.2, 0.42, 0.38)), (3, 0, (0.2, 0.37, 0.43)),
                    (10, 0, (0.1, 0.2, 0.7))])  # fmt: skip
    labels = smooth_labels(probs, threshold=0.35, margin=0.1)
    assert (labels[:16] == 1).all()  # jump led by only 0.06 during the wobble: walk kept
    assert (labels[16:] == 2).all()


def test_low_probability_is_unknown_and_nan_frames_are_unknown() -> None:
    probs = _probs([(5, 0, (0.34, 0.33, 0.33)), (5, 0, (0.1, 0.8, 0.1))])
    probs[7] = np.nan
    labels = smooth_labels(probs, threshold=0.4, margin=0.1)
    assert list(labels) == [-1] * 5 + [1, 1, -1, 1, 1]


def test_short_runs_are_absorbed_by_the_more_probable_neighbour() -> None:
    labels = np.array([0] * 10 + [2] * 2 + [1] * 10)
    probs = np.zeros((22, 3))
    probs[:, 0], probs[:, 1] = 0.2, 0.3
    probs[10:12, 2] = 0.5
    out = absorb_short(labels, probs, min_frames=5)
    assert list(out) == [0] * 10 + [1] * 12


def test_segments_in_seconds_with_confidence() -> None:
    probs = _probs([(20, 0, (0.8, 0.1, 0.1)), (2, 0, (0.1, 0.1, 0.8)), (20, 0, (0.1, 0.9, 0.0)),
                    (15, 0, (0.3, 0.3, 0.4))])  # fmt: skip
    times = np.arange(len(probs)) / 20.0
    smooth = moving_average(probs, 3)
    labels = smooth_labels(smooth, threshold=0.45, margin=0.1)
    segments = segments_from_labels(labels, smooth, times, CLASSES, min_frames=10)
    assert [s.label for s in segments] == ["idle", "walk", UNKNOWN]
    assert segments[0].start == 0.0 and abs(segments[-1].end - len(probs) / 20) < 1e-9
    assert segments[1].confidence is not None and segments[1].confidence > 0.8
    assert segments[-1].confidence is None
    assert all(abs(a.end - b.start) < 1e-9 for a, b in zip(segments, segments[1:], strict=False))


def test_postures_share_idle_and_squat_shares_getup() -> None:
    from inference.actions.labels import fuse_posture

    classes = ("idle", "walk", "getup")
    probs = np.array([[0.8, 0.2, 0.0], [0.0, 0.2, 0.8], [0.0, 1.0, 0.0]])
    postures = ("stand", "squat", "plank")
    posture = np.array([[0.5, 0.0, 0.5], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    out, names = fuse_posture(probs, classes, posture, postures, hold=1)
    assert names == ("idle", "walk", "getup", "squat", "plank")
    np.testing.assert_allclose(out.sum(1), 1.0)
    np.testing.assert_allclose(out[0], [0.4, 0.2, 0.0, 0.0, 0.4])  # idle split with plank
    np.testing.assert_allclose(out[1], [0.0, 0.2, 0.0, 0.8, 0.0])  # getup while squatting → squat
    np.testing.assert_allclose(out[2], [0.0, 1.0, 0.0, 0.0, 0.0])  # walking: postures take nothing
