"""Box decoding, weighted NMS, letterbox, ROI and crop transforms of the BlazePose backend."""

import math

import numpy as np
import pytest

from inference.pose.blazepose.detector import (
    Detection,
    decode_boxes,
    iou,
    letterbox,
    remove_letterbox,
    weighted_nms,
)
from inference.pose.blazepose.landmarks import (
    Roi,
    crop,
    decode_landmarks,
    refine_with_heatmap,
    roi_from_points,
)


def test_decode_boxes_known_values() -> None:
    anchors = np.array([[0.25, 0.5], [0.75, 0.75]], np.float32)
    raw = np.zeros((2, 12), np.float32)
    # centre offset (+22.4, -11.2) px of 224, size 44.8 x 89.6 px; keypoint 0 at +11.2, +22.4
    raw[0, :6] = [22.4, -11.2, 44.8, 89.6, 11.2, 22.4]
    scores = np.array([4.0, -1.0], np.float32)  # sigmoid 0.982 kept, 0.269 dropped
    boxes, keypoints, kept = decode_boxes(raw, scores, anchors, min_score=0.5)
    assert boxes.shape == (1, 4) and keypoints.shape == (1, 4, 2)
    np.testing.assert_allclose(boxes[0], [0.35 - 0.1, 0.45 - 0.2, 0.35 + 0.1, 0.45 + 0.2], atol=1e-6)
    np.testing.assert_allclose(keypoints[0, 0], [0.3, 0.6], atol=1e-6)
    np.testing.assert_allclose(keypoints[0, 1], [0.25, 0.5], atol=1e-6)  # zero offset: the anchor
    assert kept[0] == pytest.approx(1 / (1 + math.exp(-4.0)))


def test_scores_are_clipped_before_the_sigmoid() -> None:
    _, _, scores = decode_boxes(np.zeros((1, 12)), np.array([1e6]), np.zeros((1, 2)))
    assert scores[0] == pytest.approx(1.0)


def test_iou_known_values() -> None:
    box = np.array([0.0, 0.0, 2.0, 1.0])
    others = np.array([[1.0, 0.0, 3.0, 1.0], [0.0, 0.0, 2.0, 1.0], [5.0, 5.0, 6.0, 6.0]])
    np.testing.assert_allclose(iou(box, others), [1 / 3, 1.0, 0.0])


def test_weighted_nms_merges_overlaps_and_keeps_separate_people() -> None:
    boxes = np.array([[0.0, 0.0, 1.0, 1.0], [0.1, 0.0, 1.1, 1.0], [3.0, 3.0, 4.0, 4.0]])
    keypoints = np.zeros((3, 4, 2))
    keypoints[:, 0] = [[0.5, 0.5], [0.6, 0.5], [3.5, 3.5]]
    scores = np.array([0.6, 0.9, 0.7])
    result = weighted_nms(boxes, keypoints, scores, threshold=0.3)
    assert [d.score for d in result] == [0.9, 0.7]  # merged group keeps its best score
    np.testing.assert_allclose(result[0].box, (0.6 * boxes[0] + 0.9 * boxes[1]) / 1.5)
    np.testing.assert_allclose(result[0].keypoints[0], [(0.6 * 0.5 + 0.9 * 0.6) / 1.5, 0.5])
    np.testing.assert_allclose(result[1].box, boxes[2])


def test_weighted_nms_below_threshold_does_not_merge() -> None:
    boxes = np.array([[0.0, 0.0, 2.0, 1.0], [1.0, 0.0, 3.0, 1.0]])  # IoU 1/3
    result = weighted_nms(boxes, np.zeros((2, 4, 2)), np.array([0.9, 0.8]), threshold=0.34)
    assert len(result) == 2


def test_letterbox_landscape_pads_top_and_bottom() -> None:
    image = np.full((1080, 1920, 3), 255, np.uint8)
    tensor, pad = letterbox(image)
    assert tensor.shape == (1, 224, 224, 3)
    content_rows = 126  # 1080 * 224 / 1920
    top = (224 - content_rows) // 2
    assert pad == pytest.approx((0.0, top / 224, 0.0, (224 - content_rows - top) / 224))
    assert tensor[0, top + 5, 100].tolist() == pytest.approx([1.0, 1.0, 1.0])
    assert tensor[0, 0, 0].tolist() == pytest.approx([-1.0, -1.0, -1.0])  # black border


def test_remove_letterbox_maps_back_to_the_image() -> None:
    pad = (0.0, 0.25, 0.0, 0.25)
    d = Detection(np.array([0.1, 0.25, 0.3, 0.75]), np.full((4, 2), 0.5), 0.9)
    out = remove_letterbox(d, pad)
    np.testing.assert_allclose(out.box, [0.1, 0.0, 0.3, 1.0], atol=1e-6)
    np.testing.assert_allclose(out.keypoints[0], [0.5, 0.5], atol=1e-6)


def test_roi_from_points_upright_and_lying() -> None:
    upright = roi_from_points(np.array([100.0, 200.0]), np.array([100.0, 100.0]))
    assert (upright.cx, upright.cy, upright.rotation) == (100.0, 200.0, 0.0)
    assert upright.size == pytest.approx(2 * 100 * 1.25)
    # Head to the right of the hips: the crop's top must look to the right of the image.
    lying = roi_from_points(np.array([100.0, 200.0]), np.array([180.0, 200.0]))
    assert lying.rotation == pytest.approx(math.pi / 2)
    top_centre = lying.crop_to_image() @ np.array([128.0, 0.0, 1.0])
    np.testing.assert_allclose(top_centre, [100 + lying.size / 2, 200], atol=1e-9)


def test_crop_and_projection_round_trip() -> None:
    image = np.zeros((400, 600, 3), np.uint8)
    image[150:153, 350:353] = 255  # a bright dot centred at (351, 151)
    roi = Roi(cx=300.0, cy=200.0, size=240.0, rotation=math.radians(30))
    patch = crop(image, roi)[0]
    v, u = np.unravel_index(np.argmax(patch[..., 0]), patch.shape[:2])
    back = roi.crop_to_image() @ np.array([u, v, 1.0])
    np.testing.assert_allclose(back, [351, 151], atol=1.5)


def test_heatmap_refinement_moves_to_the_weighted_peak() -> None:
    h = w = 64
    heatmap = np.full((h, w, 2), -10.0, np.float32)
    rows, cols = np.mgrid[0:h, 0:w]
    heatmap[..., 0] = 8.0 - ((rows - 20) ** 2 + (cols - 30) ** 2)  # peak at row 20, col 30
    xy = np.array([[30.7 / 64, 20.6 / 64], [0.5, 0.5]])
    refined = refine_with_heatmap(xy, heatmap)
    # window centred on the peak cell: the mean is the cell index itself (no half-cell offset)
    np.testing.assert_allclose(refined[0], [30 / 64, 20 / 64], atol=1e-6)
    np.testing.assert_allclose(refined[1], xy[1])  # no confident cell: left alone
    off_peak = refine_with_heatmap(np.array([[32.5 / 64, 20.5 / 64]]), heatmap[..., :1])
    assert 30 / 64 < off_peak[0, 0] < 32 / 64  # pulled toward the peak, within its window


def test_decode_landmarks_projects_through_the_roi() -> None:
    raw = np.zeros((39, 5), np.float32)
    raw[:, :2] = 128.0  # every landmark at the crop centre...
    raw[0, :2] = [128.0, 0.0]  # ...except the nose at the top centre
    raw[:, 3:] = 20.0  # confident
    roi = Roi(cx=500.0, cy=300.0, size=200.0, rotation=math.pi / 2)
    heatmap = np.full((64, 64, 39), -10.0, np.float32)  # nothing to refine
    out = decode_landmarks(raw.ravel(), heatmap, np.zeros(117, np.float32), 0.9, roi)
    assert out.landmarks.shape == (33, 5)
    np.testing.assert_allclose(out.landmarks[1, :2], [500, 300], atol=1e-3)
    np.testing.assert_allclose(out.landmarks[0, :2], [600, 300], atol=1e-3)  # rotated 90°: up → right
    np.testing.assert_allclose(out.landmarks[:, 3:], 1.0, atol=1e-6)
    np.testing.assert_allclose(out.auxiliary, [[500, 300], [500, 300]], atol=1e-3)
