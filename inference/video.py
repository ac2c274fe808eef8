"""Video files: probing, frames with presentation timestamps, browser-playable proxies.

Everything here is PyAV (FFmpeg's libraries), so probing and decoding use the same code paths as
the analysis. Frames are yielded in display orientation: the rotation from the container's display
matrix is applied. Time always comes from presentation timestamps, never index × nominal fps.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import av
import cv2
import numpy as np
from av.video.reformatter import Colorspace, ColorTrc

from inference.hdr import HDR_TRANSFERS, HLG, PQ, tone_map_to_sdr
from inference.packets import PacketScan, ScanLimit, scan_packets

# Magic numbers of formats people upload by mistake, for a message that says what the file is.
_NOT_VIDEO_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive or office document"),
    (b"<svg", "an SVG image"),
    (b"<?xml", "an XML document"),
    (b"<!DOCTYPE", "an HTML page"),
    (b"<html", "an HTML page"),
    (b"ID3", "an MP3 audio file"),
    (b"fLaC", "a FLAC audio file"),
    (b"OggS", "an Ogg file"),
)

SLOW_MOTION_FPS = 100.0
MAX_DIMENSION = 8192
MIN_DIMENSION = 16
MAX_PIXELS = 8192 * 4320  # 8K in either orientation; also the decoder's own refusal threshold


class VideoError(ValueError):
    """A file that cannot be used as a training video; the message is meant for the user."""


@dataclass(frozen=True)
class VideoInfo:
    """What a probe learns about a video file. width/height are in display orientation."""

    container: str
    codec: str
    width: int
    height: int
    rotation: int
    fps: float
    duration: float
    frame_count: int
    has_audio: bool
    bit_depth: int = 8
    transfer: str = "sdr"  # "sdr", "smpte2084" (PQ HDR) or "arib-std-b67" (HLG HDR)

    @property
    def hdr(self) -> bool:
        return self.transfer in HDR_TRANSFERS

    @property
    def slow_motion(self) -> bool:
        """Captured at 100 fps or more: played at real time it is fast, slowed it is smooth."""
        return self.fps >= SLOW_MOTION_FPS

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "hdr": self.hdr, "slow_motion": self.slow_motion}


def sniff(path: str | Path) -> str | None:
    """Return a description of what the file is if it is clearly not a video, else None."""
    with open(path, "rb") as fh:
        head = fh.read(512)
    if not head:
        return "an empty file (0 bytes)"
    stripped = head.lstrip().lower()
    for magic, what in _NOT_VIDEO_SIGNATURES:
        if head.startswith(magic) or stripped.startswith(magic.lower()):
            return what
    if _looks_like_text(head):
        return "a text file"
    return None


def _looks_like_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return printable / max(len(text), 1) > 0.95


def probe(
    path: str | Path,
    *,
    max_duration: float | None = None,
    max_frames: int | None = None,
    max_fps: float | None = None,
    budget_s: float | None = None,
) -> VideoInfo:
    """Open, validate and describe a video. Raises VideoError with a user-facing message.

    Duration and frame count come from the packets (:mod:`inference.packets`), not the headers;
    the scan stops past ``max_frames`` or after ``budget_s`` seconds. Decodes the first frame and
    a frame near the end, so truncated or corrupt files are caught here rather than half-way
    through an analysis.
    """
    what = sniff(path)
    if what is not None:
        raise VideoError(f"This is not a video: the file looks like {what}.")
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.FFmpegError, UnicodeDecodeError) as exc:
        raise VideoError(
            "The file could not be read as a video: it is damaged or truncated, or not a "
            "video format we know. Export it again as MP4 or MOV and retry."
        ) from exc
    with container:
        stream = _video_stream(container)
        # The decoder itself refuses a frame over the limit instead of allocating it.
        stream.codec_context.options = {"max_pixels": str(MAX_PIXELS)}
        fps = float(stream.average_rate or stream.guessed_rate or 0)
        _check_rate(fps, max_fps)
        _check_duration(_duration(container, stream), max_duration)  # the header's claim: cheap
        first = _decode_one(container, stream, at=None)
        rotation = frame_rotation(first)
        width, height = (first.height, first.width) if rotation % 180 else (first.width, first.height)
        check_frame_size(int(width), int(height))
        try:
            scan = scan_packets(container, stream, Path(path).stat().st_size,
                                max_frames=max_frames, budget_s=budget_s)
        except ScanLimit as exc:
            raise VideoError(str(exc)) from exc
        except av.FFmpegError as exc:
            raise VideoError("The video is damaged; export the clip again.") from exc
        _check_tail(container, stream, scan)
        duration = scan.duration or _duration(container, stream)
        if duration <= 0 or scan.shown == 0:
            raise VideoError("The video has no duration; it is empty or damaged.")
        _check_duration(duration, max_duration)  # what the packets really span
        if scan.shown > 1:
            _check_rate((scan.shown - 1) / duration, max_fps, measured=True)
        if duration > 1.0:
            late = _decode_one(container, stream, at=duration * 0.9)
            check_frame_size(late.width, late.height)
        return VideoInfo(
            container=container.format.name.split(",")[0],
            codec=stream.codec_context.name,
            width=int(width),
            height=int(height),
            rotation=rotation,
            fps=round(fps, 3),
            duration=round(duration, 3),
            frame_count=scan.shown,
            has_audio=bool(container.streams.audio),
            bit_depth=_bit_depth(first),
            transfer=transfer_name(first),
        )


def _video_stream(container: av.container.InputContainer) -> av.VideoStream:
    if not container.streams.video:
        raise VideoError("The file has no video track (audio only?).")
    stream = container.streams.video[0]
    if stream.codec_context is None:
        raise VideoError(
            "The video track cannot be decoded: the file is truncated (its index is missing) "
            "or uses a codec we do not have. Export it again as MP4 or MOV."
        )
    return stream


def _check_duration(duration: float, max_duration: float | None) -> None:
    if max_duration is not None and duration > max_duration:
        raise VideoError(
            f"The video is {duration / 60:.1f} min long; the limit is "
            f"{max_duration / 60:.0f} min. Trim it and upload again."
        )


def _check_rate(fps: float, max_fps: float | None, *, measured: bool = False) -> None:
    """The declared rate, or the rate the packets really have (with slack for rounding and
    variable frame rates)."""
    if not measured and (not np.isfinite(fps) or fps <= 0 or fps > 1000):
        raise VideoError("The video's frame rate is missing or impossible.")
    limit = max_fps if max_fps is not None else 1000.0
    if fps > (limit * 1.1 + 1 if measured else limit):
        raise VideoError(
            f"The video has {fps:.0f} frames per second; up to {limit:.0f} are accepted. "
            "Export it at a lower frame rate."
        )


def check_frame_size(width: int, height: int) -> None:
    """Every frame's size, not just the first one's: a file may declare 64x64 and hold
    12000x12000 frames."""
    if (min(width, height) < MIN_DIMENSION or max(width, height) > MAX_DIMENSION
            or width * height > MAX_PIXELS):
        raise VideoError(
            f"The video has a {width}x{height} pixel frame; sizes from {MIN_DIMENSION} to "
            f"{MAX_DIMENSION} pixels per side, at most {MAX_PIXELS / 1e6:.0f} megapixels, are "
            "accepted."
        )


def _bit_depth(frame: av.VideoFrame) -> int:
    name = frame.format.name
    for depth in (16, 12, 10):
        if str(depth) in name:
            return depth
    return 8


def _duration(container: av.container.InputContainer, stream: av.VideoStream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return 0.0


def _decode_one(
    container: av.container.InputContainer, stream: av.VideoStream, *, at: float | None
) -> av.VideoFrame:
    try:
        if at is not None:
            assert stream.time_base is not None
            container.seek(int(at / stream.time_base), stream=stream, backward=True)
        for frame in container.decode(stream):
            return frame
    except (av.FFmpegError, ValueError) as exc:
        raise VideoError(
            "The video is damaged or truncated (frames could not be decoded). "
            "Check the upload finished, or export the clip again."
        ) from exc
    raise VideoError(
        "The video is damaged or truncated (no frame could be decoded"
        + (" near its end)." if at is not None else ").")
    )


def _check_tail(
    container: av.container.InputContainer, stream: av.VideoStream, scan: PacketScan
) -> None:
    """Compare the packets with the index: catches files cut off after an index that still
    promises the missing frames."""
    expected = stream.frames or 0
    missing = "Check the upload finished, or copy the file from the camera again."
    if expected and scan.packets < expected:
        raise VideoError(
            f"The video is truncated: {expected - scan.packets} of its {expected} frames are "
            "missing. " + missing
        )
    # Containers without a frame count (Matroska, WebM, AVI): the packets must reach the end.
    duration = _duration(container, stream)
    fps = float(stream.average_rate or stream.guessed_rate or 30)
    offset = float((stream.start_time or 0) * stream.time_base) if stream.time_base else 0.0
    last_end = scan.end - offset
    if not expected and duration > 0 and last_end < duration - max(0.25, 3 / fps):
        raise VideoError(
            f"The video is truncated: it should last {duration:.1f} s but its frames stop at "
            f"{last_end:.1f} s. " + missing
        )


def frame_rotation(frame: av.VideoFrame) -> int:
    """Clockwise degrees to turn the stored picture to show it upright (0, 90, 180, 270)."""
    # PyAV reports the display matrix angle counter-clockwise.
    return int(-round(getattr(frame, "rotation", 0) or 0)) % 360


def _upright(image: np.ndarray, rotation: int) -> np.ndarray:
    if rotation == 90:
        return cv2.rotate(image, cv2.ROTATE_90_CLOCKWISE)
    if rotation == 180:
        return cv2.rotate(image, cv2.ROTATE_180)
    if rotation == 270:
        return cv2.rotate(image, cv2.ROTATE_90_COUNTERCLOCKWISE)
    return image


def _scaled_size(width: int, height: int, max_side: int | None) -> tuple[int, int]:
    if not max_side or max(width, height) <= max_side:
        return width, height
    scale = max_side / max(width, height)
    # Even sizes: H.264 with 4:2:0 chroma needs them, and they cost nothing elsewhere.
    return max(2, int(round(width * scale / 2)) * 2), max(2, int(round(height * scale / 2)) * 2)


def frame_time(frame: av.VideoFrame | av.AudioFrame, start: int) -> float:
    """Seconds since the stream's start, from the presentation timestamp."""
    if frame.pts is None or frame.time_base is None:
        return float(frame.time or 0.0)
    return float((frame.pts - start) * frame.time_base)


def transfer_name(frame: av.VideoFrame) -> str:
    """The frame's transfer characteristic: "smpte2084" (PQ), "arib-std-b67" (HLG) or "sdr"."""
    trc = int(frame.color_trc or 0)
    return {int(ColorTrc.SMPTE2084): PQ, int(ColorTrc.ARIB_STD_B67): HLG}.get(trc, "sdr")


def frame_size(frame: av.VideoFrame, max_side: int | None = None) -> tuple[int, int]:
    """(width, height) :func:`frame_to_bgr` gives this frame, upright."""
    if frame_rotation(frame) % 180:  # stored sideways: the upright width is the stored height
        return _scaled_size(frame.height, frame.width, max_side)
    return _scaled_size(frame.width, frame.height, max_side)


def frame_to_bgr(frame: av.VideoFrame, max_side: int | None = None) -> np.ndarray:
    """(H, W, 3) uint8 BGR, upright, SDR BT.709, long side ≤ max_side.

    Scaling happens in swscale during the colour conversion, so a 4K frame is never held at
    full size as RGB. HDR frames (PQ/HLG) are tone-mapped (inference.hdr) so they do not look
    washed out; 10-bit SDR converts directly.
    """
    rotation = frame_rotation(frame)
    sw, sh = frame.width, frame.height
    if rotation % 180:
        th, tw = _scaled_size(sh, sw, max_side)
    else:
        tw, th = _scaled_size(sw, sh, max_side)
    transfer = transfer_name(frame)
    if transfer in HDR_TRANSFERS:
        rgb48 = frame.reformat(
            width=tw, height=th, format="rgb48le", src_colorspace=Colorspace.BT2020
        ).to_ndarray()
        image = tone_map_to_sdr(rgb48, transfer)
    else:
        image = frame.to_ndarray(format="bgr24", width=tw, height=th)
    return _upright(image, rotation)


def iter_frames(
    path: str | Path, *, max_side: int | None = None
) -> Iterator[tuple[np.ndarray, float]]:
    """Yield (frame, t): frame (H, W, 3) uint8 BGR upright SDR, t seconds of presentation time
    (capture time: a 240 fps slow-motion clip yields 240 frames per second of t).

    Memory does not grow with the video's length. Every frame's size is checked (VideoError):
    the decoder refuses frames over MAX_PIXELS before allocating them.
    """
    for frame, t in iter_decoded(path):
        yield frame_to_bgr(frame, max_side), t


def iter_decoded(path: str | Path) -> Iterator[tuple[av.VideoFrame, float]]:
    """:func:`iter_frames`' frames before their conversion: (decoded frame, t). A caller that
    needs only some frames' pixels converts those alone (:func:`frame_to_bgr`); the conversion
    costs about as much as the decoding."""
    with av.open(str(path), metadata_errors="ignore") as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        stream.codec_context.options = {"max_pixels": str(MAX_PIXELS)}
        start = stream.start_time or 0
        for frame in _decoded(container, stream):
            check_frame_size(frame.width, frame.height)
            yield frame, frame_time(frame, start)


def _decoded(container: av.container.InputContainer, stream: av.VideoStream) -> Iterator[av.VideoFrame]:
    frames = container.decode(stream)
    t = 0.0
    while True:
        try:
            frame = next(frames)
        except StopIteration:
            return
        except av.FFmpegError as exc:
            raise VideoError(
                f"A frame after {t:.1f} s could not be decoded: it is damaged, or larger than "
                f"{MAX_PIXELS / 1e6:.0f} megapixels. Export the clip again."
            ) from exc
        t = float(frame.time or t)
        yield frame


def batches(frames: Iterator[tuple[np.ndarray, float]], size: int) -> Iterator[list[tuple[np.ndarray, float]]]:
    """Group :func:`iter_frames`' (frame, t) pairs into lists of ``size`` (the last may be shorter).

    Here, beside the frames, so that stages below the pipeline (segmentation) batch frames without
    importing the pipeline that runs them."""
    batch: list[tuple[np.ndarray, float]] = []
    for item in frames:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
