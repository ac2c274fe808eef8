"""Person segmentation: a UNet++ student distilled from MediaPipe's person masks.

- :mod:`.unetpp` the network (Keras 3), :mod:`.losses` BCE + Dice and IoU, :mod:`.teacher` the
  teacher masks, :mod:`.data` frames and augmentation, :mod:`.train` training and
  :func:`retrain_segmentation`, :mod:`.model` the trained model (lazy, once per process).
- :mod:`.masks` post-processing and :class:`MaskSequence` (masks.npz), :mod:`.stage`
  :func:`segment_video`, :mod:`.privacy` :func:`render_privacy` and previews.

Importing this package does not import TensorFlow or load weights. See docs/segmentation.md.
"""

from typing import Any

from inference.segmentation.masks import MaskSequence
from inference.segmentation.privacy import render_privacy
from inference.segmentation.stage import segment_video

__all__ = ["MaskSequence", "render_privacy", "retrain_segmentation", "segment_video"]


def __getattr__(name: str) -> Any:
    # Lazy, so `python -m inference.segmentation.train` does not import its own module twice.
    if name == "retrain_segmentation":
        from inference.segmentation.train import retrain_segmentation

        return retrain_segmentation
    raise AttributeError(name)
