"""Dance timing kept as the athlete's progress metrics (inference.compare.metrics.dance_metrics)."""

from __future__ import annotations

import numpy as np
import pytest

from inference.compare.metrics import METRICS, dance_metrics
from inference.dance import Beats, MusicStatus, analyze_dance
from inference.dance.beats import no_beats
from tests.inference.dance.synthetic import dancer, poses

FPS = 30
BEATS = 0.5 + np.arange(16) * 0.5
LATE_S = 0.060


def summary(beats: Beats, athlete: int) -> dict[str, object]:
    times = np.arange(int(9 * FPS)) / FPS
    two = poses(dancer(times, BEATS), dancer(times, BEATS + LATE_S, origin=(500, 300), seed=1), times=times, fps=FPS)
    return {"dance": analyze_dance(two, beats).to_json(), "pose": {"athlete_track_id": athlete}}


def test_the_athletes_timing_and_offset_become_metrics() -> None:
    beats = Beats(status=MusicStatus.OK, times=BEATS, tempo_bpm=120.0, clarity=0.9)
    found = {m.metric: m for m in dance_metrics(summary(beats, athlete=1))}
    assert set(found) == {"beat_offset_ms", "beat_spread_ms", "sync_offset_ms"} <= set(METRICS)
    assert {m.action for m in found.values()} == {"dance"}
    assert found["beat_offset_ms"].value == pytest.approx(LATE_S * 1000, abs=1000 / FPS)
    assert found["sync_offset_ms"].value == pytest.approx(LATE_S * 1000, abs=1000 / FPS)
    assert 0 <= found["sync_offset_ms"].start < found["sync_offset_ms"].end


def test_without_music_only_the_offset_from_the_group_and_nothing_for_a_non_dancer() -> None:
    quiet = summary(no_beats(MusicStatus.NO_AUDIO), athlete=0)
    assert [m.metric for m in dance_metrics(quiet)] == ["sync_offset_ms"]
    assert dance_metrics(summary(no_beats(MusicStatus.NO_AUDIO), athlete=7)) == []
    assert dance_metrics({"pose": {"athlete_track_id": 0}}) == []
