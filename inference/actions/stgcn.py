"""ST-GCN (Yan, Xiong & Lin, 2018, "Spatial Temporal Graph Convolutional Networks for Skeleton-Based
Action Recognition", AAAI) in Keras 3, so it runs on the TensorFlow and the JAX backends.

Graph: the action skeleton (:mod:`inference.actions.joints`, BODY_25's body joints) with the
*spatial configuration* partition (paper §3.4): each joint's neighbourhood (itself and its 1-hop
neighbours) splits into the root (same distance to the centre as the joint), centripetal (closer to
the centre) and centrifugal (farther) subsets; the centre is the mid-hip. Each subset's adjacency is
normalised by the node degrees, A_k Λ^-1 (paper eq. 6, as in the authors' code), and a learnable
edge-importance mask M multiplies it (paper §3.6).

Block: spatial graph convolution (1×1 convolution to K·C' channels, then Σ_k X_k (A_k ⊙ M_k)),
batch norm, ReLU, temporal convolution (kernel 9 frames, optional stride), batch norm, dropout,
residual (identity, or a strided 1×1 convolution where the shape changes), ReLU.

Input: (N, C, T, V) — C channels (normalised x, y and the keypoint confidence, see
:func:`inference.actions.features.normalize`), T frames, V joints. Output: (N, classes) softmax.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from inference.actions.joints import ACTION_EDGES, CENTER, NUM_JOINTS

TEMPORAL_KERNEL = 9


def hop_distance(num_nodes: int, edges: tuple[tuple[int, int], ...], max_hop: int | None = None) -> np.ndarray:
    """(V, V) shortest-path length in edges between every pair of joints (inf if unreachable)."""
    adjacency = np.eye(num_nodes, dtype=bool)
    for a, b in edges:
        adjacency[a, b] = adjacency[b, a] = True
    hops = np.full((num_nodes, num_nodes), np.inf)
    reach = np.eye(num_nodes, dtype=bool)
    for d in range(num_nodes if max_hop is None else max_hop + 1):
        hops[reach & np.isinf(hops)] = d
        reach = (reach.astype(int) @ adjacency.astype(int)) > 0
    return hops


def spatial_partition(num_nodes: int = NUM_JOINTS, edges: tuple[tuple[int, int], ...] = ACTION_EDGES,
                      center: int = CENTER) -> np.ndarray:
    """(3, V, V) adjacency of the root, centripetal and centrifugal subsets, column-normalised.

    A[k, i, j] is the weight joint i's feature contributes to joint j's output, so the graph
    convolution is Y[:, j] = Σ_k Σ_i X_k[:, i] A[k, i, j].
    """
    hops = hop_distance(num_nodes, edges, max_hop=1)
    neighbours = hops <= 1
    degree = neighbours.sum(axis=0).astype(np.float64)
    normalised = neighbours / degree[None, :]  # column j divided by j's degree
    to_center = hop_distance(num_nodes, edges)[:, center]
    partition = np.zeros((3, num_nodes, num_nodes), np.float32)
    for i, j in zip(*np.nonzero(neighbours), strict=True):
        if to_center[i] == to_center[j]:
            k = 0
        elif to_center[i] < to_center[j]:
            k = 1  # i is closer to the centre than j: centripetal for j
        else:
            k = 2
        partition[k, i, j] = normalised[i, j]
    return partition


@dataclass(frozen=True)
class STGCNConfig:
    """channels/strides: one entry per ST-GCN block; frames: T of a window; in_channels: C."""

    num_classes: int
    channels: tuple[int, ...] = (32, 32, 64, 64)
    strides: tuple[int, ...] = (1, 1, 2, 1)
    frames: int = 40
    in_channels: int = 3
    dropout: float = 0.1

    def to_dict(self) -> dict[str, Any]:
        return {"num_classes": self.num_classes, "channels": list(self.channels), "strides": list(self.strides),
                "frames": self.frames, "in_channels": self.in_channels, "dropout": self.dropout}  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> STGCNConfig:
        return cls(num_classes=int(data["num_classes"]), channels=tuple(data["channels"]),
                   strides=tuple(data["strides"]), frames=int(data["frames"]),
                   in_channels=int(data["in_channels"]), dropout=float(data["dropout"]))  # fmt: skip


def _graph_conv_layer(partition: np.ndarray, channels: int, name: str) -> Any:
    import keras

    class GraphConv(keras.layers.Layer):  # type: ignore[misc]
        """(N, T, V, C) → (N, T, V, C'): Σ_k (X W_k)(A_k ⊙ M_k)."""

        def build(self, input_shape: tuple[int, ...]) -> None:
            k = partition.shape[0]
            self.conv = keras.layers.Dense(k * channels, name="conv")
            self.conv.build(input_shape)
            self.edge_importance = self.add_weight(name="edge_importance", shape=partition.shape,
                                                   initializer="ones", trainable=True)  # fmt: skip
            self.adjacency = self.add_weight(name="adjacency", shape=partition.shape,
                                             initializer=keras.initializers.Constant(partition), trainable=False)  # fmt: skip

        def call(self, x: Any) -> Any:
            ops = keras.ops
            n_t_v = ops.shape(x)[:3]
            y = ops.reshape(self.conv(x), (-1, n_t_v[1], n_t_v[2], partition.shape[0], channels))
            return ops.einsum("ntvkc,kvw->ntwc", y, self.adjacency * self.edge_importance)

    return GraphConv(name=name)


def _block(x: Any, partition: np.ndarray, channels: int, stride: int, dropout: float, name: str) -> Any:
    import keras

    layers = keras.layers
    residual = x
    if x.shape[-1] != channels or stride != 1:
        residual = layers.Conv2D(channels, 1, strides=(stride, 1), name=f"{name}_res")(x)
        residual = layers.BatchNormalization(momentum=0.9, name=f"{name}_res_bn")(residual)
    y = _graph_conv_layer(partition, channels, f"{name}_gcn")(x)
    y = layers.BatchNormalization(momentum=0.9, name=f"{name}_gcn_bn")(y)
    y = layers.ReLU()(y)
    y = layers.Conv2D(channels, (TEMPORAL_KERNEL, 1), strides=(stride, 1), padding="same", name=f"{name}_tcn")(y)
    y = layers.BatchNormalization(momentum=0.9, name=f"{name}_tcn_bn")(y)
    y = layers.Dropout(dropout)(y)
    return layers.ReLU()(layers.Add()([y, residual]))


def build_stgcn(config: STGCNConfig) -> Any:
    """The ST-GCN classifier: input (N, C, T, V) → (N, num_classes) class probabilities."""
    import keras

    layers = keras.layers
    partition = spatial_partition()
    inputs = keras.Input((config.in_channels, config.frames, NUM_JOINTS), name="skeleton")
    x = layers.Permute((2, 3, 1))(inputs)  # (N, T, V, C): channels last for Keras convolutions
    # Data batch norm over the joint-wise channels, as the paper's first layer.
    x = layers.Reshape((config.frames, NUM_JOINTS * config.in_channels))(x)
    x = layers.BatchNormalization(momentum=0.9, name="data_bn")(x)
    x = layers.Reshape((config.frames, NUM_JOINTS, config.in_channels))(x)
    for i, (channels, stride) in enumerate(zip(config.channels, config.strides, strict=True)):
        x = _block(x, partition, channels, stride, config.dropout, f"block{i}")
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    outputs = layers.Dense(config.num_classes, activation="softmax", name="classes")(x)
    return keras.Model(inputs, outputs, name="stgcn")
