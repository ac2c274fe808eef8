"""The whole timing chain on known truth: beats found in a click track MP4, a synthetic dancer whose
accents are shifted from the beats by a known offset per phrase; each phrase's median offset must be
recovered within one video frame."""

from __future__ import annotations

import numpy as np

from inference.dance import Beats, analyze_dance
from inference.dance.motion import Accent
from inference.dance.timing import time_accents
from tests.inference.dance.conftest import BEATS, FPS, SECONDS
from tests.inference.dance.synthetic import dancer, poses

PHRASE_OFFSETS_S = np.array([0.0, 0.080, -0.050, 0.030])  # one per phrase of eight counts


def test_per_phrase_offsets_recovered_within_a_frame(click_beats: Beats) -> None:
    times = np.arange(int(SECONDS * FPS)) / FPS
    accents = BEATS + np.repeat(PHRASE_OFFSETS_S, 8)
    result = analyze_dance(poses(dancer(times, accents), times=times, fps=FPS), click_beats).to_json()
    (row,) = result["dancers"]
    medians = [p["median_ms"] for p in row["phrases"]]
    print("phrase medians (ms):", medians, "truth:", list(PHRASE_OFFSETS_S * 1000))
    assert len(medians) == 4 and result["frame_ms"] == round(1000 / FPS, 2)
    for found, truth in zip(medians, PHRASE_OFFSETS_S * 1000, strict=True):
        assert abs(found - truth) < 1000 / FPS
    assert row["timing"]["n"] == len(BEATS) and row["timing"]["off_beat"] == 0
    counts = [c for c in row["accents"]["count"] if c is not None]
    assert counts[:9] == [1, 2, 3, 4, 5, 6, 7, 8, 1]


def test_accents_between_beats_are_off_beat_not_half_a_beat_late() -> None:
    beats = np.arange(8) * 0.5
    accents = [Accent(1.02, 1.0, "head"), Accent(1.26, 1.0, "head"), Accent(-0.4, 1.0, "head")]
    timed = time_accents(accents, beats)
    assert [(t.beat, t.on_beat) for t in timed] == [(2, True), (3, False)]  # the last is before the beats
    assert abs(timed[0].offset - 0.02) < 1e-9 and timed[0].count == 3
