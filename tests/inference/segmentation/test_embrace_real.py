"""The privacy video in the embrace at the end of indoor_two_people_1080p.mp4 (frames 52-71,
1.73 s to the end), the man in the dark jacket the athlete: the grey man's face, beside the
athlete's, must be blurred while the athlete, his arms around the other man included, stays sharp
at his keypoints. Two cases:

- **tracked**: the tracking stage follows the grey man through the embrace (docs/tracking.md 4b),
  so he has his own skeleton there. His face keypoints sit squeezed on the right of his face and
  the athlete's lie off the athlete's face, in the gap towards him (looked at, frames 51 and 62),
  so his forehead was nearer the athlete's skeleton and went to the athlete: 10.4 % of his face
  shown. Another person's head (within a head's height of their face keypoints,
  :func:`inference.segmentation.masks.head_zone`) is never the athlete's now.
- **lost**: a pose stage that loses him there (his frames removed): he is held at his last
  skeleton (:class:`inference.segmentation.masks.TrackedPeople`); before that hold his face was
  left sharp (88 % of its textured pixels shown, every frame at least 77 %)."""

import dataclasses

import numpy as np
import pytest

from bench.scoring.truth import load_truth
from inference.pipeline import AnalysisConfig, analyze
from inference.segmentation.masks import TrackedPeople
from inference.segmentation.privacy import blurred, privacy_frame
from inference.segmentation.stage import segment_video
from inference.skeleton import get_skeleton
from inference.video import iter_frames
from tests.support import ROOT, shared_clip

CLIP = "indoor_two_people_1080p.mp4"
EMBRACE = range(52, 72)  # frame indices: the pose stage has the grey man up to frame 51 (1.70 s)
# The grey man's face (forehead to chin, his ear to the tip of his nose; glasses), source pixels,
# drawn by looking at frames 52, 60, 66 and 71 at full size: it lies inside this box in each.
FACE = (860, 305, 930, 395)
# The athlete's face (hairline to chin, the tip of his nose to his ear), drawn by looking at frames
# 52, 62 and 71 at full size.
ATHLETE_FACE = (945, 265, 1000, 345)
TEXTURED = 400  # squared BGR distance between source and blur from which a pixel says something
SURE = 0.5


def _alphas(source: np.ndarray, shown: np.ndarray, blur: np.ndarray, ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """How much of the source the privacy frame shows at each textured pixel (ys, xs): shown =
    a · source + (1 − a) · blur solved for a; pixels where source and blur hardly differ dropped."""
    s, v, b = (a[ys, xs].astype(np.float32) for a in (source, shown, blur))
    d = s - b
    n = (d * d).sum(1)
    textured = n >= TEXTURED
    return np.clip(((v - b) * d).sum(1)[textured] / n[textured], 0, 1)


@pytest.fixture(scope="module")
def analysed() -> tuple:
    clip = shared_clip(CLIP)
    poses = analyze(clip, AnalysisConfig(until="athlete")).poses
    dark = load_truth(ROOT / "bench" / "truth" / "indoor_two_people_1080p.json").person("dark").box_at(0.0)
    inside = [((poses.keypoints[0, p, :, :2] >= dark[:2]) & (poses.keypoints[0, p, :, :2] <= dark[2:])).all(1).sum()
              for p in range(poses.num_people)]
    return clip, poses, int(np.argmax(inside))  # the man in the dark jacket, whoever the run chose


def _shown(source: np.ndarray, shown: np.ndarray, blur: np.ndarray, box: tuple[int, int, int, int]) -> float:
    """Share of the box's textured pixels the privacy frame shows (alpha ≥ SURE)."""
    x0, y0, x1, y1 = box
    ys, xs = (v.ravel() for v in np.mgrid[y0:y1, x0:x1])
    return float((_alphas(source, shown, blur, ys, xs) >= SURE).mean())


@pytest.fixture(scope="module", params=["tracked", "lost"])
def embrace(request, analysed) -> dict:
    clip, poses, athlete = analysed
    if request.param == "lost":  # as a pose stage that loses him there: his frames removed
        keypoints = poses.keypoints.copy()
        for p in range(poses.num_people):
            if p != athlete:
                keypoints[EMBRACE.start:, p, :, :2], keypoints[EMBRACE.start:, p, :, 2] = np.nan, 0.0
        poses = dataclasses.replace(poses, keypoints=keypoints)
    masks = segment_video(clip, poses, athlete)
    tracked = TrackedPeople(poses.keypoints, poses.timestamps, poses.size, get_skeleton(poses.skeleton).limbs, athlete)
    face, athlete_face, mine, held = [], [], [], []
    for k, (source, t) in enumerate(iter_frames(clip)):
        if k not in EMBRACE:
            continue
        shown, blur = privacy_frame(source, masks, masks.frame_at(t)), blurred(source)
        face.append(_shown(source, shown, blur, FACE))
        athlete_face.append(_shown(source, shown, blur, ATHLETE_FACE))
        j = int(np.argmin(np.abs(poses.timestamps - t)))
        own = poses.keypoints[j, athlete]
        sure = np.nan_to_num(own[:, 2]) > SURE
        xy = np.round(own[sure, :2]).astype(int)
        mine.extend(_alphas(source, shown, blur, xy[:, 1], xy[:, 0]).tolist())
        held.append(len(tracked.at(j)[1]))
    return {"case": request.param, "face": np.array(face), "athlete_face": np.array(athlete_face),
            "athlete": np.array(mine), "held": held, "poses": poses, "athlete_index": athlete}


def test_the_grey_man_is_tracked_or_held_in_the_embrace(embrace):
    """The cases this is about: tracked, both men have a skeleton in every frame of the embrace and
    nobody is held; lost, only the athlete is found there, and the grey man is held."""
    poses, athlete = embrace["poses"], embrace["athlete_index"]
    later = poses.timestamps >= 1.72
    found = (np.nan_to_num(poses.keypoints[later][..., 2]) > 0.3).sum(-1) >= 2  # (frames, people)
    assert later.sum() == len(EMBRACE) and found[:, athlete].all()
    others = np.delete(found, athlete, axis=1)
    if embrace["case"] == "tracked":
        assert others.any(axis=1).all() and embrace["held"] == [0] * len(EMBRACE)
    else:
        assert not others.any() and embrace["held"] == [1] * len(EMBRACE)


def test_the_other_mans_face_is_blurred_in_the_embrace(embrace):
    face = embrace["face"]
    assert len(face) == len(EMBRACE)
    assert face.mean() <= 0.1 and face.max() <= 0.25  # 0.88 and ≥ 0.77 in every frame before


def test_the_athlete_stays_sharp_in_the_embrace(embrace):
    mine = embrace["athlete"]
    assert len(mine) > 300  # ~20 frames x ~20 sure keypoints on textured pixels
    assert (mine >= 0.5).mean() >= 0.99
    # His face: where the grey man's head lies within a head's height of it, the part of it
    # outside his own core is blurred (tracked: 0.951 -> 0.886 of it shown, docs/segmentation.md).
    assert embrace["athlete_face"].mean() >= 0.8
