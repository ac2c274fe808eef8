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
    CameraMotion,
    camera_moved_spans,
    camera_summary,
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
