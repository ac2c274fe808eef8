"""The gated foreground on a clip the network never saw (basketball_pan_240p.mp4), against the
people's boxes a person drew by looking at the frames (bench/truth): issue 20's precision target
(foreground outside every true person's box, padded 10 % as the scoreboard pads it, ≤ 10 %), and
the athlete keeps her pixels wherever the truth shows her.

The privacy video on the same clip, frame by frame against the source (issue 20: "the privacy video
never blurs the athlete while they are tracked"): at the athlete's confident keypoints the video
shows the source's own pixels, at everyone else's (away from the athlete) the blurred ones. The
clip is the hard case: a far athlete (limbs one or two working pixels across) whom the network
misses for seconds at a time (without the athlete's core, 60 % of her keypoints were blurred)."""

from pathlib import Path

import numpy as np
import pytest

from bench.scoring.masks import inside_boxes, score_masks
from bench.scoring.truth import load_truth
from inference.cli import main
from inference.pipeline import AnalysisResult
from inference.segmentation.masks import MaskSequence
from inference.segmentation.privacy import blurred, privacy_frame
from inference.video import iter_frames
from tests.support import ROOT, shared_clip

CLIP = "basketball_pan_240p.mp4"
SURE = 0.5  # keypoint confidence from which a keypoint is judged


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    """The segment command twice in one folder: the first runs the pose stage, the second reuses
    its poses and athlete (as after ``analyze``) and renders the privacy video."""
    clip = shared_clip(CLIP)
    out = tmp_path_factory.mktemp("gate")
    assert main(["segment", str(clip), "--out", str(out), "--quiet"]) == 0
    (out / "first_masks.npz").write_bytes((out / "masks.npz").read_bytes())
    assert main(["segment", str(clip), "--out", str(out), "--quiet", "--render"]) == 0
    return out


@pytest.fixture(scope="module")
def masks(run) -> MaskSequence:
    return MaskSequence.load(run / "first_masks.npz")


def _alpha(source: np.ndarray, shown: np.ndarray, blur: np.ndarray, x: float, y: float) -> float | None:
    """How much of the source a privacy frame shows at (x, y): shown = a · source + (1 − a) · blur
    solved for a over the 3x3 pixels there where source and blur differ (median); None where
    they do not (a flat patch says nothing)."""
    h, w = source.shape[:2]
    xi, yi = int(round(x)), int(round(y))
    if not (0 <= xi < w and 0 <= yi < h):
        return None
    patch = np.s_[max(0, yi - 1):yi + 2, max(0, xi - 1):xi + 2]
    s, v, b = (a[patch].astype(np.float32).reshape(-1, 3) for a in (source, shown, blur))
    d = s - b
    n = (d * d).sum(1)
    textured = n >= 400  # 20 grey levels apart: well above the video codec's error
    if not textured.any():
        return None
    return float(np.median(np.clip(((v - b) * d).sum(1)[textured] / n[textured], 0, 1)))


@pytest.fixture(scope="module")
def privacy_alphas(run) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(the athlete's, everyone else's) alphas at confident keypoints over the privacy frames
    (:func:`privacy_frame` from the stored masks, what render_privacy encodes), and each frame of
    privacy.mp4's PSNR against them; another person's keypoints inside the athlete's keypoint box
    are left out (overlap)."""
    done = AnalysisResult.read(run)
    poses, athlete, masks = done.poses, done.athlete_index, MaskSequence.load(run / "masks.npz")
    assert athlete is not None
    mine, others, psnr = [], [], []
    video = iter_frames(run / "privacy.mp4")
    for (source, t), (encoded, _) in zip(iter_frames(shared_clip(CLIP)), video, strict=True):
        blur = blurred(source)
        shown = privacy_frame(source, masks, masks.frame_at(t))
        error = float(np.mean((encoded.astype(np.float32) - shown.astype(np.float32)) ** 2))
        psnr.append(10 * np.log10(255**2 / max(error, 1e-6)))
        j = int(np.argmin(np.abs(poses.timestamps - t)))
        scale = source.shape[1] / poses.size[0]
        own = poses.keypoints[j, athlete]
        sure = np.nan_to_num(own[:, 2]) > SURE
        low, high = (own[sure, :2].min(0), own[sure, :2].max(0)) if sure.sum() >= 2 else (None, None)
        for p in range(poses.num_people):
            for x, y, c in poses.keypoints[j, p]:
                if not np.nan_to_num(c) > SURE:
                    continue
                if p != athlete and low is not None and (low <= (x, y)).all() and ((x, y) <= high).all():
                    continue
                a = _alpha(source, shown, blur, x * scale, y * scale)
                if a is not None:
                    (mine if p == athlete else others).append(a)
    return np.array(mine), np.array(others), np.array(psnr)


def test_segment_reuses_the_runs_athlete(run):
    """The second segment call reads the athlete from the run's result.json (it once read a key
    that is not there, lost the athlete and blurred everyone)."""
    first, second = MaskSequence.load(run / "first_masks.npz"), MaskSequence.load(run / "masks.npz")
    assert first.athlete_index is not None and second.athlete_index == first.athlete_index
    assert second.athlete.unpacked().sum() == first.athlete.unpacked().sum() > 0


def test_the_privacy_video_never_blurs_the_tracked_athlete(privacy_alphas):
    mine, _, _ = privacy_alphas
    assert len(mine) > 3000  # she is tracked in most of the 300 frames, ~25 sure keypoints each
    assert (mine >= 0.5).mean() >= 0.99


def test_the_privacy_video_blurs_everyone_else(privacy_alphas):
    _, others, _ = privacy_alphas
    assert len(others) > 2000  # the player in blue and the people passing
    assert (others >= 0.5).mean() <= 0.01


def test_the_privacy_video_is_those_frames(privacy_alphas):
    """privacy.mp4 holds the frames judged above, up to the video codec's error."""
    _, _, psnr = privacy_alphas
    assert len(psnr) == 300 and np.median(psnr) > 35 and psnr.min() > 30


def test_foreground_outside_the_true_people_is_at_most_a_tenth(masks):
    truth = load_truth(ROOT / "bench" / "truth" / f"{Path(CLIP).stem}.json")
    scores = score_masks(masks.foreground, masks.times, masks.source_size, truth.boxes_at)
    assert scores.frames_scored > 100 and scores.foreground > 0
    assert scores.share is not None and scores.share <= 0.10


def test_the_athlete_keeps_foreground_where_the_truth_shows_her(masks):
    truth = load_truth(ROOT / "bench" / "truth" / f"{Path(CLIP).stem}.json")
    athlete = truth.person(truth.athlete)
    assert athlete is not None
    shown = with_pixels = 0
    for mask, t in zip(masks.foreground, masks.times, strict=True):
        box = athlete.box_at(float(t))
        if box is None:
            continue
        shown += 1
        inside = inside_boxes([box], masks.size, masks.source_size)
        with_pixels += int((mask & inside).any())
    # she is tracked in most of her frames; where she is not, the gate drops her (the known cost)
    assert shown > 100 and with_pixels / shown >= 0.75


def test_the_privacy_video_carries_the_athlete_through_short_gaps_of_her_track(run):
    """Frames where the pose stage misses her for at most BRIDGE_S inside her track (1-4 frames at
    0.27, 4.17, 5.27-5.44 and 9.11-9.14 s; looked at: she is there, sharp in the source; since the
    tracking's gap search, docs/tracking.md 4b, only 4.34-4.37 and 9.11-9.14 s are left) were
    blurred whole, a flicker: 0 % of her true box (bench/truth) shown in each of those 9 frames.
    Her keypoints are now interpolated across them, so the privacy video shows her there about as
    it does where she is tracked (a box holds background too: 28-60 % of its textured pixels
    shown in those frames, median 57 % over frames where she is tracked)."""
    from inference.segmentation.masks import BRIDGE_S, TrackedPeople

    def shown_share(source: np.ndarray, shown: np.ndarray, blur: np.ndarray, box: np.ndarray) -> float | None:
        """Share of the box's textured pixels the privacy frame shows (a ≥ 0.5, a as in _alpha)."""
        x0, y0, x1, y1 = (int(round(v)) for v in box)
        s, v, b = (a[max(0, y0):y1, max(0, x0):x1].astype(np.float32).reshape(-1, 3) for a in (source, shown, blur))
        d = s - b
        n = (d * d).sum(1)
        textured = n >= 400
        return float((((v - b) * d).sum(1)[textured] / n[textured] >= 0.5).mean()) if textured.any() else None

    done = AnalysisResult.read(run)
    poses, athlete, masks = done.poses, done.athlete_index, MaskSequence.load(run / "masks.npz")
    white = load_truth(ROOT / "bench" / "truth" / f"{Path(CLIP).stem}.json").person("white")
    tracked = TrackedPeople(poses.keypoints, poses.timestamps, poses.size, [], athlete)
    shares = []
    for source, t in iter_frames(shared_clip(CLIP)):
        j = int(np.argmin(np.abs(poses.timestamps - t)))
        before, after = tracked.previous[j, athlete], tracked.following[j, athlete]
        box = white.box_at(float(t))
        if tracked.present[j, athlete] or box is None or before < 0 or after >= poses.num_frames:
            continue
        if poses.timestamps[after] - poses.timestamps[before] <= BRIDGE_S:
            shown = privacy_frame(source, masks, masks.frame_at(t))
            shares.append(shown_share(source, shown, blurred(source), box))
    assert len(shares) >= 4 and None not in shares
    assert min(shares) >= 0.2 and np.mean(shares) >= 0.3
