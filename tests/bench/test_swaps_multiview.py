"""bench/swaps_multiview.py's judgement of left/right labels against a reprojected reference, on
synthetic points; end to end (matching, triangulation, sides) on the real Pose2Sim calibration where
``make eval-data`` has cached it. No model runs: a few seconds."""

from __future__ import annotations

import numpy as np
import pytest

from bench.eval_data import multiview_dir
from bench.swaps_multiview import STATES, judge, rule_counts, run_lengths, sided_reference
from inference.kinematics.points import POINT_NAMES, point_index
from inference.skeleton import get_skeleton, mirror_name

LEGS = ("RHip", "RKnee", "RAnkle", "RBigToe", "RSmallToe", "RHeel")


def _side_view(frames: int) -> np.ndarray:
    """(T, N, 2) named points of a walker seen side-on: the right leg ahead of the left by 120 px."""
    xy = np.full((frames, len(POINT_NAMES), 2), np.nan)
    for k, name in enumerate(("Hip", "Knee", "Ankle", "BigToe", "SmallToe", "Heel")):
        y = 500.0 + 100 * k
        xy[:, point_index("R" + name)] = (560.0 + 20 * k, y)
        xy[:, point_index("L" + name)] = (440.0 - 20 * k, y)
    for side, x in (("R", 520.0), ("L", 480.0)):
        for k, name in enumerate(("Shoulder", "Elbow", "Wrist", "Index")):
            xy[:, point_index(side + name)] = (x, 150.0 + 100 * k)
    return xy


def _swap(xy: np.ndarray, frames: slice, names: tuple[str, ...]) -> np.ndarray:
    out = xy.copy()
    right = [point_index(n) for n in names]
    left = [point_index(mirror_name(n)) for n in names]
    out[frames, right + left] = xy[frames, left + right]
    return out


def test_swapped_right_ambiguous_and_unseen_frames():
    ref = _side_view(10)
    ref[8, [point_index(mirror_name(n)) for n in LEGS]] = (
        ref[8, [point_index(n) for n in LEGS]] + 5
    )  # legs crossing
    xy = _swap(ref, slice(3, 6), LEGS) + np.random.default_rng(0).normal(0, 3, ref.shape)
    xy[9, [point_index(n) for n in ("LKnee", "LAnkle", "LBigToe", "LSmallToe", "LHeel")]] = (
        np.nan
    )  # one leg unseen
    state = [STATES[s] for s in judge(xy, ref, np.full(10, 800.0), "legs")]
    assert state == ["right"] * 3 + ["swapped"] * 3 + ["right"] * 2 + ["ambiguous", "unseen"]
    assert [STATES[s] for s in judge(xy, ref, np.full(10, 800.0), "arms")] == ["right"] * 8 + [
        "right",
        "right",
    ]


def test_a_partial_swap_is_unclear_for_the_legs_and_swapped_for_the_feet():
    ref = _side_view(3)
    xy = _swap(ref, slice(1, 2), ("RAnkle", "RBigToe", "RSmallToe", "RHeel"))  # the feet alone
    height = np.full(3, 800.0)
    assert [STATES[s] for s in judge(xy, ref, height, "feet")] == ["right", "swapped", "right"]
    assert STATES[judge(xy, ref, height, "legs")[1]] in ("unclear", "swapped")


def test_rule_counts_and_runs():
    state = np.array(
        [STATES.index(s) for s in ("right", "swapped", "swapped", "right", "ambiguous", "swapped")]
    )
    flipped = np.array([True, True, False, False, True, False])
    assert rule_counts(state, flipped) == {
        "fixed": 1,
        "missed": 2,
        "broken": 1,
        "flipped, not judged": 1,
    }
    assert run_lengths(state == STATES.index("swapped")) == [2, 1]


def _person(frames: int) -> np.ndarray:
    """(T, 33, 3) a person on the plate's origin facing +x (z up), striding: right leg forward."""
    names = get_skeleton("blazepose33").keypoints
    at = {"nose": (0.1, 0, 1.65), "left_ear": (0, 0.07, 1.65), "right_ear": (0, -0.07, 1.65),
          "left_shoulder": (0, 0.2, 1.45), "right_shoulder": (0, -0.2, 1.45), "left_elbow": (-0.1, 0.25, 1.15),
          "right_elbow": (0.1, -0.25, 1.15), "left_wrist": (-0.15, 0.3, 0.9), "right_wrist": (0.25, -0.3, 0.95),
          "left_hip": (0, 0.1, 0.95), "right_hip": (0, -0.1, 0.95), "left_knee": (-0.15, 0.12, 0.5),
          "right_knee": (0.2, -0.12, 0.52), "left_ankle": (-0.35, 0.12, 0.08), "right_ankle": (0.35, -0.12, 0.08),
          "left_heel": (-0.4, 0.12, 0.02), "right_heel": (0.3, -0.12, 0.02),
          "left_foot_index": (-0.2, 0.12, 0.02), "right_foot_index": (0.5, -0.12, 0.02)}  # fmt: skip

    def where(name: str) -> tuple[float, float, float]:
        if name in at:
            return at[name]
        if name.endswith(("pinky", "index", "thumb")):  # the hand's points at its wrist
            return at[name.split("_")[0] + "_wrist"]
        return at["nose"]  # the face's other points

    body = np.array([where(n) for n in names])
    return np.repeat(body[None], frames, axis=0)


def test_a_mirrored_camera_is_found_swapped_and_the_others_right():
    from bench.angles_multiview import Demo
    from bench.multiview import read_qca

    path = multiview_dir("Demo_SinglePerson") / "Calib.qca.txt"
    if not path.is_file():
        pytest.skip("the multi-view set is not cached: run `make eval-data`")
    cameras = read_qca(path)
    frames, mirror = 8, list(get_skeleton("blazepose33").mirror)
    person = _person(frames)
    keypoints = []
    for v, cam in enumerate(cameras):
        kp = np.concatenate([cam.project(person), np.full((frames, 33, 1), 0.9)], axis=-1)
        if v == 1:
            kp[3:6] = kp[3:6][
                :, mirror
            ]  # the detector mirrored the whole body here (front/back confusion)
        keypoints.append(kp[:, None])
    demo = Demo("synthetic", cameras, keypoints, [None] * len(cameras))
    from bench.swaps_multiview import named_2d, projected_height

    for anchor, sides in ((a, s) for a in range(len(cameras)) for s in ("face", "views")):
        demo.anchor = anchor
        named, doubt = sided_reference(demo, 0, sides)
        assert not doubt.any()
        ref = cameras[anchor].project(named)
        xy = named_2d(keypoints[anchor][:, 0])
        for group in ("legs", "arms"):
            state = [STATES[s] for s in judge(xy, ref, projected_height(ref), group)]
            want = (
                ["right"] * 3 + ["swapped"] * 3 + ["right"] * 2
                if anchor == 1
                else ["right"] * frames
            )
            assert state == want, (anchor, sides, group)


def test_the_bench_says_which_make_target_fills_a_missing_cache(tmp_path, monkeypatch, capsys):
    from bench import swaps_multiview

    monkeypatch.setenv("POSECOACH_EVAL_DIR", str(tmp_path))
    assert swaps_multiview.main([]) == 1
    assert "make eval-data" in capsys.readouterr().err
