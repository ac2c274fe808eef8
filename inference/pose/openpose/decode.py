"""Part affinity field decoding: heatmaps + PAFs → every person's COCO-18 keypoints (NumPy).

Written from Cao et al., "Realtime Multi-Person 2D Pose Estimation using Part Affinity Fields"
(CVPR 2017) and its journal version (TPAMI 2019), §2.2–2.4:

1. upsample the stride-8 heatmaps (cubic, ×2 by default, after a light Gaussian smoothing); PAFs
   are upsampled bilinearly, evaluated only at the points the line integrals read;
2. part candidates: threshold, 3x3 non-maximum suppression; sub-pixel peak position from a
   parabola through the log of the map (exact for a Gaussian peak);
3. limb scores: the line integral of the PAF along each candidate pair, sampled at
   ``paf_samples`` points, with OpenPose's criteria — at least ``paf_min_share`` of the samples
   above ``paf_threshold``, and a positive mean plus distance prior min(0.5 H / length - 1, 0);
4. per limb type, greedy bipartite matching by score (each candidate used once);
5. assembly along the limb tree into people; people sharing no part and joined by a limb are
   merged; the two redundant ear–shoulder limbs only add to existing people;
6. people with fewer than ``min_parts`` parts or a mean score below ``min_mean_score`` are dropped.

:func:`encode` renders the ground-truth maps of known skeletons (Gaussian peaks, max over people;
unit vectors within ``paf_width`` of each limb, averaged over overlapping people) for tests.

Arrays: heatmaps (h, w, 19) with the background last, pafs (h, w, 38) with channels as in
:data:`inference.skeleton.COCO18_PAF_CHANNELS`; keypoints (P, 18, 3) x, y, confidence.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from inference.skeleton import COCO18_NUM_HEATMAPS, COCO18_PAF_CHANNELS, COCO18_PAF_LIMBS

NUM_PARTS = COCO18_NUM_HEATMAPS - 1
TREE_LIMBS = 17  # the first 17 PAF limbs form a tree over the 18 parts; the last 2 are redundant


@dataclass(frozen=True)
class DecodeConfig:
    """Decoder settings. Defaults are OpenPose's published ones where it has one."""

    stride: int = 8
    upsample: int = 2  # heatmaps are searched at stride / upsample input pixels per pixel
    smooth_sigma: float = 2.0  # input pixels; 0 turns smoothing off
    peak_threshold: float = 0.1
    paf_threshold: float = 0.05
    paf_samples: int = 10
    paf_min_share: float = 0.8
    min_parts: int = 4
    min_mean_score: float = 0.4


def upsample_maps(maps: np.ndarray, factor: int) -> np.ndarray:
    """(h, w, C) → (h·factor, w·factor, C), cubic; pixel centres stay aligned."""
    maps = np.ascontiguousarray(maps, dtype=np.float32)
    if factor == 1:
        return maps
    h, w, c = maps.shape
    # OpenCV resizes up to 512 channels in one call.
    return cv2.resize(maps, (w * factor, h * factor), interpolation=cv2.INTER_CUBIC).reshape(
        h * factor, w * factor, c
    )


def smooth_maps(maps: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian smoothing of every channel of (h, w, C); sigma in map pixels (0: unchanged)."""
    if sigma <= 0:
        return maps
    return cv2.GaussianBlur(np.ascontiguousarray(maps), (0, 0), sigma).reshape(maps.shape)


_BEFORE = ((-1, -1), (-1, 0), (-1, 1), (0, -1))  # neighbours that must be strictly lower


def find_peaks(heat: np.ndarray, threshold: float) -> list[np.ndarray]:
    """Part candidates: for each of the first NUM_PARTS channels, an array (n, 3) x, y, score.

    heat: (h, w, ≥NUM_PARTS). x, y are map pixels with sub-pixel offsets from a parabola through
    the log of the map (the vertex is exact for a Gaussian peak). Non-maximum suppression over
    the 8 neighbours; on a flat top the top-left pixel wins, so a plateau gives one peak.
    """
    heat = np.ascontiguousarray(heat[..., :NUM_PARTS], dtype=np.float32)
    h, w, c = heat.shape
    # 3x3 grey dilation = the neighbourhood maximum (borders replicate, which cannot create
    # a maximum that is not one).
    neighbourhood = cv2.dilate(heat, np.ones((3, 3), np.uint8)).reshape(heat.shape)
    flat = heat.ravel()
    index = np.flatnonzero((heat >= threshold) & (heat >= neighbourhood))
    parts = index % c
    ys, xs = np.divmod(index // c, w)

    def at(dy: int, dx: int) -> np.ndarray:
        y, x = ys + dy, xs + dx
        inside = (y >= 0) & (y < h) & (x >= 0) & (x < w)
        values = flat[np.clip(index + (dy * w + dx) * c, 0, flat.size - 1)]
        return np.where(inside, values, -np.inf)

    values = flat[index]
    keep = np.ones(len(index), bool)
    for dy, dx in _BEFORE:
        keep &= values > at(dy, dx)
    index, parts, ys, xs, values = index[keep], parts[keep], ys[keep], xs[keep], values[keep]
    logc = np.log(np.maximum(values, 1e-6))
    offsets = []
    for before, after in (((0, -1), (0, 1)), ((-1, 0), (1, 0))):
        a = np.log(np.maximum(at(*before), 1e-6))
        b = np.log(np.maximum(at(*after), 1e-6))
        curvature = a - 2 * logc + b
        with np.errstate(divide="ignore", invalid="ignore"):
            offsets.append(np.clip(np.where(curvature < 0, 0.5 * (a - b) / curvature, 0), -0.5, 0.5))
    found = np.stack([xs + offsets[0], ys + offsets[1], np.clip(values, 0, 1)], 1).astype(np.float32)
    order = np.argsort(parts, kind="stable")
    return np.split(found[order], np.searchsorted(parts[order], np.arange(1, NUM_PARTS)))


def _bilinear(field: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """field (h, w, C) read at map coordinates x, y (any shape) → (..., C); edges clamped."""
    h, w = field.shape[:2]
    x = np.clip(x, 0, w - 1)
    y = np.clip(y, 0, h - 1)
    x0 = np.minimum(np.floor(x).astype(np.int64), w - 2 if w > 1 else 0)
    y0 = np.minimum(np.floor(y).astype(np.int64), h - 2 if h > 1 else 0)
    x1, y1 = np.minimum(x0 + 1, w - 1), np.minimum(y0 + 1, h - 1)
    fx, fy = (x - x0)[..., None], (y - y0)[..., None]
    top = field[y0, x0] * (1 - fx) + field[y0, x1] * fx
    bottom = field[y1, x0] * (1 - fx) + field[y1, x1] * fx
    return top * (1 - fy) + bottom * fy


def limb_scores(
    a: np.ndarray, b: np.ndarray, paf: np.ndarray, stride: float, image_height: float,
    config: DecodeConfig,
) -> np.ndarray:  # fmt: skip
    """Scores of every candidate pair of one limb type: (na, nb), -inf where a criterion fails.

    a, b: (n, 3) candidates, x, y in input pixels; paf: (h, w, 2) the limb's field at ``stride``
    input pixels per map pixel, read by bilinear interpolation (the upsampled field, evaluated
    only where the line integral needs it); image_height: input pixels, for the distance prior.
    """
    if len(a) == 0 or len(b) == 0:
        return np.full((len(a), len(b)), -np.inf, np.float32)
    d = b[None, :, :2] - a[:, None, :2]  # (na, nb, 2)
    length = np.linalg.norm(d, axis=-1)
    unit = d / np.maximum(length, 1e-6)[..., None]
    t = np.linspace(0.0, 1.0, config.paf_samples, dtype=np.float32)
    points = a[:, None, None, :2] + t[None, None, :, None] * d[:, :, None, :]  # (na, nb, S, 2)
    field = _bilinear(paf, (points[..., 0] + 0.5) / stride - 0.5, (points[..., 1] + 0.5) / stride - 0.5)
    along = (field * unit[:, :, None, :]).sum(axis=-1)  # (na, nb, S)
    share = (along > config.paf_threshold).mean(axis=-1)
    prior = np.minimum(0.5 * image_height / np.maximum(length, 1e-6) - 1.0, 0.0)
    score = along.mean(axis=-1) + prior
    ok = (share >= config.paf_min_share) & (score > 0) & (length > 1e-6)
    return np.where(ok, score, -np.inf).astype(np.float32)


def match_greedy(scores: np.ndarray) -> list[tuple[int, int, float]]:
    """Greedy bipartite matching on a (na, nb) score matrix: best pairs first, each index once."""
    ia, ib = np.nonzero(np.isfinite(scores))
    order = np.argsort(-scores[ia, ib], kind="stable")
    used_a: set[int] = set()
    used_b: set[int] = set()
    matches = []
    for k in order:
        i, j = int(ia[k]), int(ib[k])
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        matches.append((i, j, float(scores[i, j])))
    return matches


class _Person:
    __slots__ = ("parts", "score")

    def __init__(self) -> None:
        self.parts = np.full(NUM_PARTS, -1, np.int64)  # peak index per part
        self.score = 0.0  # sum of peak scores and limb scores

    @property
    def count(self) -> int:
        return int((self.parts >= 0).sum())


def _add_part(person: _Person, part: int, index: int, peaks: list[np.ndarray]) -> None:
    person.parts[part] = index
    person.score += float(peaks[part][index, 2])


def assemble(
    peaks: list[np.ndarray], connections: list[list[tuple[int, int, float]]]
) -> list[_Person]:
    """Join matched limbs into people, limb type by limb type along the tree (Cao et al. §2.4)."""
    people: list[_Person] = []
    for limb, (pa, pb) in enumerate(COCO18_PAF_LIMBS):
        for ia, ib, score in connections[limb]:
            with_a = [p for p in people if p.parts[pa] == ia]
            with_b = [p for p in people if p.parts[pb] == ib]
            if with_a and with_b:
                p, q = with_a[0], with_b[0]
                if p is q:
                    continue
                if np.any((p.parts >= 0) & (q.parts >= 0)):
                    continue  # both already whole where they overlap: keep them apart
                p.parts = np.where(p.parts >= 0, p.parts, q.parts)
                p.score += q.score + score
                people.remove(q)
            elif with_a or with_b:
                p = (with_a or with_b)[0]
                part, index = (pb, ib) if with_a else (pa, ia)
                if p.parts[part] < 0:
                    _add_part(p, part, index, peaks)
                    p.score += score
            elif limb < TREE_LIMBS:
                p = _Person()
                _add_part(p, pa, ia, peaks)
                _add_part(p, pb, ib, peaks)
                p.score += score
                people.append(p)
    return people


def decode_maps(
    heatmaps: np.ndarray, pafs: np.ndarray, config: DecodeConfig = DecodeConfig()
) -> np.ndarray:
    """Decode one frame's maps. heatmaps (h, w, 19), pafs (h, w, 38) at ``config.stride``.

    Returns (P, 18, 3): x, y in network-input pixels (pixel centres at integers) and the peak's
    score; NaN, NaN, 0 for missing parts. People are sorted by total score, best first.
    """
    f = config.upsample
    # Smoothing and cubic upsampling are both linear filters: smoothing the small map is the
    # same up to interpolation error, and 16 times cheaper.
    heat = smooth_maps(np.asarray(heatmaps[..., :NUM_PARTS], np.float32), config.smooth_sigma / config.stride)
    heat = upsample_maps(heat, f)
    map_px = config.stride / f  # input pixels per upsampled map pixel
    peaks = find_peaks(heat, config.peak_threshold)
    for p in peaks:
        p[:, :2] = (p[:, :2] + 0.5) * map_px - 0.5
    image_height = heatmaps.shape[0] * config.stride
    connections = []
    for (pa, pb), (cx, cy) in zip(COCO18_PAF_LIMBS, COCO18_PAF_CHANNELS, strict=True):
        field = pafs[..., [cx, cy]]
        scores = limb_scores(peaks[pa], peaks[pb], field, config.stride, image_height, config)
        connections.append(match_greedy(scores))
    people = [
        p
        for p in assemble(peaks, connections)
        if p.count >= config.min_parts and p.score / p.count >= config.min_mean_score
    ]
    people.sort(key=lambda p: -p.score)
    out = np.full((len(people), NUM_PARTS, 3), np.nan, np.float32)
    out[..., 2] = 0.0
    for i, person in enumerate(people):
        for part in np.nonzero(person.parts >= 0)[0]:
            out[i, part] = peaks[part][person.parts[part]]
    return out


def encode(
    keypoints: np.ndarray,
    input_size: tuple[int, int],
    stride: int = 8,
    sigma: float = 7.0,
    paf_width: float = 8.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Ground-truth maps for known people, the way OpenPose's training labels are made.

    keypoints: (P, 18, 3) x, y in input pixels and visibility (> 0 present).
    input_size: (width, height) of the network input, multiples of ``stride``.
    sigma: Gaussian peak width, input pixels; paf_width: half-width of a limb's field, input px.
    Returns heatmaps (h, w, 19) (background = 1 - max over parts) and pafs (h, w, 38).
    """
    width, height = input_size
    h, w = height // stride, width // stride
    # Centre of map cell (i, j) in input pixels.
    gx = (np.arange(w, dtype=np.float32) + 0.5) * stride - 0.5
    gy = (np.arange(h, dtype=np.float32) + 0.5) * stride - 0.5
    heat = np.zeros((h, w, COCO18_NUM_HEATMAPS), np.float32)
    paf = np.zeros((h, w, 2 * len(COCO18_PAF_LIMBS)), np.float32)
    for person in np.asarray(keypoints, np.float32):
        for part, (x, y, v) in enumerate(person):
            if v > 0:
                g = np.exp(-((gx[None] - x) ** 2 + (gy[:, None] - y) ** 2) / (2 * sigma**2))
                heat[..., part] = np.maximum(heat[..., part], g)
    for (pa, pb), (cx, cy) in zip(COCO18_PAF_LIMBS, COCO18_PAF_CHANNELS, strict=True):
        total = np.zeros((h, w, 2), np.float32)
        count = np.zeros((h, w), np.float32)
        for person in np.asarray(keypoints, np.float32):
            a, b = person[pa], person[pb]
            if a[2] <= 0 or b[2] <= 0:
                continue
            d = b[:2] - a[:2]
            length = float(np.linalg.norm(d))
            if length < 1e-6:
                continue
            u = d / length
            rx, ry = gx[None] - a[0], gy[:, None] - a[1]
            along = rx * u[0] + ry * u[1]
            across = np.abs(rx * u[1] - ry * u[0])
            on = (along >= 0) & (along <= length) & (across <= paf_width)
            total[on] += u
            count[on] += 1
        nz = count > 0
        paf[nz, cx] = total[nz, 0] / count[nz]
        paf[nz, cy] = total[nz, 1] / count[nz]
    heat[..., NUM_PARTS] = 1.0 - heat[..., :NUM_PARTS].max(axis=-1)
    return heat, paf
