"""Calibrated cameras and triangulation: a 3D reference from several synchronised 2D views.

Used by bench/angles_multiview.py and bench/swaps_multiview.py. Pure NumPy (and OpenCV's
distortion model); no model runs here.

- :func:`read_qca`: a Qualisys ``.qca.txt`` calibration (the Pose2Sim demos' ``Calib.qca.txt``),
  converted as Pose2Sim does (Pose2Sim/calibration.py ``read_qca`` and ``calib_qca_fun``,
  Pose2Sim/common.py ``world_to_camera_persp`` and ``rotate_cam``, v0.10.49): focal lengths, centre
  and distortion in 1/64 pixel, the transform's matrix taken as world→camera rows, then turned
  by π about the camera's x axis (Qualisys' camera looks along -z, OpenCV's along +z). Position in
  millimetres → metres.
- :func:`triangulate`: per point, the direct linear transform (Hartley & Zisserman 2003, §12.2) on
  undistorted normalised coordinates, each view's two equations weighted by its confidence; the
  view with the largest reprojection error is dropped while that error exceeds a threshold and
  more than two views remain (Pose2Sim's ``triangulation`` does the same, by camera removal).
- :func:`match_views`: one view's person found in the others frame by frame (or its left/right
  mirror), and :func:`mirror_votes`: how many of those views had to be mirrored, their majority
  on the judged view's left/right.

Shapes: V views, K points.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np


@dataclass(frozen=True)
class Camera:
    """One calibrated camera: name, K (3, 3) pixels, dist (k1, k2, p1, p2) OpenCV's model,
    R (3, 3) and t (3,) world→camera (x right, y down, z forward; metres), size (width, height)."""

    name: str
    K: np.ndarray
    dist: np.ndarray
    R: np.ndarray
    t: np.ndarray
    size: tuple[int, int]

    @property
    def centre(self) -> np.ndarray:
        """(3,) the camera's position in the world, metres."""
        return -self.R.T @ self.t

    @property
    def axis(self) -> np.ndarray:
        """(3,) the optical axis (camera +z) in world coordinates."""
        return self.R[2]

    def project(self, points: np.ndarray) -> np.ndarray:
        """(..., 3) world points → (..., 2) distorted image pixels (NaN stays NaN)."""
        flat = np.asarray(points, np.float64).reshape(-1, 3)
        out = np.full((flat.shape[0], 2), np.nan)
        ok = np.isfinite(flat).all(axis=1)
        if ok.any():
            rvec, _ = cv2.Rodrigues(self.R)
            xy, _ = cv2.projectPoints(flat[ok], rvec, self.t, self.K, self.dist)
            out[ok] = xy.reshape(-1, 2)
        return out.reshape(*np.shape(points)[:-1], 2)

    def normalise(self, xy: np.ndarray) -> np.ndarray:
        """(..., 2) image pixels → (..., 2) undistorted normalised coordinates (x/z, y/z)."""
        flat = np.asarray(xy, np.float64).reshape(-1, 2)
        out = np.full_like(flat, np.nan)
        ok = np.isfinite(flat).all(axis=1)
        if ok.any():
            out[ok] = cv2.undistortPoints(flat[ok].reshape(-1, 1, 2), self.K, self.dist).reshape(-1, 2)
        return out.reshape(np.shape(xy))


_INTRINSICS = ("focalLengthU", "focalLengthV", "centerPointU", "centerPointV", "radialDistortion1",
               "radialDistortion2", "tangentalDistortion1", "tangentalDistortion2")  # fmt: skip


def read_qca(path: str | Path) -> tuple[Camera, ...]:
    """Cameras of a Qualisys ``.qca.txt`` file, sorted by name (module docstring)."""
    root = ET.parse(path).getroot()
    flip = np.diag([1.0, -1.0, -1.0])  # rotate_cam(ang_x=π)
    cameras = []
    for cam in root.findall("cameras/camera"):
        fov = cam.find("fov_video")
        intr, tr = cam.find("intrinsic"), cam.find("transform")
        if fov is None or intr is None or tr is None:
            raise ValueError(f"{path}: camera {cam.get('serial')} lacks fov_video, intrinsic or transform")
        left, top = float(fov.get("left", 0)), float(fov.get("top", 0))
        size = (int(float(fov.get("right", 0)) - left + 1), int(float(fov.get("bottom", 0)) - top + 1))

        sub = {k: float(intr.get(k, 0.0)) / 64.0 for k in _INTRINSICS}  # Qualisys stores them in 1/64 pixel
        K = np.array([[sub["focalLengthU"], 0, sub["centerPointU"] - left],
                      [0, sub["focalLengthV"], sub["centerPointV"] - top], [0, 0, 1]])  # fmt: skip
        dist = np.array([sub["radialDistortion1"], sub["radialDistortion2"],
                         sub["tangentalDistortion1"], sub["tangentalDistortion2"]])  # fmt: skip
        M = np.array([[float(tr.get(f"r{i}{j}", 0.0)) for j in (1, 2, 3)] for i in (1, 2, 3)])
        position = np.array([float(tr.get(k, 0.0)) for k in "xyz"]) / 1000.0
        R = flip @ M
        cameras.append(Camera(str(cam.get("serial")), K, dist, R, -R @ position, size))
    return tuple(sorted(cameras, key=lambda c: c.name))


def fundamental(a: Camera, b: Camera) -> np.ndarray:
    """(3, 3) essential matrix E with n_b^T E n_a = 0 for normalised coordinates of one point."""
    R = b.R @ a.R.T
    t = b.t - R @ a.t
    tx = np.array([[0, -t[2], t[1]], [t[2], 0, -t[0]], [-t[1], t[0], 0]])
    return tx @ R


def epipolar_px(a: Camera, b: Camera, na: np.ndarray, nb: np.ndarray) -> np.ndarray:
    """(K,) distance in b's pixels (about) of nb's points from the epipolar lines of na's points;
    na, nb: (K, 2) normalised coordinates in a and b."""
    E = fundamental(a, b)
    ha = np.concatenate([na, np.ones((na.shape[0], 1))], axis=1)
    hb = np.concatenate([nb, np.ones((nb.shape[0], 1))], axis=1)
    lines = ha @ E.T
    dist = np.abs((hb * lines).sum(axis=1)) / np.hypot(lines[:, 0], lines[:, 1])
    return dist * b.K[0, 0]


def _dlt(P: np.ndarray, n: np.ndarray, w: np.ndarray) -> np.ndarray:
    """(3,) point from views' projection matrices P (V, 3, 4), normalised points n (V, 2), weights (V,)."""
    rows = np.concatenate([w[:, None] * (n[:, :1] * P[:, 2] - P[:, 0]), w[:, None] * (n[:, 1:] * P[:, 2] - P[:, 1])])
    _, _, vt = np.linalg.svd(rows)
    X = vt[-1]
    return X[:3] / X[3]


def triangulate(cameras: tuple[Camera, ...], xy: np.ndarray, weight: np.ndarray, max_error_px: float,
                min_weight: float = 0.3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points from V views.

    xy: (V, K, 2) pixels (NaN where absent); weight: (V, K) confidences (views below
    ``min_weight`` are not used). Returns X (K, 3) metres (NaN where fewer than two views agree
    within ``max_error_px``), used (V, K) bool, error (V, K) reprojection error in pixels of every
    view that had the point (NaN elsewhere).
    """
    views, points = xy.shape[:2]
    P = np.stack([np.hstack([c.R, c.t[:, None]]) for c in cameras])
    n = np.stack([c.normalise(xy[v]) for v, c in enumerate(cameras)])
    X = np.full((points, 3), np.nan)
    used = np.isfinite(n).all(axis=-1) & (np.nan_to_num(weight) >= min_weight)
    error = np.full((views, points), np.nan)
    for k in range(points):
        while used[:, k].sum() >= 2:
            sel = np.flatnonzero(used[:, k])
            X[k] = _dlt(P[sel], n[sel, k], weight[sel, k])
            err = np.array([np.hypot(*(cameras[v].project(X[k]) - xy[v, k])) for v in sel])
            worst = int(np.argmax(err))
            if err[worst] <= max_error_px or sel.size == 2:
                break
            used[sel[worst], k] = False
        if used[:, k].sum() < 2:
            X[k] = np.nan
            used[:, k] = False
            continue
        seen = np.isfinite(xy[:, k]).all(axis=-1)
        for v in np.flatnonzero(seen):
            error[v, k] = np.hypot(*(cameras[v].project(X[k]) - xy[v, k]))
        if np.nanmax(error[used[:, k], k]) > max_error_px:  # two views that disagree: no point
            X[k] = np.nan
            used[:, k] = False
    return X, used, error


# A view's person is the anchor's when the median epipolar distance of their confident body points
# is below this (Pose2Sim's person association uses 20 px of reprojection error by default).
MATCH_PX = 25.0
MATCH_MIN_CONFIDENCE = 0.5
MATCH_MIN_POINTS = 5


def match_views(cameras: tuple[Camera, ...], keypoints: list[np.ndarray], anchor: int, slot: int,
                mirror: tuple[int, ...], body: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The anchor view's person ``slot`` in every view, frame by frame.

    keypoints: per view (T, P_v, K, 3) x, y, confidence (the pose stage's tracks; views may order
    their people differently). In each frame and view, the person (and its left/right mirror
    ``mirror``: a detector can swap sides in one view) whose ``body`` points lie nearest the
    anchor's epipolar lines is taken if within :data:`MATCH_PX`. Returns xy (V, T, K, 2), NaN
    where unmatched, and confidence (V, T, K), 0 there.
    """
    frames, points = keypoints[anchor].shape[0], keypoints[anchor].shape[2]
    xy = np.full((len(cameras), frames, points, 2), np.nan)
    conf = np.zeros((len(cameras), frames, points))
    ref = keypoints[anchor][:, slot]
    xy[anchor], conf[anchor] = ref[..., :2], np.nan_to_num(ref[..., 2])
    body_idx = np.asarray(body)
    for v, cam in enumerate(cameras):
        if v == anchor:
            continue
        for f in range(frames):
            a = ref[f, body_idx]
            na = cameras[anchor].normalise(a[:, :2])
            best, pick = MATCH_PX, None
            for person in keypoints[v][f]:
                for cand in (person, person[list(mirror)]):
                    b = cand[body_idx]
                    ok = (np.nan_to_num(a[:, 2]) >= MATCH_MIN_CONFIDENCE) & (np.nan_to_num(b[:, 2]) >= MATCH_MIN_CONFIDENCE)
                    if ok.sum() < MATCH_MIN_POINTS:
                        continue
                    d = float(np.median(epipolar_px(cameras[anchor], cam, na[ok], cam.normalise(b[ok, :2]))))
                    if d < best:
                        best, pick = d, cand
            if pick is not None:
                xy[v, f], conf[v, f] = pick[:, :2], np.nan_to_num(pick[:, 2])
    return xy, conf


def mirror_votes(keypoints: list[np.ndarray], xy: np.ndarray, anchor: int, mirror: tuple[int, ...]) -> np.ndarray:
    """(T,) int, per frame: of the other views :func:`match_views` matched to the anchor's person
    (its ``xy`` (V, T, K, 2)), how many it took mirrored minus how many as that view labelled them.

    Each view's own left/right, as a vote on the anchor's: positive where most matched views had
    to be mirrored to fit the anchor (the anchor's labels are the odd ones out), negative where
    most fit as labelled, 0 on a tie or with no view matched. keypoints: per view (T, P_v, K, 3),
    as given to :func:`match_views`."""
    frames = xy.shape[1]
    votes = np.zeros(frames, int)
    for v in range(len(keypoints)):
        if v == anchor:
            continue
        own = keypoints[v][:frames, :, :, :2]  # (T, P, K, 2)
        got = xy[v][:, None]
        kept = np.isclose(got, own, equal_nan=True).all(axis=(2, 3)).any(axis=1)
        mirrored = np.isclose(got, own[:, :, list(mirror)], equal_nan=True).all(axis=(2, 3)).any(axis=1)
        matched = np.isfinite(xy[v]).any(axis=(1, 2))
        votes += (matched & mirrored & ~kept).astype(int) - (matched & kept & ~mirrored).astype(int)
    return votes


def angle_between(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """(T,) unsigned angle between (T, D) vectors, degrees."""
    cos = (u * v).sum(axis=1) / np.linalg.norm(u, axis=1) / np.linalg.norm(v, axis=1)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def draw_skeletons(image: np.ndarray, skeletons: list[tuple[np.ndarray, tuple[int, int, int]]],
                   limbs: tuple[tuple[int, int], ...]) -> np.ndarray:
    """``image`` (H, W, 3) BGR with each (K, 2) skeleton's limbs drawn in its colour (a copy)."""
    out = image.copy()
    for points, colour in skeletons:
        for a, b in limbs:
            if np.isfinite(points[[a, b]]).all():
                cv2.line(out, tuple(int(v) for v in points[a]), tuple(int(v) for v in points[b]), colour, 3)
    return out
