"""Action scores over the labelled time of a clip, frame by frame.

The frames scored are the clip's frames whose time lies in a labelled segment of the truth. At each,
the predicted label is the label of the predicted segment holding that time (segments are
[start, end)), ``unknown`` where none does; its confidence is the per-frame probability of that
label nearest in time (the segmenter's smoothed probabilities). The truth's ``other`` (no class of
the product fits) is answered correctly by ``unknown`` and by nothing else.

- accuracy: frames whose predicted label equals the truth's (or unknown on other);
- unknown: frames predicted unknown among those whose truth is a class (not other);
- confidently wrong: frames with a wrong class label (not unknown) whose confidence is at least
  :data:`CONFIDENT`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

UNKNOWN = "unknown"
OTHER = "other"
CONFIDENT = 0.6


@dataclass(frozen=True)
class ActionScores:
    frames: int  # labelled frames scored
    frames_with_class: int  # of which the truth is a class (not other)
    correct: int
    unknown: int
    confidently_wrong: int

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.frames if self.frames else None

    @property
    def unknown_share(self) -> float | None:
        return self.unknown / self.frames_with_class if self.frames_with_class else None

    @property
    def confidently_wrong_share(self) -> float | None:
        return self.confidently_wrong / self.frames if self.frames else None


def predicted_at(t: float, segments: Sequence[tuple[str, float, float, float | None]]) -> str:
    return next((label for label, a, b, _ in segments if a <= t < b), UNKNOWN)


def score_actions(times: np.ndarray, label_at: Callable[[float], str | None],
                  segments: Sequence[tuple[str, float, float, float | None]], classes: Sequence[str],
                  prob_times: np.ndarray, probabilities: np.ndarray) -> ActionScores:
    """times (T,) the clip's frame times; ``label_at(t)`` the true label (None: not labelled);
    segments [(label, start, end, confidence)]; probabilities (T', C) over ``classes`` (C,) at
    ``prob_times`` (T',)."""
    frames = with_class = correct = unknown = wrong = 0
    for t in np.asarray(times, np.float64):
        truth = label_at(float(t))
        if truth is None:
            continue
        frames += 1
        with_class += truth != OTHER
        label = predicted_at(float(t), segments)
        if label == UNKNOWN:
            unknown += truth != OTHER
            correct += truth == OTHER
            continue
        if label == truth:
            correct += 1
            continue
        confidence = 0.0
        if label in classes and len(prob_times):
            value = probabilities[int(np.argmin(np.abs(prob_times - t))), list(classes).index(label)]
            confidence = float(np.nan_to_num(value))
        wrong += confidence >= CONFIDENT
    return ActionScores(frames, with_class, correct, unknown, wrong)
