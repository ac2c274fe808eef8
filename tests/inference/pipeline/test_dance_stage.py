"""The dance stage in the stage table: it runs for dance uploads only, reads the source's sound,
and its section goes through result.json and back."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from inference.dance import MusicStatus
from inference.pipeline import AnalysisConfig, AnalysisResult, analyze
from tests.inference.dance.synthetic import click_track, write_video

BEATS = 0.3 + np.arange(10) * 0.5


def test_dance_upload_gets_beats_and_says_who_it_timed(tmp_path: Path) -> None:
    clip = write_video(tmp_path / "music.mp4", 5.5, fps=10, audio=click_track(BEATS, 5.5))  # few frames: nobody in them anyway
    result = analyze(clip, AnalysisConfig(movement="dance", until="dance"))
    assert result.dance is not None
    data = result.dance.data
    assert data["music"]["status"] == MusicStatus.OK
    assert np.abs(np.array(data["music"]["times"])[:, None] - BEATS[None]).min(axis=1).max() < 0.010  # the click track test: 5 ms late on average
    assert data["dancers"] == [] and data["sync"]["status"] == "too_few"  # grey frames: nobody to time
    result.write(tmp_path / "out")
    again = AnalysisResult.read(tmp_path / "out")
    assert again.dance is not None and again.dance.data == data
    assert result.summary()["dance"]["music"]["times"] == data["music"]["times"]


def test_other_movements_have_no_dance_section(tmp_path: Path) -> None:
    clip = write_video(tmp_path / "music.mp4", 1.0, fps=10, audio=click_track(BEATS[:2], 1.0))
    assert analyze(clip, AnalysisConfig(movement="general", until="dance")).dance is None


def test_slow_motion_is_not_timed_against_its_sound(tmp_path: Path) -> None:
    clip = write_video(tmp_path / "slow.mp4", 2.0, fps=10, audio=click_track(BEATS[:4], 2.0))
    result = analyze(clip, AnalysisConfig(movement="dance", until="dance", capture_fps=40))
    assert result.dance is not None and result.dance.data["music"]["status"] == MusicStatus.SLOW_MOTION
