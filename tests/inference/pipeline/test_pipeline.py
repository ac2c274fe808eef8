"""The analysis pipeline on a real clip, its outputs on disk, and the analyze command."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from inference.posedata import PoseSequence

ROOT = Path(__file__).resolve().parents[3]
# ../shared/media beside the checkout; POSECOACH_TEST_MEDIA points elsewhere (a clone in /tmp).
MEDIA = Path(os.environ.get("POSECOACH_TEST_MEDIA") or ROOT.parent / "shared" / "media")
WALK = MEDIA / "lab_walk_portrait_60fps.mp4"

needs_media = pytest.mark.skipif(not WALK.is_file(), reason=f"real clips not found at {MEDIA}")


@pytest.fixture(scope="module")
def walk_result(tmp_path_factory):  # type: ignore[no-untyped-def]
    """The whole analysis (every stage) of the lab clip."""
    from inference.models import ModelError
    from inference.pipeline import AnalysisConfig, analyze

    if not WALK.is_file():
        pytest.skip(f"real clips not found at {MEDIA}")
    calls: list[tuple[str, float]] = []
    try:
        result = analyze(WALK, AnalysisConfig(), lambda stage, fraction: calls.append((stage, fraction)),
                         workdir=tmp_path_factory.mktemp("walk"))
    except ModelError as error:
        pytest.skip(f"BlazePose models not fetched: {error}")
    return result, calls


def test_athlete_present_in_more_than_90_percent_of_frames(walk_result) -> None:  # type: ignore[no-untyped-def]
    result, _ = walk_result
    assert result.poses.num_frames == 100
    assert result.athlete_track_id is not None and result.athlete is not None and result.athlete.source == "auto"
    assert result.frames_with_athlete / result.poses.num_frames > 0.9


def test_portrait_orientation_and_body_upright(walk_result) -> None:  # type: ignore[no-untyped-def]
    result, _ = walk_result
    poses = result.poses
    assert poses.size == (1080, 1920)
    assert poses.skeleton == "blazepose33"
    athlete = result.athlete_keypoints()
    present = np.isfinite(athlete[:, :, 0]).all(axis=1)
    xy = athlete[present, :, :2]
    assert (xy[..., 0] >= -50).all() and (xy[..., 0] <= 1080 + 50).all()
    assert (xy[..., 1] >= -50).all() and (xy[..., 1] <= 1920 + 50).all()
    head_y = xy[:, 0, 1]  # nose
    feet_y = xy[:, [27, 28, 29, 30, 31, 32], 1].mean(axis=1)  # ankles, heels, toes
    assert (head_y < feet_y).all()
    assert np.median(feet_y - head_y) > 400  # a standing person, not a sideways one


def test_left_and_right_are_the_persons_own(walk_result) -> None:  # type: ignore[no-untyped-def]
    """The walker faces the camera at the start: his right shoulder is on the image's left."""
    result, _ = walk_result
    first = result.athlete_keypoints()[:10]
    assert (first[:, 12, 0] < first[:, 11, 0]).all()  # right_shoulder left of left_shoulder


def test_blazepose_maps_to_body25_with_feet(walk_result) -> None:  # type: ignore[no-untyped-def]
    from inference.skeleton import convert, get_skeleton

    result, _ = walk_result
    body25 = convert(result.athlete_keypoints(), "blazepose33", "body25")
    names = get_skeleton("body25").keypoints
    at = {name: body25[:, names.index(name)] for name in ("Neck", "MidHip", "LHeel", "RBigToe", "LSmallToe")}
    assert (at["Neck"][:, 1] < at["MidHip"][:, 1]).all()
    assert (at["MidHip"][:, 1] < at["LHeel"][:, 1]).all()
    assert np.isfinite(at["RBigToe"][:, :2]).all()
    assert np.isnan(at["LSmallToe"][:, 0]).all()  # BlazePose has no small toe


def test_timestamps_and_progress_through_every_stage(walk_result) -> None:  # type: ignore[no-untyped-def]
    from inference.pipeline import stage_names

    result, calls = walk_result
    timestamps = result.poses.timestamps
    assert timestamps[0] == pytest.approx(0.0) and np.all(np.diff(timestamps) > 0)
    assert np.median(np.diff(timestamps)) == pytest.approx(1 / 60, rel=0.01)
    assert calls[0] == ("probe", 0.0) and calls[-1] == ("actions", 1.0)
    fractions = [f for _, f in calls]
    assert fractions == sorted(fractions) and len(calls) >= 10
    # every stage reports, in the table's order, and the pose stage reports while it streams
    assert list(dict.fromkeys(stage for stage, _ in calls)) == list(stage_names())
    assert sum(1 for stage, _ in calls if stage == "pose") >= 10
    assert {"decode", "pose", "tracking", "segmentation", "actions", "total"} <= set(result.timings)


def test_result_files_round_trip(walk_result, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from inference.pipeline import AnalysisResult

    result, _ = walk_result
    files = {path.name for path in result.write(tmp_path)}
    assert {"result.json", "proxy.mp4", "poster.jpg", "poses.npz", "overlay.json", "kinematics.npz", "angles.csv",
            "events.json", "feedback.json", "actions.json", "masks.npz", "cutout.json", "silhouette.csv"} <= files
    loaded = PoseSequence.load(tmp_path / "poses.npz")
    np.testing.assert_array_equal(loaded.keypoints, result.poses.keypoints)
    np.testing.assert_array_equal(loaded.track_ids, result.poses.track_ids)
    data = json.loads((tmp_path / "result.json").read_text())
    pose, athlete = data["sections"]["pose"], data["sections"]["athlete"]
    assert data["schema"] == 1 and pose["backend"] == "blazepose" and pose["version"] == 1
    assert athlete["track_id"] == result.athlete_track_id
    assert athlete["frames_with_athlete"] == result.frames_with_athlete
    assert set(pose["models"]) == {"pose_detection.tflite", "pose_landmark_full.tflite"}
    assert all(len(digest) == 64 for digest in pose["models"].values())
    assert pose["people"][0]["coverage"] > 0.9

    back = AnalysisResult.read(tmp_path)
    assert back.athlete_track_id == result.athlete_track_id and back.config == result.config
    assert back.pose is not None and result.pose is not None and (
        [p.as_dict() for p in back.pose.people] == [p.as_dict() for p in result.pose.people])
    np.testing.assert_array_equal(back.poses.keypoints, result.poses.keypoints)
    assert back.events is not None and result.events is not None and back.events.data == result.events.data
    assert back.actions is not None and result.actions is not None
    assert back.actions.data["segments"] == result.actions.data["segments"]
    assert back.masks is not None and result.masks is not None
    np.testing.assert_array_equal(back.masks.masks.foreground, result.masks.masks.foreground)
    np.testing.assert_allclose(back.kinematics.kinematics.angles, result.kinematics.kinematics.angles)  # type: ignore[union-attr]


def test_a_newer_layout_is_refused(walk_result, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from inference.pipeline import AnalysisResult, SectionVersionError

    result, _ = walk_result
    result.write(tmp_path)
    data = json.loads((tmp_path / "result.json").read_text())
    data["sections"]["events"]["version"] = 99
    (tmp_path / "result.json").write_text(json.dumps(data))
    with pytest.raises(SectionVersionError, match="events section has version 99"):
        AnalysisResult.read(tmp_path)


def test_click_overrides_the_athlete(walk_result) -> None:  # type: ignore[no-untyped-def]
    from inference.tracking import track_at_point

    result, _ = walk_result
    athlete = result.athlete_keypoints()
    hip = np.nanmean(athlete[50, [23, 24], :2], axis=0)
    poses = result.poses
    clicked = track_at_point(poses.keypoints, poses.track_ids, poses.timestamps, hip[0], hip[1], poses.timestamps[50])
    assert clicked == result.athlete_track_id


@needs_media
def test_analyze_command_writes_the_folder(tmp_path: Path) -> None:
    from inference.analyze_cmd import main
    from inference.models import ModelError

    try:
        code = main([str(MEDIA / "indoor_two_people_1080p.mp4"), "--out", str(tmp_path), "--quiet"])
    except ModelError as error:
        pytest.skip(f"BlazePose models not fetched: {error}")
    assert code == 0
    pose = json.loads((tmp_path / "result.json").read_text())["sections"]["pose"]
    assert len(pose["people"]) == 2
    overlay = json.loads((tmp_path / "overlay.json").read_text())
    assert overlay["skeleton"] == "blazepose33" and len(overlay["tracks"]) == 2
    assert len(overlay["frames"]) == len(overlay["t"]) <= pose["frames"]  # at most 30 samples a second
    for name in ("proxy.mp4", "poses.npz", "angles.csv", "events.json", "feedback.json", "actions.json", "masks.npz"):
        assert (tmp_path / name).is_file(), name


def test_analyze_command_reports_a_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from inference.analyze_cmd import main

    bogus = tmp_path / "notes.mp4"
    bogus.write_text("this is not a video\n")
    assert main([str(bogus), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    assert "error:" in capsys.readouterr().err


def test_video_without_people(tmp_path: Path) -> None:
    """An empty room: no tracks, no athlete, and every output still written."""
    import av

    from inference.models import ModelError
    from inference.overlay import compact_keypoints_json
    from inference.pipeline import AnalysisConfig, analyze

    path = tmp_path / "empty.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        for i in range(20):
            image = np.full((240, 320, 3), 40 + i, np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="bgr24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    try:
        result = analyze(path, AnalysisConfig())
    except ModelError as error:
        pytest.skip(f"BlazePose models not fetched: {error}")
    assert result.poses.keypoints.shape == (20, 0, 33, 3)
    assert result.athlete_track_id is None and result.frames_with_athlete == 0
    result.write(tmp_path / "out")
    sections = json.loads((tmp_path / "out" / "result.json").read_text())["sections"]
    assert sections["pose"]["people"] == []
    # every later stage ran and says why it has nothing
    assert sections["kinematics"]["reason"] == "no athlete was found in the video"
    assert sections["feedback"]["findings"] == [] and sections["feedback"]["reason"]
    assert sections["actions"]["segments"] == [] and sections["actions"]["reason"]
    overlay = compact_keypoints_json(result.poses)
    assert overlay["tracks"] == [] and all(frame == [] for frame in overlay["frames"])


def test_reanalyze_follows_another_athlete(walk_result) -> None:  # type: ignore[no-untyped-def]
    """Choosing someone else re-runs only the athlete's stages, from the stored poses and masks:
    the poses and everyone's masks stay, the athlete's kinematics, masks and moves change."""
    from inference.pipeline import reanalyze

    result, _ = walk_result
    others = [int(t) for t in result.poses.track_ids if int(t) != result.athlete_track_id]
    same = reanalyze(result, result.athlete_track_id)
    assert same.athlete is not None and same.athlete.source == "click"
    np.testing.assert_allclose(same.kinematics.kinematics.angles, result.kinematics.kinematics.angles)  # type: ignore[union-attr]
    assert same.actions.data["segments"] == result.actions.data["segments"]  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="no person with track id"):
        reanalyze(result, 10_000)
    if not others:
        pytest.skip("the clip has one tracked person")
    other = reanalyze(result, others[0])
    assert other.athlete_track_id == others[0] and other.pose is result.pose
    np.testing.assert_array_equal(other.masks.masks.foreground, result.masks.masks.foreground)  # type: ignore[union-attr]
    assert not np.array_equal(other.masks.masks.athlete, result.masks.masks.athlete)  # type: ignore[union-attr]
    assert other.kinematics is not None and other.kinematics is not result.kinematics


def test_the_openpose_engine_runs_every_stage_on_a_real_clip(tmp_path: Path) -> None:
    # A coach can pick OpenPose at upload; its COCO-18 poses crashed the pose stage (the torso's
    # colour read BlazePose-33 indices), so every such analysis failed.
    from inference.models import ModelError
    from inference.pipeline import AnalysisConfig, analyze

    clip = MEDIA / "indoor_two_people_1080p.mp4"
    if not clip.is_file():
        pytest.skip(f"real clips not found at {MEDIA}")
    try:
        result = analyze(clip, AnalysisConfig(backend="openpose"), workdir=tmp_path)
    except ModelError as error:
        pytest.skip(f"OpenPose model not fetched: {error}")
    assert result.poses.skeleton == "coco18" and result.athlete_index is not None
    assert result.kinematics is not None and result.events is not None and result.masks is not None
    seen = (result.poses.keypoints[:, result.athlete_index, :, 2] > 0.3).any(axis=1)
    assert seen.mean() > 0.9  # both people stand in the room throughout; the athlete is found in it
