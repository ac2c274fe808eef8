"""Training smoke run: the student overfits a few frames (IoU > 0.9 on them); augmentation keeps
image and mask aligned."""

import numpy as np

from inference.segmentation.data import Source, augment, held_out_split
from inference.segmentation.losses import iou
from inference.segmentation.model import SegmentationModel
from inference.segmentation.train import TrainConfig, train_model


def _frames(count: int = 4, size: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """Textured backgrounds with a person-like blob (head, torso, legs) at different places."""
    import cv2

    rng = np.random.default_rng(3)
    images, masks = [], []
    for k in range(count):
        image = rng.integers(0, 256, (size // 8, size // 8, 3)).astype(np.uint8)
        image = cv2.resize(image, (size, size), interpolation=cv2.INTER_LINEAR)
        mask = np.zeros((size, size), np.uint8)
        cx = 16 + 10 * k
        cv2.circle(mask, (cx, 14), 5, 255, -1)
        cv2.rectangle(mask, (cx - 6, 20), (cx + 6, 40), 255, -1)
        cv2.line(mask, (cx - 3, 40), (cx - 8, 58), 255, 4)
        cv2.line(mask, (cx + 3, 40), (cx + 8, 58), 255, 4)
        image[mask > 0] = (0.4 * image[mask > 0] + 0.6 * np.array([40, 90, 200])).astype(np.uint8)
        images.append(image)
        masks.append(mask)
    return np.stack(images), np.stack(masks)


def test_training_overfits_a_few_frames():
    images, masks = _frames()
    source = Source("synthetic", images, masks, np.arange(4.0), np.zeros(4, bool))
    # Levels 1-2 only (deep supervision on both heads): the same code, fewer layers to trace.
    config = TrainConfig(filters=(8, 8, 16, 16, 16), steps=100, batch=4, crop=(64, 64), learning_rate=1e-2,
                         working_side=64, augment=False, jit_compile=False, level=2)
    weights = train_model([source], config, log=lambda msg: None)
    model = SegmentationModel(arrays=weights, filters=config.filters, working_side=64)
    prob = model.predict_working(images, level=2)
    assert iou(prob >= 0.5, masks >= 128) > 0.9


def test_augment_keeps_the_mask_on_the_person():
    images, masks = _frames(2, 128)
    rng = np.random.default_rng(0)
    for _ in range(20):
        image, mask = augment(images[0], masks[0] / 255.0, (64, 64), rng,
                              background=(images[1], masks[1] / 255.0), base_scale=0.5)
        assert image.shape == (64, 64, 3) and mask.shape == (64, 64)
        assert 0 <= mask.min() and mask.max() <= 1
        # The person is tinted blue-ish red: its pixels stay redder than the rest.
        if mask.mean() > 0.05 and (mask < 0.5).mean() > 0.05:
            red = image[..., 2].astype(float) - image[..., 0]
            assert red[mask >= 0.5].mean() > red[mask < 0.5].mean()


def test_held_out_split_is_the_end_of_each_clip_after_a_gap():
    split = held_out_split(np.arange(100) / 50.0)  # 2 s at 50 fps
    assert (split[-25:] == 1).all() and (split[:70] == 0).all()
    assert (split == -1).sum() == 5  # 0.1 s gap
