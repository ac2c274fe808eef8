"""PAF decoding round trips: render maps of known skeletons, decode them, compare."""

import numpy as np
import pytest

from inference.pose.openpose.decode import (
    DecodeConfig,
    decode_maps,
    encode,
    find_peaks,
    match_greedy,
)
from inference.skeleton import COCO18
from tests.inference.synthetic import person, random_people

SIZE = (432, 368)


def _match(decoded: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """For each true person, the largest keypoint error of the decoded person nearest to them;
    asserts the pairing is one-to-one."""
    errors = np.linalg.norm(decoded[None, :, :, :2] - truth[:, None, :, :2], axis=-1)  # (T, D, K)
    worst = np.where(np.isnan(errors), np.inf, errors).max(axis=-1)  # missing part = inf
    best = worst.argmin(axis=1)
    assert len(set(best.tolist())) == len(truth), f"two true people matched one decoded: {best}"
    return worst[np.arange(len(truth)), best]


def _assert_decodes_exactly(truth: np.ndarray) -> None:
    heat, paf = encode(truth, SIZE)
    decoded = decode_maps(heat, paf)
    assert len(decoded) == len(truth)
    assert (decoded[..., 2] > 0).all(), "every person whole"
    assert _match(decoded, truth).max() <= 1.0


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("seed", range(4))
def test_random_people_round_trip(count, seed):
    truth = random_people(np.random.default_rng(1000 * count + seed), count, SIZE)
    _assert_decodes_exactly(truth)


def _segments_cross(p1, p2, q1, q2) -> bool:
    def side(a, b, c):
        return np.sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]))

    return side(p1, p2, q1) != side(p1, p2, q2) and side(q1, q2, p1) != side(q1, q2, p2)


def test_crossing_arms():
    # A raises the left arm across B's raised right arm.
    a = person(170, 40, 280, arms=(0.2, 1.2))
    b = person(250, 40, 280, arms=(0.9, 0.2))

    def arm(p, side):
        s, e, w = (p[COCO18.index(f"{side}{j}"), :2] for j in ("Shoulder", "Elbow", "Wrist"))
        return [(s, e), (e, w)]

    assert any(_segments_cross(*u, *v) for u in arm(a, "L") for v in arm(b, "R")), "arms must cross"
    _assert_decodes_exactly(np.stack([a, b]))


def test_people_close_together():
    # Shoulders 15 px apart; wrists of neighbours nearly touch.
    people = np.stack([person(x, 30, 300, arms=(0.1, 0.1)) for x in (90, 160, 230, 300)])
    gap = people[1, COCO18.index("RShoulder"), 0] - people[0, COCO18.index("LShoulder"), 0]
    assert gap < 20
    _assert_decodes_exactly(people)


def test_missing_parts_stay_missing():
    truth = person(200, 40, 280)[None].copy()
    hidden = [COCO18.index(n) for n in ("LWrist", "LEar", "RAnkle")]
    truth[0, hidden, 2] = 0
    heat, paf = encode(truth, SIZE)
    decoded = decode_maps(heat, paf)
    assert len(decoded) == 1
    assert np.isnan(decoded[0, hidden, :2]).all() and (decoded[0, hidden, 2] == 0).all()
    shown = truth[0, :, 2] > 0
    err = np.linalg.norm(decoded[0, shown, :2] - truth[0, shown, :2], axis=-1)
    assert err.max() <= 1.0


def test_people_with_too_few_parts_are_dropped():
    whole = person(120, 40, 280)
    fragment = person(320, 40, 280)
    fragment[:, 2] = 0
    fragment[[COCO18.index(n) for n in ("Neck", "RShoulder", "RElbow")], 2] = 1  # 3 parts
    heat, paf = encode(np.stack([whole, fragment]), SIZE)
    assert len(decode_maps(heat, paf)) == 1
    assert len(decode_maps(heat, paf, DecodeConfig(min_parts=3))) == 2


def test_peaks_are_subpixel_and_suppressed():
    h, w = 40, 50
    yy, xx = np.mgrid[0:h, 0:w]
    heat = np.zeros((h, w, 19), np.float32)
    heat[..., 0] = np.exp(-((xx - 20.3) ** 2 + (yy - 10.7) ** 2) / (2 * 2.0**2))
    heat[..., 0] = np.maximum(heat[..., 0], 0.5 * np.exp(-((xx - 40) ** 2 + (yy - 30) ** 2) / 8))
    peaks = find_peaks(heat, threshold=0.1)
    assert len(peaks) == 18 and all(len(p) == 0 for p in peaks[1:])
    found = peaks[0][np.argsort(-peaks[0][:, 2])]
    assert len(found) == 2
    np.testing.assert_allclose(found[0, :2], (20.3, 10.7), atol=1e-3)
    np.testing.assert_allclose(found[1], (40, 30, 0.5), atol=1e-3)


def test_greedy_matching_takes_best_pairs_once():
    scores = np.array([[0.9, 0.8], [0.85, -np.inf]], np.float32)
    assert match_greedy(scores) == [(0, 0, pytest.approx(0.9))]
    scores = np.array([[0.5, 0.9], [0.6, 0.1]], np.float32)
    assert [(i, j) for i, j, _ in match_greedy(scores)] == [(0, 1), (1, 0)]


def test_encode_background_and_unit_fields():
    heat, paf = encode(person(200, 40, 280)[None], SIZE)
    assert heat.shape == (46, 54, 19) and paf.shape == (46, 54, 38)
    np.testing.assert_allclose(heat[..., 18], 1 - heat[..., :18].max(-1))
    norms = np.hypot(paf[..., 0::2], paf[..., 1::2])
    assert np.allclose(norms[norms > 0], 1.0, atol=1e-5)
