"""The multi-view reference's geometry (bench/multiview.py), its 3D angle definitions
(bench/angles_multiview.py) and the elbow candidate (bench/elbow_trust.py), on synthetic data;
the real calibration where ``make eval-data`` has cached it. No model runs: well under a second."""

from __future__ import annotations

import numpy as np
import pytest

from bench.angles_3d import anatomical_sides, angles_3d
from bench.elbow_trust import elbow_signals
from bench.eval_data import multiview_dir
from bench.multiview import Camera, epipolar_px, match_views, read_qca, triangulate
from inference.kinematics.points import POINT_NAMES, point_index
from inference.skeleton import get_skeleton


def _camera(name: str, azimuth_deg: float, distortion: float = 0.0) -> Camera:
    """A camera 4 m from the origin at ``azimuth_deg``, 1.5 m up, looking at (0, 0, 1) (z up)."""
    a = np.radians(azimuth_deg)
    centre = np.array([4 * np.cos(a), 4 * np.sin(a), 1.5])
    forward = np.array([0.0, 0.0, 1.0]) - centre
    forward /= np.linalg.norm(forward)
    right = np.cross(forward, [0.0, 0.0, 1.0])
    right /= np.linalg.norm(right)
    down = np.cross(forward, right)
    R = np.stack([right, down, forward])
    K = np.array([[1500.0, 0, 540], [0, 1500.0, 960], [0, 0, 1]])
    return Camera(name, K, np.array([distortion, 0, 0, 0]), R, -R @ centre, (1080, 1920))


CAMERAS = tuple(_camera(f"cam{i + 1:02d}", az, 0.02 * i) for i, az in enumerate((0, 80, 170, 260)))


def test_triangulation_recovers_points_and_drops_a_wrong_view():
    rng = np.random.default_rng(0)
    X = rng.uniform([-0.5, -0.5, 0.0], [0.5, 0.5, 1.8], (20, 3))
    xy = np.stack([c.project(X) for c in CAMERAS])
    assert np.allclose(CAMERAS[1].project(CAMERAS[1].centre + CAMERAS[1].axis), [540, 960])
    xy[2, 5] += 80.0  # one view's detection of point 5 is far off
    got, used, error = triangulate(CAMERAS, xy, np.ones(xy.shape[:2]), max_error_px=5.0)
    assert np.allclose(got, X, atol=1e-6)
    assert not used[2, 5] and used[:, :5].all()
    assert error[2, 5] > 50 and np.nanmax(error[used]) < 1e-3


def test_epipolar_distance_is_zero_for_one_point_and_large_for_another():
    X = np.array([[0.1, 0.2, 1.0], [0.4, -0.3, 1.5]])
    na, nb = CAMERAS[0].normalise(CAMERAS[0].project(X)), CAMERAS[1].normalise(CAMERAS[1].project(X))
    assert np.allclose(epipolar_px(CAMERAS[0], CAMERAS[1], na, nb), 0, atol=1e-6)
    assert epipolar_px(CAMERAS[0], CAMERAS[1], na, nb[::-1]).min() > 20


def _body() -> np.ndarray:
    """(33, 3) a person standing at the origin facing +x, z up, right arm bent 90° forward."""
    names = get_skeleton("blazepose33").keypoints
    at = {"nose": (0.1, 0, 1.65), "left_ear": (0, 0.07, 1.65), "right_ear": (0, -0.07, 1.65),
          "left_shoulder": (0, 0.2, 1.45), "right_shoulder": (0, -0.2, 1.45),
          "left_elbow": (0, 0.2, 1.15), "right_elbow": (0, -0.2, 1.15),
          "left_wrist": (0, 0.2, 0.9), "right_wrist": (0.25, -0.2, 1.15),
          "left_hip": (0, 0.1, 0.95), "right_hip": (0, -0.1, 0.95), "left_knee": (0, 0.1, 0.5),
          "right_knee": (0, -0.1, 0.5), "left_ankle": (0, 0.1, 0.08), "right_ankle": (0, -0.1, 0.08),
          "left_heel": (-0.05, 0.1, 0.02), "right_heel": (-0.05, -0.1, 0.02),
          "left_foot_index": (0.15, 0.1, 0.02), "right_foot_index": (0.15, -0.1, 0.02)}  # fmt: skip
    out = np.zeros((33, 3))
    for i, name in enumerate(names):
        out[i] = at.get(name, at["nose"])
    return out


def _named(body: np.ndarray) -> np.ndarray:
    from inference.kinematics.points import point_sources

    named = np.full((1, len(POINT_NAMES), 3), np.nan)
    for n, idx in enumerate(point_sources("blazepose33")):
        if idx:
            named[0, n] = body[list(idx)].mean(axis=0)
    return named


def test_3d_angles_follow_the_product_definitions():
    truth = {k: float(v[0]) for k, v in angles_3d(_named(_body())).items()}
    assert truth["right_elbow"] == pytest.approx(90) and truth["left_elbow"] == pytest.approx(0)
    assert truth["right_shoulder"] == pytest.approx(0) and truth["right_knee"] == pytest.approx(0)
    assert truth["right_ankle"] == pytest.approx(0, abs=1e-6)  # foot at a right angle to the shank
    raised = _body()
    raised[get_skeleton("blazepose33").index("right_elbow")] = (0.3, -0.2, 1.45)  # arm forward, horizontal
    truth = {k: float(v[0]) for k, v in angles_3d(_named(raised)).items()}
    assert truth["right_shoulder"] == pytest.approx(90) and truth["right_shoulder_elevation"] == pytest.approx(90)


def test_anatomical_sides_swaps_a_mirrored_frame_back():
    skeleton = get_skeleton("blazepose33")
    body = _body()
    frames = np.stack([body, body[list(skeleton.mirror)]])
    fixed = anatomical_sides(frames, skeleton.keypoints, np.array([0.0, 0.0, 1.0]))
    assert np.allclose(fixed[0], body) and np.allclose(fixed[1], body)


def test_match_views_finds_the_person_and_undoes_a_swap():
    skeleton = get_skeleton("blazepose33")
    body, other = _body(), _body() + [0.0, 1.2, 0.0]
    views = []
    for v, cam in enumerate(CAMERAS):
        people = [np.c_[cam.project(p), np.ones(33)] for p in (other, body)]
        if v == 2:
            people[1] = people[1][list(skeleton.mirror)]  # the detector swapped sides here
        views.append(np.stack(people)[None])
    body_idx = tuple(skeleton.index(n) for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip",
                                                  "left_knee", "right_knee", "left_ankle", "right_ankle"))  # fmt: skip
    xy, conf = match_views(CAMERAS, views, 0, 1, skeleton.mirror, body_idx)
    for v, cam in enumerate(CAMERAS):
        assert np.allclose(xy[v, 0], cam.project(body), atol=1e-6)


def test_depth_spread_is_zero_at_full_length_and_grows_when_a_segment_points_at_the_camera():
    frames = 10
    shoulder = np.tile([0.0, -100.0], (frames, 1))
    elbow = np.zeros((frames, 2))
    wrist = np.tile([60.0, 60.0], (frames, 1))  # 45° of flexion in the image
    wrist[-1] = [15.0, 15.0]  # the forearm nearly end-on in the last frame: 3D flexion 80° or 10°
    spread = elbow_signals([wrist, elbow, shoulder])["depth spread"]
    assert np.allclose(spread[:-1], 0) and spread[-1] > 30


def test_the_pose2sim_calibration_reads_as_four_cameras_above_the_plate():
    path = multiview_dir("Demo_SinglePerson") / "Calib.qca.txt"
    if not path.is_file():
        pytest.skip("the multi-view set is not cached: run `make eval-data`")
    cameras = read_qca(path)
    assert [c.name for c in cameras] == ["cam01", "cam02", "cam03", "cam04"]
    for c in cameras:
        assert c.size == (1088, 1920) and 1.6 < c.centre[2] < 2.2 and c.axis[2] < 0  # hung up, looking down
        assert np.allclose(c.R @ c.R.T, np.eye(3), atol=1e-6)
        assert np.hypot(*(c.project(np.zeros(3)) - [544, 960])) < 700  # the plate's origin is in the picture
    assert point_index("RElbow") >= 0


def test_the_bench_says_which_make_target_fills_a_missing_cache(tmp_path, monkeypatch, capsys):
    from bench import angles_multiview

    monkeypatch.setenv("POSECOACH_EVAL_DIR", str(tmp_path))
    assert angles_multiview.main([]) == 1
    assert "make eval-data" in capsys.readouterr().err
