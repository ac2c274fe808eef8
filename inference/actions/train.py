"""Training the base action model (ST-GCN on motion capture) and the posture classifier.

    python -m inference.actions.train --out inference/actions/weights [--per-class 400] [--epochs 12] [--seed 0]

Seeded; fetches the training data first (:mod:`inference.actions.data`). Each epoch draws fresh
windows (new cameras and augmentation) from the training camera range; the test set comes only
from the held-out camera range (:data:`inference.actions.synth.HELD_OUT_AZIMUTH`). Writes
OUT/base/model.json + model.weights.h5 (metrics inside), replay.npz and heldout.npz (for team
models) and OUT/posture/…
(:mod:`inference.actions.posture`), and prints the metrics.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from inference.actions.metrics import summarize
from inference.actions.model import ActionModel
from inference.actions.stgcn import STGCNConfig
from inference.actions.synth import ACTION_CLASSES, FPS, FRAMES, MotionLibrary, make_dataset


def fit(network: Any, sample: Callable[[int], tuple[np.ndarray, np.ndarray]], epochs: int, lr: float,
        steps_per_epoch: int, log: Callable[[str], None] = print,
        progress: Callable[[float], None] | None = None) -> None:
    """Adam with a cosine-decayed rate; ``sample(epoch)`` gives that epoch's (X, y)."""
    import keras

    schedule = keras.optimizers.schedules.CosineDecay(lr, decay_steps=max(1, epochs * steps_per_epoch))
    network.compile(optimizer=keras.optimizers.Adam(schedule), loss="sparse_categorical_crossentropy",
                    metrics=["accuracy"])  # fmt: skip
    for epoch in range(epochs):
        x, y = sample(epoch)
        batch = max(1, int(np.ceil(len(x) / steps_per_epoch)))
        history = network.fit(x, y, batch_size=batch, epochs=1, shuffle=True, verbose=0)
        log(f"epoch {epoch + 1}/{epochs}: loss {history.history['loss'][-1]:.3f} "
            f"accuracy {history.history['accuracy'][-1]:.3f}")  # fmt: skip
        if progress:
            progress((epoch + 1) / epochs)


def train_base(library: MotionLibrary, *, classes: tuple[str, ...] = ACTION_CLASSES, per_class: int = 400,
               epochs: int = 12, seed: int = 0, test_per_class: int = 100,
               config: STGCNConfig | None = None, batch_size: int = 64,
               log: Callable[[str], None] = print) -> ActionModel:
    """Train the ST-GCN on windows of ``classes``; metrics on the held-out cameras."""
    import keras

    keras.utils.set_random_seed(seed)
    config = config or STGCNConfig(num_classes=len(classes), frames=FRAMES)
    model = ActionModel(name="stgcn-mocap", version=time.strftime("%Y%m%d"), classes=classes, config=config,
                        fps=FPS, frames=FRAMES)  # fmt: skip
    network = model.network
    steps = max(1, per_class * len(classes) // batch_size)
    fit(network, lambda e: make_dataset(library, classes, per_class, seed * 1000 + e + 1), epochs, 2e-3, steps, log)
    x_test, y_test = make_dataset(library, classes, test_per_class, seed * 1000 + 999, held_out=True)
    predicted = model.predict(x_test).argmax(-1)
    model.metrics = {"held_out_cameras": summarize(y_test, predicted, classes),
                     "train": {"per_class": per_class, "epochs": epochs, "seed": seed}}  # fmt: skip
    return model


def save_replay(model: ActionModel, library: MotionLibrary, folder: Path, *, seed: int, per_class: int = 60) -> Path:
    """replay.npz: embeddings of training-camera windows of every class, for team fine-tuning."""
    from inference.actions.team import REPLAY_FILE, base_replay

    x, y = make_dataset(library, model.classes, per_class, seed * 1000 + 777)
    path = folder / REPLAY_FILE
    np.savez_compressed(path, **base_replay(model, x, y))  # type: ignore[arg-type]  # numpy's stub types **kwds too narrowly
    return path


def save_heldout(model: ActionModel, library: MotionLibrary, folder: Path, *, seed: int = 997,
                 per_class: int = 50) -> Path:
    """heldout.npz: embeddings of held-out-camera windows of every class (a draw of its own, seed
    997: neither training, the calibration draw 998 nor the model card's test draw 999), on which
    a team model's base-class accuracy is checked against the base model's."""
    from inference.actions.team import HELDOUT_FILE, base_replay

    x, y = make_dataset(library, model.classes, per_class, seed, held_out=True)
    path = folder / HELDOUT_FILE
    np.savez_compressed(path, **base_replay(model, x, y))  # type: ignore[arg-type]  # numpy's stub types **kwds too narrowly
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m inference.actions.train", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for base/ and posture/")
    parser.add_argument("--per-class", type=int, default=400, help="training windows per class per epoch")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-posture", action="store_true")
    parser.add_argument("--skip-actions", action="store_true")
    args = parser.parse_args(argv)
    from inference.actions.data import fetch_data
    from inference.models import ModelError

    try:
        folder = fetch_data()
    except ModelError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    started = time.monotonic()
    if not args.skip_actions:
        model = train_base(MotionLibrary.load(folder), per_class=args.per_class, epochs=args.epochs, seed=args.seed)
        model.metrics["train"]["seconds"] = round(time.monotonic() - started, 1)
        model.save(args.out / "base")
        save_replay(model, MotionLibrary.load(folder), args.out / "base", seed=args.seed)
        save_heldout(model, MotionLibrary.load(folder), args.out / "base")
        print(json.dumps(model.metrics["held_out_cameras"]["per_class"]), model.metrics["held_out_cameras"]["accuracy"])
    if not args.skip_posture:
        from inference.actions.posture import train_posture

        posture = train_posture(folder / "BodyPose_Dataset.csv", seed=args.seed)
        posture.save(args.out / "posture")
        print(json.dumps(posture.metrics["held_out_rows"]["per_class"]), posture.metrics["held_out_rows"]["accuracy"])
    print(f"trained in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
