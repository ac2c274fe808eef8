"""Tracks shorter than the smoothing window (a 20-frame phone clip) keep their length."""

import numpy as np

from inference.actions.segment import moving_average


def test_moving_average_of_a_track_shorter_than_the_window():
    probs = np.tile([[0.8, 0.2]], (3, 1))
    probs[1] = np.nan
    out = moving_average(probs, 11)
    assert out.shape == (3, 2)
    np.testing.assert_allclose(out[[0, 2]], [[0.8, 0.2], [0.8, 0.2]])
    assert np.isnan(out[1]).all()
