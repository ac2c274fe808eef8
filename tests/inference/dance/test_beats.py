from __future__ import annotations

import numpy as np

from inference.dance import Audio, Beats, MusicStatus, find_beats
from tests.inference.dance.conftest import BEATS, BPM, FPS
from tests.inference.dance.synthetic import RATE, click_track

FRAME_S = 1.0 / FPS


def errors_ms(found: np.ndarray, truth: np.ndarray) -> np.ndarray:
    return np.array([(t - truth[np.argmin(np.abs(truth - t))]) * 1000 for t in found])


def test_click_track_beats_within_a_frame(click_beats: Beats) -> None:
    assert click_beats.status == MusicStatus.OK
    err = errors_ms(click_beats.times, BEATS)
    print(f"beats {len(click_beats.times)}/{len(BEATS)}, error mean {err.mean():.1f} ms, max {np.abs(err).max():.1f} ms, "
          f"tempo {click_beats.tempo_bpm:.1f} BPM, clarity {click_beats.clarity:.2f}")  # fmt: skip
    assert len(click_beats.times) >= len(BEATS) - 1  # librosa may trim a weak first or last beat
    assert np.abs(err).max() < FRAME_S * 1000
    assert abs(60.0 / click_beats.interval - BPM) < 1.0
    assert all(abs(b - BPM) < 1.0 for b in click_beats.phrase_bpm())


def test_tempo_drift_of_an_accelerating_track() -> None:
    """100 → 112 BPM over about 20 s: the drift is +36 BPM per minute."""
    tempo = lambda t: 100 + 12 * t / 20  # noqa: E731
    times = [0.5]
    while times[-1] < 20:
        times.append(times[-1] + 60 / tempo(times[-1]))
    beats = find_beats(Audio(click_track(np.array(times), 21.0), RATE, 0.0))
    print(f"drift {beats.drift_bpm_per_min():.1f} BPM/min, phrases {beats.phrase_bpm()}")
    assert beats.ok and abs(beats.drift_bpm_per_min() - 36) < 6


def test_noise_has_no_beat() -> None:
    noise = (0.1 * np.random.default_rng(0).standard_normal(8 * RATE)).astype(np.float32)
    beats = find_beats(Audio(noise, RATE, 0.0))
    print(f"noise: {beats.detail}")
    assert beats.status == MusicStatus.NO_BEAT and "No beat" in beats.status.message


def test_beats_follow_the_audio_start_on_the_video_clock() -> None:
    y = click_track(BEATS, 19.0)
    late = find_beats(Audio(y, RATE, 0.25))
    assert np.abs(errors_ms(late.times, BEATS + 0.25)).max() < FRAME_S * 1000
