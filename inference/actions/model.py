"""A trained action model on disk and in memory: ``model.json`` (name, version, classes, network
config, window fps/frames, metrics) beside ``model.weights.h5`` (Keras weights).

The network is built and its weights loaded lazily, once per process per folder
(:func:`load_action_model`), never at import.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from inference.actions.stgcn import STGCNConfig

log = logging.getLogger(__name__)

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
DEFAULT_MODEL_DIR = WEIGHTS_DIR / "base"
META_FILE, WEIGHTS_FILE = "model.json", "model.weights.h5"


@dataclass
class ActionModel:
    """An ST-GCN classifier of windows (N, 3, frames, V) into ``classes``."""

    name: str
    version: str
    classes: tuple[str, ...]
    config: STGCNConfig
    fps: float
    frames: int
    weights_path: Path | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    _network: Any = field(default=None, repr=False)
    _two_headed: Any = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def network(self) -> Any:
        """The Keras model, built and loaded on first use."""
        with self._lock:
            if self._network is None:
                from inference.actions.stgcn import build_stgcn

                network = build_stgcn(self.config)
                if self.weights_path is not None:
                    network.load_weights(self.weights_path)
                self._network = network
            return self._network

    def set_network(self, network: Any) -> None:
        self._network = network
        self._two_headed = None

    def predict_with_embeddings(self, windows: np.ndarray, batch_size: int = 64) -> tuple[np.ndarray, np.ndarray]:
        """(N, 3, frames, V) → (N, classes) probabilities and (N, D) embeddings (the pooled
        features the head sees), in one pass."""
        if len(windows) == 0:
            return np.zeros((0, len(self.classes)), np.float32), np.zeros((0, self.config.channels[-1]), np.float32)
        network = self.network
        with self._lock:
            if self._two_headed is None:
                import keras

                self._two_headed = keras.Model(network.input, [network.output, network.get_layer("pool").output])
            two = self._two_headed
        probs, embeddings = [], []
        for i in range(0, len(windows), batch_size):
            p, e = two(windows[i : i + batch_size], training=False)
            probs.append(np.asarray(p))
            embeddings.append(np.asarray(e))
        return np.concatenate(probs).astype(np.float32), np.concatenate(embeddings).astype(np.float32)

    def predict(self, windows: np.ndarray, batch_size: int = 64) -> np.ndarray:
        """(N, 3, frames, V) normalised windows → (N, classes) probabilities."""
        if len(windows) == 0:
            return np.zeros((0, len(self.classes)), np.float32)
        network = self.network
        out = [np.asarray(network(windows[i : i + batch_size], training=False))
               for i in range(0, len(windows), batch_size)]  # fmt: skip
        return np.concatenate(out).astype(np.float32)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "classes": list(self.classes),
                "config": self.config.to_dict(), "fps": self.fps, "frames": self.frames,
                "metrics": self.metrics}  # fmt: skip

    def save(self, folder: Path) -> list[Path]:
        """Write model.json and model.weights.h5 into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        meta, weights = folder / META_FILE, folder / WEIGHTS_FILE
        self.network.save_weights(weights)
        meta.write_text(json.dumps(self.to_json(), indent=1) + "\n")
        self.weights_path = weights
        return [meta, weights]


def read_action_model(folder: Path) -> ActionModel:
    """An ActionModel described by ``folder``/model.json (weights loaded on first prediction)."""
    meta_path = folder / META_FILE
    if not meta_path.is_file():
        raise FileNotFoundError(f"{meta_path} is missing: not an action model folder")
    meta = json.loads(meta_path.read_text())
    return ActionModel(name=meta["name"], version=str(meta["version"]), classes=tuple(meta["classes"]),
                       config=STGCNConfig.from_dict(meta["config"]), fps=float(meta["fps"]),
                       frames=int(meta["frames"]), weights_path=folder / WEIGHTS_FILE,
                       metrics=meta.get("metrics", {}))  # fmt: skip


_cache: dict[Path, ActionModel] = {}
_cache_lock = threading.Lock()


def load_action_model(path: Path | None = None) -> ActionModel:
    """The action model in ``path`` (a folder; None: the committed base model), cached per process."""
    folder = Path(path or DEFAULT_MODEL_DIR).resolve()
    with _cache_lock:
        if folder not in _cache:
            _cache[folder] = read_action_model(folder)
            log.info("model loaded: actions %s", folder)
        return _cache[folder]
