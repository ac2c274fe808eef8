"""The ST-GCN graph (spatial partition, Yan et al. 2018) and network shapes."""

from __future__ import annotations

import numpy as np
import pytest

from inference.actions.joints import ACTION_EDGES, ACTION_JOINTS, CENTER, MIRROR, NUM_JOINTS
from inference.actions.stgcn import STGCNConfig, build_stgcn, hop_distance, spatial_partition


def test_action_joints_come_from_body25_and_form_a_tree() -> None:
    assert ACTION_JOINTS[CENTER] == "MidHip" and NUM_JOINTS == 15
    assert len(ACTION_EDGES) == NUM_JOINTS - 1  # connected with V-1 edges: a tree
    assert np.isfinite(hop_distance(NUM_JOINTS, ACTION_EDGES)).all()
    assert [ACTION_JOINTS[MIRROR[ACTION_JOINTS.index(n)]] for n in ("RWrist", "LKnee", "Nose")] == ["LWrist", "RKnee", "Nose"]


def test_spatial_partition_properties() -> None:
    a = spatial_partition()
    assert a.shape == (3, NUM_JOINTS, NUM_JOINTS)
    # Root subset: only the joint itself (in a tree no neighbour is as far from the centre).
    np.testing.assert_allclose(a[0], np.diag(np.diag(a[0])))
    assert (np.diag(a[0]) > 0).all()
    # Each column (a joint's neighbourhood) is normalised by the joint's degree.
    np.testing.assert_allclose(a.sum(axis=(0, 1)), np.ones(NUM_JOINTS), atol=1e-6)
    # Centripetal and centrifugal are the two directions of each edge.
    support = a > 0
    np.testing.assert_array_equal(support[1], support[2].T)
    edges = {tuple(sorted(e)) for e in ACTION_EDGES}
    assert {tuple(sorted(map(int, ij))) for ij in zip(*np.nonzero(support[1]), strict=True)} == edges
    hops = hop_distance(NUM_JOINTS, ACTION_EDGES)[:, CENTER]
    for i, j in zip(*np.nonzero(support[1]), strict=True):
        assert hops[i] < hops[j]  # centripetal: the source joint is closer to the centre


@pytest.mark.parametrize("channels,strides", [((8, 16), (1, 2)), ((8,), (1,))])
def test_output_shapes_and_probabilities(channels: tuple[int, ...], strides: tuple[int, ...]) -> None:
    network = build_stgcn(STGCNConfig(num_classes=5, channels=channels, strides=strides, frames=20))
    assert network.input_shape == (None, 3, 20, NUM_JOINTS)
    out = np.asarray(network(np.random.default_rng(0).normal(size=(4, 3, 20, NUM_JOINTS)).astype(np.float32)))
    assert out.shape == (4, 5)
    np.testing.assert_allclose(out.sum(-1), 1.0, atol=1e-5)


def test_committed_model_loads_lazily_and_predicts() -> None:
    from inference.actions.model import DEFAULT_MODEL_DIR, load_action_model, read_action_model

    assert load_action_model() is load_action_model()  # cached per process
    model = read_action_model(DEFAULT_MODEL_DIR)
    assert model._network is None  # nothing built until used
    assert {"idle", "walk", "run", "jump"} <= set(model.classes)
    probs = model.predict(np.zeros((2, 3, model.frames, NUM_JOINTS), np.float32))
    assert probs.shape == (2, len(model.classes))
