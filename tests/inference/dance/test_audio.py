from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from inference.dance import MusicStatus, NoAudio, load_audio, music_of
from tests.inference.dance.conftest import BEATS, SECONDS
from tests.inference.dance.synthetic import RATE, write_video


def test_a_video_without_sound_says_no_audio(tmp_path: Path) -> None:
    clip = write_video(tmp_path / "mute.mp4", 2.0)
    with pytest.raises(NoAudio, match="no audio track"):
        load_audio(clip)
    beats = music_of(clip)
    assert beats.status == MusicStatus.NO_AUDIO and len(beats.times) == 0
    assert beats.to_json()["message"].startswith("No audio")


def test_a_silent_track_is_silent_not_beatless(tmp_path: Path) -> None:
    clip = write_video(tmp_path / "silent.mp4", 3.0, audio=np.zeros(3 * RATE, np.float32))
    assert music_of(clip).status == MusicStatus.SILENT


def test_the_sound_is_on_the_video_clock(click_clip: Path) -> None:
    """The first click's attack in the decoded samples is where it was written (AAC's priming
    delay is removed by the container's edit list, and time 0 is the first video frame)."""
    audio = load_audio(click_clip)
    assert audio.rate == RATE and abs(audio.duration - SECONDS) < 0.1
    first = audio.start + np.flatnonzero(np.abs(audio.samples) > 0.05)[0] / RATE
    assert abs(first - BEATS[0]) < 0.005
