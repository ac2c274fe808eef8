"""SSD anchors of the 224x224 BlazePose detector (layout of pose_detection_cpu.pbtxt)."""

import numpy as np
import pytest

from inference.pose.blazepose.detector import NUM_ANCHORS, ssd_anchors


def test_anchor_count_matches_the_model_output() -> None:
    anchors = ssd_anchors()
    assert anchors.shape == (NUM_ANCHORS, 2) == (2254, 2)


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (0, (0.5 / 28, 0.5 / 28)),  # stride 8: 28x28 cells, 2 anchors each
        (1, (0.5 / 28, 0.5 / 28)),
        (2, (1.5 / 28, 0.5 / 28)),  # row-major: x moves first
        (2 * 28, (0.5 / 28, 1.5 / 28)),
        (1567, (27.5 / 28, 27.5 / 28)),
        (1568, (0.5 / 14, 0.5 / 14)),  # stride 16: 14x14 cells, 2 anchors each
        (1568 + 392, (0.5 / 7, 0.5 / 7)),  # three stride-32 layers share 7x7 cells: 6 anchors each
        (1568 + 392 + 5, (0.5 / 7, 0.5 / 7)),
        (1568 + 392 + 6, (1.5 / 7, 0.5 / 7)),
        (2253, (6.5 / 7, 6.5 / 7)),
    ],
)
def test_known_anchor_centres(index: int, expected: tuple[float, float]) -> None:
    np.testing.assert_allclose(ssd_anchors()[index], expected, atol=1e-6)


def test_layers_with_the_same_stride_share_a_feature_map() -> None:
    anchors = ssd_anchors(strides=(8, 16, 32))
    assert len(anchors) == 28 * 28 * 2 + 14 * 14 * 2 + 7 * 7 * 2
