"""UNet++ person segmentation network in Keras 3 (runs on the TensorFlow and JAX backends).

UNet++: Zhou, Rahman Siddiquee, Tajbakhsh, Liang, "UNet++: A Nested U-Net Architecture for Medical
Image Segmentation", DLMIA 2018 (arXiv:1807.10165); pruning as in its section 2.3 and the
journal version (IEEE TMI 2020, arXiv:1912.05074).

Nodes X(i, j): i is the depth (resolution 1/2^i), j the position along the nested skip pathway.

- Backbone (j = 0): X(0,0) = H(input), X(i,0) = H(pool(X(i-1,0))).
- Dense skip pathways (j > 0): X(i,j) = H([X(i,0), …, X(i,j-1), up(X(i+1,j-1))]) — every earlier
  node at the same depth plus the upsampled node below.
- H is two 3x3 convolutions with batch normalisation and ReLU; pool is a 2x2 max pool; up is a
  bilinear 2x upsampling (the paper's transposed convolution costs more on a CPU for nothing here).
- Deep supervision: a 1x1 convolution + sigmoid on each of X(0,1), X(0,2), X(0,3), X(0,4)
  (heads 1–4), each a full-resolution person probability.
- Pruning at inference: level L keeps only the nodes with i + j ≤ L and the head X(0,L), so
  L1 is a tiny U-Net of depth 1 and L4 the whole network. Layer names are the same at every
  level, so weights trained at L4 load into a pruned model by name (:func:`set_weights_by_name`).

Input: (N, H, W, 3) float32 RGB in [0, 1], H and W multiples of 32 (2^depth with depth 4 suffices;
32 keeps room for a deeper configuration). Outputs: a list of (N, H, W, 1) float32 probabilities,
heads 1..L when ``deep_supervision`` is on, else the single (N, H, W, 1) head L. Every person in
the frame is foreground (the teacher masks every person found).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import keras
import numpy as np

MAX_LEVEL = 4
INPUT_MULTIPLE = 32
BN_MOMENTUM = 0.9  # batch-norm statistics settle within a few hundred steps (short CPU trainings)


@dataclass(frozen=True)
class UNetPPConfig:
    """filters: channels of X(i, ·) for depth i = 0..4 (five values).
    level: pruning level 1..4 (L1..L4): nodes with i + j ≤ level are built, head ``level`` is
        the output.
    deep_supervision: output every head 1..level (training); False outputs head ``level`` only.
    folded: convolutions with a bias and no batch normalisation, for inference with weights from
        :func:`fold_batch_norm` (same outputs, fewer operations per frame).
    channels: input channels (3: RGB; 4: RGB + a person's skeleton, :mod:`inference.segmentation.person`).
    """

    filters: tuple[int, ...] = (8, 16, 24, 32, 48)
    level: int = MAX_LEVEL
    deep_supervision: bool = True
    folded: bool = False
    channels: int = 3

    def __post_init__(self) -> None:
        if len(self.filters) != MAX_LEVEL + 1:
            raise ValueError(f"filters needs {MAX_LEVEL + 1} values (depth 0..{MAX_LEVEL})")
        if not 1 <= self.level <= MAX_LEVEL:
            raise ValueError(f"level must be 1..{MAX_LEVEL}, got {self.level}")


def _block(x: keras.KerasTensor, channels: int, name: str, folded: bool) -> keras.KerasTensor:
    """H: (conv 3x3, BN, ReLU) twice; folded: (conv 3x3 with bias, ReLU) twice."""
    for k in (1, 2):
        x = keras.layers.Conv2D(channels, 3, padding="same", use_bias=folded, name=f"{name}_conv{k}")(x)
        if not folded:
            x = keras.layers.BatchNormalization(momentum=BN_MOMENTUM, name=f"{name}_bn{k}")(x)
        x = keras.layers.ReLU(name=f"{name}_relu{k}")(x)
    return x


def build_unetpp(config: UNetPPConfig | None = None) -> keras.Model:
    """UNet++ of ``config`` (see the module docstring); weights are random (load them apart)."""
    config = config or UNetPPConfig()
    image = keras.Input((None, None, config.channels), name="image")
    nodes: dict[tuple[int, int], keras.KerasTensor] = {}
    for i in range(config.level + 1):
        source = image if i == 0 else keras.layers.MaxPooling2D(2, name=f"pool{i}")(nodes[i - 1, 0])
        nodes[i, 0] = _block(source, config.filters[i], f"X{i}0", config.folded)
    # Column by column: X(i, j) needs X(i+1, j-1), so j is the outer loop.
    for j in range(1, config.level + 1):
        for i in range(config.level + 1 - j):
            up = keras.layers.UpSampling2D(2, interpolation="nearest", name=f"up{i + 1}{j - 1}")(
                nodes[i + 1, j - 1]
            )
            inputs = [nodes[i, k] for k in range(j)] + [up]
            merged = keras.layers.Concatenate(name=f"cat{i}{j}")(inputs)
            nodes[i, j] = _block(merged, config.filters[i], f"X{i}{j}", config.folded)
    heads = range(1, config.level + 1) if config.deep_supervision else (config.level,)
    outputs = [
        keras.layers.Conv2D(1, 1, activation="sigmoid", dtype="float32", name=f"head{j}")(nodes[0, j])
        for j in heads
    ]
    suffix = f"L{config.level}" + ("_ds" if config.deep_supervision else "")
    return keras.Model(image, outputs, name=f"unetpp_{suffix}")


def weights_by_name(model: keras.Model) -> dict[str, np.ndarray]:
    """{"layer/index": array} of every weight (trainable and BN statistics)."""
    return {
        f"{layer.name}/{k}": np.asarray(keras.ops.convert_to_numpy(w))
        for layer in model.layers
        for k, w in enumerate(layer.weights)
    }


def set_weights_by_name(model: keras.Model, arrays: Mapping[str, np.ndarray]) -> None:
    """Load ``weights_by_name`` output into ``model`` (any pruning level of the same filters).

    Every weight the model has must be present with the same shape; extra arrays (the nodes a
    pruned model leaves out) are ignored.
    """
    for layer in model.layers:
        if not layer.weights:
            continue
        values = []
        for k, w in enumerate(layer.weights):
            key = f"{layer.name}/{k}"
            if key not in arrays:
                raise KeyError(f"weights have no {key}: trained with other filters or layers?")
            value = arrays[key]
            if tuple(value.shape) != tuple(w.shape):
                raise ValueError(f"{key}: weights {value.shape}, model {tuple(w.shape)}")
            values.append(value.astype(np.float32))
        layer.set_weights(values)


def fold_batch_norm(arrays: Mapping[str, np.ndarray], epsilon: float = 1e-3) -> dict[str, np.ndarray]:
    """Weights of a BN model → weights of the ``folded`` model: each conv's kernel scaled by
    γ/√(σ² + ε) per output channel and a bias β − μ·γ/√(σ² + ε) (inference-mode BN is affine).
    epsilon: Keras BatchNormalization's default."""
    out = {k: v for k, v in arrays.items() if "_bn" not in k}
    for key in [k for k in arrays if k.endswith("/0") and "_conv" in k]:
        bn = key.split("/")[0].replace("_conv", "_bn")
        if f"{bn}/0" not in arrays:
            continue
        gamma, beta, mean, var = (arrays[f"{bn}/{i}"].astype(np.float64) for i in range(4))
        scale = gamma / np.sqrt(var + epsilon)
        out[key] = (arrays[key] * scale).astype(np.float32)
        out[key.replace("/0", "/1")] = (beta - mean * scale).astype(np.float32)
    return out


def check_input_size(height: int, width: int) -> None:
    """Raise ValueError unless both sides are positive multiples of INPUT_MULTIPLE."""
    if height <= 0 or width <= 0 or height % INPUT_MULTIPLE or width % INPUT_MULTIPLE:
        raise ValueError(f"input {width}x{height}: both sides must be multiples of {INPUT_MULTIPLE}")
