"""Person identities across frames, online: each frame's poses linked to the tracks so far.

Matching (per frame): every live track predicts its pose at the frame's time with a constant
velocity (from its last two observations), and the Hungarian algorithm
(``scipy.optimize.linear_sum_assignment``) pairs predictions with the frame's poses on
1 − OKS (object keypoint similarity, COCO's keypoint metric with one falloff κ for every keypoint,
scaled by the track's box; Ruggero Ronchi & Perona, 2017). Pairs under ``min_similarity`` are not
matched. A track that is not matched keeps predicting for ``max_gap`` seconds (a short occlusion,
a missed detection) and is closed after that; its κ widens with every missed frame because the
prediction gets less certain. Unmatched poses start new tracks.

Arrays: keypoints (P, K, 3) per frame — x, y pixels, confidence; NaN x/y or confidence ≤
``min_confidence`` mark keypoints that are absent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from inference.tracking.geometry import MIN_CONFIDENCE, box_scale, oks, visible


@dataclass(frozen=True)
class TrackerConfig:
    """min_similarity: OKS below which a pose and a prediction are never paired.
    kappa: OKS falloff per keypoint as a fraction of the box scale; grows by kappa_per_miss for
    every frame the track was not seen, up to max_kappa.
    max_gap: seconds a track survives unseen.
    max_speed: body scales per second beyond which a velocity estimate is not trusted.
    """

    min_similarity: float = 0.15
    kappa: float = 0.1
    kappa_per_miss: float = 0.03
    max_kappa: float = 0.3
    max_gap: float = 0.6
    max_speed: float = 4.0
    min_confidence: float = MIN_CONFIDENCE


@dataclass
class _Track:
    track_id: int
    frames: list[int] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    poses: list[np.ndarray] = field(default_factory=list)
    colours: list[np.ndarray | None] = field(default_factory=list)
    missed: int = 0

    def predict(self, t: float, max_speed: float, min_confidence: float) -> np.ndarray:
        last = self.poses[-1]
        if len(self.poses) < 2 or self.times[-1] <= self.times[-2]:
            return last
        dt = self.times[-1] - self.times[-2]
        prev = self.poses[-2]
        both = visible(last, min_confidence) & visible(prev, min_confidence)
        if not both.any():
            return last
        velocity = (last[both, :2] - prev[both, :2]).mean(0) / dt  # the body's, not per joint
        if np.hypot(*velocity) > max_speed * box_scale(last, min_confidence):
            return last
        moved = last.copy()
        moved[:, :2] += velocity * (t - self.times[-1])
        return moved


def _row(colours: np.ndarray | None, j: int) -> np.ndarray | None:
    return None if colours is None else np.asarray(colours[j], np.float32)


@dataclass(frozen=True)
class Tracklet:
    """One online track. frames (N,) analysed-frame indices, times (N,) seconds, poses (N, K, 3),
    colours (N, B) appearance per observation (NaN rows where none was measured)."""

    track_id: int
    frames: np.ndarray
    times: np.ndarray
    poses: np.ndarray
    colours: np.ndarray

    @classmethod
    def of(cls, track: _Track) -> Tracklet:
        width = max((len(c) for c in track.colours if c is not None), default=0)
        colours = np.full((len(track.frames), width), np.nan, np.float32)
        for i, c in enumerate(track.colours):
            if c is not None:
                colours[i] = c
        return cls(track.track_id, np.array(track.frames, np.int64), np.array(track.times, np.float64),
                   np.stack(track.poses), colours)  # fmt: skip


class Tracker:
    """Feed frames in order with :meth:`update`; read tracks with :meth:`tracks`."""

    def __init__(self, config: TrackerConfig | None = None):
        self.config = config or TrackerConfig()
        self._live: list[_Track] = []
        self._closed: list[_Track] = []
        self._next_id = 0
        self.num_frames = 0

    def update(self, poses: np.ndarray, t: float, colours: np.ndarray | None = None) -> list[int]:
        """poses: (P, K, 3) of one frame at time t (seconds) → the track id of each pose.
        colours: (P, B) appearance of each pose (:mod:`inference.tracking.appearance`), kept
        for the offline stitching; not used online."""
        cfg = self.config
        frame = self.num_frames
        self.num_frames += 1
        self._close_stale(t)
        ids = [-1] * len(poses)
        if self._live and len(poses):
            sim = np.zeros((len(self._live), len(poses)))
            for i, track in enumerate(self._live):
                predicted = track.predict(t, cfg.max_speed, cfg.min_confidence)
                scale = box_scale(predicted, cfg.min_confidence)
                kappa = min(cfg.kappa + cfg.kappa_per_miss * track.missed, cfg.max_kappa)
                for j, pose in enumerate(poses):
                    sim[i, j] = oks(predicted, pose, scale, kappa, cfg.min_confidence)
            rows, cols = linear_sum_assignment(1.0 - sim)
            for i, j in zip(rows, cols, strict=True):
                if sim[i, j] >= cfg.min_similarity:
                    ids[j] = self._extend(self._live[i], frame, t, poses[j], _row(colours, j))
        matched = {tid for tid in ids if tid >= 0}
        for track in self._live:
            if track.track_id not in matched:
                track.missed += 1
        for j, pose in enumerate(poses):
            if ids[j] < 0 and visible(pose, cfg.min_confidence).any():
                track = _Track(self._next_id)
                self._next_id += 1
                self._live.append(track)
                ids[j] = self._extend(track, frame, t, pose, _row(colours, j))
        return ids

    def tracks(self) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """track id → (frame indices (N,), poses (N, K, 3)), every track so far, by id."""
        everything = sorted(self._closed + self._live, key=lambda tr: tr.track_id)
        return {tr.track_id: (np.array(tr.frames), np.stack(tr.poses)) for tr in everything}

    def assemble(
        self, num_keypoints: int, min_frames: int = 1, min_seconds: float = 0.0
    ) -> tuple[np.ndarray, np.ndarray]:
        """Tracks as arrays: keypoints (T, P, K, 3) with NaN x, y and 0 confidence where a track
        is absent, and track ids (P,). Tracks seen in fewer than min_frames frames, or over less
        than min_seconds (capped at half the video's span), are left out as noise."""
        everything = sorted(self._closed + self._live, key=lambda tr: tr.track_id)
        times = [t for tr in everything for t in (tr.times[0], tr.times[-1])]
        span = max(times) - min(times) if times else 0.0
        min_seconds = min(min_seconds, span / 2)
        kept = {
            tr.track_id for tr in everything
            if len(tr.frames) >= min_frames and tr.times[-1] - tr.times[0] >= min_seconds
        }  # fmt: skip
        tracks = {k: v for k, v in self.tracks().items() if k in kept}
        out = np.full((self.num_frames, len(tracks), num_keypoints, 3), np.nan, np.float32)
        out[..., 2] = 0.0
        for p, (frames, poses) in enumerate(tracks.values()):
            out[frames, p] = poses
        return out, np.array(list(tracks), np.int64)

    def tracklets(self) -> list[Tracklet]:
        """Every track so far as a :class:`Tracklet`, by id (the input of the offline stitching)."""
        everything = sorted(self._closed + self._live, key=lambda tr: tr.track_id)
        return [Tracklet.of(tr) for tr in everything]

    def _extend(self, track: _Track, frame: int, t: float, pose: np.ndarray, colour: np.ndarray | None) -> int:
        track.frames.append(frame)
        track.times.append(t)
        track.poses.append(np.asarray(pose, np.float32))
        track.colours.append(colour)
        track.missed = 0
        return track.track_id

    def _close_stale(self, t: float) -> None:
        keep: list[_Track] = []
        for track in self._live:
            (self._closed if t - track.times[-1] > self.config.max_gap else keep).append(track)
        self._live = keep
