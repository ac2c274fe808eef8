"""Renders that use the masks: the privacy video (everything but the athlete blurred) and frame
previews (privacy blur, athlete cut-out outline) for looking at results.

The privacy render composites each frame as alpha · frame + (1 − alpha) · blurred frame, alpha the
athlete's mask upsampled to the frame (bilinear) and feathered outwards by a Gaussian of one
working pixel (:func:`athlete_alpha`), so the edge is soft and the athlete's own pixels, even a
thin limb, stay sharp; the athlete's mask always holds the band along their confident limbs
(:func:`inference.segmentation.masks.body_core`). The blur is strong enough
to make faces and text unreadable (Gaussian, sigma = 1/60 of the long side, computed on a
quarter-size frame for speed). Encoded with :class:`inference.proxy.H264Writer` (presentation
times kept), faststart MP4.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np

from inference.segmentation.masks import CONTOUR_SCALE, MaskSequence, outline, upsample

MAX_SIDE = 1280
BLUR_FRACTION = 1 / 60  # Gaussian sigma as a fraction of the frame's long side
ATHLETE_BGR = (0, 140, 255)  # the athlete's orange (inference.render)


def blurred(image: np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8 → the same frame, strongly blurred (see BLUR_FRACTION)."""
    h, w = image.shape[:2]
    small = cv2.resize(image, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    sigma = max(w, h) * BLUR_FRACTION / 4
    small = cv2.GaussianBlur(small, (0, 0), sigma)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def athlete_alpha(masks: MaskSequence, i: int, size: tuple[int, int]) -> np.ndarray:
    """(H, W, 1) float32 alpha of the athlete in frame i at size (W, H), feathered outwards only:
    the maximum of the upsampled mask and its Gaussian blur, so inside the mask alpha is never
    lowered (a feather centred on the edge took a limb one or two working pixels wide — a far
    athlete's arm or leg — below one half, and the privacy video blurred it)."""
    alpha = upsample(masks.athlete_mask(i), size)
    sigma = size[0] / masks.size[0]
    return np.maximum(alpha, cv2.GaussianBlur(alpha, (0, 0), sigma))[..., None]


def privacy_frame(image: np.ndarray, masks: MaskSequence, i: int) -> np.ndarray:
    """The frame with everything but the athlete (mask i) blurred."""
    h, w = image.shape[:2]
    alpha = athlete_alpha(masks, i, (w, h)) if i >= 0 else np.zeros((h, w, 1), np.float32)
    out = alpha * image.astype(np.float32) + (1 - alpha) * blurred(image).astype(np.float32)
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def render_privacy(source: str | Path, masks: MaskSequence, out: str | Path, *,
                   progress: Callable[[float], None] | None = None, max_side: int = MAX_SIDE) -> dict:
    """Write the privacy MP4 of ``source`` (long side ≤ max_side) to ``out``; returns
    {"frames", "size": [W, H], "frames_with_athlete", "seconds"}. With no athlete, every frame is
    blurred whole."""
    import av

    from inference.proxy import H264Writer
    from inference.video import iter_frames, probe

    started = time.perf_counter()
    info = probe(source)
    count = with_athlete = 0
    size = [0, 0]
    with av.open(str(out), mode="w", options={"movflags": "+faststart"}) as container:
        writer: H264Writer | None = None
        for image, t in iter_frames(source, max_side=max_side):
            if writer is None:
                size = [image.shape[1], image.shape[0]]
                writer = H264Writer(container, Fraction(info.fps).limit_denominator(1001), (size[0], size[1]))
            i = masks.frame_at(t)
            with_athlete += int(i >= 0 and bool(masks.athlete_mask(i).any()))
            writer.encode(privacy_frame(image, masks, i), t)
            count += 1
            if progress is not None and info.duration:
                progress(min(1.0, t / info.duration))
        if writer is not None:
            writer.flush()
    return {"frames": count, "size": size, "frames_with_athlete": with_athlete,
            "seconds": round(time.perf_counter() - started, 2)}


def draw_rings(image: np.ndarray, rings: list[list[int]], colour: tuple[int, int, int] = ATHLETE_BGR) -> None:
    """Draw contours_json rings on a frame in place, as the browser overlay would."""
    h, w = image.shape[:2]
    thickness = max(2, round(max(h, w) / 400))
    for ring in rings:
        points = np.array(ring, np.float64).reshape(-1, 2) / CONTOUR_SCALE * np.array([w, h])
        cv2.polylines(image, [points.round().astype(np.int32)], True, colour, thickness, cv2.LINE_AA)


def cutout_frame(image: np.ndarray, masks: MaskSequence, i: int) -> np.ndarray:
    """Preview of the cut-out overlay: the background dimmed, every other person's foreground
    tinted cyan, the athlete's outline (through :func:`outline`, the same rings as
    ``contours_json``) in orange."""
    h, w = image.shape[:2]
    out = (image.astype(np.float32) * 0.45).astype(np.uint8)
    athlete = upsample(masks.athlete_mask(i), (w, h)) >= 0.5
    others = (upsample(masks.foreground_mask(i), (w, h)) >= 0.5) & ~athlete
    out[athlete] = image[athlete]
    out[others] = (0.5 * image[others] + 0.5 * np.array([255, 255, 0])).astype(np.uint8)
    draw_rings(out, outline(masks.athlete_mask(i)))
    return out


def write_previews(source: str | Path, masks: MaskSequence, out_dir: str | Path, *, count: int = 3,
                   max_side: int = 640) -> list[Path]:
    """PNG previews of ``count`` frames spread over the video: original | privacy | cut-out."""
    from inference.video import iter_frames

    out_dir = Path(out_dir)
    wanted = set(np.linspace(0, max(masks.num_frames - 1, 0), count).round().astype(int).tolist())
    written = []
    for k, (image, t) in enumerate(iter_frames(source, max_side=max_side)):
        if k not in wanted:
            continue
        i = masks.frame_at(t)
        panel = np.concatenate([image, privacy_frame(image, masks, i), cutout_frame(image, masks, i)], axis=1)
        path = out_dir / f"preview_{k:05d}.png"
        cv2.imwrite(str(path), panel)
        written.append(path)
    return written
