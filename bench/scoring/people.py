"""People scores: skeletons and tracks against the true people's boxes.

Definitions (each a pure function below):

- A skeleton's box is the box of its keypoints with confidence >= :data:`KEYPOINT_MIN` (all finite
  keypoints when fewer than two pass); a person slot with no finite keypoint in a frame has no
  skeleton there.
- A skeleton *matches* a true person when at least :data:`MATCH_MIN` of its box's area lies inside
  the person's box grown by :data:`BOX_PAD` of its height on every side (keypoint boxes are tighter
  than a person's outline and the true boxes are rough keyframes); among several, the one holding
  the largest share. A frame is *judged* when every person visible in it has a known box
  (:meth:`bench.scoring.truth.Truth.boxes_at`).
- Duplicate frame: two skeletons whose boxes overlap with IoU > :data:`DUPLICATE_IOU` or whose
  object keypoint similarity exceeds :data:`DUPLICATE_OKS` (COCO's OKS, keypoints compared on the
  COCO-18 set with COCO's per-keypoint sigmas, the scale s² the mean of the two boxes' areas).
- Phantom: a skeleton in a judged frame that matches no true person. A skeleton-frame is judged
  when it matches someone (any frame) or lies in a judged frame.
- A phantom *lasts* over a run of consecutive analysed frames in which one slot's skeleton is a
  phantom; its duration runs from the first frame's time to one frame interval (the clip's median)
  after the last. Issue 17's target counts runs longer than :data:`PHANTOM_MAX_SECONDS`: a phantom
  of a frame or two is a flicker a coach may not even see, one that lasts is a skeleton on
  nothing.
- A track belongs to the true person its skeletons match in more than half of its judged
  skeleton-frames (else to nobody); tracks per true person counts, for each person with at least
  one track, how many tracks belong to them.
- Athlete coverage: frames where the true athlete is visible with a known box, and among them the
  frames where the chosen athlete slot has a skeleton matching the athlete (what the product
  analyses), and the frames where the athlete's *own track* does (the slot matching them in the
  most such frames: how well tracking follows them, whoever the athlete rule picked); frames
  where the chosen slot's skeleton matches another true person are the choice's frames on someone
  else.
- Identity switches: over every track, the frames where its skeleton matches a true person other
  than the one the track belongs to (a track that jumps from one person to another).

Shapes: T frames, P person slots, K keypoints.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from bench.scoring.truth import Truth

KEYPOINT_MIN = 0.3
BOX_PAD = 0.1
MATCH_MIN = 0.5
DUPLICATE_IOU = 0.6
DUPLICATE_OKS = 0.7
PHANTOM_MAX_SECONDS = 0.2  # issue 17: "0 phantom skeletons lasting more than 0.2 s"

# COCO keypoint sigmas (cocodataset.org/#keypoints-eval; pycocotools cocoeval.py), by COCO-18 name.
# The neck is not a COCO keypoint and is left out of OKS.
COCO_SIGMAS: dict[str, float] = {
    "Nose": 0.026, "LEye": 0.025, "REye": 0.025, "LEar": 0.035, "REar": 0.035,
    "LShoulder": 0.079, "RShoulder": 0.079, "LElbow": 0.072, "RElbow": 0.072,
    "LWrist": 0.062, "RWrist": 0.062, "LHip": 0.107, "RHip": 0.107,
    "LKnee": 0.087, "RKnee": 0.087, "LAnkle": 0.089, "RAnkle": 0.089,
}  # fmt: skip


def skeleton_box(keypoints: np.ndarray) -> np.ndarray | None:
    """(K, 3) → (4,) x0, y0, x1, y1 of the skeleton, None when absent (see module docstring)."""
    finite = np.isfinite(keypoints[:, :2]).all(1)
    confident = finite & (np.nan_to_num(keypoints[:, 2]) >= KEYPOINT_MIN)
    use = confident if confident.sum() >= 2 else finite
    if not use.any():
        return None
    xy = keypoints[use, :2]
    return np.concatenate([xy.min(0), xy.max(0)]).astype(np.float64)


def area(box: np.ndarray) -> float:
    return float(max(box[2] - box[0], 0.0) * max(box[3] - box[1], 0.0))


def intersection(a: np.ndarray, b: np.ndarray) -> float:
    return area(np.array([max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])]))


def iou(a: np.ndarray, b: np.ndarray) -> float:
    inter = intersection(a, b)
    union = area(a) + area(b) - inter
    return inter / union if union > 0 else 0.0


def padded(box: np.ndarray, pad: float = BOX_PAD) -> np.ndarray:
    """The box grown by ``pad`` of its height on every side."""
    grow = pad * (box[3] - box[1])
    return np.asarray(box, np.float64) + np.array([-grow, -grow, grow, grow])


def inside_share(box: np.ndarray, container: np.ndarray) -> float:
    """Share of ``box``'s area inside ``container`` (a degenerate box: whether its centre is)."""
    if area(box) <= 0:
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        return float(container[0] <= cx <= container[2] and container[1] <= cy <= container[3])
    return intersection(box, container) / area(box)


def oks(a: np.ndarray, b: np.ndarray, sigmas: np.ndarray, scale_sq: float) -> float:
    """COCO object keypoint similarity of two skeletons a, b (K, 3) with per-keypoint ``sigmas``
    (K,) (NaN: not compared) at scale² ``scale_sq`` (pixels²): the mean of
    exp(-d² / (2 s² (2σ)²)) over keypoints confident in both; 0 when none is."""
    both = (np.isfinite(a[:, :2]).all(1) & np.isfinite(b[:, :2]).all(1) & np.isfinite(sigmas)
            & (np.nan_to_num(a[:, 2]) >= KEYPOINT_MIN) & (np.nan_to_num(b[:, 2]) >= KEYPOINT_MIN))  # fmt: skip
    if not both.any() or scale_sq <= 0:
        return 0.0
    d2 = ((a[both, :2] - b[both, :2]) ** 2).sum(1)
    k2 = (2 * sigmas[both]) ** 2
    return float(np.exp(-d2 / (2 * scale_sq * k2)).mean())


def match_person(box: np.ndarray, true_boxes: dict[str, np.ndarray]) -> str | None:
    """The true person whose padded box holds the largest share (>= MATCH_MIN) of ``box``."""
    best, best_share = None, MATCH_MIN
    for person, true_box in true_boxes.items():
        share = inside_share(box, padded(true_box))
        if share >= best_share:
            best, best_share = person, share
    return best


def is_duplicate(a: np.ndarray, b: np.ndarray, box_a: np.ndarray, box_b: np.ndarray, sigmas: np.ndarray) -> bool:
    """Whether two skeletons (K, 3) with boxes (4,) are one person seen twice."""
    if iou(box_a, box_b) > DUPLICATE_IOU:
        return True
    return oks(a, b, sigmas, (area(box_a) + area(box_b)) / 2) > DUPLICATE_OKS


@dataclass(frozen=True)
class PeopleScores:
    """Counts over one clip (see the module docstring). tracks_per_person: {person id: tracks};
    people_without_track: ids of true people with a known box somewhere and no track of their own;
    skeleton_frames_judged: skeleton-frames matched to someone or in judged frames."""

    frames: int
    duplicate_frames: int
    skeleton_frames_judged: int
    phantoms: int
    tracks_per_person: dict[str, int]
    people_without_track: tuple[str, ...]
    tracks_of_nobody: int
    athlete_visible: int  # frames the athlete is visible with a known box
    athlete_covered: int  # ... and the chosen athlete slot matches them
    identity_switches: int  # track frames on a person other than the track's own
    athlete_visible_any: int = 0  # frames the athlete is visible, box known or not
    phantom_runs: tuple[float, ...] = ()  # seconds each phantom lasted, longest first
    athlete_own_track_covered: int = 0  # frames the athlete's own track (best slot) matches them
    chosen_on_another: int = 0  # athlete frames where the chosen slot matches someone else
    chosen_person: str | None = None  # the true person the chosen slot's track belongs to

    @property
    def lasting_phantoms(self) -> int:
        """Phantoms lasting more than PHANTOM_MAX_SECONDS."""
        return sum(d > PHANTOM_MAX_SECONDS for d in self.phantom_runs)

    @property
    def mean_tracks_per_person(self) -> float | None:
        counts = list(self.tracks_per_person.values())
        return float(np.mean(counts)) if counts else None


def _frame_boxes(frame: np.ndarray) -> dict[int, np.ndarray]:
    """{slot: skeleton box} of the skeletons present in one frame (P, K, 3)."""
    boxes = {p: skeleton_box(frame[p]) for p in range(frame.shape[0])}
    return {p: box for p, box in boxes.items() if box is not None}


def _has_duplicate(frame: np.ndarray, boxes: dict[int, np.ndarray], sigmas: np.ndarray) -> bool:
    slots = sorted(boxes)
    return any(is_duplicate(frame[p], frame[q], boxes[p], boxes[q], sigmas)
               for i, p in enumerate(slots) for q in slots[i + 1:])  # fmt: skip


def _track_owner(counts: Counter[str | None]) -> str | None:
    """The person a track belongs to: the one its skeletons match in more than half of its judged
    skeleton-frames, else None."""
    total = sum(counts.values())
    if not total:
        return None
    person, n = counts.most_common(1)[0]
    return person if n > total / 2 else None


def _track_owners(owners: list[Counter[str | None]]) -> tuple[Counter[str], int]:
    """({person: tracks}, tracks on nobody) from each track's per-frame matches."""
    per_person: Counter[str] = Counter()
    nobody = 0
    for counts in owners:
        if not sum(counts.values()):
            continue
        person = _track_owner(counts)
        if person is not None:
            per_person[person] += 1
        else:
            nobody += 1
    return per_person, nobody


def _switches(owners: list[Counter[str | None]]) -> int:
    """Frames, over every track that belongs to someone, where it matches another true person."""
    total = 0
    for counts in owners:
        person = _track_owner(counts)
        if person is not None:
            total += sum(n for q, n in counts.items() if q not in (None, person))
    return total


def score_people(keypoints: np.ndarray, times: np.ndarray, athlete_index: int | None, truth: Truth,
                 sigmas: np.ndarray) -> PeopleScores:
    """keypoints (T, P, K, 3) source pixels, times (T,) seconds, the chosen athlete's slot;
    ``sigmas`` (K,) per keypoint for OKS (NaN: left out).

    A skeleton matching a known box counts in any frame; one matching none counts (as a phantom,
    and as a frame of its track on nobody) only where the frame is judged, since it may be a
    visible person whose box is unknown there."""
    frames, slots = keypoints.shape[:2]
    duplicates = judged = phantoms = visible = visible_any = covered = on_another = 0
    athlete_by_slot: Counter[int] = Counter()
    athlete = truth.person(truth.athlete)
    owners: list[Counter[str | None]] = [Counter() for _ in range(slots)]
    people_seen: set[str] = set()
    phantom_frames: list[list[int]] = [[] for _ in range(slots)]
    for f in range(frames):
        present = _frame_boxes(keypoints[f])
        duplicates += _has_duplicate(keypoints[f], present, sigmas)
        true_boxes, complete = truth.boxes_at(float(times[f]))
        people_seen.update(true_boxes)
        matches = {p: match_person(box, true_boxes) for p, box in present.items()}
        for p, person in matches.items():
            if person is not None or complete:
                judged += 1
                phantoms += person is None
                owners[p][person] += 1
                if person is None:
                    phantom_frames[p].append(f)
        visible_any += athlete is not None and athlete.visible_at(float(times[f]))
        if truth.athlete in true_boxes:
            visible += 1
            chosen = matches.get(athlete_index) if athlete_index is not None else None
            covered += chosen == truth.athlete
            on_another += chosen not in (None, truth.athlete)
            athlete_by_slot.update(p for p, person in matches.items() if person == truth.athlete)
    per_person, nobody = _track_owners(owners)
    return PeopleScores(
        frames=frames, duplicate_frames=duplicates, skeleton_frames_judged=judged, phantoms=phantoms,
        tracks_per_person=dict(per_person), people_without_track=tuple(sorted(people_seen - set(per_person))),
        tracks_of_nobody=nobody, athlete_visible=visible, athlete_covered=covered, identity_switches=_switches(owners), athlete_visible_any=visible_any,
        phantom_runs=_run_seconds(phantom_frames, times),
        athlete_own_track_covered=max(athlete_by_slot.values(), default=0), chosen_on_another=on_another,
        chosen_person=None if athlete_index is None else _track_owner(owners[athlete_index]),
    )  # fmt: skip


def _run_seconds(frames_per_slot: list[list[int]], times: np.ndarray) -> tuple[float, ...]:
    """Durations (s, longest first) of the runs of consecutive frames in each slot's list: from
    the first frame's time to one median frame interval after the last."""
    step = float(np.median(np.diff(times))) if len(times) > 1 else 0.0
    runs: list[float] = []
    for frames in frames_per_slot:
        start = None
        for i, f in enumerate(frames):
            if start is None:
                start = f
            if i + 1 == len(frames) or frames[i + 1] != f + 1:
                runs.append(round(float(times[f] - times[start]) + step, 6))  # no 0.2000000001
                start = None
    return tuple(sorted(runs, reverse=True))
