"""Losses and metrics for person masks.

- :func:`bce_dice_loss` (Keras ops, any backend): binary cross-entropy + soft Dice, the loss UNet++
  puts on every deep-supervision head (Zhou et al. 2018, eq. 1: L = −Σ (½·Y·log Ŷ + 2·Y·Ŷ/(Y+Ŷ))
  per image, written here as BCE + (1 − Dice)). Soft Dice: Milletari et al., V-Net (2016).
- :func:`dice` and :func:`iou` (NumPy) for evaluation: on boolean masks, or on probabilities
  thresholded at 0.5. An empty prediction of an empty target scores 1.

Shapes: (N, H, W) or (N, H, W, 1); the metrics reduce over all pixels of each image, then average
over N (``per_image=True``) or pool all pixels (``per_image=False``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

SMOOTH = 1.0


def bce_dice_loss(y_true: Any, y_pred: Any) -> Any:
    """(N, H, W, 1) targets in [0, 1] (soft teacher masks allowed) and probabilities → (N,)."""
    import keras
    from keras import ops

    y_true = ops.cast(y_true, y_pred.dtype)
    eps = keras.config.epsilon()
    p = ops.clip(y_pred, eps, 1.0 - eps)
    bce = -ops.mean(y_true * ops.log(p) + (1.0 - y_true) * ops.log(1.0 - p), axis=(1, 2, 3))
    intersection = ops.sum(y_true * y_pred, axis=(1, 2, 3))
    total = ops.sum(y_true, axis=(1, 2, 3)) + ops.sum(y_pred, axis=(1, 2, 3))
    soft_dice = (2.0 * intersection + SMOOTH) / (total + SMOOTH)
    return bce + (1.0 - soft_dice)


def _binary(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a)
    if a.dtype != bool:
        a = a >= 0.5
    if a.ndim == 4:
        a = a[..., 0]
    if a.ndim == 2:
        a = a[None]
    return a


def _counts(pred: np.ndarray, target: np.ndarray, per_image: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    p, t = _binary(pred), _binary(target)
    if p.shape != t.shape:
        raise ValueError(f"prediction {p.shape} and target {t.shape} differ")
    axes = (1, 2) if per_image else (0, 1, 2)
    inter = np.logical_and(p, t).sum(axis=axes)
    return np.atleast_1d(inter), np.atleast_1d(p.sum(axis=axes)), np.atleast_1d(t.sum(axis=axes))


def iou(pred: np.ndarray, target: np.ndarray, per_image: bool = True) -> float:
    """Intersection over union (Jaccard) of two masks; mean over images when per_image."""
    inter, p, t = _counts(pred, target, per_image)
    union = p + t - inter
    return float(np.mean(np.where(union > 0, inter / np.maximum(union, 1), 1.0)))


def dice(pred: np.ndarray, target: np.ndarray, per_image: bool = True) -> float:
    """Dice coefficient (F1) of two masks; mean over images when per_image."""
    inter, p, t = _counts(pred, target, per_image)
    total = p + t
    return float(np.mean(np.where(total > 0, 2 * inter / np.maximum(total, 1), 1.0)))
