"""Angles on constructed skeletons with known answers (Sports2D conventions)."""

from __future__ import annotations

import numpy as np
import pytest

from inference.kinematics import ANGLE_NAMES, KinematicsConfig, compute_kinematics
from inference.kinematics.angles import compute_angles, estimate_facing
from inference.kinematics.points import POINT_NAMES, named_points
from inference.kinematics.synthetic import body25_to, sequence, side_view_body25
from inference.skeleton import BODY25_NAMES, flip_horizontal

RAW = KinematicsConfig(filter=False)
POSE = dict(trunk_lean=20.0, hip=(60.0, 10.0), knee=(90.0, 30.0), ankle=(10.0, -15.0),
            shoulder=(45.0, -20.0), elbow=(80.0, 5.0))  # fmt: skip


def angles_of(keypoints: np.ndarray, skeleton: str = "body25", config: KinematicsConfig = RAW) -> dict[str, np.ndarray]:
    t = np.arange(keypoints.shape[0]) / 60.0
    kin = compute_kinematics(sequence(keypoints, t, skeleton), 0, config)
    return {name: kin.angle(name) for name in kin.angle_names}


def by_hand(points: dict[str, tuple[float, float]]) -> np.ndarray:
    """(1, 25, 3) BODY_25 keypoints from a few named image points; the rest absent."""
    kp = np.full((1, len(BODY25_NAMES), 3), np.nan)
    kp[..., 2] = 0.0
    for name, xy in points.items():
        kp[0, BODY25_NAMES.index(name)] = (*xy, 1.0)
    return kp


def test_a_right_angle_knee_drawn_by_hand_is_90_degrees_of_flexion() -> None:
    # Facing image-right (toes ahead of heels): thigh vertical, shank horizontal behind the knee.
    kp = by_hand({"RHip": (500, 400), "RKnee": (500, 500), "RAnkle": (400, 500),
                  "RHeel": (390, 510), "RBigToe": (430, 530)})  # fmt: skip
    angles = angles_of(kp)
    assert angles["right_knee"][0] == pytest.approx(90.0)
    assert angles["right_thigh"][0] == pytest.approx(-90.0)  # hip→knee pointing down
    assert abs(angles["right_shank"][0]) == pytest.approx(180.0)  # knee→ankle pointing backward
    assert np.isnan(angles["left_knee"][0])  # left leg absent


def test_a_straight_hanging_arm_reads_zero_at_elbow_and_shoulder() -> None:
    kp = by_hand({"RShoulder": (500, 200), "RElbow": (500, 350), "RWrist": (500, 480),
                  "Neck": (500, 200), "MidHip": (500, 500), "RHip": (500, 500), "LHip": (500, 500)})  # fmt: skip
    angles = angles_of(kp)
    assert angles["right_elbow"][0] == pytest.approx(0.0)
    assert angles["right_shoulder"][0] == pytest.approx(0.0)
    assert angles["right_arm"][0] == pytest.approx(-90.0)
    assert angles["right_forearm"][0] == pytest.approx(-90.0)
    assert angles["trunk"][0] == pytest.approx(90.0)


def test_forward_kinematics_round_trip_every_joint_and_segment() -> None:
    angles = angles_of(side_view_body25(3, **POSE))
    expected = {"right_hip": 60, "left_hip": 10, "right_knee": 90, "left_knee": 30,
                "right_ankle": 10, "left_ankle": -15, "right_shoulder": 45, "left_shoulder": -20,
                "right_elbow": 80, "left_elbow": 5, "trunk": 70, "head": 70,
                "right_thigh": -50, "right_shank": -140, "right_foot": -40,
                "right_arm": -65, "right_forearm": 15}  # fmt: skip
    for name, value in expected.items():
        assert angles[name] == pytest.approx(np.full(3, value), abs=1e-3), name
    assert np.isnan(angles["right_wrist"]).all()  # BODY_25 has no index finger


def test_facing_left_gives_the_same_angles_as_facing_right() -> None:
    right = angles_of(side_view_body25(2, **POSE, facing=1.0))
    left = angles_of(side_view_body25(2, **POSE, facing=-1.0))
    for name in ANGLE_NAMES:
        np.testing.assert_allclose(left[name], right[name], atol=1e-3, err_msg=name)


def test_mirror_image_swaps_left_and_right_joint_angles() -> None:
    kp = side_view_body25(2, **POSE)
    mirrored = flip_horizontal(kp, "body25", width=1920).astype(np.float64)
    a, m = angles_of(kp), angles_of(mirrored)
    for joint in ("ankle", "knee", "hip", "shoulder", "elbow", "thigh", "shank", "foot", "arm", "forearm"):
        np.testing.assert_allclose(m[f"left_{joint}"], a[f"right_{joint}"], atol=1e-4, err_msg=joint)
        np.testing.assert_allclose(m[f"right_{joint}"], a[f"left_{joint}"], atol=1e-4, err_msg=joint)
    np.testing.assert_allclose(m["trunk"], a["trunk"], atol=1e-4)


@pytest.mark.parametrize("skeleton", ["blazepose33", "coco18"])
def test_the_same_pose_in_other_keypoint_sets_gives_the_same_angles(skeleton: str) -> None:
    kp = side_view_body25(2, **POSE)
    ref, other = angles_of(kp), angles_of(body25_to(kp, skeleton), skeleton)
    has_feet = skeleton == "blazepose33"
    for name in ANGLE_NAMES:
        if "wrist" in name or (not has_feet and ("ankle" in name or "foot" in name)):
            continue
        np.testing.assert_allclose(other[name], ref[name], atol=1e-3, err_msg=name)
    if not has_feet:
        assert np.isnan(other["right_ankle"]).all() and np.isnan(other["right_foot"]).all()


def test_missing_keypoint_gives_nan_only_where_used_and_confidence_is_the_minimum() -> None:
    kp = side_view_body25(4, **POSE)
    kp[1, BODY25_NAMES.index("RKnee")] = (np.nan, np.nan, 0.0)
    kp[2, BODY25_NAMES.index("RAnkle"), 2] = 0.4
    xy, conf = named_points(kp, "body25")
    angles, angle_conf = compute_angles(xy, conf, np.ones(4))
    col = {n: i for i, n in enumerate(ANGLE_NAMES)}
    for name in ("right_knee", "right_hip", "right_thigh", "right_shank", "right_ankle"):
        assert np.isnan(angles[1, col[name]]) and angle_conf[1, col[name]] == 0.0
    assert np.isfinite(angles[1, col["left_knee"]]) and np.isfinite(angles[1, col["trunk"]])
    assert angle_conf[2, col["right_knee"]] == pytest.approx(0.4)
    assert angle_conf[2, col["left_knee"]] == pytest.approx(1.0)


def test_an_arm_segment_circling_overhead_is_unwrapped_without_360_degree_jumps() -> None:
    t = np.arange(121) / 60.0
    shoulder = np.linspace(0.0, 400.0, t.size)  # more than a full turn
    kp = side_view_body25(t.size, shoulder=(shoulder, 0.0))
    arm = angles_of(kp)["right_arm"]
    assert np.abs(np.diff(arm)).max() < 10.0
    assert arm[-1] - arm[0] == pytest.approx(400.0, abs=1e-3)


def test_facing_follows_the_feet_and_falls_back_to_the_nose() -> None:
    xy, _ = named_points(side_view_body25(40, facing=-1.0), "body25")
    assert (estimate_facing(xy) == -1).all()
    no_feet = xy.copy()
    for name in ("LBigToe", "RBigToe", "LHeel", "RHeel"):
        no_feet[:, POINT_NAMES.index(name)] = np.nan
    assert (estimate_facing(no_feet) == -1).all()
    nothing = np.full_like(xy, np.nan)
    assert (estimate_facing(nothing) == 1).all()


def test_confidence_drops_for_a_segment_pointing_at_the_camera_and_for_impossible_joints() -> None:
    t = np.arange(60) / 60.0
    elbow = np.full(t.size, 30.0)
    kp = side_view_body25(t.size, elbow=(elbow, elbow))
    wrist, elbow_k = BODY25_NAMES.index("RWrist"), BODY25_NAMES.index("RElbow")
    kp[30:40, wrist, :2] = kp[30:40, elbow_k, :2] + 0.1 * (kp[30:40, wrist, :2] - kp[30:40, elbow_k, :2])
    kin = compute_kinematics(sequence(kp, t), 0, RAW)
    conf = kin.angle_confidence[:, kin.angle_names.index("right_elbow")]
    assert conf[30:40].max() == 0.0 and conf[:30].min() == 1.0  # forearm at 10 % of its length
    knee = np.where(t > 0.5, 170.0, 20.0)  # folded past anatomy (interval up to 160): an artefact
    kin = compute_kinematics(sequence(side_view_body25(t.size, knee=(knee, 20.0)), t), 0, RAW)
    conf = kin.angle_confidence[:, kin.angle_names.index("right_knee")]
    assert conf[t > 0.5].max() == 0.0 and conf[t <= 0.5].min() == 1.0
    assert np.isnan(kin.angle("right_knee")[t > 0.5]).all()  # not reported at all
    ramp = np.linspace(150.0, 210.0, t.size)  # 60°/s through the fully folded knee
    facing_right = KinematicsConfig(filter=False, facing="right")  # the folded foot points backwards
    kin = compute_kinematics(sequence(side_view_body25(t.size, knee=(ramp, 20.0)), t), 0, facing_right)
    knee_angle = kin.angle("right_knee")
    assert np.nanmax(knee_angle) <= 160.0 and np.nanmin(knee_angle) >= 0.0  # never unwrapped
    assert np.isnan(knee_angle[(ramp > 160) & (ramp < 200)]).all()
    assert np.nanmax(np.abs(kin.velocity("right_knee"))) < 62.0  # no ±360° step in the derivative


def test_a_hinge_bent_the_wrong_way_in_the_image_reads_as_flexion() -> None:
    # Seen from the front, a flexed elbow or knee can point to either side of its proximal segment
    # in the image: the magnitude is the flexion, the side is the projection's.
    bent = by_hand({"RShoulder": (500, 200), "RElbow": (500, 350), "RWrist": (600, 350),
                    "RHip": (500, 500), "RKnee": (500, 650), "RAnkle": (400, 700)})  # fmt: skip
    other = by_hand({"RShoulder": (500, 200), "RElbow": (500, 350), "RWrist": (400, 350),
                     "RHip": (500, 500), "RKnee": (500, 650), "RAnkle": (600, 700)})  # fmt: skip
    a, b = angles_of(bent), angles_of(other)
    assert a["right_elbow"][0] == pytest.approx(90.0) and b["right_elbow"][0] == pytest.approx(90.0)
    knee = 180.0 - np.degrees(np.arctan2(100, 50))  # included angle between the thigh and the shank
    assert a["right_knee"][0] == pytest.approx(180.0 - knee) and b["right_knee"][0] == pytest.approx(180.0 - knee)


def test_an_arm_circling_overhead_keeps_the_shoulder_in_its_interval() -> None:
    t = np.arange(121) / 60.0
    shoulder = np.linspace(0.0, 400.0, t.size)  # more than a full turn
    kin = compute_kinematics(sequence(side_view_body25(t.size, shoulder=(shoulder, 0.0)), t), 0, RAW)
    value = kin.angle("right_shoulder")
    inside = (shoulder < 199.0) | (shoulder > 281.0)
    outside = (shoulder > 201.0) & (shoulder < 279.0)  # 200–280°: extension past 80°, an artefact
    np.testing.assert_allclose(value[inside], np.where(shoulder > 200, shoulder - 360.0, shoulder)[inside], atol=1e-3)
    assert np.isnan(value[outside]).all()
    assert value[np.argmin(np.abs(shoulder - 180.0))] == pytest.approx(180.0, abs=2.0)  # overhead: +180, never -180


def test_every_joint_sample_reported_is_inside_its_interval_on_random_skeletons() -> None:
    from inference.kinematics.angles import ANGLES

    rng = np.random.default_rng(18)
    xy = rng.uniform(0, 1000, (500, len(POINT_NAMES), 2))
    angles, conf = compute_angles(xy, np.ones(xy.shape[:2]), rng.choice([-1.0, 1.0], 500))
    for a, d in enumerate(ANGLES):
        if d.plausible is None:
            continue
        v = angles[:, a]
        assert ((v[np.isfinite(v)] >= d.plausible[0]) & (v[np.isfinite(v)] <= d.plausible[1])).all(), d.name
        assert (conf[~np.isfinite(v), a] == 0).all(), d.name


def test_a_foot_pointing_at_the_camera_gives_the_ankle_no_confidence() -> None:
    body = {"Neck": (500, 0), "MidHip": (500, 300), "LHip": (500, 300)}  # trunk seen from the side
    side = by_hand({**body, "RHip": (500, 300), "RKnee": (500, 500), "RAnkle": (500, 700),
                    "RHeel": (480, 715), "RBigToe": (600, 715)})  # fmt: skip
    front = by_hand({**body, "RHip": (500, 300), "RKnee": (500, 500), "RAnkle": (500, 700),
                     "RHeel": (500, 712), "RBigToe": (502, 730)})  # fmt: skip  (toe towards the camera)
    t = np.arange(2) / 60.0
    for kp, expected in ((side, 1.0), (front, 0.0)):
        kin = compute_kinematics(sequence(np.repeat(kp, 2, axis=0), t), 0, RAW)
        assert kin.angle_confidence[0, kin.angle_names.index("right_ankle")] == pytest.approx(expected), expected


def _turned(points: dict[str, tuple[float, float]], degrees: float) -> dict[str, tuple[float, float]]:
    """The points turned in the image about the hip centre: the whole body leaning sideways."""
    c, s = np.cos(np.radians(degrees)), np.sin(np.radians(degrees))
    x0, y0 = points["MidHip"]
    return {n: (x0 + c * (x - x0) - s * (y - y0), y0 + s * (x - x0) + c * (y - y0)) for n, (x, y) in points.items()}


def test_a_back_view_leaning_sideways_is_not_a_side_view() -> None:
    # hips and shoulders at the widths of a front or back view (FRONTAL_*_OF_TRUNK of a 300 px
    # trunk) and a flexed knee; leaning 50° their x extent alone read 0.64 (oblique,
    # knee reported), as in the Pose2Sim demo's cam04 (docs/angles_multiview.md)
    back = {"Neck": (500, 0), "MidHip": (500, 300), "RHip": (448, 300), "LHip": (552, 300),
            "RShoulder": (407, 0), "LShoulder": (593, 0), "RKnee": (448, 500), "RAnkle": (590, 641)}  # fmt: skip
    side = {**back, "RHip": (500, 300), "LHip": (500, 300), "RShoulder": (500, 0), "LShoulder": (500, 0)}
    t = np.arange(2) / 60.0
    for points, expected_view, knee_trusted in ((back, 1.0, False), (side, 0.0, True)):
        for lean in (0.0, 50.0, -50.0):
            kin = compute_kinematics(sequence(np.repeat(by_hand(_turned(points, lean)), 2, axis=0), t), 0, RAW)
            assert kin.frontalness()[0] == pytest.approx(expected_view, abs=0.02), (expected_view, lean)
            assert (kin.angle_confidence[0, kin.angle_names.index("right_knee")] > 0) == knee_trusted, (expected_view, lean)
