"""The camera-motion measure (inference/kinematics/camera.py): a synthetic picture shifted by a known
amount per frame, with a "person" moving the other way inside their box, and two real clips: the
lab walk (a tripod: its frames do not move when looked at) and the basketball clip (handheld: the
picture drifts throughout and pans fast after 9 s, frames checked by eye)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from inference.kinematics.camera import (
    CAMERA_MOVED_STATURES_PER_S,
    FILL_GAP_S,
    CameraMotion,
    athlete_track,
    background_track,
    camera_moved_spans,
    camera_summary,
    homographies,
    shift_speed,
)
from tests.support import tracked_clip

FPS = 30.0


def textured(height: int, width: int, seed: int = 0) -> np.ndarray:
    """A smooth random texture (BGR), corners everywhere, as a background."""
    rng = np.random.default_rng(seed)
    noise = rng.uniform(0, 255, (height // 8, width // 8)).astype(np.float32)
    grey = cv2.resize(noise, (width, height), interpolation=cv2.INTER_CUBIC).clip(0, 255).astype(np.uint8)
    return np.repeat(grey[:, :, None], 3, axis=2)


def shifted_sequence(shift: tuple[float, float], frames: int = 12, size: tuple[int, int] = (1080, 1920),
                     person_shift: float = -25.0) -> CameraMotion:
    """Frames of a texture moved by ``shift`` px per frame, with a bright block (a person, its
    keypoints at the block's corners) moving by ``person_shift`` px per frame the other way."""
    height, width = size
    world = textured(height + 400, width + 400)
    motion = CameraMotion()
    for i in range(frames):
        ox, oy = 200 - shift[0] * i, 200 - shift[1] * i
        matrix = np.array([[1, 0, -ox], [0, 1, -oy]], np.float32)
        frame = cv2.warpAffine(world, matrix, (width, height), flags=cv2.INTER_LINEAR)
        x = 900 + person_shift * i
        frame[300:800, int(x):int(x) + 200] = 255 - frame[300:800, int(x):int(x) + 200]
        person = np.array([[[x, 300, 1.0], [x + 200, 800, 1.0]]], np.float32)
        motion.update(frame, person, i / FPS)
    return motion


@pytest.mark.parametrize("shift", [(0.0, 0.0), (6.0, 0.0), (-3.0, 4.0), (20.0, -10.0)])
def test_known_shift_is_measured_and_the_person_does_not_count(shift: tuple[float, float]) -> None:
    motion = shifted_sequence(shift)
    dx, dy = np.array(motion.dx[1:]), np.array(motion.dy[1:])
    assert np.isnan(motion.dx[0])  # nothing to compare the first frame with
    # source pixels: the frame is measured at 192 px wide, 1/10 of 1920, so 1 px there is 10 px here
    assert np.abs(dx - shift[0]).max() < 1.5 and np.abs(dy - shift[1]).max() < 1.5, (dx, dy)
    speed = shift_speed(motion.to_json(), np.array(motion.t))
    assert np.nanmedian(speed) == pytest.approx(np.hypot(*shift) * FPS, abs=30)


def test_spans_where_the_camera_moved() -> None:
    t = np.arange(90) / FPS  # 3 s: still, a 1 s pan at 0.5 statures/s, still
    dx = np.where((t >= 1.0) & (t < 2.0), 0.5 * 200 / FPS, 0.0)
    camera = {"dx": [None, *dx[1:].tolist()], "dy": [None, *[0.0] * 89]}
    spans = camera_moved_spans(camera, t, 200.0)
    assert len(spans) == 1 and spans[0][0] == pytest.approx(1.0, abs=0.3) and spans[0][1] == pytest.approx(2.0, abs=0.3)
    still = {"dx": [None, *[0.02 * 200 / FPS] * 89], "dy": [None, *[0.0] * 89]}  # 0.02 statures/s: noise
    assert camera_moved_spans(still, t, 200.0) == []
    assert CAMERA_MOVED_STATURES_PER_S > 0.02 * 3


def test_cost_is_small_at_1080p() -> None:
    motion = shifted_sequence((4.0, 1.0), frames=30)
    assert motion.seconds / 30 < 0.005  # ~0.5 ms on an idle core (docs/kinematics.md); loose for a loaded CI


def _real(clip: str) -> dict:  # type: ignore[type-arg]
    from inference.kinematics import compute_kinematics
    from inference.posedata import PoseSequence

    folder, summary = tracked_clip(clip)  # analysed once per test session (tracking tests share it)
    poses = PoseSequence.load(folder / "poses.npz")
    track = summary["pose"]["athlete_track_id"]
    kin = compute_kinematics(poses, int(np.flatnonzero(poses.track_ids == track)[0]))
    return camera_summary(summary["video"]["camera"], kin)


def test_tripod_clip_did_not_move() -> None:
    camera = _real("lab_walk_portrait_60fps.mp4")
    assert camera["moved"] == [] and camera["peak"] < CAMERA_MOVED_STATURES_PER_S / 5


def test_handheld_pan_moved() -> None:
    camera = _real("basketball_pan_240p.mp4")
    covered = sum(end - start for start, end in camera["moved"])
    assert covered > 0.8 * 10.0, camera  # the 10 s clip drifts throughout
    assert camera["moved"][-1][1] > 9.5  # the fast pan to the close-up at the end


@pytest.mark.parametrize("shift", [(-6.0, 0.0), (4.0, -3.0)])
def test_the_track_is_where_the_background_has_moved_since_the_first_frame(shift: tuple[float, float]) -> None:
    # A camera panning right moves the background left in the picture (shift x < 0): the track's x
    # falls, and a point fixed to the background, seen at its first place plus the shift so far,
    # stands still once the track is taken off.
    motion = shifted_sequence(shift, frames=12)
    t = np.array(motion.t)
    track = background_track(motion.to_json(), t)
    assert track is not None and track.shape == (12, 2)
    assert track[0] == pytest.approx((0.0, 0.0))
    seen = np.array([(500.0, 400.0)]) + np.arange(12)[:, None] * np.array(shift)  # a corner of the texture
    # The measure is made 10× smaller (192 px of 1920): its error on this texture, 2-8 % a frame,
    # adds up (the per-frame bound above is 1.5 px).
    travelled = np.linalg.norm(seen - seen[0], axis=1)
    assert (np.linalg.norm(seen - track - seen[0], axis=1) <= 0.5 + 0.1 * travelled).all()
    assert track[1:] == pytest.approx(np.cumsum(np.array([motion.to_json()[k][1:] for k in ("dx", "dy")]).T, axis=0))
    assert np.dot(track[-1], shift) > 0.9 * 11 * np.dot(shift, shift)  # the background's way, not the camera's


def test_unmeasured_frames_are_filled_inside_short_gaps_and_held_across_long_ones() -> None:
    t = np.arange(60) / FPS
    dx: list[float | None] = [None] + [-3.0] * 59
    dx[10:12] = [None, None]  # 2 frames: the pan's rate carries on across them
    gap = int(FILL_GAP_S * FPS) + 5
    dx[30 : 30 + gap] = [None] * gap  # longer than FILL_GAP_S: the offset is held
    track = background_track({"dx": dx, "dy": [None] + [0.0] * 59}, t)
    assert track is not None
    assert track[12, 0] == pytest.approx(-3.0 * 12)
    assert track[30 + gap - 1, 0] == pytest.approx(track[29, 0])
    assert track[-1, 0] == pytest.approx(-3.0 * (59 - gap))
    assert background_track(None, t) is None  # stored before the camera was measured
    assert background_track({"dx": [None] * 60, "dy": [None] * 60}, t) is None
    assert background_track({"dx": dx[:-1], "dy": [0.0] * 59}, t) is None  # other frames


def test_the_handheld_clip_track_matches_the_frames() -> None:
    # The basketball clip's measured track against its own frames: every half second, the shift
    # that best lays the upper background (stands, walls, ball bags; the players are lower and
    # smaller) of one frame onto the other (template matching over ±34 px), and the track's
    # difference between the two frames agree within 3 px (the handheld drift and pans move
    # 1-30 px per half second; frames shifted back by the track were looked at: within a few px).
    from inference.video import iter_frames
    from tests.support import shared_clip

    _, summary = tracked_clip("basketball_pan_240p.mp4")
    frames = list(iter_frames(shared_clip("basketball_pan_240p.mp4")))
    grey = [cv2.cvtColor(f, cv2.COLOR_BGR2GRAY) for f, _ in frames]
    t = np.array([s for _, s in frames])
    track = background_track(summary["video"]["camera"], t)
    assert track is not None
    errors, margin = [], 35
    for a in range(0, 270, 15):
        b = a + 15
        template = grey[a][margin:100, margin:-margin]
        scores = cv2.matchTemplate(grey[b], template, cv2.TM_SQDIFF)
        _, _, (x, y), _ = cv2.minMaxLoc(scores)
        errors.append(np.array([x - margin, y - margin]) - (track[b] - track[a]))
    assert np.abs(errors).max() <= 3.0, np.round(errors, 1)


def warped_sequence(maps: list[np.ndarray], size: tuple[int, int] = (1080, 1920)) -> CameraMotion:
    """Frames of a texture seen through ``maps[i]`` (3 × 3, the texture's pixels to frame i's),
    with a bright block (a person, its keypoints at the block's corners) standing in the middle."""
    height, width = size
    world = textured(height, width, seed=1)
    motion = CameraMotion()
    for i, matrix in enumerate(maps):
        frame = cv2.warpPerspective(world, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        frame[300:800, 860:1060] = 255 - frame[300:800, 860:1060]
        motion.update(frame, np.array([[[860, 300, 1.0], [1060, 800, 1.0]]], np.float32), i / FPS)
    return motion


def _apply(matrix: np.ndarray, xy: np.ndarray) -> np.ndarray:
    p = np.append(xy, 1.0) @ matrix.T
    return p[:2] / p[2]


def _zoom(scale: float, centre: tuple[float, float] = (960.0, 540.0)) -> np.ndarray:
    cx, cy = centre
    return np.array([[scale, 0, cx * (1 - scale)], [0, scale, cy * (1 - scale)], [0, 0, 1]])


def _turn(angle: float, focal: float = 1400.0, centre: tuple[float, float] = (960.0, 540.0)) -> np.ndarray:
    k = np.array([[focal, 0, centre[0]], [0, focal, centre[1]], [0, 0, 1]])
    rotation = np.array([[np.cos(angle), 0, -np.sin(angle)], [0, 1, 0], [np.sin(angle), 0, np.cos(angle)]])
    return k @ rotation @ np.linalg.inv(k)


@pytest.mark.parametrize("kind", ["zoom", "turn"])
def test_a_zoom_or_a_turn_is_measured_as_a_homography_and_followed_where_the_feet_are(kind: str) -> None:
    # A zoom out (1.5 % a frame) or a turn (0.012 rad a frame, 70° lens) of a textured background:
    # the stored homographies take the previous frame's points where the picture moved them, and
    # the track taken at a point near the frame's lower corner (where feet stand) follows a point
    # of the texture there, which the median translation does not (a zoom moves the picture away
    # from its centre, a turn moves its sides more than its centre).
    step = _zoom(0.985) if kind == "zoom" else _turn(0.012)
    maps = [np.linalg.matrix_power(step, i) for i in range(12)]
    motion = warped_sequence(maps)
    camera, t = motion.to_json(), np.array(motion.t)
    stored = homographies(camera, len(maps))
    assert stored is not None and np.isnan(stored[0]).all() and np.isfinite(stored[1:]).all()
    probe = np.array([250.0, 950.0])  # near the lower left corner of the 1920 × 1080 frame
    for matrix in stored[1:]:  # within 1.5 px at the probe (10 px of source = 1 px measured)
        assert np.linalg.norm(_apply(matrix, probe) - _apply(step, probe)) < 1.5
    seen = np.array([_apply(m, probe) for m in maps])  # a point of the texture, in each frame
    track = background_track(camera, t, at=seen)
    translation = background_track(camera, t)
    assert track is not None and translation is not None
    travelled = np.linalg.norm(seen[-1] - seen[0])
    assert travelled > 80
    assert np.linalg.norm(seen[-1] - track[-1] - seen[0]) < 0.05 * travelled
    # Measured: the point's error 1.6 px of 126 (zoom) and 6.6 of 253 (turn) through the homographies,
    # 144 and 54 px through the translation.
    assert np.linalg.norm(seen[-1] - translation[-1] - seen[0]) > 0.15 * travelled


def test_stored_homographies_round_trip_and_old_results_keep_the_translation() -> None:
    motion = warped_sequence([np.linalg.matrix_power(_zoom(1.01), i) for i in range(6)])
    camera, t = motion.to_json(), np.array(motion.t)
    assert set(camera) == {"dx", "dy", "h"} and camera["h"][0] is None and len(camera["h"][1]) == 8
    stored = homographies(camera, 6)
    assert stored is not None
    for measured, read in zip(motion.h[1:], stored[1:], strict=True):
        assert measured is not None
        np.testing.assert_allclose(read, measured, rtol=1e-5, atol=1e-4)
    # Results stored before the homographies: none, and the track is the translation's wherever it is taken.
    old = {"dx": camera["dx"], "dy": camera["dy"]}
    assert homographies(old, 6) is None and homographies(camera, 5) is None and homographies(None, 6) is None
    at = np.full((6, 2), 100.0)
    np.testing.assert_array_equal(background_track(old, t, at=at), background_track(old, t))  # type: ignore[arg-type]
    # Frames without a homography (too few inliers) take the translation; unknown places too.
    partial = {**camera, "h": [None] * 6}
    np.testing.assert_array_equal(background_track(partial, t, at=at), background_track(old, t))  # type: ignore[arg-type]
    nowhere = np.full((6, 2), np.nan)
    np.testing.assert_array_equal(background_track(camera, t, at=nowhere), background_track(old, t))  # type: ignore[arg-type]


def test_the_athlete_track_is_taken_at_the_feet() -> None:
    # athlete_track reads the feet's place from the kinematics' points (the mean of both feet's
    # points, held across frames where they are unknown) and, for a zoom about the centre, moves
    # with the feet's side of the picture.
    from types import SimpleNamespace

    from inference.kinematics.camera import feet_place
    from inference.kinematics.points import POINT_NAMES, point_index

    t = np.arange(5) / FPS
    points = np.full((5, len(POINT_NAMES), 2), np.nan)
    for name, x in (("LAnkle", 100.0), ("RAnkle", 140.0), ("LHeel", 90.0), ("RHeel", 130.0)):
        points[:, point_index(name)] = (x, 900.0)
    points[2] = np.nan  # not seen: held from the nearest frame
    place = feet_place(points)
    assert place is not None and place == pytest.approx(np.tile([115.0, 900.0], (5, 1)))
    assert feet_place(np.full((5, len(POINT_NAMES), 2), np.nan)) is None
    step = _zoom(1.02)
    h = [None] + [[float(v) for v in (step / step[2, 2]).ravel()[:8]]] * 4
    camera = {"dx": [None, 0.0, 0.0, 0.0, 0.0], "dy": [None, 0.0, 0.0, 0.0, 0.0], "h": h}
    track = athlete_track(camera, SimpleNamespace(timestamps=t, points_unsmoothed=points))
    assert track is not None and track[1] == pytest.approx(_apply(step, np.array([115.0, 900.0])) - (115.0, 900.0))
    assert athlete_track(None, SimpleNamespace(timestamps=t, points_unsmoothed=points)) is None


@pytest.mark.parametrize("shift", [(0.0, 0.0), (6.0, -2.0)])
def test_a_static_or_shifting_camera_stores_no_homography(shift: tuple[float, float]) -> None:
    # Where the median shift explains the corners (a tripod; a pure shift), a homography would fit
    # Lucas-Kanade's scatter and extrapolate it towards the frame's edges: none is stored and the
    # track taken at the feet is the translation's, exactly.
    motion = shifted_sequence(shift, frames=8)
    camera, t = motion.to_json(), np.array(motion.t)
    assert camera["h"] == [None] * 8
    at = np.tile([[300.0, 1000.0]], (8, 1))
    np.testing.assert_array_equal(background_track(camera, t, at=at), background_track(camera, t))  # type: ignore[arg-type]


def test_a_homography_no_camera_makes_in_one_frame_is_refused() -> None:
    # Corners that follow a plausible turn give a homography; the same corners scaled 1.5 times in
    # one frame, or sent through a strong perspective, are no camera's motion: None, so the
    # translation stands in for that frame.
    from inference.kinematics.camera import MAX_FRAME_SCALE, background_homography

    rng = np.random.default_rng(0)
    before = rng.uniform(0, 190, size=(60, 2))

    def through(h: np.ndarray) -> np.ndarray:
        p = np.c_[before, np.ones(len(before))] @ h.T
        return p[:, :2] / p[:, 2:]

    turn = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 0.3], [2e-4, 0.0, 1.0]])
    found = background_homography(before, through(turn))
    assert found is not None and np.allclose(found, turn, atol=1e-3)
    zoom = np.diag([1.5, 1.5, 1.0])
    assert 1.5 > MAX_FRAME_SCALE and background_homography(before, through(zoom)) is None
    warp = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [3e-3, 0.0, 1.0]])
    assert background_homography(before, through(warp)) is None


def test_a_homography_only_part_of_the_background_agrees_with_or_fitted_on_one_cluster_is_refused() -> None:
    # The same plausible turn: refused when 40 % of the corners move otherwise (their own blur, a
    # screen's pattern: the fit is no model of the camera), and when every corner lies in one
    # quarter of the picture (ill-conditioned away from it); the translation then stands in.
    from inference.kinematics.camera import (
        HOMOGRAPHY_MIN_INLIER_SHARE,
        HOMOGRAPHY_MIN_SPREAD,
        background_homography,
    )

    rng = np.random.default_rng(1)
    size = (192, 108)
    turn = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 0.3], [2e-4, 0.0, 1.0]])

    def through(points: np.ndarray) -> np.ndarray:
        p = np.c_[points, np.ones(len(points))] @ turn.T
        return p[:, :2] / p[:, 2:]

    before = rng.uniform((0, 0), size, size=(60, 2))
    assert background_homography(before, through(before), size) is not None
    stray = through(before)
    stray[:24] += rng.uniform(-6, 6, size=(24, 2))  # 40 % of the corners: 0.6 < the share asked for
    assert 0.6 < HOMOGRAPHY_MIN_INLIER_SHARE and background_homography(before, stray, size) is None
    cluster = rng.uniform((140, 0), (190, 50), size=(60, 2))  # the top-right quarter
    assert HOMOGRAPHY_MIN_SPREAD > 50 / 108
    assert background_homography(cluster, through(cluster), size) is None
    assert background_homography(cluster, through(cluster)) is not None  # no size given: not judged
