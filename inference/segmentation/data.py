"""Training data for the UNet++ student: real frames, their teacher masks, and augmentation.

Sources (nothing is downloaded):

- videos: the ../shared/media clips (see its README), or any videos uploaded to the instance
  (:func:`inference.segmentation.train.retrain_segmentation`). Every frame is labelled by
  :class:`inference.segmentation.teacher.Teacher` in video mode.
- photos of people shipped in packages: Debian's opencv-doc (``basketball1.png``,
  ``basketball2.png``, ``messi5.jpg``; .ci/run installs it), labelled in static-image mode; and,
  where asked for (:func:`training_photos`), the photos :mod:`inference.segmentation.photos` took
  out of PyPI and Debian packages at setup (``make training-data``).

Split: the last ``HELD_OUT`` of each video (after a gap of ``GAP_S`` seconds, so no held-out
frame has a near-copy in training) is held out; photos are training only.

Augmentation (:func:`augment`), each drawn per sample: scale (0.6–1.6 of the working size),
random crop, horizontal flip, colour (brightness, contrast, saturation, hue shift), Gaussian or
motion blur, and background replacement through the teacher mask: the person (soft alpha = the
teacher's probability) is pasted on a crop of another training image, whose own people stay
labelled (label = max(alpha, (1 − alpha) · other label)).

Arrays: images (H, W, 3) uint8 BGR; masks (H, W) float32 in [0, 1].
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

DATA_SIDE = 384  # long side of stored training frames (2x the working size: room to zoom in)
POSE_SIDE = 640  # long side of the frames the teacher sees
HELD_OUT = 0.25
MAX_FRAMES = 100  # labelled per video; longer videos are sampled (at most ~25 MB of frames each)
GAP_S = 0.1
TEACHER_VERSION = 3  # part of the label cache's key: bump when the teacher changes
OPENCV_DATA = Path("/usr/share/doc/opencv-doc/examples/data")
PHOTOS = tuple(OPENCV_DATA / n for n in ("basketball1.png", "basketball2.png", "messi5.jpg"))


def training_photos(package_photos: bool = False) -> list[Path]:
    """The photos there are to train on: opencv-doc's :data:`PHOTOS`, and with ``package_photos``
    the ones :mod:`inference.segmentation.photos` cached (``python -m inference.segmentation.photos
    fetch``); missing ones are left out."""
    found = [p for p in PHOTOS if p.exists()]
    if package_photos:
        from inference.segmentation.photos import package_photos as cached

        found += cached()
    return found


@dataclass(frozen=True)
class Source:
    """One labelled source. images (N, H, W, 3) uint8; masks (N, H, W) uint8 (probability × 255);
    times (N,) seconds (0 for photos); held_out (N,) bool; people (N, P, 33, 3) float32: the
    teacher's BlazePose people in each frame (x, y in the stored frame's pixels, visibility; NaN
    rows pad frames with fewer people), or None (labelled before people were stored)."""

    name: str
    images: np.ndarray
    masks: np.ndarray
    times: np.ndarray
    held_out: np.ndarray
    people: np.ndarray | None = None


def _resize_long(image: np.ndarray, side: int) -> np.ndarray:
    h, w = image.shape[:2]
    scale = side / max(h, w)
    return cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)


def held_out_split(times: np.ndarray, fraction: float = HELD_OUT, gap_s: float = GAP_S) -> np.ndarray:
    """(N,) int8: 1 held out (the last ``fraction`` of the time span), 0 training, -1 dropped
    (the ``gap_s`` seconds before the held-out part)."""
    if len(times) == 0:
        return np.zeros(0, np.int8)
    start = times[0] + (times[-1] - times[0]) * (1.0 - fraction)
    split = np.zeros(len(times), np.int8)
    split[times >= start] = 1
    split[(times < start) & (times >= start - gap_s)] = -1
    return split


def sample_frames(path: Path, count: int, max_side: int) -> Iterator[tuple[np.ndarray, float]]:
    """``count`` frames spread evenly over a video, found by seeking (a keyframe, then decoding up
    to the time wanted), so a long video is not decoded whole: (frame (H, W, 3) uint8 BGR, t)."""
    import av

    from inference.video import frame_time, frame_to_bgr, probe

    duration = probe(path).duration
    with av.open(str(path), metadata_errors="ignore") as container:
        stream = container.streams.video[0]
        start = stream.start_time or 0
        for target in (np.arange(count) + 0.5) * duration / count:
            container.seek(start + int(target / stream.time_base), stream=stream)
            for frame in container.decode(stream):
                t = frame_time(frame, start)
                if t >= target - 1e-6:
                    yield frame_to_bgr(frame, max_side), t
                    break


def label_video(path: Path, teacher: object, *, max_frames: int = MAX_FRAMES) -> Source:
    """Teacher masks for a video's frames: every frame (BlazePose video mode) when it has at most
    ``max_frames``, else ``max_frames`` frames spread over it, each labelled on its own (static
    mode), so memory and time stay bounded for a library of long videos."""
    from inference.video import iter_frames, probe

    if probe(path).frame_count <= max_frames:
        frames = list(iter_frames(path, max_side=POSE_SIDE))
        labels = teacher.video_labels(f for f, _ in frames)  # type: ignore[attr-defined]
    else:
        frames = list(sample_frames(path, max_frames, POSE_SIDE))
        labels = (teacher.image_label(f) for f, _ in frames)  # type: ignore[attr-defined]
    images, masks, times, people = [], [], [], []
    for (frame, t), (mask, found) in zip(frames, labels, strict=True):
        images.append(_resize_long(frame, DATA_SIDE))
        masks.append(_resize_long(mask, DATA_SIDE))
        people.append(_scaled_people(found, DATA_SIDE / max(frame.shape[:2])))
        times.append(t)
    split = held_out_split(np.array(times, np.float64))
    keep_rows = split >= 0
    return Source(
        name=path.name,
        images=np.stack(images)[keep_rows],
        masks=(np.clip(np.stack(masks), 0, 1) * 255).round().astype(np.uint8)[keep_rows],
        times=np.array(times, np.float64)[keep_rows],
        held_out=(split == 1)[keep_rows],
        people=_pad_people(people)[keep_rows],
    )


def _scaled_people(people: np.ndarray, scale: float) -> np.ndarray:
    out = np.array(people, np.float32, copy=True)
    out[..., :2] *= scale
    return out


def _pad_people(people: list[np.ndarray]) -> np.ndarray:
    """Per-frame (P_i, 33, 3) arrays → (N, max P_i, 33, 3), NaN where a frame has fewer people."""
    count = max([len(p) for p in people] + [1])
    out = np.full((len(people), count, 33, 3), np.nan, np.float32)
    for i, p in enumerate(people):
        out[i, : len(p)] = p
    return out


def label_photo(path: Path, teacher: object) -> Source:
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError(f"cannot read {path}")
    image = _resize_long(image, POSE_SIDE)
    mask, found = teacher.image_label(image)  # type: ignore[attr-defined]
    return Source(
        name=path.name,
        images=_resize_long(image, DATA_SIDE)[None],
        masks=(np.clip(_resize_long(mask, DATA_SIDE), 0, 1) * 255).round().astype(np.uint8)[None],
        times=np.zeros(1),
        held_out=np.zeros(1, bool),
        people=_pad_people([_scaled_people(found, DATA_SIDE / max(image.shape[:2]))]),
    )


def _cache_key(path: Path) -> str:
    stat = path.stat()
    text = f"{path.resolve()}|{stat.st_size}|{int(stat.st_mtime)}|{DATA_SIDE}|{POSE_SIDE}|{HELD_OUT}|{TEACHER_VERSION}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def load_sources(videos: list[Path], photos: list[Path], cache_dir: Path | None = None,
                 *, max_frames: int = MAX_FRAMES) -> list[Source]:
    """Labelled sources, read from ``cache_dir`` when labelled before (keyed by path, size, mtime)."""
    teacher = None
    sources = []
    for path in [*videos, *photos]:
        cached = cache_dir / f"{path.stem}-{_cache_key(path)}-{max_frames}.npz" if cache_dir else None
        if cached is not None and cached.exists():
            with np.load(cached) as data:
                sources.append(Source(path.name, data["images"], data["masks"], data["times"], data["held_out"],
                                      data["people"] if "people" in data.files else None))
            continue
        if teacher is None:
            from inference.segmentation.teacher import Teacher

            teacher = Teacher()
        source = label_video(path, teacher, max_frames=max_frames) if path in videos else label_photo(path, teacher)
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            np.savez_compressed(cached, images=source.images, masks=source.masks, times=source.times,
                                held_out=source.held_out, people=source.people)  # type: ignore[arg-type]
        sources.append(source)
    return sources


def load_labelled(folder: Path) -> list[Source]:
    """Every source labelled before into ``folder`` (its npz files), e.g. a cache carried to a
    machine without the clips or the teacher models."""
    sources = []
    for path in sorted(Path(folder).glob("*.npz")):
        with np.load(path) as data:
            name = path.stem.rsplit("-", 2)[0]
            sources.append(Source(name, data["images"], data["masks"], data["times"], data["held_out"],
                                  data["people"] if "people" in data.files else None))
    if not sources:
        raise ValueError(f"no labelled sources (*.npz) in {folder}")
    return sources


def random_colour(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Augmentation: the image with its hue, saturation, brightness and contrast jittered."""
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV).astype(np.float32)
    hsv[..., 0] = (hsv[..., 0] + rng.uniform(-8, 8)) % 180
    hsv[..., 1] *= rng.uniform(0.6, 1.4)
    out = cv2.cvtColor(np.clip(hsv, 0, 255).astype(np.uint8), cv2.COLOR_HSV2BGR).astype(np.float32)
    out = (out - out.mean()) * rng.uniform(0.7, 1.3) + out.mean() + rng.uniform(-30, 30)
    return np.clip(out, 0, 255).astype(np.uint8)


def random_blur(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Augmentation: the image with a Gaussian or a motion blur (or unchanged)."""
    if rng.random() < 0.5:
        return cv2.GaussianBlur(image, (0, 0), rng.uniform(0.5, 1.5))
    length = int(rng.integers(3, 8))
    kernel = np.zeros((length, length), np.float32)
    kernel[length // 2] = 1.0 / length
    rotation = cv2.getRotationMatrix2D(((length - 1) / 2, (length - 1) / 2), rng.uniform(0, 180), 1.0)
    turned = cv2.warpAffine(kernel, rotation, (length, length))
    normalised = (turned / max(float(turned.sum()), 1e-6)).astype(np.float32)
    return cv2.filter2D(image, -1, normalised)


def scaled_crop(image: np.ndarray, mask: np.ndarray, size: tuple[int, int], scale: float,
                rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Resize by ``scale`` then a random (h, w) = size crop (reflect-padded where smaller)."""
    h, w = size
    image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    mask = cv2.resize(mask, (image.shape[1], image.shape[0]), interpolation=cv2.INTER_LINEAR)
    pad_y, pad_x = max(0, h - image.shape[0]), max(0, w - image.shape[1])
    if pad_y or pad_x:
        image = cv2.copyMakeBorder(image, pad_y // 2, pad_y - pad_y // 2, pad_x // 2, pad_x - pad_x // 2, cv2.BORDER_REFLECT)
        mask = cv2.copyMakeBorder(mask, pad_y // 2, pad_y - pad_y // 2, pad_x // 2, pad_x - pad_x // 2, cv2.BORDER_REFLECT)
    y = int(rng.integers(0, image.shape[0] - h + 1))
    x = int(rng.integers(0, image.shape[1] - w + 1))
    return image[y : y + h, x : x + w], mask[y : y + h, x : x + w]


def augment(image: np.ndarray, mask: np.ndarray, size: tuple[int, int], rng: np.random.Generator,
            background: tuple[np.ndarray, np.ndarray] | None = None,
            base_scale: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """One augmented (h, w) = size sample. image (H, W, 3) uint8; mask (H, W) float32 in [0, 1].

    base_scale: the stored frames' scale relative to the working resolution (DATA_SIDE is twice
    the working long side, so 0.5 shows frames as inference sees them); the scale drawn is
    base_scale × 0.6–1.6.
    """
    scale = base_scale * float(np.exp(rng.uniform(np.log(0.6), np.log(1.6))))
    image, mask = scaled_crop(image, mask, size, scale, rng)
    if background is not None:
        back, back_mask = scaled_crop(*background, size, base_scale * rng.uniform(0.7, 1.4), rng)
        alpha = mask[..., None]
        image = (alpha * image + (1 - alpha) * back).astype(np.uint8)
        mask = np.maximum(mask, (1 - mask) * back_mask)
    if rng.random() < 0.5:
        image, mask = image[:, ::-1], mask[:, ::-1]
    image = random_colour(np.ascontiguousarray(image), rng)
    if rng.random() < 0.3:
        image = random_blur(image, rng)
    return image, np.ascontiguousarray(mask, dtype=np.float32)


def to_input(images_bgr: np.ndarray) -> np.ndarray:
    """(N, H, W, 3) uint8 BGR → (N, H, W, 3) float32 RGB in [0, 1], the network's input."""
    return images_bgr[..., ::-1].astype(np.float32) * (1.0 / 255.0)


# A person whose confident keypoints all lie farther than this (fraction of the frame's width or
# height) from the frame's border cannot have walked out of the picture between two frames; if the
# teacher's count of people drops then, the teacher lost someone still there (the embrace at the
# end of indoor_two_people_1080p, where BlazePose finds one of two people, is one such case).
MISS_EDGE = 0.05


def teacher_misses(source: Source) -> np.ndarray:
    """(N,) bool: frames of a video source where the teacher has fewer people than it had just
    before and nobody it had was near the frame's border (so nobody left the picture): from such
    a drop until the count is back. The teacher's mask leaves the lost person out there, which
    would teach the student that a person is background and score a student that sees them as
    wrong. Photos and sources labelled without people: nothing flagged."""
    from inference.segmentation.person import MIN_KEYPOINTS, confident

    flagged = np.zeros(len(source.images), bool)
    if source.people is None or len(source.images) < 2:
        return flagged
    height, width = source.images.shape[1:3]
    counts, inside = [], []
    for frame in source.people:
        people = [p[confident(p)] for p in frame if confident(p).sum() >= MIN_KEYPOINTS]
        counts.append(len(people))
        inside.append(all(
            (p[:, 0].min() > MISS_EDGE * width) and (p[:, 0].max() < (1 - MISS_EDGE) * width)
            and (p[:, 1].min() > MISS_EDGE * height) and (p[:, 1].max() < (1 - MISS_EDGE) * height)
            for p in people))
    expected: int | None = None
    for i in range(1, len(counts)):
        if expected is None and counts[i] < counts[i - 1] and inside[i - 1]:
            expected = counts[i - 1]
        if expected is not None:
            if counts[i] >= expected:
                expected = None
            else:
                flagged[i] = True
    return flagged
