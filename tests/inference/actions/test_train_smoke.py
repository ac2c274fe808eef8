"""A training smoke run on a small subset: two motion-capture classes, held-out cameras."""

from __future__ import annotations

from pathlib import Path


def test_small_training_separates_two_classes_on_held_out_cameras(training_data: Path) -> None:
    from inference.actions.stgcn import STGCNConfig
    from inference.actions.synth import FRAMES, MotionLibrary
    from inference.actions.train import train_base

    library = MotionLibrary.load(training_data, clip_names=("walk", "cartwheel"))
    config = STGCNConfig(num_classes=2, channels=(16, 16), strides=(1, 2), frames=FRAMES)
    model = train_base(library, classes=("walk", "cartwheel"), per_class=48, epochs=4, seed=0,
                       test_per_class=40, config=config, batch_size=8, log=lambda msg: None)  # fmt: skip
    held_out = model.metrics["held_out_cameras"]
    assert held_out["samples"] == 80
    assert held_out["accuracy"] >= 0.8, held_out  # chance is 0.5
