"""Slow motion stored at playback rate: AnalysisConfig.capture_fps puts the whole analysis on the
capture clock — the frames' times as the pose stage reads them (and the proxy with them), the
poses given to analyze_poses — so times, flight times and cadence are real time."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from inference.kinematics.events import LIFT_HEIGHT, G
from inference.kinematics.synthetic import on_ground, sequence, side_view_body25
from inference.pipeline import AnalysisConfig, analyze, analyze_poses
from inference.pipeline.config import CAPTURE_FPS_RANGE
from inference.video import VideoError
from tests.support import write_clip

FPS = 60.0


def test_the_config_checks_and_keeps_the_capture_rate() -> None:
    config = AnalysisConfig(capture_fps=240.0)
    assert config.time_scale(60.0) == pytest.approx(0.25) and AnalysisConfig().time_scale(60.0) == 1.0
    assert AnalysisConfig.from_json(config.as_json()) == config
    assert config.time_scale(239.9) == pytest.approx(239.9 / 240)  # 29.97 stored vs 30 given: the same rate
    with pytest.raises(ValueError, match="below the video's own rate"):
        AnalysisConfig(capture_fps=30.0).time_scale(60.0)
    for bad in (CAPTURE_FPS_RANGE[0] / 2, CAPTURE_FPS_RANGE[1] * 2):
        with pytest.raises(ValueError, match="capture rate"):
            AnalysisConfig(capture_fps=bad)


def _proxy_times(path: Path) -> tuple[list[float], bool]:
    with av.open(str(path)) as container:
        times = [float(f.pts * f.time_base) for f in container.decode(video=0)]
        return times, bool(container.streams.audio)


def test_twice_the_file_rate_halves_the_timeline_and_the_proxy_follows(tmp_path: Path) -> None:
    """A 24 fps file filmed at 48 fps: every frame time is halved, in the poses and the proxy."""
    clip = write_clip(tmp_path / "slow.mp4", frames=12, fps=24)
    stored = analyze(clip, AnalysisConfig(until="proxy"), workdir=tmp_path / "a")
    real = analyze(clip, AnalysisConfig(until="proxy", capture_fps=48.0), workdir=tmp_path / "b")
    assert stored.poses.fps == pytest.approx(24.0) and real.poses.fps == pytest.approx(48.0)
    np.testing.assert_allclose(real.poses.timestamps, stored.poses.timestamps / 2, atol=1e-9)
    stored_proxy, _ = _proxy_times(tmp_path / "a" / "proxy.mp4")
    real_proxy, audio = _proxy_times(tmp_path / "b" / "proxy.mp4")
    np.testing.assert_allclose(real_proxy, np.asarray(stored_proxy) / 2, atol=2e-3)
    assert not audio and real.config.as_json()["capture_fps"] == 48.0


def test_a_capture_rate_below_the_file_rate_fails_with_the_reason(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "c.mp4", frames=6, fps=24)
    with pytest.raises(VideoError, match="capture rate is wrong.*below the video's own rate"):
        analyze(clip, AnalysisConfig(until="pose", capture_fps=12.0))


def _jumping_poses(flight_s: float = 0.5) -> object:
    """A side-view figure standing, then one ballistic flight of ``flight_s`` from 1 s, at FPS."""
    t = np.arange(int(3.5 * FPS)) / FPS
    tt = t - 1.0
    px_per_m = 1000 / 1.8
    lift = np.where((tt > 0) & (tt < flight_s), (G * flight_s / 2 * tt - G / 2 * tt**2) * px_per_m, 0.0)
    return sequence(on_ground(side_view_body25(t.size), lift_px=lift), t)


def test_twice_the_file_rate_halves_flight_times_and_the_kinematics_clock() -> None:
    poses = _jumping_poses()
    stored = analyze_poses(poses, AnalysisConfig(movement="jump", until="events"), athlete_track_id=0)
    real = analyze_poses(poses, AnalysisConfig(movement="jump", until="events", capture_fps=2 * FPS),
                         athlete_track_id=0)  # fmt: skip
    (jump,) = stored.events.live.of_kind("jump")
    (fast,) = real.events.live.of_kind("jump")
    # Read on the soles' height: each end LIFT_HEIGHT x stature / take-off speed inside the flight
    # on these noise-free points (the figure is 1.8 m tall; docs/kinematics.md, "Swings").
    lag = LIFT_HEIGHT * 1.8 / (G * 0.5 / 2)
    assert jump.values["flight_time_s"] == pytest.approx(0.5 - 2 * lag, abs=2 / FPS)
    # Within one captured frame: windows given in seconds (the ground line's running median, the
    # 6 Hz low-pass) now span real time, so they see twice the frames.
    assert fast.values["flight_time_s"] == pytest.approx(jump.values["flight_time_s"] / 2, abs=1 / (2 * FPS))
    assert fast.start == pytest.approx(jump.start / 2, abs=1 / (2 * FPS))
    kin_stored, kin_real = stored.kinematics.kinematics, real.kinematics.kinematics
    np.testing.assert_allclose(kin_real.timestamps, kin_stored.timestamps / 2, atol=1e-9)
