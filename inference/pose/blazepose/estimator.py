"""Multi-person BlazePose in video mode: detect, then follow each person by their own landmarks.

MediaPipe's PoseLandmarkCpu graph (pose_landmark_cpu.pbtxt) follows one person: it runs the
detector only when there is no ROI from the previous frame's landmarks. Here every person found
keeps an ROI of their own; the detector also runs every ``redetect_every`` frames and whenever a
person was lost, so people who walk in are picked up. A detection is a person already followed
when its hip centre lies within ``SAME_PERSON_DISTANCE`` ROI sides of that person's hip centre;
other detections get a landmark pass of their own. The detector's hip point is rough when people
stand close together, so identity is settled on landmarks, every frame, across followed people and
new detections alike: two results whose landmarks coincide (median distance under
``DUPLICATE_DISTANCE`` ROI sides, also with left and right swapped), whose keypoint boxes overlap
or one of which lies on the other's limbs (:func:`inference.tracking.geometry.same_body`: an
upside-down fit from a region rotated by ~180°, a fit of one arm) are one body, and the one whose
landmarks moved least since the previous frame stays (a new detection loses to anyone already
followed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from inference.pose.blazepose.detector import Detection, PoseDetector
from inference.pose.blazepose.landmarks import LandmarkModel, LandmarkOutput, Roi, roi_from_points
from inference.pose.blazepose.tiles import detect_tiled
from inference.skeleton import get_skeleton
from inference.tracking.geometry import same_body

SKELETON = "blazepose33"
# MediaPipe keeps detections from 0.5 (solutions.pose's min_detection_confidence). Here every
# candidate is verified by the landmark model's pose flag (≥ 0.5) anyway, so the detector may
# propose more: people seen in profile, cut by the frame edge or small score 0.1–0.5 (the second
# player of opencv's basketball1.png scores 0.15) and are found; a candidate costs one landmark
# call on detection frames only.
MIN_DETECTION_SCORE = 0.1
SAME_PERSON_DISTANCE = 0.05  # of the followed ROI's side, between hip centres
DUPLICATE_DISTANCE = 0.05  # of the ROI side, median distance between two people's landmarks


def _default_model(name: str) -> str:
    from inference.models import model_path

    return str(model_path(name))


@dataclass
class _Followed:
    roi: Roi
    last: LandmarkOutput | None = None


@dataclass
class BlazePoseEstimator:
    """BlazePose (pose_detection.tflite + pose_landmark_full.tflite) for every person in a video.

    Call :meth:`process` with consecutive frames of one video (``reset()`` between videos), or
    :meth:`process_image` for a single image. Each person is a
    :class:`~inference.pose.blazepose.landmarks.LandmarkOutput`; ``keypoints()`` turns a list of
    them into the (P, 33, 3) array other stages use.

    redetect_every: run the detector at least this often (frames) while people are followed.
    max_people: stop adding people beyond this many (each costs one landmark-model call).
    num_threads: TFLite threads per interpreter.
    min_detection_score: detector score from which a candidate gets a landmark pass (see
        MIN_DETECTION_SCORE; 0.5 reproduces MediaPipe's choice).
    with_mask: also return each person's segmentation mask (costs a sigmoid of 256x256).
    tiles: in video mode, also run the detector on square tiles of the frame (small people;
        see inference/pose/blazepose/tiles.py).
    """

    detector_path: str | Path | None = None
    landmark_path: str | Path | None = None
    redetect_every: int = 10
    max_people: int = 8
    num_threads: int = 2
    min_detection_score: float = MIN_DETECTION_SCORE
    with_mask: bool = False
    tiles: bool = True
    skeleton: str = SKELETON
    _followed: list[_Followed] = field(default_factory=list, init=False, repr=False)
    _since_detection: int = field(default=0, init=False, repr=False)
    _lost: bool = field(default=True, init=False, repr=False)

    def __post_init__(self) -> None:
        detector = self.detector_path or _default_model("pose_detection.tflite")
        landmark = self.landmark_path or _default_model("pose_landmark_full.tflite")
        self.detector = PoseDetector(str(detector), self.num_threads, self.min_detection_score)
        self.landmarks = LandmarkModel(str(landmark), self.num_threads)

    def reset(self) -> None:
        """Forget everyone followed (start of a new video)."""
        self._followed = []
        self._since_detection = 0
        self._lost = True

    def process_image(self, image_bgr: np.ndarray, max_people: int | None = None) -> list[LandmarkOutput]:
        """Single image: detect, then landmarks for each detection (best first).

        With max_people=1 and min_detection_score=0.5 this is MediaPipe's static_image_mode.
        """
        limit = self.max_people if max_people is None else max_people
        height, width = image_bgr.shape[:2]
        rois = [roi_from_detection(d, width, height) for d in self.detector.detect(image_bgr)[:limit]]
        found = self.landmarks.run_many(image_bgr, rois, self.with_mask)
        return _drop_duplicates([(float("inf"), p) for p in found if p is not None])

    def process(self, frame_bgr: np.ndarray, timestamp: float | None = None) -> list[LandmarkOutput]:
        """Next frame of the video → everyone found in it (no identities; see inference.tracking).

        timestamp is accepted for interface symmetry; the models do not use time.
        """
        height, width = frame_bgr.shape[:2]
        rois = [f.roi for f in self._followed]
        followed = len(rois)
        if self._lost or not rois or self._since_detection >= self.redetect_every - 1:
            rois += self._new_people(frame_bgr, width, height)
            self._since_detection = 0
        else:
            self._since_detection += 1
        previous = [f.last for f in self._followed] + [None] * (len(rois) - followed)
        found = zip(self.landmarks.run_many(frame_bgr, rois, self.with_mask), previous, strict=True)
        people = _drop_duplicates([(_drift(p, last), p) for p, last in found if p is not None])
        self._lost = len(people) < followed
        self._followed = [_Followed(p.next_roi(), p) for p in people]
        return people

    def estimate(self, frames: list[np.ndarray]) -> list[np.ndarray]:
        """FramePoseEstimator interface: consecutive frames → per frame (P, 33, 3) x, y, visibility."""
        return [keypoints(self.process(frame)) for frame in frames]

    def _new_people(self, frame_bgr: np.ndarray, width: int, height: int) -> list[Roi]:
        followed = [f.last for f in self._followed if f.last is not None]
        new: list[Roi] = []
        detections = detect_tiled(self.detector, frame_bgr) if self.tiles else self.detector.detect(frame_bgr)
        for detection in detections:
            if len(followed) + len(new) >= self.max_people:
                break
            roi = roi_from_detection(detection, width, height)
            if not any(_same_person(roi, p) for p in followed):
                new.append(roi)
        return new


def roi_from_detection(detection: Detection, width: int, height: int) -> Roi:
    """Full-body ROI in pixels from detector keypoints 0 (hip centre) and 1 (size/rotation)."""
    scale = np.array([width, height], np.float64)
    return roi_from_points(detection.keypoints[0] * scale, detection.keypoints[1] * scale)


def _same_person(roi: Roi, person: LandmarkOutput) -> bool:
    hip = person.auxiliary[0]
    return bool(np.hypot(roi.cx - hip[0], roi.cy - hip[1]) < SAME_PERSON_DISTANCE * person.roi.size)


def _drift(person: LandmarkOutput, last: LandmarkOutput | None) -> float:
    """How far a followed person's landmarks moved since the last frame (median, in ROI sides);
    infinite for a new detection."""
    if last is None:
        return float("inf")
    moved = np.hypot(*(person.landmarks[:, :2] - last.landmarks[:, :2]).T)
    return float(np.median(moved) / max(last.roi.size, 1.0))


def _drop_duplicates(people: list[tuple[float, LandmarkOutput]]) -> list[LandmarkOutput]:
    """Keep one of any two results whose landmarks coincide (two ROIs that found one body).

    people: (drift, result) pairs. The result that moved least from its own previous landmarks
    stays: when two people overlap, the ROI that slid onto the other body is the one that jumped.
    New detections (infinite drift) come last; ties go to the higher presence score.
    """
    kept: list[LandmarkOutput] = []
    for _, person in sorted(people, key=lambda item: (item[0], -item[1].score)):
        if not any(_coincide(person, other) for other in kept):
            kept.append(person)
    return kept


_TORSO = [11, 12, 23, 24]  # shoulders and hips


def _coincide(a: LandmarkOutput, b: LandmarkOutput) -> bool:
    """One body found twice: the landmarks, or the torso alone (limbs of a second, poorer fit can
    wander off), lie within DUPLICATE_DISTANCE ROI sides of each other (median) — compared as
    they are and with b's left and right swapped (a second fit may take the back for the front) —
    or the two skeletons overlap as one body does (``same_body``: upside-down or partial fits)."""
    limit = DUPLICATE_DISTANCE * min(a.roi.size, b.roi.size)
    for other in (b.landmarks, b.landmarks[list(get_skeleton(SKELETON).mirror)]):
        distance = np.hypot(*(a.landmarks[:, :2] - other[:, :2]).T)
        if np.median(distance) < limit or np.median(distance[_TORSO]) < limit:
            return True
    return same_body(a.landmarks[:, [0, 1, 3]], b.landmarks[:, [0, 1, 3]], get_skeleton(SKELETON).limbs)


def keypoints(people: list[LandmarkOutput]) -> np.ndarray:
    """(P, 33, 3) x, y in frame pixels and visibility, from a list of people."""
    if not people:
        return np.zeros((0, 33, 3), np.float32)
    return np.stack([p.landmarks[:, [0, 1, 3]] for p in people]).astype(np.float32)
