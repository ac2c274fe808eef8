"""Offline stitching: tracklets of the online pass joined into identities, using the whole video.

The online tracker (:mod:`.online`) breaks a track whenever a person is missed for longer than
its ``max_gap`` or jumps further than its motion model allows (a fast turn, an occlusion, a
region lost and re-detected a few frames later). The analysis is offline, so every pair of
tracklets (a starting before b) is judged as a possible continuation:

- motion: a's box centre, carried on at a's velocity over its last ``EDGE_FRAMES`` observations
  to b's first time or left where it was (whichever is nearer), must land within
  ``reach + speed · gap`` box scales of b's first centre;
- size: the two box scales (√area) within a factor ``max_size_ratio``;
- appearance: the Hellinger distance of the torso colour histograms (:mod:`.appearance`) of a's
  last and b's first ``EDGE_FRAMES`` observations at most ``max_colour`` (where both measured);
- exclusion: the two show different bodies (not :func:`.geometry.same_body`) in at most
  ``max_conflicts`` frames — a region slid off its person for a few frames while a re-detection
  already found them again; the more confident skeleton of such a frame stays.

Links are accepted greedily, cheapest first (cost = distance / allowed distance + colour
distance), merging whole identities, and refused when the two identities would show two bodies
in more than ``max_conflicts`` frames. Gaps stay gaps: nothing is interpolated (the report greys them out).

Arrays: poses (N, K, 3) per tracklet; assembled keypoints (T, P, K, 3), NaN where absent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from inference.tracking.appearance import colour_distance, typical_colour
from inference.tracking.geometry import box_scale, pose_box, same_body
from inference.tracking.online import Tracklet

EDGE_FRAMES = 5  # observations at a tracklet's end for its position, velocity and colour
# Tracklets seen in fewer frames are one-off fits (a region rotated off its person for a frame):
# too short to carry a velocity or a colour, they are left out of the stitching and, below the
# pipeline's min_track_frames (3), out of the output.
MIN_LINK_FRAMES = 3
# Re-identification across long gaps (:func:`reidentify`). Whole-identity torso colours measured
# on the four development clips (Hellinger distance of the mean histograms): one person against
# themselves (first half against second half of a long tracklet) 0.14-0.58, the 0.58 the indoor
# clip's dark man, half covered by the other's arm in the embrace; two different people 0.77-0.96
# on identities of 50+ frames, and at least 0.64 on any two tracklets of 10+ measured frames.
# A wrong join is worse than a split (a switch corrupts the athlete's numbers; a coach joins two
# tracks in one click), so the limit sits well under every two-person distance measured and some
# one-person pairs stay split.
MIN_COLOUR_FRAMES = 10  # measured observations before an identity's colour is trusted
REID_MAX_COLOUR = 0.5
# Longer gaps are not re-identified: the longer someone is out of view, the likelier it is that
# someone else in similar clothes came in (a team-mate in the same kit), which colour cannot tell.
REID_MAX_GAP = 10.0  # seconds


@dataclass(frozen=True)
class StitchConfig:
    """max_gap: seconds between two tracklets that may be one person (a player hidden behind
    another for a second, a missed turn). reach: box scales a person may be off the prediction at
    no gap (pose change moves the box centre). speed: box scales per second the prediction may be
    off per second of gap: 1.5 box scales ≈ 0.9 body heights ≈ 1.5 m/s, a jog sustained over the
    whole gap (the players of basketball_pan_240p.mp4 move 0.1-0.8 heights/s between bench/truth
    keyframes, the pan included; a sprint is faster but rarely unseen for long). max_size_ratio: of the box scales. max_colour: Hellinger
    distance of torso histograms beyond which two tracklets are two people. Measured on the
    online tracklets of the four development clips (pairs within 2 s, each tracklet owned by a
    true person of bench/truth): 73 pairs of one person, median 0.64, 90th percentile 0.97;
    24 pairs of two people, median 0.95, 10th percentile 0.73. Colour is a weak cue on 240p
    footage, so it gates only near-certain differences and otherwise adds to the cost.
    max_conflicts: frames in which two tracklets may show two different bodies and still be one
    person (0.17 s at 30 fps): a region that slid off its person for a few frames while a
    re-detection already found them again; the more confident skeleton of such a frame stays."""

    max_gap: float = 2.0
    reach: float = 1.0
    speed: float = 1.5
    max_size_ratio: float = 2.0
    max_colour: float = 0.95
    max_conflicts: int = 5


@dataclass(frozen=True)
class _End:
    """Where a tracklet is at one end: time, box centre (2,), box scale, velocity (2,) px/s."""

    time: float
    centre: np.ndarray
    scale: float
    velocity: np.ndarray


def _end(tracklet: Tracklet, index: np.ndarray) -> _End:
    """The tracklet at the observations ``index`` (≤ EDGE_FRAMES, in time order)."""
    boxes = [pose_box(tracklet.poses[i]) for i in index]
    centres = np.array([(b[:2] + b[2:]) / 2 if b is not None else (np.nan, np.nan) for b in boxes])
    ok = np.isfinite(centres).all(1)
    times = tracklet.times[index][ok]
    centres = centres[ok]
    velocity = np.zeros(2)
    if len(times) >= 2 and times[-1] > times[0]:
        velocity = (centres[-1] - centres[0]) / (times[-1] - times[0])
    last = int(index[-1])
    return _End(float(tracklet.times[last]), centres[-1] if len(centres) else np.full(2, np.nan),
                box_scale(tracklet.poses[last]), velocity)  # fmt: skip


def link_cost(a: Tracklet, b: Tracklet, limbs: Sequence[tuple[int, int]], config: StitchConfig) -> float | None:
    """Cost of b continuing a (None: it cannot). a starts first; see the module docstring."""
    before = np.flatnonzero(a.frames < b.frames[0])
    if not len(before):
        return None
    if _conflicts(a, b, limbs) > config.max_conflicts:
        return None
    tail = _end(a, before[-EDGE_FRAMES:])
    head = _end(b, np.arange(min(EDGE_FRAMES, len(b.frames))))
    gap = head.time - tail.time
    if gap > config.max_gap or not (np.isfinite(tail.centre).all() and np.isfinite(head.centre).all()):
        return None
    if max(tail.scale, head.scale) > config.max_size_ratio * min(tail.scale, head.scale):
        return None
    # Carried on at its velocity, or stopped where it was last seen: a velocity over a few
    # frames says little about where someone is a second later (they turn, they stop).
    moved = min(float(np.hypot(*(tail.centre + tail.velocity * gap - head.centre))),
                float(np.hypot(*(tail.centre - head.centre))))  # fmt: skip
    distance = moved / ((tail.scale + head.scale) / 2)
    allowed = config.reach + config.speed * gap
    if distance > allowed:
        return None
    colour = colour_distance(typical_colour(a.colours[before[-EDGE_FRAMES:]]),
                             typical_colour(b.colours[:EDGE_FRAMES]))  # fmt: skip
    if np.isfinite(colour) and colour > config.max_colour:
        return None
    return distance / allowed + (colour if np.isfinite(colour) else config.max_colour)


def _conflicts(a: Tracklet, b: Tracklet, limbs: Sequence[tuple[int, int]]) -> int:
    """Frames where the two tracklets show two different bodies."""
    _, in_a, in_b = np.intersect1d(a.frames, b.frames, return_indices=True)
    return sum(not same_body(a.poses[i], b.poses[j], limbs) for i, j in zip(in_a, in_b, strict=True))


def _compatible(group_a: list[Tracklet], group_b: list[Tracklet], limbs: Sequence[tuple[int, int]],
                max_conflicts: int) -> bool:
    """Whether two identities show two different bodies in at most max_conflicts frames."""
    return sum(_conflicts(a, b, limbs) for a in group_a for b in group_b) <= max_conflicts


def _chained(group: list[Tracklet], limbs: Sequence[tuple[int, int]], config: StitchConfig) -> bool:
    """Whether every tracklet of ``group`` (in time order) that starts after the others it follows
    have ended continues the one of them seen last (link_cost): the motion rule holds from where
    the person was last seen, not only from the tracklet whose link joined the two identities."""
    for b in group:
        ended = [a for a in group if a is not b and a.frames[-1] < b.frames[0]]
        if not ended or any(a.frames[0] < b.frames[0] <= a.frames[-1] for a in group if a is not b):
            continue  # the first tracklet, or one overlapping another (conflicts are judged apart)
        last = max(ended, key=lambda a: a.frames[-1])
        if link_cost(last, b, limbs, config) is None:
            return False
    return True


def stitch(tracklets: Sequence[Tracklet], limbs: Sequence[tuple[int, int]],
           config: StitchConfig | None = None) -> list[list[Tracklet]]:
    """Tracklets → identities (lists of tracklets), each identity in time order, by first frame.
    Tracklets shorter than MIN_LINK_FRAMES are left out."""
    config = config or StitchConfig()
    order = sorted(tracklets, key=lambda tr: (tr.frames[0], tr.track_id))
    order = [tr for tr in order if len(tr.frames) >= MIN_LINK_FRAMES]
    links = []
    for i, a in enumerate(order):
        for b in order[i + 1:]:
            if b.times[0] - a.times[-1] > config.max_gap:
                break  # b and every later one start too long after a ends (order is by start)
            cost = link_cost(a, b, limbs, config)
            if cost is not None:
                links.append((cost, a.track_id, b.track_id))
    group_of = {tr.track_id: [tr] for tr in order}
    for _, a_id, b_id in sorted(links):
        group_a, group_b = group_of[a_id], group_of[b_id]
        if group_a is group_b or not _compatible(group_a, group_b, limbs, config.max_conflicts):
            continue
        merged = sorted(group_a + group_b, key=lambda tr: tr.frames[0])
        if not _chained(merged, limbs, config):
            continue
        for tr in merged:
            group_of[tr.track_id] = merged
    identities = {id(g): g for g in group_of.values()}
    return sorted(identities.values(), key=lambda g: (g[0].frames[0], g[0].track_id))


@dataclass(frozen=True)
class _Identity:
    group: list[Tracklet]
    first: float  # time
    last: float
    colour: np.ndarray
    measured: int
    scale: float  # median box scale


def _identity(group: list[Tracklet]) -> _Identity:
    rows = np.concatenate([tr.colours for tr in group])
    measured = int(np.isfinite(rows).all(1).sum()) if rows.size else 0
    scales = [box_scale(pose) for tr in group for pose in tr.poses]
    finite = [x for x in scales if np.isfinite(x) and x > 0]
    return _Identity(group, min(tr.times[0] for tr in group), max(tr.times[-1] for tr in group),
                     typical_colour(rows), measured, float(np.median(finite)) if finite else float("nan"))  # fmt: skip


def reidentify(identities: Sequence[list[Tracklet]], limbs: Sequence[tuple[int, int]],
               config: StitchConfig | None = None) -> list[list[Tracklet]]:
    """Identities the stitching kept apart because one was out of view longer than ``max_gap``,
    joined by appearance alone when it is unambiguous: a ends before b starts, more than
    ``max_gap`` and at most ``REID_MAX_GAP`` seconds earlier; both have ``MIN_COLOUR_FRAMES``
    measured torso colours; their whole-identity colours are within ``REID_MAX_COLOUR`` and each
    is the other's nearest (by colour, among all identities with a trusted colour: someone
    dressed alike elsewhere in the video makes the pair ambiguous, and it stays split); box scales
    within ``max_size_ratio``; never two bodies at once (``max_conflicts``). Closest pairs first.
    Motion says nothing after seconds out of view (the camera pans, the person walks anywhere),
    so it is not used. The joined identity is in time order; the rest are unchanged."""
    config = config or StitchConfig()
    people = [_identity(list(g)) for g in identities]
    trusted = [i for i, p in enumerate(people) if p.measured >= MIN_COLOUR_FRAMES]
    distance = {(i, j): colour_distance(people[i].colour, people[j].colour) for i in trusted for j in trusted if i != j}

    def nearest(i: int) -> int | None:
        """The identity nearest i in colour; None when none is, or two are equally near."""
        others = sorted((distance[i, j], j) for j in trusted if j != i and np.isfinite(distance[i, j]))
        if not others or (len(others) > 1 and others[1][0] - others[0][0] < 1e-6):
            return None
        return others[0][1]

    pairs = []
    for i in trusted:
        for j in trusted:
            a, b = people[i], people[j]
            gap = b.first - a.last
            if not (config.max_gap < gap <= REID_MAX_GAP) or not distance[i, j] <= REID_MAX_COLOUR:
                continue
            if nearest(i) != j or nearest(j) != i:
                continue
            if not (np.isfinite(a.scale) and np.isfinite(b.scale)) or max(a.scale, b.scale) > config.max_size_ratio * min(a.scale, b.scale):
                continue
            pairs.append((distance[i, j], i, j))
    group_of = {i: [i] for i in range(len(people))}
    for _, i, j in sorted(pairs):
        if group_of[i] is group_of[j]:
            continue
        tracklets_i = [tr for k in group_of[i] for tr in people[k].group]
        tracklets_j = [tr for k in group_of[j] for tr in people[k].group]
        if not _compatible(tracklets_i, tracklets_j, limbs, config.max_conflicts):
            continue
        merged = group_of[i] + group_of[j]
        for k in merged:
            group_of[k] = merged
    out = {id(g): sorted((tr for k in g for tr in people[k].group), key=lambda tr: tr.frames[0]) for g in group_of.values()}
    return sorted(out.values(), key=lambda g: (g[0].frames[0], g[0].track_id))


def assemble(identities: Sequence[Sequence[Tracklet]], num_frames: int, num_keypoints: int,
             min_frames: int = 1, min_seconds: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Identities as arrays: keypoints (T, P, K, 3), NaN x, y and 0 confidence where absent, and
    their ids (P,) — each the smallest id of its tracklets. Identities seen in fewer than
    min_frames frames or over less than min_seconds (capped at half the video's span) are left
    out as noise. Where two tracklets of one identity share a frame (one body fitted twice), the
    more confident pose stays."""
    times = [t for g in identities for tr in g for t in (tr.times[0], tr.times[-1])]
    span = max(times) - min(times) if times else 0.0
    min_seconds = min(min_seconds, span / 2)
    kept = []
    for group in identities:
        frames = np.unique(np.concatenate([tr.frames for tr in group]))
        first, last = min(tr.times[0] for tr in group), max(tr.times[-1] for tr in group)
        if len(frames) >= min_frames and last - first >= min_seconds:
            kept.append(group)
    out = np.full((num_frames, len(kept), num_keypoints, 3), np.nan, np.float32)
    out[..., 2] = 0.0
    confidence = np.full((num_frames, len(kept)), -1.0)
    for p, group in enumerate(kept):
        for tr in group:
            score = np.nan_to_num(tr.poses[:, :, 2]).mean(1)
            better = score > confidence[tr.frames, p]
            out[tr.frames[better], p] = tr.poses[better]
            confidence[tr.frames[better], p] = score[better]
    ids = np.array([min(tr.track_id for tr in g) for g in kept], np.int64)
    return out, ids

