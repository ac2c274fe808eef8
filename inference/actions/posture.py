"""Per-frame posture classifier: squat, plank, push-up, seated, stand, yoga — the static postures an
action window model cannot tell apart from "idle".

Data: pose-classification-kit 1.1.5's ``BodyPose_Dataset.csv`` (MIT): rows of label, accuracy and
25 OpenPose BODY_25 keypoints x0, y0 … x24, y24 (normalised, y up, 0 where missing). Its 20 labels
are grouped into POSTURES (:data:`GROUPS`). Held out: the last 20 % of each label's rows (the rows
are consecutive frames of recordings, so a random split would test on neighbours of training rows).

Network: a small MLP (``build_posture_mlp``) on one frame normalised like the action windows
(:func:`inference.actions.features.normalize` with T = 1): (N, 45) → (N, classes).
"""

from __future__ import annotations

import csv
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from inference.actions.classes import POSTURE_CLASSES, ActionClass
from inference.actions.features import normalize
from inference.actions.joints import MIRROR, NUM_JOINTS
from inference.actions.metrics import summarize

POSTURES: tuple[ActionClass, ...] = POSTURE_CLASSES
# the dataset's labels → our posture classes (the rest are yoga or standing: group_of)
GROUPS: dict[str, ActionClass] = {"Squat": ActionClass.SQUAT, "Plank": ActionClass.PLANK,
                                  "PushUp_Low": ActionClass.PUSH_UP, "Seated": ActionClass.SEATED}  # fmt: skip
HIDDEN = (64, 64)
WEIGHTS_FILE, META_FILE = "posture.weights.h5", "posture.json"


def group_of(label: str) -> ActionClass:
    if label in GROUPS:
        return GROUPS[label]
    return ActionClass.YOGA if label.startswith("Yoga") else ActionClass.STAND


def read_dataset(path: Path) -> tuple[np.ndarray, list[str]]:
    """(N, 15, 3) keypoints (x, y image-like: y down; confidence 1, or NaN/0 where missing), labels."""
    rows = list(csv.reader(path.open()))[1:]
    values = np.array([[float(v) for v in r[2:]] for r in rows], np.float64).reshape(len(rows), 25, 2)
    keypoints = np.concatenate([values[:, :NUM_JOINTS] * [1.0, -1.0], np.ones((len(rows), NUM_JOINTS, 1))], -1)
    missing = (values[:, :NUM_JOINTS] == 0).all(-1)
    keypoints[missing] = (np.nan, np.nan, 0.0)
    return keypoints, [r[0] for r in rows]


def frame_features(keypoints: np.ndarray) -> np.ndarray:
    """(N, 15, 3) one frame each → (N, 45) network input."""
    return np.stack([normalize(k[None])[:, 0].T.reshape(-1) for k in keypoints]).astype(np.float32)


def build_posture_mlp(num_classes: int, hidden: tuple[int, ...] = HIDDEN) -> Any:
    import keras

    inputs = keras.Input((NUM_JOINTS * 3,), name="frame")
    x = inputs
    for i, width in enumerate(hidden):
        x = keras.layers.Dense(width, activation="relu", name=f"dense{i}")(x)
        x = keras.layers.Dropout(0.2)(x)
    return keras.Model(inputs, keras.layers.Dense(num_classes, activation="softmax", name="classes")(x))


@dataclass
class PostureModel:
    classes: tuple[str, ...] = POSTURES
    weights_path: Path | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    _network: Any = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def network(self) -> Any:
        with self._lock:
            if self._network is None:
                network = build_posture_mlp(len(self.classes))
                if self.weights_path is not None:
                    network.load_weights(self.weights_path)
                self._network = network
            return self._network

    def predict(self, keypoints: np.ndarray) -> np.ndarray:
        """(N, 15, 3) frames → (N, classes) probabilities."""
        if len(keypoints) == 0:
            return np.zeros((0, len(self.classes)), np.float32)
        return np.asarray(self.network.predict(frame_features(keypoints), batch_size=512, verbose=0), np.float32)

    def save(self, folder: Path) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        self.network.save_weights(folder / WEIGHTS_FILE)
        (folder / META_FILE).write_text(json.dumps({"classes": list(self.classes), "metrics": self.metrics}, indent=1) + "\n")
        return [folder / META_FILE, folder / WEIGHTS_FILE]

    @classmethod
    def read(cls, folder: Path) -> PostureModel:
        meta = json.loads((folder / META_FILE).read_text())
        return cls(tuple(meta["classes"]), folder / WEIGHTS_FILE, meta.get("metrics", {}))


def _split(labels: list[str], held_out: float = 0.2) -> np.ndarray:
    """Boolean test mask: the last ``held_out`` of each label's rows."""
    test = np.zeros(len(labels), bool)
    for label in set(labels):
        rows = [i for i, lab in enumerate(labels) if lab == label]
        test[rows[int(len(rows) * (1 - held_out)) :]] = True
    return test


def train_posture(csv_path: Path, *, seed: int = 0, epochs: int = 40) -> PostureModel:
    """Train the MLP (mirrored copies added; noise on the keypoints); metrics on held-out rows."""
    import keras

    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    keypoints, labels = read_dataset(csv_path)
    y = np.array([POSTURES.index(group_of(lab)) for lab in labels])
    test = _split(labels)
    train_kp = keypoints[~test]
    mirrored = train_kp[:, list(MIRROR)] * [-1.0, 1.0, 1.0]
    train_kp, train_y = np.concatenate([train_kp, mirrored]), np.concatenate([y[~test], y[~test]])
    noisy = train_kp.copy()
    noisy[..., :2] += rng.normal(0, 0.01, noisy[..., :2].shape)
    weights = len(train_y) / (len(POSTURES) * np.bincount(train_y, minlength=len(POSTURES)))
    model = PostureModel()
    network = model.network
    network.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    network.fit(frame_features(noisy), train_y, batch_size=128, epochs=epochs, verbose=0, shuffle=True,
                class_weight=dict(enumerate(weights)))  # fmt: skip
    predicted = model.predict(keypoints[test]).argmax(-1)
    model.metrics = {"held_out_rows": summarize(y[test], predicted, POSTURES),
                     "train": {"rows": int((~test).sum()), "epochs": epochs, "seed": seed}}  # fmt: skip
    return model
