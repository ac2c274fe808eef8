"""Differences of unwrapped angles (shoulders circle and are unwrapped over time) count no whole
turns: an arm at 20° in one clip and at 20° + 360° in another is the same arm."""

import numpy as np

from inference.compare.differences import Phase, differences


def test_whole_turns_are_not_differences():
    n = 10
    path = np.stack([np.arange(n), np.arange(n)], 1)
    a = {"left_shoulder": np.full(n, 20.0), "left_knee": np.full(n, 30.0)}
    b = {"left_shoulder": np.full(n, 20.0 + 360.0 + 12.0), "left_knee": np.full(n, 45.0)}
    rows = {r["angle"]: r for r in differences(path, a, b, [Phase("all", "over the movement", 0, n)])}
    assert rows["left_shoulder"]["difference"] == 12.0
    assert (rows["left_shoulder"]["a"], rows["left_shoulder"]["b"]) == (20.0, 32.0)
    assert rows["left_knee"]["difference"] == 15.0


def test_shown_in_the_anatomical_interval():
    n = 4
    path = np.stack([np.arange(n), np.arange(n)], 1)
    a = {"right_shoulder": np.full(n, -383.7)}  # unwrapped: the arm 23.7° behind the trunk
    b = {"right_shoulder": np.full(n, 170.0)}  # overhead, inside the shoulder's (-80, 200)
    row = differences(path, a, b, [Phase("all", "over the movement", 0, n)])[0]
    # From behind the trunk to overhead is 193.7° of flexion through the front, not -166.3°.
    assert (row["a"], row["b"], row["difference"]) == (-23.7, 170.0, 193.7)
