"""Team classes: fine-tuning the action model on a team's labelled time ranges.

The base ST-GCN's layers up to its global pooling are kept frozen as a feature extractor; a new
softmax head over the base classes plus the team's new ones is trained on (a) embeddings of the
team's ranges, augmented as in base training (mirroring, speed ±30 %, noise, drop-outs, partial
windows), and (b) the base model's replay embeddings (``replay.npz`` beside its weights: windows of
every base class, so the new head does not forget them). The base classes' rows start from the base
head. Training needs every labelled move in MIN_RANGES_PER_CLASS ranges from MIN_VIDEOS_PER_CLASS
videos (:func:`coverage_problems`). Evaluation: cross-validation by video (every range of a video
in the same fold, up to FOLDS folds) on the team's ranges, and the base classes' accuracy on
held-out-camera windows (``heldout.npz``) against the base model's; a version that loses more
than MAX_BASE_LOSS there must not become active (:attr:`TeamTrainingResult.keeps_base_classes`).
Seeded; seconds on a CPU.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from inference.actions import augment
from inference.actions.features import normalize, resample_track, torso_length
from inference.actions.joints import NUM_JOINTS, to_action_joints
from inference.actions.metrics import summarize
from inference.actions.model import ActionModel, load_action_model
from inference.actions.segment import cut_windows, window_starts
from inference.actions.stgcn import STGCNConfig
from inference.skeleton import SKELETONS

REPLAY_FILE = "replay.npz"
HELDOUT_FILE = "heldout.npz"  # embeddings of held-out-camera windows of every base class
FOLDS = 3
AUGMENTED_PER_RANGE = 48
# What a team must label before a model is trained on a move (every labelled class): at least
# MIN_VIDEOS_PER_CLASS videos, so that cross-validation by video tests each fold on a recording it
# never trained on (one video would only test the model on the same session's frames), and at
# least MIN_RANGES_PER_CLASS ranges, so that a fold that leaves one video out still trains on two
# or more examples of the move.
MIN_VIDEOS_PER_CLASS = 2
MIN_RANGES_PER_CLASS = 4
# A new version may become active only if it keeps the base classes' accuracy on the held-out-camera
# windows (heldout.npz, 50 per class) within this of the base model's: 2 percentage points is
# about 3.6 standard errors of an accuracy near 98 % on 650 windows, a loss beyond sampling noise.
MAX_BASE_LOSS = 0.02


@dataclass(frozen=True)
class LabelledRange:
    """keypoints: (T, K, 3) x, y, confidence in source pixels of one person over the range, in any
    keypoint set of :mod:`inference.skeleton` (told by K, or ``skeleton``); fps: their frame rate;
    label: the class; group: the video it comes from (cross-validation folds)."""

    keypoints: np.ndarray
    fps: float
    label: str
    group: str
    skeleton: str | None = None

    def action_joints(self) -> np.ndarray:
        """(T, 15, 3) in the action joints."""
        name = self.skeleton or _skeleton_for(self.keypoints.shape[1])
        return self.keypoints if name == "action15" else to_action_joints(self.keypoints, name)


def _skeleton_for(count: int) -> str:
    if count == NUM_JOINTS:
        return "action15"
    for name, skeleton in SKELETONS.items():
        if skeleton.num_keypoints == count:
            return name
    raise ValueError(f"no keypoint set has {count} keypoints")


@dataclass
class TeamTrainingResult:
    """classes; confusion (rows = true class, cross-validated windows); accuracy; per_class recall;
    folds (how the folds were made, per fold test windows and accuracy); previous_accuracy: the
    previous model's accuracy on the same windows (None if none given); model: the trained model."""

    classes: tuple[str, ...]
    confusion: list[list[int]]
    accuracy: float
    per_class: dict[str, float | None]
    folds: list[dict[str, Any]]
    model: ActionModel
    previous_accuracy: float | None = None
    seconds: float = 0.0
    replay: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    base_accuracy: float | None = None  # the new model on the base classes' held-out windows
    base_accuracy_before: float | None = None  # the base model on the same windows

    @property
    def beats_previous(self) -> bool:
        return self.previous_accuracy is None or self.accuracy > self.previous_accuracy

    @property
    def base_loss(self) -> float | None:
        """Base-class accuracy lost against the base model (None without held-out windows)."""
        if self.base_accuracy is None or self.base_accuracy_before is None:
            return None
        return round(self.base_accuracy_before - self.base_accuracy, 4)

    @property
    def keeps_base_classes(self) -> bool:
        """Within MAX_BASE_LOSS of the base model on the base classes (unknown: not kept)."""
        return self.base_loss is not None and self.base_loss <= MAX_BASE_LOSS

    def metrics(self) -> dict[str, Any]:
        """What the model's metrics and a version's row keep (JSON)."""
        return {"classes": list(self.classes), "confusion": self.confusion, "accuracy": self.accuracy,
                "per_class": self.per_class, "folds": self.folds, "previous_accuracy": self.previous_accuracy,
                "base_accuracy": self.base_accuracy, "base_accuracy_before": self.base_accuracy_before,
                "base_loss": self.base_loss, "max_base_loss": MAX_BASE_LOSS,
                "keeps_base_classes": self.keeps_base_classes, "seconds": self.seconds}  # fmt: skip

    def save(self, folder: Path) -> list[Path]:
        """The model (model.json with these metrics, model.weights.h5) and replay.npz in ``folder``;
        :func:`inference.actions.model.load_action_model` reads it back."""
        self.model.metrics = {"cross_validation": self.metrics()}
        paths = self.model.save(folder)
        np.savez_compressed(folder / REPLAY_FILE, **self.replay)  # type: ignore[arg-type]  # numpy's stub types **kwds too narrowly
        return [*paths, folder / REPLAY_FILE]


def embedder(model: ActionModel) -> Any:
    """The base network up to its global pooling: (N, 3, T, V) → (N, D)."""
    import keras

    network = model.network
    return keras.Model(network.inputs, network.get_layer("pool").output)


def embed(model: ActionModel, windows: np.ndarray) -> np.ndarray:
    if len(windows) == 0:
        return np.zeros((0, model.config.channels[-1]), np.float32)
    extractor = embedder(model)
    return np.concatenate([np.asarray(extractor(windows[i : i + 128], training=False))
                           for i in range(0, len(windows), 128)]).astype(np.float32)  # fmt: skip


def _range_windows(track: np.ndarray, frames: int, stride: int) -> np.ndarray:
    return cut_windows(track, window_starts(len(track), frames, stride), frames)


def _augmented(track: np.ndarray, fps: float, frames: int, count: int, rng: np.random.Generator) -> list[np.ndarray]:
    """``count`` augmented (3, frames, V) windows of one range's track at the model's ``fps``."""
    out = []
    times = np.arange(len(track)) / fps
    for _ in range(count):
        speed = rng.uniform(0.7, 1.3)
        resampled, _ = resample_track(track, times * speed, fps) if len(track) > 1 else (track, times)
        starts = window_starts(len(resampled), frames, 1)
        window = cut_windows(resampled, starts[rng.integers(len(starts)) :][:1], frames)[0]
        if rng.random() < 0.5:
            window = augment.mirror(window, 0.0)
        window = augment.corrupt(window, rng, torso_length(window))
        out.append(normalize(augment.partial(window, rng) if rng.random() < 0.25 else window))
    return out


def coverage_problems(counts: dict[str, tuple[int, int]]) -> list[str]:
    """What is missing before a model can be trained: ``counts`` maps each labelled move to
    (ranges, videos); one sentence per move short of MIN_RANGES_PER_CLASS ranges from
    MIN_VIDEOS_PER_CLASS videos."""
    out = []
    for label, (ranges, videos) in sorted(counts.items()):
        if ranges < MIN_RANGES_PER_CLASS or videos < MIN_VIDEOS_PER_CLASS:
            out.append(f"“{label}” has {ranges} labelled range{'s' if ranges != 1 else ''} in {videos} "
                       f"video{'s' if videos != 1 else ''}; label at least {MIN_RANGES_PER_CLASS} ranges "
                       f"in at least {MIN_VIDEOS_PER_CLASS} different videos.")
    return out


def range_counts(ranges: list[LabelledRange]) -> dict[str, tuple[int, int]]:
    """Per label: (ranges, distinct videos)."""
    labels = dict.fromkeys(r.label for r in ranges)
    return {lab: (sum(r.label == lab for r in ranges), len({r.group for r in ranges if r.label == lab}))
            for lab in labels}  # fmt: skip


def _fold_parts(ranges: list[LabelledRange], tracks: list[np.ndarray], k: int) -> tuple[list[tuple[int, int, np.ndarray]], dict[str, str]]:
    """(range index, fold, track) of every range, the fold being its video's (all ranges of a video
    in one fold, whatever their move: a fold never tests on a session it trained on); and per
    label how its folds were made."""
    videos = sorted({r.group for r in ranges})
    k = max(1, min(k, len(videos)))
    parts = [(i, videos.index(r.group) % k, tracks[i]) for i, r in enumerate(ranges)]
    how = {label: f"by video ({n} videos)" for label, (_, n) in range_counts(ranges).items()}
    return parts, how


def _train_head(x: np.ndarray, y: np.ndarray, num_classes: int, init: tuple[np.ndarray, np.ndarray] | None,
                seed: int) -> Any:
    import keras

    keras.utils.set_random_seed(seed)
    head = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(num_classes, activation="softmax")])
    if init is not None:
        kernel, bias = head.layers[-1].get_weights()
        kernel[:, : init[0].shape[1]], bias[: init[1].shape[0]] = init
        head.layers[-1].set_weights([kernel, bias])
    counts = np.bincount(y, minlength=num_classes).astype(float)
    weights = {c: float(len(y) / (num_classes * counts[c])) for c in range(num_classes) if counts[c]}
    head.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy")
    head.fit(x, y, batch_size=256, epochs=60, verbose=0, shuffle=True, class_weight=weights)
    return head


def load_replay(model: ActionModel) -> tuple[np.ndarray, list[str]]:
    """The model's replay embeddings (N, D) and their labels, from replay.npz beside its weights."""
    path = model.weights_path.parent / REPLAY_FILE if model.weights_path else None
    if path is None or not path.is_file():
        raise FileNotFoundError(f"{path}: the base model has no replay embeddings to fine-tune from")
    with np.load(path, allow_pickle=False) as data:
        return data["embeddings"].astype(np.float32), [str(v) for v in data["labels"]]


def load_heldout(model: ActionModel) -> tuple[np.ndarray, list[str]]:
    """Embeddings (N, D) of held-out-camera windows of the base classes and their labels, from
    heldout.npz beside the model's weights (FileNotFoundError without it)."""
    path = model.weights_path.parent / HELDOUT_FILE if model.weights_path else None
    if path is None or not path.is_file():
        raise FileNotFoundError(f"{path}: the base model has no held-out windows to check base classes on")
    with np.load(path, allow_pickle=False) as data:
        return data["embeddings"].astype(np.float32), [str(v) for v in data["labels"]]


def head_accuracy(weights: list[np.ndarray], classes: tuple[str, ...], embeddings: np.ndarray,
                  labels: list[str]) -> float:
    """Accuracy of a softmax head ([kernel (D, C), bias (C,)]) over ``classes`` on embeddings."""
    predicted = np.array(classes)[(embeddings @ weights[0] + weights[1]).argmax(-1)]
    return round(float((predicted == np.array(labels)).mean()), 4)


def _assemble(base: ActionModel, classes: tuple[str, ...], head: Any) -> ActionModel:
    """The base network with a new head over ``classes``."""
    config = STGCNConfig(**{**vars(base.config), "num_classes": len(classes)})
    model = ActionModel(name="stgcn-team", version=time.strftime("%Y%m%d-%H%M%S"), classes=classes, config=config,
                        fps=base.fps, frames=base.frames)  # fmt: skip
    network, source = model.network, base.network
    for layer in network.layers:
        if layer.name != "classes" and layer.weights:
            layer.set_weights(source.get_layer(layer.name).get_weights())
    network.get_layer("classes").set_weights(head.layers[-1].get_weights())
    return model


def _windows(ranges: list[LabelledRange], base: ActionModel, classes: tuple[str, ...], seed: int) -> dict[str, Any]:
    """Augmented windows of fold parts (cross-validation training) and of whole ranges (the final
    model), and plain windows of fold parts (cross-validation test), each with its class and fold."""
    rng = np.random.default_rng(seed)
    tracks = [resample_track(r.action_joints(), np.arange(len(r.keypoints)) / r.fps, base.fps)[0] for r in ranges]
    parts, how = _fold_parts(ranges, tracks, FOLDS)
    keys = ("train", "train_y", "train_fold", "test", "test_y", "test_fold", "final", "final_y")
    out: dict[str, list[Any]] = {k: [] for k in keys}
    for i, track in enumerate(tracks):  # the final model learns from whole ranges, not fold parts
        made = _augmented(track, base.fps, base.frames, AUGMENTED_PER_RANGE, rng)
        out["final"] += made
        out["final_y"] += [classes.index(ranges[i].label)] * len(made)
    for i, fold, track in parts:
        label = classes.index(ranges[i].label)
        made = _augmented(track, base.fps, base.frames, AUGMENTED_PER_RANGE, rng)
        out["train"] += made
        out["train_y"] += [label] * len(made)
        out["train_fold"] += [fold] * len(made)
        plain = [normalize(w) for w in _range_windows(track, base.frames, int(base.fps // 2))]
        out["test"] += plain
        out["test_y"] += [label] * len(plain)
        out["test_fold"] += [fold] * len(plain)
    arrays = {k: np.array(v) for k, v in out.items()}
    return {**arrays, "how": how}


def train_team_model(ranges: list[LabelledRange], *, base: ActionModel | None = None, seed: int = 0,
                     progress: Callable[[float, str], None] | None = None,
                     previous: ActionModel | None = None) -> TeamTrainingResult:
    """Fine-tune ``base`` (default: the committed base model) on ``ranges`` (see the module
    docstring). ``previous``: the team's active model, scored on the same cross-validation windows."""
    started = time.monotonic()
    report = progress or (lambda fraction, message: None)
    if not ranges:
        raise ValueError("no labelled ranges to train on")
    problems = coverage_problems(range_counts(ranges))
    if problems:
        raise ValueError(" ".join(problems))
    base = base or load_action_model()
    classes = base.classes + tuple(dict.fromkeys(r.label for r in ranges if r.label not in base.classes))
    replay_x, replay_labels = load_replay(base)
    replay_y = np.array([classes.index(lab) for lab in replay_labels])
    report(0.05, "cutting and augmenting the labelled ranges")
    data = _windows(ranges, base, classes, seed)
    report(0.3, "computing features")
    train_x, test_x, final_x = (embed(base, data[k]) for k in ("train", "test", "final"))
    head_weights = base.network.get_layer("classes").get_weights()
    init = (head_weights[0], head_weights[1])
    predicted = np.full(len(test_x), -1)
    folds = []
    for fold in range(FOLDS):
        report(0.4 + 0.15 * fold, f"cross-validation fold {fold + 1}/{FOLDS}")
        test_mask, train_mask = data["test_fold"] == fold, data["train_fold"] != fold
        if not test_mask.any() or not train_mask.any():
            continue
        head = _train_head(np.concatenate([train_x[train_mask], replay_x]),
                           np.concatenate([data["train_y"][train_mask], replay_y]), len(classes), init, seed + fold)  # fmt: skip
        predicted[test_mask] = np.asarray(head(test_x[test_mask])).argmax(-1)
        folds.append({"fold": fold, "test_windows": int(test_mask.sum()),
                      "accuracy": round(float((predicted[test_mask] == data["test_y"][test_mask]).mean()), 4)})  # fmt: skip
    scored = predicted >= 0
    metrics = summarize(data["test_y"][scored], predicted[scored], classes)
    previous_accuracy = None
    if previous is not None and scored.any():
        names = np.array(previous.classes)[previous.predict(data["test"][scored]).argmax(-1)]
        previous_accuracy = round(float((names == np.array(classes)[data["test_y"][scored]]).mean()), 4)
    report(0.9, "training the final model on every range")
    head = _train_head(np.concatenate([final_x, replay_x]), np.concatenate([data["final_y"], replay_y]),
                       len(classes), init, seed)  # fmt: skip
    model = _assemble(base, classes, head)
    replay = {"embeddings": np.concatenate([replay_x, final_x]).astype(np.float16),
              "labels": np.array(replay_labels + [classes[i] for i in data["final_y"]])}  # fmt: skip
    base_after = base_before = None
    try:
        heldout_x, heldout_labels = load_heldout(base)
    except FileNotFoundError:
        heldout_x = None
    if heldout_x is not None:
        report(0.95, "checking the base classes on held-out windows")
        base_before = head_accuracy(list(init), base.classes, heldout_x, heldout_labels)
        base_after = head_accuracy(head.layers[-1].get_weights(), classes, heldout_x, heldout_labels)
    report(1.0, "done")
    return TeamTrainingResult(classes, metrics["confusion"], metrics["accuracy"], metrics["per_class"],
                              [{"how": data["how"]}, *folds], model, previous_accuracy,
                              round(time.monotonic() - started, 2), replay, base_after, base_before)  # fmt: skip


def base_replay(model: ActionModel, windows: np.ndarray, labels: np.ndarray) -> dict[str, np.ndarray]:
    """Replay arrays for a base model: embeddings of (N, 3, T, V) windows and their class names."""
    return {"embeddings": embed(model, windows).astype(np.float16),
            "labels": np.array([model.classes[i] for i in labels])}  # fmt: skip
