"""Synthetic COCO-18 people for decoder tests: a standing template, posed and placed."""

from __future__ import annotations

import numpy as np

from inference.skeleton import COCO18

# A standing person facing the camera, unit height, y down; their right is image-left.
TEMPLATE = {
    "Nose": (0.0, 0.08), "Neck": (0.0, 0.18),
    "RShoulder": (-0.1, 0.19), "RElbow": (-0.14, 0.33), "RWrist": (-0.16, 0.46),
    "LShoulder": (0.1, 0.19), "LElbow": (0.14, 0.33), "LWrist": (0.16, 0.46),
    "RHip": (-0.06, 0.5), "RKnee": (-0.07, 0.72), "RAnkle": (-0.07, 0.94),
    "LHip": (0.06, 0.5), "LKnee": (0.07, 0.72), "LAnkle": (0.07, 0.94),
    "REye": (-0.03, 0.055), "LEye": (0.03, 0.055), "REar": (-0.06, 0.075), "LEar": (0.06, 0.075),
}  # fmt: skip


def person(
    x: float, y: float, height: float, lean: float = 0.0, arms: tuple[float, float] = (0.0, 0.0)
) -> np.ndarray:
    """(18, 3) keypoints: top of head at (x, y), ``height`` pixels tall, leaning ``lean`` rad,
    right/left arm raised sideways by ``arms`` radians around the shoulder."""
    pts = np.array([TEMPLATE[n] for n in COCO18.keypoints], np.float64)
    for side, angle in zip("RL", arms, strict=True):
        shoulder = pts[COCO18.index(f"{side}Shoulder")]
        sign = -1.0 if side == "R" else 1.0
        rot = np.array([[np.cos(sign * -angle), -np.sin(sign * -angle)],
                        [np.sin(sign * -angle), np.cos(sign * -angle)]])  # fmt: skip
        for joint in ("Elbow", "Wrist"):
            k = COCO18.index(f"{side}{joint}")
            pts[k] = shoulder + rot @ (pts[k] - shoulder)
    c, s = np.cos(lean), np.sin(lean)
    pts = pts @ np.array([[c, s], [-s, c]])
    out = np.ones((18, 3), np.float32)
    out[:, :2] = pts * height + (x, y)
    return out


def random_people(rng: np.random.Generator, count: int, size: tuple[int, int]) -> np.ndarray:
    """(count, 18, 3) people side by side across an image of ``size`` (width, height), with
    random height, lean and arm poses; neighbours close enough for their arms to cross."""
    width, height = size
    margin = 12
    slot = (width - 2 * margin) / count
    people = []
    for i in range(count):
        while True:  # redraw until the whole person is inside the image
            h = rng.uniform(0.6, 0.8) * height
            cx = margin + slot * (i + 0.5) + rng.uniform(-0.1, 0.1) * slot
            p = person(cx, rng.uniform(0.05, 0.15) * height, h, lean=rng.uniform(-0.15, 0.15),
                       arms=(rng.uniform(0, 1.4), rng.uniform(0, 1.4)))  # fmt: skip
            if (p[:, :2] >= margin).all() and (p[:, :2] <= (width - margin, height - margin)).all():
                break
        people.append(p)
    return np.stack(people)


def rough_body(x: float, y: float = 300.0) -> np.ndarray:
    """(33, 3) a rough upright BlazePose-33 person 250 px tall, hips near (x, y), every keypoint
    at confidence 1 (the same jitter for the same x)."""
    rng = np.random.default_rng(int(x))
    pose = np.ones((33, 3), np.float32)
    pose[:, 0] = x + rng.uniform(-30, 30, 33)
    pose[:, 1] = y + np.linspace(-150, 100, 33)
    return pose
