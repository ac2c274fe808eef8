"""A click track in a real MP4 (H.264 + AAC written with PyAV) with beats at known times, and the
beats found in it: shared by the beat, timing and sync tests (librosa's first call costs seconds)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from inference.dance import Beats, music_of
from tests.inference.dance.synthetic import click_track, write_video

BPM = 104.0  # not librosa's 120-BPM prior, so a right answer is not the prior's
BEATS = 0.4 + np.arange(32) * 60.0 / BPM  # four phrases of eight counts
SECONDS = 19.0
FPS = 30


@pytest.fixture(scope="session")
def click_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dance")
    return write_video(folder / "clicks.mp4", SECONDS, FPS, audio=click_track(BEATS, SECONDS))


@pytest.fixture(scope="session")
def click_beats(click_clip: Path) -> Beats:
    return music_of(click_clip)
