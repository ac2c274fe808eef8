from __future__ import annotations

import numpy as np
import pytest

from inference.dance.motion import dancer_motion, find_accents, resample, uniform_grid
from tests.inference.dance.synthetic import dancer


def test_accents_at_the_strokes_speed_peaks_within_a_frame() -> None:
    fps = 30.0
    times = np.arange(int(8 * fps)) / fps
    truth = 0.6 + np.arange(12) * 0.55 + np.random.default_rng(1).uniform(-0.1, 0.1, 12)
    grid = uniform_grid(times)
    moving = dancer_motion(dancer(times, truth), times, "body25", grid)
    assert moving is not None and moving.moving
    accents = find_accents(moving, grid)
    found = np.array([a.time for a in accents])
    assert len(found) == len(truth)
    err = np.abs(found - truth)
    print(f"accent error mean {err.mean() * 1000:.1f} ms, max {err.max() * 1000:.1f} ms (frame {1000 / fps:.1f} ms)")
    assert err.max() < 1 / fps
    assert [a.limb for a in accents[:4]] == ["right arm", "left arm", "right leg", "left leg"]


def test_body_units_do_not_depend_on_size_or_place() -> None:
    times = np.arange(120) / 30
    accents = np.array([1.0, 2.0, 3.0])
    grid = uniform_grid(times)
    near = dancer_motion(dancer(times, accents, noise_px=0), times, "body25", grid)
    small = dancer(times, accents, noise_px=0)
    small[..., :2] = small[..., :2] * 0.4 + 120
    far = dancer_motion(small, times, "body25", grid)
    assert near is not None and far is not None
    np.testing.assert_allclose(near.speed, far.speed, atol=1e-4)  # float32 keypoints


def test_someone_standing_still_has_no_accents() -> None:
    times = np.arange(150) / 30
    still = dancer_motion(dancer(times, np.array([]), noise_px=1.0), times, "body25", uniform_grid(times))
    assert still is not None and not still.moving
    assert find_accents(still, uniform_grid(times)) == []


def test_resample_bridges_short_gaps_only() -> None:
    t = np.array([0.0, 0.1, 0.2, 0.6, 0.7])  # 0.4 s without a sample between 0.2 and 0.6
    values = np.array([[0.0], [1.0], [2.0], [6.0], [7.0]])
    out = resample(t, values, np.arange(0, 0.71, 0.05))[:, 0]
    assert out[3] == pytest.approx(1.5) and np.isnan(out[6]) and np.isnan(out[10]) and out[13] == pytest.approx(6.5)
