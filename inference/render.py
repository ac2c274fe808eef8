"""The annotated MP4: the proxy with the athlete's skeleton, live joint-angle values, the coach's
drawings and comments as captions at their times. Pure drawing over frames (OpenCV); the encoder
is the proxy's (H.264, faststart, presentation times kept).

Coordinates of poses and drawings are source pixels of the upright video; they are scaled to the
frames being drawn.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from inference.posedata import PoseSequence
from inference.proxy import H264Writer
from inference.skeleton import get_skeleton
from inference.video import iter_frames, probe

ATHLETE_BGR = (0, 140, 255)
OTHER_BGR = (238, 211, 34)
ANGLE_LABELS = (("left_knee", 25), ("right_knee", 27), ("left_hip", 23), ("right_hip", 24),
                ("left_elbow", 13), ("right_elbow", 14))  # angle name, BlazePose keypoint to label


@dataclass(frozen=True)
class Drawing:
    """A coach's drawing: kind (angle, line, distance, arrow, freehand, text), points in source
    pixels, shown from t_start to t_end; label is shown beside it (a measured value, the text)."""

    kind: str
    points: Sequence[Sequence[float]]
    t_start: float
    t_end: float
    colour: str = "#ff3b30"
    label: str = ""


@dataclass(frozen=True)
class Caption:
    text: str
    t_start: float
    t_end: float


@dataclass(frozen=True)
class RenderInput:
    poses: PoseSequence | None = None
    athlete_index: int | None = None
    angles: dict[str, np.ndarray] = field(default_factory=dict)  # name → (T,) degrees
    angle_times: np.ndarray | None = None
    drawings: Sequence[Drawing] = ()
    captions: Sequence[Caption] = ()


def _bgr(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    r, g, b = (int(colour[i:i + 2], 16) for i in (0, 2, 4))
    return b, g, r


def _text(image: np.ndarray, text: str, at: tuple[int, int], scale: float, colour: tuple[int, int, int]) -> None:
    """Text with a dark outline, readable on any background."""
    thickness = max(1, int(round(scale * 2)))
    cv2.putText(image, text, at, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), thickness + 3, cv2.LINE_AA)
    cv2.putText(image, text, at, cv2.FONT_HERSHEY_SIMPLEX, scale, colour, thickness, cv2.LINE_AA)


def angle_at(points: Sequence[Sequence[float]]) -> float:
    """Degrees between the rays vertex→first and vertex→third (three clicks: end, vertex, end)."""
    (ax, ay), (vx, vy), (bx, by) = points[0], points[1], points[2]
    a = math.atan2(ay - vy, ax - vx)
    b = math.atan2(by - vy, bx - vx)
    d = abs(math.degrees(a - b)) % 360
    return 360 - d if d > 180 else d


def draw_drawing(image: np.ndarray, drawing: Drawing, scale: float) -> None:
    colour = _bgr(drawing.colour)
    pts = [(int(round(x * scale)), int(round(y * scale))) for x, y in drawing.points]
    width = max(2, int(round(3 * image.shape[1] / 1280)))
    font = 0.6 * image.shape[1] / 1280 + 0.2
    if drawing.kind == "arrow":
        cv2.arrowedLine(image, pts[0], pts[1], colour, width, cv2.LINE_AA, tipLength=0.15)
    elif drawing.kind in ("line", "distance"):
        cv2.line(image, pts[0], pts[1], colour, width, cv2.LINE_AA)
        for p in pts:
            cv2.circle(image, p, width + 2, colour, -1, cv2.LINE_AA)
    elif drawing.kind == "angle":
        cv2.polylines(image, [np.array(pts, np.int32)], False, colour, width, cv2.LINE_AA)
        label = drawing.label or f"{angle_at(drawing.points):.1f} deg"
        _text(image, label, (pts[1][0] + 12, pts[1][1] - 12), font, colour)
        return
    elif drawing.kind == "freehand":
        cv2.polylines(image, [np.array(pts, np.int32)], False, colour, width, cv2.LINE_AA)
    if drawing.label or drawing.kind == "text":
        anchor = pts[-1] if drawing.kind != "text" else pts[0]
        _text(image, drawing.label, (anchor[0] + 8, anchor[1] - 8), font, colour)


def draw_skeleton(image: np.ndarray, people: np.ndarray, limbs: Sequence[tuple[int, int]],
                  athlete: int | None, scale: float = 1.0,
                  colours: Sequence[tuple[int, int, int]] | None = None,
                  min_confidence: float = 0.0) -> None:
    """people (P, K, 3) source pixels + confidence, drawn in place. Colours: one per person slot
    when given (untracked output), else the athlete in orange and everyone else in cyan."""
    width = max(2, int(round(3 * max(image.shape[:2]) / 1280)))
    for p, person in enumerate(people):
        ok = np.isfinite(person[:, 0]) & (np.nan_to_num(person[:, 2]) > min_confidence)
        if colours:
            colour = colours[p % len(colours)]
        else:
            colour = ATHLETE_BGR if p == athlete else OTHER_BGR
        xy = np.nan_to_num(person[:, :2] * scale).round().astype(int)
        for a, b in limbs:
            if ok[a] and ok[b]:
                cv2.line(image, tuple(xy[a]), tuple(xy[b]), colour, width, cv2.LINE_AA)
        for k in np.flatnonzero(ok):
            cv2.circle(image, tuple(xy[k]), width + 1, (255, 255, 255), -1, cv2.LINE_AA)


def draw_caption(image: np.ndarray, text: str) -> None:
    """A subtitle band at the bottom of the frame."""
    h, w = image.shape[:2]
    font = 0.5 * w / 1280 + 0.35
    size, _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, font, 2)
    band = int(size[1] * 2.4)
    overlay = image[h - band:h].copy()
    cv2.rectangle(overlay, (0, 0), (w, band), (0, 0, 0), -1)
    image[h - band:h] = cv2.addWeighted(overlay, 0.6, image[h - band:h], 0.4, 0)
    _text(image, text[:120], (max(8, (w - size[0]) // 2), h - band // 3), font, (255, 255, 255))


def render_annotated(source: str | Path, out_path: str | Path, data: RenderInput, *,
                     progress: Callable[[float], None] | None = None) -> int:
    """Draw everything over every frame of `source` (the proxy) and encode to `out_path`.
    Returns the number of frames written."""
    info = probe(source)
    frames = iter_frames(source)
    first = next(frames, None)
    if first is None:
        return 0
    height, width = first[0].shape[:2]
    src_w = data.poses.size[0] if data.poses is not None and data.poses.size[0] else width
    scale = width / src_w
    limbs = get_skeleton(data.poses.skeleton).limbs if data.poses is not None else ()
    times = data.poses.timestamps if data.poses is not None else np.zeros(0)
    count = 0
    with av.open(str(out_path), mode="w", options={"movflags": "+faststart"}) as out:
        writer = H264Writer(out, Fraction(info.fps).limit_denominator(1001), (width, height))
        for image, t in _chain(first, frames):
            image = image.copy()
            if data.poses is not None and len(times):
                i = int(np.argmin(np.abs(times - t)))
                draw_skeleton(image, data.poses.keypoints[i], limbs, data.athlete_index, scale,
                              min_confidence=0.3)
                _angle_values(image, data, i, t, scale)
            for drawing in data.drawings:
                if drawing.t_start <= t <= drawing.t_end:
                    draw_drawing(image, drawing, scale)
            current = [c.text for c in data.captions if c.t_start <= t <= c.t_end]
            if current:
                draw_caption(image, " | ".join(current))
            writer.encode(image, t)
            count += 1
            if progress is not None and info.duration:
                progress(min(1.0, t / info.duration))
        writer.flush()
    return count


def _chain(first: tuple[np.ndarray, float], rest: Iterator[tuple[np.ndarray, float]]
           ) -> Iterator[tuple[np.ndarray, float]]:
    yield first
    yield from rest


def _angle_values(image: np.ndarray, data: RenderInput, i: int, t: float, scale: float) -> None:
    if data.athlete_index is None or data.angle_times is None or not data.angles:
        return
    j = int(np.argmin(np.abs(data.angle_times - t)))
    person = data.poses.keypoints[i, data.athlete_index] if data.poses is not None else None
    if person is None or person.shape[0] < 33:
        return
    font = 0.45 * image.shape[1] / 1280 + 0.25
    for name, keypoint in ANGLE_LABELS:
        series = data.angles.get(name)
        x, y = person[keypoint, :2]
        if series is None or not np.isfinite(series[j]) or not np.isfinite(x):
            continue
        _text(image, f"{series[j]:.0f}", (int(x * scale) + 10, int(y * scale)), font, (255, 255, 255))
