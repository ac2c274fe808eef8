"""UNet++: output shapes at every pruning level, deep supervision, pruned models share weights."""

import numpy as np
import pytest

from inference.segmentation.unetpp import (
    UNetPPConfig,
    build_unetpp,
    check_input_size,
    fold_batch_norm,
    set_weights_by_name,
    weights_by_name,
)

TINY = (4, 4, 8, 8, 8)


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_every_level_outputs_one_probability_per_pixel(level):
    model = build_unetpp(UNetPPConfig(filters=TINY, level=level, deep_supervision=False))
    for size in [(32, 32), (64, 96), (96, 32)]:
        x = np.random.default_rng(0).random((2, *size, 3), np.float32)
        out = np.asarray(model(x, training=False))
        assert out.shape == (2, *size, 1)
        assert np.all((out >= 0) & (out <= 1))


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_deep_supervision_has_one_head_per_level(level):
    model = build_unetpp(UNetPPConfig(filters=TINY, level=level))
    assert list(model.output_names) == [f"head{j}" for j in range(1, level + 1)]
    outs = model(np.zeros((1, 64, 64, 3), np.float32), training=False)
    outs = outs if isinstance(outs, (list, tuple)) else [outs]  # Keras unwraps a single output
    assert len(outs) == level and all(np.asarray(o).shape == (1, 64, 64, 1) for o in outs)


def test_nested_nodes_exist_only_up_to_the_level():
    names = {layer.name for layer in build_unetpp(UNetPPConfig(filters=TINY, level=2)).layers}
    assert {"X00_conv1", "X10_conv1", "X20_conv1", "X01_conv1", "X11_conv1", "X02_conv1"} <= names
    assert not {"X30_conv1", "X21_conv1", "X03_conv1"} & names
    # X(0,2) reads X(0,0), X(0,1) (4 channels each) and up(X(1,1)) (6): the dense skip pathway;
    # X(1,1) reads X(1,0) (6) and up(X(2,0)) (8).
    model = build_unetpp(UNetPPConfig(filters=(4, 6, 8, 10, 12), level=2))
    assert [t.shape[-1] for t in model.get_layer("cat02").input] == [4, 4, 6]
    assert [t.shape[-1] for t in model.get_layer("cat11").input] == [6, 8]


def test_a_pruned_model_equals_the_full_models_head():
    full = build_unetpp(UNetPPConfig(filters=TINY, level=4))
    arrays = weights_by_name(full)
    x = np.random.default_rng(1).random((1, 64, 64, 3), np.float32)
    heads = full(x, training=False)
    assert len(heads) == 4
    for level in (1, 2, 3, 4):
        pruned = build_unetpp(UNetPPConfig(filters=TINY, level=level, deep_supervision=False))
        set_weights_by_name(pruned, arrays)
        np.testing.assert_allclose(np.asarray(pruned(x, training=False)), np.asarray(heads[level - 1]), atol=1e-5)


def test_weights_must_match_the_filters():
    arrays = weights_by_name(build_unetpp(UNetPPConfig(filters=TINY, level=1)))
    with pytest.raises(ValueError, match="X00_conv1"):
        set_weights_by_name(build_unetpp(UNetPPConfig(filters=(8, 8, 8, 8, 8), level=1)), arrays)
    with pytest.raises(KeyError):
        set_weights_by_name(build_unetpp(UNetPPConfig(filters=TINY, level=2)), arrays)


def test_config_and_input_checks():
    with pytest.raises(ValueError):
        UNetPPConfig(level=5)
    with pytest.raises(ValueError):
        UNetPPConfig(filters=(8, 16))
    check_input_size(96, 192)
    with pytest.raises(ValueError, match="multiples of 32"):
        check_input_size(100, 192)


def test_folding_batch_norm_keeps_the_outputs():
    full = build_unetpp(UNetPPConfig(filters=TINY, level=2, deep_supervision=False))
    rng = np.random.default_rng(2)
    for layer in full.layers:  # statistics as after training, not the identity
        if "_bn" in layer.name:
            c = layer.weights[0].shape[0]
            layer.set_weights([rng.uniform(0.5, 2, c), rng.normal(0, 0.3, c), rng.normal(0, 0.3, c), rng.uniform(0.2, 3, c)])
    folded = build_unetpp(UNetPPConfig(filters=TINY, level=2, deep_supervision=False, folded=True))
    set_weights_by_name(folded, fold_batch_norm(weights_by_name(full)))
    assert not any("_bn" in layer.name for layer in folded.layers)
    x = rng.random((1, 64, 64, 3), np.float32)
    np.testing.assert_allclose(np.asarray(folded(x, training=False)), np.asarray(full(x, training=False)), atol=1e-5)
