"""``compute_kinematics``: one athlete's keypoints → cleaned points, angles, derivatives, centre of
mass and scale.

Order of operations (each step in its own module):

1. named points from the backend's keypoints (:mod:`.points`); points below ``min_confidence``
   count as absent;
2. left/right swap correction for OpenPose output (:mod:`.swap`), then the fits that would need a
   segment to turn faster than a human can (an upside-down fit for a few frames) are removed
   (:mod:`.rotation`): their points count as absent;
3. facing direction per frame (:func:`.angles.estimate_facing`);
4. per coordinate: Hampel outlier rejection, gap filling up to ``max_gap_s``, zero-phase Butterworth
   low-pass (:mod:`.filters`) — filtering the points, not the angles, keeps every angle consistent
   with one smooth skeleton;
5. angles (:mod:`.angles`); segment angles unwrapped, joint angles in their anatomical interval or
   NaN (never unwrapped), angular velocity and acceleration from those series and the timestamps;
6. centre of mass (:mod:`.com`), pixels → metres (:mod:`.scale`) and the ground line under the
   athlete from the feet's contacts (:mod:`.ground`), so heights are above the floor.

Shapes: T frames, N named points, A angles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from inference.kinematics import filters, storage
from inference.kinematics.angles import (
    ANGLE_NAMES,
    ANGLES,
    compute_angles,
    estimate_facing,
    frontalness,
    view_labels,
)
from inference.kinematics.com import centre_of_mass
from inference.kinematics.ground import SurfaceChange, foot_contacts, ground_line, surface_changes
from inference.kinematics.points import POINT_NAMES, named_points, point_index
from inference.kinematics.rotation import implausible_rotations, points_to_drop
from inference.kinematics.scale import Scale, pixel_scale, stature_series
from inference.kinematics.swap import OPENPOSE_SKELETONS, apply_swaps, detect_swaps
from inference.posedata import PoseSequence


@dataclass(frozen=True)
class KinematicsConfig:
    """cutoff_hz / order: Butterworth low-pass (6 Hz, order 4: Winter 2009 §3.4 for gait; raise
        the cut-off for fast movements such as sprinting or throwing, 10–12 Hz).
    filter: False skips Hampel, gap filling and low-pass (raw angles).
    max_gap_s: longest gap filled by interpolation. hampel_window (samples) / hampel_sigma.
    min_confidence: keypoints below it count as absent.
    swap: "auto" (correct left/right swaps for OpenPose skeletons only), "on" or "off".
    rotation_check: remove the points of fits whose segments would have turned faster than a
        human segment can (:mod:`.rotation`); False keeps them (raw angles).
    facing: "auto", "right" or "left" (the direction the athlete faces in the image).
    height_cm: the athlete's height, for pixels → metres (None: stay in pixels).
    """

    cutoff_hz: float = 6.0
    order: int = 4
    filter: bool = True
    max_gap_s: float = 0.25
    hampel_window: int = 7
    hampel_sigma: float = 3.0
    min_confidence: float = 0.2
    swap: str = "auto"
    rotation_check: bool = True
    facing: str = "auto"
    height_cm: float | None = None

    def __post_init__(self) -> None:
        if self.swap not in ("auto", "on", "off"):
            raise ValueError(f"swap must be auto, on or off, not {self.swap!r}")
        if self.facing not in ("auto", "right", "left"):
            raise ValueError(f"facing must be auto, right or left, not {self.facing!r}")
        if self.cutoff_hz <= 0 or self.order < 1:
            raise ValueError("cutoff_hz must be > 0 and order >= 1")


@dataclass(frozen=True)
class Kinematics:
    """One athlete's kinematics.

    timestamps: (T,) seconds. angle_names: (A,) names of :data:`ANGLES` columns.
    angles: (T, A) degrees (Sports2D conventions; segments unwrapped), NaN where not measurable
        and where a joint angle falls outside its anatomical interval (``AngleDef.plausible``).
    angle_confidence: (T, A) lowest confidence of the angle's points (0 where interpolated), lowered
        where a segment points at the camera, 0 where the angle is NaN.
    angular_velocity: (T, A) deg/s. angular_acceleration: (T, A) deg/s².
    point_names: (N,) named points. points: (T, N, 2) cleaned pixels (x right, y down).
    point_confidence: (T, N). com: (T, 2) centre of mass in pixels.
    ground: (T,) image row (pixels, y down) of the floor under the athlete, from the rows of the
        feet on the ground (:mod:`.ground`); NaN where the feet were never seen.
    points_unsmoothed: (T, N, 2) after outlier rejection and gap filling but before the low-pass,
        for timing contacts (a 6 Hz low-pass blurs a landing over ~0.1 s).
    facing: (T,) +1 facing image right, -1 left. swaps: {group: (T,) bool} corrected frames.
    implausible: {segment: (T,) bool} frames whose fit would have needed the segment to turn faster
        than a human segment can (:mod:`.rotation`); the points it takes with it are absent there.
    scale: pixels → metres (``scale.metres_per_pixel`` None when unknown).
    background: (T, 2) where the background has moved in the picture since the first frame, source
        pixels, its motion taken where the athlete's feet are (:func:`.camera.athlete_track`: a
        turning or zooming camera moves the picture's sides more than its centre), or None where the
        camera's motion was not measured; foot contacts, steps, jumps and surface changes read the
        feet against it (:meth:`ground_points`).
    """

    timestamps: np.ndarray
    angle_names: tuple[str, ...]
    angles: np.ndarray
    angle_confidence: np.ndarray
    angular_velocity: np.ndarray
    angular_acceleration: np.ndarray
    point_names: tuple[str, ...]
    points: np.ndarray
    point_confidence: np.ndarray
    com: np.ndarray
    ground: np.ndarray
    points_unsmoothed: np.ndarray
    facing: np.ndarray
    swaps: dict[str, np.ndarray]
    scale: Scale
    skeleton: str
    config: KinematicsConfig = field(default_factory=KinematicsConfig)
    implausible: dict[str, np.ndarray] = field(default_factory=dict)
    background: np.ndarray | None = None

    def angle(self, name: str) -> np.ndarray:
        """(T,) one angle by name."""
        return self.angles[:, self.angle_names.index(name)]

    def velocity(self, name: str) -> np.ndarray:
        return self.angular_velocity[:, self.angle_names.index(name)]

    def point(self, name: str) -> np.ndarray:
        """(T, 2) one named point, pixels."""
        return self.points[:, point_index(name)]

    def frontalness(self) -> np.ndarray:
        """(T,) about |cos(yaw)| of the athlete to the camera: 0 side view, about 1 front or back
        view, NaN unknown (:func:`.angles.frontalness`)."""
        return frontalness(self.points)

    def view(self) -> np.ndarray:
        """(T,) "side", "oblique", "front" (front or back) or "unknown" per frame
        (:func:`.angles.view_labels`). The trunk angle is a forward/backward lean in "side" frames
        and a sideways lean in "front" frames; the signed hip and shoulder, the knee and the ankle are
        trusted in side views only (:func:`.angles.needs_side_view`: their confidence falls through
        "oblique" to 0 in "front" frames)."""
        return view_labels(self.frontalness())

    # What the heights of com_above_floor / com_metres are measured from, said with them (the
    # report's chart label): the contact level of the feet, carried across swings and flights. A
    # box, a step or a drop changes it (surface_changes); one floor under a box cannot be measured
    # from one 2D camera (a landing nearer the camera is lower in the picture too).
    HEIGHT_REFERENCE = "the surface under the feet"

    def ground_points(self, background: np.ndarray | None = None) -> np.ndarray:
        """(T, N, 2) the points foot contacts are read from: :attr:`points_unsmoothed` against the
        background (minus ``background``, else :attr:`background`), where a planted foot stays
        still while the camera pans; the picture's points where neither is known."""
        track = self.background if background is None else background
        if track is None:
            return self.points_unsmoothed
        if np.shape(track) != (self.timestamps.size, 2):
            raise ValueError(f"background track of shape {np.shape(track)} for {self.timestamps.size} frames")
        return self.points_unsmoothed - np.asarray(track, self.points_unsmoothed.dtype)[:, None, :]

    def surface_changes(self) -> list[SurfaceChange]:
        """Where the feet left one surface and landed on another (a box, a drop; :func:`.ground.surface_changes`)."""
        t = self.timestamps
        if len(t) < 2:
            return []
        stature = stature_series(self.points, t)
        if not (stature > 0).all():
            return []
        height_m = self.config.height_cm / 100 if self.config.height_cm else None
        return surface_changes(foot_contacts(self.ground_points(), self.point_confidence, t, stature, height_m))

    def com_above_floor(self) -> np.ndarray:
        """(T, 2) centre of mass in pixels in the ground frame: x right from the image's left edge,
        y up from :data:`HEIGHT_REFERENCE`, the surface under the feet (:attr:`ground`; on a box
        the box top, see :meth:`surface_changes`); NaN where the ground is unknown."""
        return np.stack([self.com[:, 0], self.ground - self.com[:, 1]], axis=1)

    def com_metres(self) -> np.ndarray | None:
        """(T, 2) :meth:`com_above_floor` in metres (x right, y the height above the floor); None
        when the pixel scale is unknown. Each frame is scaled by the athlete's size in the picture
        around it (:func:`.scale.stature_series`), so an athlete walking away from the camera does
        not seem to sink."""
        if self.scale.metres_per_pixel is None or not self.config.height_cm:
            return None
        metres_per_pixel = self.config.height_cm / 100 / stature_series(self.points, self.timestamps)
        return self.com_above_floor() * metres_per_pixel[:, None]

    def to_csv(self, path: str | Path | None = None, decimals: int = 2) -> str:
        """Angles per frame as CSV: ``time`` then one column per angle, degrees (see .storage)."""
        return storage.to_csv(self, path, decimals)

    def to_dict(self, decimals: int = 2) -> dict[str, Any]:
        """JSON-able form (see .storage.to_dict)."""
        return storage.to_dict(self, decimals)

    def save(self, path: str | Path) -> None:
        """Lossless ``.npz`` (read back with :meth:`load`)."""
        storage.save_npz(self, path)

    @classmethod
    def load(cls, path: str | Path) -> Kinematics:
        return storage.load_npz(path)


def _athlete_points(
    poses: PoseSequence, athlete_index: int, config: KinematicsConfig
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray], dict[str, np.ndarray]]:
    if not 0 <= athlete_index < poses.num_people:
        raise IndexError(f"athlete_index {athlete_index} is not a person slot (0..{poses.num_people - 1})")
    xy, conf = named_points(poses.keypoints[:, athlete_index], poses.skeleton)
    weak = conf < config.min_confidence
    xy[weak] = np.nan
    conf[weak] = 0.0
    frames = xy.shape[0]
    swaps = {}
    if config.swap == "on" or (config.swap == "auto" and poses.skeleton in OPENPOSE_SKELETONS):
        swaps = detect_swaps(xy, np.asarray(poses.timestamps, np.float64))
        xy, conf = apply_swaps(xy, swaps), apply_swaps(conf, swaps)
    swaps = swaps or {g: np.zeros(frames, bool) for g in ("legs", "arms")}
    implausible: dict[str, np.ndarray] = {}
    if config.rotation_check:
        implausible = implausible_rotations(xy, np.asarray(poses.timestamps, np.float64))
        drop = points_to_drop(implausible, frames)
        xy[drop] = np.nan
        conf[drop] = 0.0
    return xy, conf, swaps, implausible


def _clean(xy: np.ndarray, t: np.ndarray, config: KinematicsConfig) -> tuple[np.ndarray, np.ndarray]:
    """(unsmoothed, smoothed) points."""
    if not config.filter:
        return xy, xy
    out = filters.hampel(xy, config.hampel_window, config.hampel_sigma)
    out = filters.fill_gaps(out, t, config.max_gap_s)
    return out, filters.butterworth(out, t, config.cutoff_hz, config.order)


def compute_kinematics(poses: PoseSequence, athlete_index: int, config: KinematicsConfig | None = None) -> Kinematics:
    """Kinematics of the person in slot ``athlete_index`` of ``poses`` (see module docstring)."""
    config = config or KinematicsConfig()
    t = np.asarray(poses.timestamps, np.float64)
    xy, conf, swaps, implausible = _athlete_points(poses, athlete_index, config)
    if config.facing == "auto":
        facing = estimate_facing(xy, window=max(3, int(round(0.5 * (poses.fps or 30)))))
    else:
        facing = np.full(len(t), 1.0 if config.facing == "right" else -1.0)
    unsmoothed, clean = _clean(xy, t, config)
    angles, angle_conf = compute_angles(clean, conf, facing)
    # Only segment angles are unwrapped (a segment can turn round for real); joint angles stay in
    # their anatomical interval or are NaN (angles.compute_angles), so derivatives never see ±360°.
    unwrap = np.array([d.unwrap for d in ANGLES])
    angles[:, unwrap] = filters.unwrap_degrees(angles[:, unwrap])
    velocity = filters.derivative(angles, t)
    scale = pixel_scale(clean, config.height_cm)
    return Kinematics(
        timestamps=t,
        angle_names=ANGLE_NAMES,
        angles=angles,
        angle_confidence=angle_conf,
        angular_velocity=velocity,
        angular_acceleration=filters.derivative(velocity, t),
        point_names=POINT_NAMES,
        points=clean,
        point_confidence=conf,
        com=centre_of_mass(clean),
        ground=ground_line(unsmoothed, conf, t, stature_series(clean, t), config.height_cm / 100 if config.height_cm else None),
        points_unsmoothed=unsmoothed,
        facing=facing,
        swaps=swaps,
        scale=scale,
        skeleton=poses.skeleton,
        config=config,
        implausible=implausible,
    )
