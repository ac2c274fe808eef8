"""Segmentation score: the share of predicted foreground that lies outside every true person's box.

Masks are at the segmentation's working resolution (h, w) over a source frame (W, H); a mask pixel
belongs to a box when its centre, in source pixels, lies inside the box grown by :data:`MASK_PAD` of
its height on every side (true boxes are rough; masks are coarse at the working resolution). Only
frames where every visible person's box is known are scored (:meth:`bench.scoring.truth.Truth.boxes_at`);
the share is over the foreground pixels of all those frames together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bench.scoring.people import padded

MASK_PAD = 0.1


@dataclass(frozen=True)
class MaskScores:
    frames_scored: int
    foreground: int  # pixels
    outside: int

    @property
    def share(self) -> float | None:
        return self.outside / self.foreground if self.foreground else None


def inside_boxes(boxes: list[np.ndarray], mask_size: tuple[int, int], source_size: tuple[int, int]) -> np.ndarray:
    """(h, w) bool: mask pixels whose centre lies in one of the padded ``boxes`` (source pixels)."""
    w, h = mask_size
    width, height = source_size
    x = (np.arange(w) + 0.5) * width / w
    y = (np.arange(h) + 0.5) * height / h
    out = np.zeros((h, w), bool)
    for box in boxes:
        x0, y0, x1, y1 = padded(box, MASK_PAD)
        out |= ((y >= y0) & (y <= y1))[:, None] & ((x >= x0) & (x <= x1))[None, :]
    return out


def score_masks(foreground: np.ndarray, times: np.ndarray, source_size: tuple[int, int],
                boxes_at: Callable[[float], tuple[dict[str, np.ndarray], bool]]) -> MaskScores:
    """foreground (M, h, w) bool at ``times`` (M,) over a ``source_size`` (W, H) frame;
    ``boxes_at(t)`` → ({person: box}, every visible box known)."""
    frames = fg_total = outside = 0
    for mask, t in zip(foreground, np.asarray(times, np.float64), strict=True):
        boxes, complete = boxes_at(float(t))
        if not complete:
            continue
        inside = inside_boxes(list(boxes.values()), (mask.shape[1], mask.shape[0]), source_size)
        frames += 1
        fg_total += int(mask.sum())
        outside += int((mask & ~inside).sum())
    return MaskScores(frames, fg_total, outside)
