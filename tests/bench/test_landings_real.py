"""bench/landings_real.py: its truth file (bench/truth/multiview/pose2sim_landings.json) is consistent across
the synchronised cameras and lies on the frames (where ``make eval-data`` has cached the Pose2Sim
demos); the candidate touch-down instants on a constructed gait with known touch-downs; the
person's track picked by the truth's foot. No model runs: a few seconds (the real-frame check
decodes 81 frames of each of the eight clips)."""

from __future__ import annotations

import numpy as np
import pytest

from bench.eval_data import multiview_dir
from bench.landings_real import INSTANTS, candidates, load_truth, pick_slot, step_ends_at, summary
from inference.kinematics import compute_kinematics
from inference.kinematics.events import contacts_of, detect_events, swings
from inference.kinematics.synthetic import on_ground, sequence, side_view_body25
from inference.posedata import PoseSequence
from inference.skeleton import BODY25_NAMES
from tests.inference.kinematics.test_events import FS, gait, move_foot

TRUTH = load_truth()


def _views(landing: dict) -> list[tuple[str, str, dict]]:
    return [(cam, key, view[key]) for cam, view in landing["views"].items() for key in ("touch", "at_place", "toes_still")
            if view.get(key) is not None]  # fmt: skip


@pytest.mark.parametrize("landing", TRUTH["landings"], ids=lambda landing: landing["demo"])
def test_the_cameras_agree_on_each_landing(landing: dict) -> None:
    # The cameras are synchronised: each camera's reading of the landing agrees with the landing's
    # instant within both uncertainties (the toes stopping, seen from in front, is the touch).
    touch, place = landing["touch"], landing["at_place"]
    assert 0 <= touch["frame"] < place["frame"] < 100
    assert len(landing["views"]) == 4
    for cam, key, seen in _views(landing):
        ref = place if key == "at_place" else touch
        assert abs(seen["frame"] - ref["frame"]) <= seen["pm"] + ref["pm"], (cam, key)
    assert sum(key == "touch" for _, key, _ in _views(landing)) >= 2  # the touch is seen in two cameras or more


def test_the_demos_landings_are_one_frame_apart() -> None:
    # Demo_MultiPerson's man is Demo_SinglePerson's trial one frame later (how: his foot's lowest
    # skin point), so every reading of his landing is one frame later there.
    single, multi = (next(x for x in TRUTH["landings"] if x["demo"] == d) for d in ("Demo_SinglePerson", "Demo_MultiPerson"))
    for key in ("touch", "at_place"):
        assert multi[key]["frame"] - single[key]["frame"] == 1


def test_the_truth_foot_lies_on_skin_in_its_frame() -> None:
    cv2 = pytest.importorskip("cv2")
    from bench.landings_real import PICK_FRAME

    for landing in TRUTH["landings"]:
        for cam, view in landing["views"].items():
            path = multiview_dir(landing["demo"]) / f"{cam}.mp4"
            if not path.is_file():
                pytest.skip("the Pose2Sim demos are not cached: run `make eval-data`")
            video = cv2.VideoCapture(str(path))
            for _ in range(PICK_FRAME + 1):
                ok, frame = video.read()
                assert ok
            video.release()
            x, y = (int(round(v)) for v in view["foot_xy"])
            ycc = cv2.cvtColor(frame[y - 6 : y + 1, x - 6 : x + 7], cv2.COLOR_BGR2YCrCb)
            skin = (ycc[..., 1] >= 138) & (ycc[..., 1] <= 180) & (ycc[..., 2] >= 80) & (ycc[..., 2] <= 130)
            assert skin.mean() > 0.3, (landing["demo"], cam)  # the sole's lowest point: skin above it


def _walker(seconds: float):  # noqa: ANN202 - (Kinematics, FootContacts, {side: touch-down times})
    """A constructed walker (0.6 s stance, 0.4 s swing) over ``seconds``: its kinematics, foot
    contacts and true touch-downs."""
    t = np.arange(int(seconds * FS)) / FS
    kp, touch = gait(t, stance=0.6, swing=0.4)
    kin = compute_kinematics(sequence(kp, t), 0)
    return kin, contacts_of(kin), touch


def test_candidate_instants_on_a_constructed_gait() -> None:
    # Feet that stop dead at each true touch-down: the speed and place instants find it within two
    # frames; the rule's own instants are the product's; the still-speed instant is never earlier.
    kin, contacts, touch = _walker(5.0)
    steps = list(detect_events(kin, "walk").of_kind("step"))
    found = 0
    for swing in swings(contacts):
        true = min(touch[swing.side], key=lambda v: abs(v - swing.touch_down))
        got = candidates(contacts, swing, steps)
        assert set(got) == set(INSTANTS)
        assert got["touch_down"] == swing.touch_down and got["lands"] == swing.lands
        assert got["step end"] == next(e.end for e in steps if e.side == swing.side and e.start == swing.lift_off)
        assert got["step end"] == got["still speed"]  # the product's instant (events._at_rest)
        assert got["still speed"] >= got["touch_down"]
        for name in ("touch_down", "top 2 frames", "top 0.05 s", "arrival", "still speed"):
            assert got[name] == pytest.approx(true, abs=2 / FS), name
        assert swing.lift_off < got["lands"] <= got["touch_down"]  # the height band reads a landing early
        found += 1
    assert found >= 6


def test_the_summary_counts_each_instant_against_both_truth_frames() -> None:
    rows = [{"touch": {"frame": 74, "pm": 1}, "at_place": {"frame": 77, "pm": 1},
             "instants": {name: 75.0 for name in INSTANTS} | {"lands": float("nan")}},
            {"touch": {"frame": 74, "pm": 1}, "at_place": {"frame": 77, "pm": 1}},  # no swing found
            {"touch": {"frame": 75, "pm": 1}, "at_place": {"frame": 78, "pm": 1},
             "instants": {name: 78.0 for name in INSTANTS}}]  # fmt: skip
    s = summary(rows)
    assert s["touch_down"]["touch"] == pytest.approx({"n": 2, "mean": 2.0, "mean_abs": 2.0, "within": 0.5})
    assert s["touch_down"]["at_place"] == pytest.approx({"n": 2, "mean": -1.0, "mean_abs": 1.0, "within": 0.5})
    assert s["lands"]["touch"]["n"] == 1


def test_the_track_is_picked_by_the_truth_foot() -> None:
    t = np.arange(20) / FS
    near = on_ground(side_view_body25(t.size), ground_y=1000.0)
    far = near.copy()
    move_foot(far, "R", np.full(t.size, 600.0), np.zeros(t.size))
    poses = PoseSequence(keypoints=np.stack([far, near], axis=1).astype(np.float32), skeleton="body25", timestamps=t,
                         fps=FS, size=(1920, 1080), track_ids=np.arange(2))  # fmt: skip
    foot = near[10, BODY25_NAMES.index("RBigToe"), :2]
    assert pick_slot(poses, "right", tuple(foot), frame=10) == 1
    assert pick_slot(poses, "right", tuple(foot + 600.0 * np.array([1.0, 0.0])), frame=10) == 0
    assert pick_slot(poses, "right", (foot[0], foot[1] - 1500.0), frame=10) is None


def test_step_ends_move_to_the_instant_only_inside_the_block() -> None:
    # The constructed foot's speed falls through half its top (touch_down) at the stop and below
    # STILL_SPEED (the product's step end, events._at_rest) about a frame later, the contact
    # low-pass's spread: moved to touch_down the ends come that frame earlier, only inside.
    kin, contacts, _ = _walker(4.0)
    before = list(detect_events(kin, "walk").of_kind("step"))
    swing_of = {(s.side, s.lift_off): s for s in swings(contacts)}
    want = sorted(candidates(contacts, swing_of[(e.side, e.start)], before)["touch_down"] for e in before)
    with step_ends_at("touch_down"):
        inside = list(detect_events(kin, "walk").of_kind("step"))
    assert [e.end for e in inside] == pytest.approx(want)
    assert all(0.5 / FS < b.end - a.end < 2 / FS for a, b in zip(inside, before, strict=True))
    assert [e.start for e in inside] == [e.start for e in before]
    assert list(detect_events(kin, "walk").of_kind("step")) == before
