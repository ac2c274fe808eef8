"""DTW against brute force (every monotone path enumerated) on short random sequences, with and
without a Sakoe-Chiba window; known warps recovered exactly; the time map between two clocks."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from inference.compare.dtw import band, cost_matrix, dtw
from inference.compare.warp import pairs_by_a, time_map


def _paths(n: int, m: int):
    """Every path from (0, 0) to (n-1, m-1) with steps (1,0), (0,1), (1,1)."""
    def walk(i: int, j: int, path: list[tuple[int, int]]):
        if (i, j) == (n - 1, m - 1):
            yield path
            return
        for di, dj in ((1, 0), (0, 1), (1, 1)):
            if i + di < n and j + dj < m:
                yield from walk(i + di, j + dj, path + [(i + di, j + dj)])
    yield from walk(0, 0, [(0, 0)])


def _brute(a: np.ndarray, b: np.ndarray, window: int | None) -> float:
    cost = cost_matrix(a, b)
    lo, hi = band(len(a), len(b), window)
    best = np.inf
    for path in _paths(len(a), len(b)):
        if all(lo[i] <= j <= hi[i] for i, j in path):
            best = min(best, sum(cost[i, j] for i, j in path))
    return best


@pytest.mark.parametrize("seed", range(12))
def test_matches_brute_force_on_short_random_sequences(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = rng.integers(1, 7, size=2)
    a, b = rng.normal(size=(n, 3)) * 20, rng.normal(size=(m, 3)) * 20
    for window in (None, 1, 2):
        result = dtw(a, b, window=window)
        assert result.cost == pytest.approx(_brute(a, b, window), rel=1e-9, abs=1e-9)
        cost = cost_matrix(a, b)
        assert result.cost == pytest.approx(sum(cost[i, j] for i, j in result.path))
        steps = np.diff(result.path, axis=0)
        assert tuple(result.path[0]) == (0, 0) and tuple(result.path[-1]) == (n - 1, m - 1)
        assert all(tuple(s) in {(1, 0), (0, 1), (1, 1)} for s in steps)
        lo, hi = band(n, m, window)
        assert all(lo[i] <= j <= hi[i] for i, j in result.path)


def test_window_can_only_raise_the_cost() -> None:
    rng = np.random.default_rng(7)
    a, b = rng.normal(size=(40, 2)), rng.normal(size=(55, 2))
    costs = [dtw(a, b, window=w).cost for w in (1, 3, 10, None)]
    assert costs == sorted(costs, reverse=True)


@pytest.mark.parametrize("seed", range(4))
def test_known_warp_is_recovered(seed: int) -> None:
    """B is A replayed with a non-linear clock (each pose held 1-4 frames): the path pairs
    every frame of B with the frame of A it repeats, at zero cost."""
    t = np.linspace(0, 1, 50)
    a = np.stack([100 * np.sin(np.pi * t) + 40 * t, 60 * t**2], axis=1)  # distinct rows
    holds = np.random.default_rng(seed).integers(1, 5, size=50)
    warp = np.repeat(np.arange(50), holds)
    b = a[warp]
    result = dtw(a, b, window=len(b) // 2)
    assert result.cost == pytest.approx(0.0, abs=1e-9)
    assert [int(i) for i, _ in result.path] == warp.tolist()
    assert [int(j) for _, j in result.path] == list(range(len(b)))
    np.testing.assert_array_equal(pairs_by_a(result.path), np.cumsum(holds) - holds)


def test_a_too_narrow_window_cannot_follow_a_strong_warp() -> None:
    t = np.linspace(0, 1, 60)
    a = np.stack([np.sin(2 * np.pi * t) * 50, t * 30], axis=1)
    b = a[np.round(np.linspace(0, 1, 60) ** 3 * 59).astype(int)]
    assert dtw(a, b, window=2).cost > 10 * dtw(a, b, window=40).cost + 1


def test_gaps_are_filled_and_one_dimensional_inputs_accepted() -> None:
    a = np.array([0.0, np.nan, 2.0, 3.0])
    assert dtw(a, np.array([0.0, 1.0, 2.0, 3.0])).cost == pytest.approx(0.0)
    with pytest.raises(ValueError):
        dtw(np.zeros((3, 2)), np.zeros((3, 3)))


def test_time_map_follows_the_path_and_is_monotone() -> None:
    path = np.array([(0, 0), (1, 0), (2, 1), (2, 2), (3, 3), (4, 3)])
    ta, tb = np.arange(5) / 10.0, np.arange(4) / 20.0
    tmap = time_map(path, ta, tb)
    np.testing.assert_allclose(tmap.ta, ta)
    np.testing.assert_allclose(tmap.tb, [0.0, 0.0, 0.075, 0.15, 0.15])
    assert tmap(0.25) == pytest.approx(0.1125)
    assert np.all(np.diff(tmap.tb) >= 0)
    assert tmap(-1.0) == 0.0 and tmap(9.0) == pytest.approx(0.15)


def test_brute_force_enumerator_counts_delannoy_paths() -> None:
    # The number of such paths on an n x m grid is the Delannoy number D(n-1, m-1).
    assert sum(1 for _ in _paths(3, 3)) == 13
    assert sum(1 for _ in _paths(4, 5)) == sum(
        2**k * len(list(itertools.combinations(range(3), k))) * len(list(itertools.combinations(range(4), k)))
        for k in range(4))
