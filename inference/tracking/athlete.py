"""Quality per track and the choice of the athlete.

Athlete rule: the track with the largest sum, over the frames it is in, of
``height × centrality``, where height is the pose's box height over the frame height and
centrality is 1 − (distance of the box centre from the frame centre) / (half the frame diagonal).
So the athlete is the person who is in the video longest, biggest and nearest the middle, in one
number. When another person scores at least :data:`CLOSE_CALL` of the athlete's score, the rule's
choice is a close call (:func:`close_call`): the video page asks the coach to check it. A coach
overrides it by clicking a person: :func:`track_at_point` returns the track whose
pose is nearest to the click at the frame nearest the click's time.

Arrays: keypoints (T, P, K, 3) — x, y pixels, confidence; NaN x/y where a person is absent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inference.tracking.geometry import MIN_CONFIDENCE, pose_box, visible

# The athlete rule's choice is a close call when the runner-up's score is at least this share of
# the athlete's. A product choice, not a fitted value: the score adds up size, centrality and
# time in view, and a person within 20 % on that sum (a little smaller but more central, or in
# view a little less) is as likely to be the one being coached. In lab_two_people_portrait_60fps
# the performing man scores 0.997 of the standing foreground woman (bench/truth: "a coach could
# pick either"); in the other development clips the runner-up scores 0.66-0.71.
CLOSE_CALL = 0.8


@dataclass(frozen=True)
class TrackSummary:
    """Quality of one track over a video (frames are analysed frames, not source frames)."""

    track_id: int
    first_frame: int
    last_frame: int
    frames: int
    coverage: float  # frames / analysed frames of the video
    mean_confidence: float  # of the keypoints' confidences, absent ones count 0
    mean_height: float  # box height / frame height
    mean_centrality: float
    athlete_score: float

    def as_dict(self) -> dict[str, float | int]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}



def summarize(
    keypoints: np.ndarray, track_ids: np.ndarray, size: tuple[int, int], min_confidence: float = MIN_CONFIDENCE
) -> list[TrackSummary]:
    """Per track quality and athlete score. keypoints: (T, P, K, 3); track_ids (P,); size (w, h)."""
    width, height = size
    centre = np.array([width / 2, height / 2])
    half_diagonal = float(np.hypot(width, height) / 2)
    summaries = []
    for p, track_id in enumerate(track_ids):
        present, heights, central, conf = [], [], [], []
        for t in range(keypoints.shape[0]):
            box = pose_box(keypoints[t, p], min_confidence)
            if box is None:
                continue
            present.append(t)
            heights.append((box[3] - box[1]) / height)
            middle = (box[:2] + box[2:]) / 2
            central.append(max(0.0, 1.0 - float(np.hypot(*(middle - centre))) / half_diagonal))
            conf.append(float(np.nan_to_num(keypoints[t, p, :, 2]).mean()))
        if not present:
            continue
        h, c = np.array(heights), np.array(central)
        summaries.append(
            TrackSummary(
                track_id=int(track_id),
                first_frame=present[0],
                last_frame=present[-1],
                frames=len(present),
                coverage=len(present) / max(keypoints.shape[0], 1),
                mean_confidence=float(np.mean(conf)),
                mean_height=float(h.mean()),
                mean_centrality=float(c.mean()),
                athlete_score=float((h * c).sum()),
            )
        )
    return summaries


def choose_athlete(summaries: list[TrackSummary]) -> int | None:
    """The track id with the highest athlete score (see module docstring), None without tracks."""
    if not summaries:
        return None
    return max(summaries, key=lambda s: (s.athlete_score, -s.track_id)).track_id


def close_call(scores: dict[int, float], athlete: int | None) -> int | None:
    """The runner-up track when the athlete rule's choice is a close call, else None.

    scores: athlete score by track id (``TrackSummary.athlete_score``); athlete: the chosen track.
    The runner-up is the best-scoring other track; it is returned when its score is at least
    ``CLOSE_CALL`` of the athlete's (module docstring)."""
    if athlete is None or athlete not in scores:
        return None
    others = [(score, -track) for track, score in scores.items() if track != athlete]
    if not others:
        return None
    score, negative = max(others)
    return -negative if score >= CLOSE_CALL * scores[athlete] else None


def track_at_point(
    keypoints: np.ndarray,
    track_ids: np.ndarray,
    timestamps: np.ndarray,
    x: float,
    y: float,
    t: float,
    min_confidence: float = MIN_CONFIDENCE,
) -> int | None:
    """The track a click at (x, y) pixels, time t seconds, points at.

    At the analysed frame nearest t, a person whose box (grown by 10 %) holds the point wins over
    one whose box does not; among those, the one with a keypoint nearest the point. None when
    nobody is in that frame.
    """
    if keypoints.shape[0] == 0:
        return None
    frame = int(np.argmin(np.abs(np.asarray(timestamps) - t)))
    point = np.array([x, y], np.float64)
    best: tuple[bool, float, int] | None = None
    for p, track_id in enumerate(track_ids):
        pose = keypoints[frame, p]
        box = pose_box(pose, min_confidence)
        if box is None:
            continue
        margin = 0.1 * (box[2:] - box[:2])
        inside = bool(((box[:2] - margin) <= point).all() and (point <= (box[2:] + margin)).all())
        distance = float(np.min(np.hypot(*(pose[visible(pose, min_confidence), :2] - point).T)))
        key = (not inside, distance, int(track_id))
        if best is None or key < best:
            best = key
    return None if best is None else best[2]
