"""Dice and IoU on known masks; the BCE + Dice loss prefers the right mask."""

import numpy as np
import pytest

from inference.segmentation.losses import bce_dice_loss, dice, iou


def _square(size: int, x0: int, x1: int) -> np.ndarray:
    mask = np.zeros((size, size), bool)
    mask[x0:x1, x0:x1] = True
    return mask


def test_iou_and_dice_of_overlapping_squares():
    a = np.zeros((10, 10), bool)
    b = np.zeros((10, 10), bool)
    a[:, :6] = True  # 60 px
    b[:, 3:] = True  # 70 px, 30 shared
    assert iou(a, b) == pytest.approx(30 / 100)
    assert dice(a, b) == pytest.approx(2 * 30 / 130)
    assert iou(a, a) == 1.0 and dice(a, ~a) == 0.0


def test_probabilities_are_thresholded_and_empty_masks_agree():
    target = _square(8, 2, 6)
    assert iou(target.astype(np.float32) * 0.9, target) == 1.0
    assert iou(np.zeros((8, 8)), np.zeros((8, 8))) == 1.0
    assert iou(np.full((8, 8), 0.4), target) == 0.0


def test_per_image_mean_and_pooled_differ():
    pred = np.stack([_square(8, 0, 8), _square(8, 0, 2)])
    target = np.stack([_square(8, 0, 8), _square(8, 0, 4)])  # 64/64 and 4/16
    assert iou(pred, target, per_image=True) == pytest.approx((1 + 0.25) / 2)
    assert iou(pred, target, per_image=False) == pytest.approx(68 / 80)
    with pytest.raises(ValueError):
        iou(pred, target[:, :4])


def test_bce_dice_loss_is_lowest_for_the_target():
    target = _square(16, 4, 12).astype(np.float32)[None, ..., None]
    good = np.clip(target, 0.02, 0.98)
    shifted = np.roll(good, 4, axis=2)
    flat = np.full_like(target, 0.5)
    losses = [float(np.asarray(bce_dice_loss(target, p))[0]) for p in (good, shifted, flat)]
    assert losses[0] < 0.1 < losses[1] and losses[0] < losses[2]
