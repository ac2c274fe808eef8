"""The browser-playable proxy of an uploaded video, and its poster image.

H.264 High, 8-bit 4:2:0, BT.709 SDR (HDR tone-mapped; the BGR→YUV conversion uses the BT.709
matrix and the stream is tagged bt709 for primaries, transfer and matrix), upright (the display
matrix applied), long side ≤ 1280 px, MP4 with the index at the front (faststart), a keyframe
every half second so seeking lands near the asked frame, presentation times kept (variable frame
rates and slow motion stay on their real time axis), audio kept as AAC on the same clock.

Time 0 of the proxy is the source's first video frame: video and audio times both move by the
video stream's start, so they stay in sync when the streams do not start at 0.
With ``time_scale`` (slow motion exported at playback rate, its capture rate given by the coach:
inference.pipeline.config) every frame time is multiplied by it, so the proxy plays on the
analysis' real-time clock like a camera's own high-frame-rate file; its audio, slowed with the
picture, is left out.
The poster is the frame at time 0 (POSTER_AT_S), the frame a player shows before playing, so the
skeleton drawn over the first view is the poster's.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np
from av.video.reformatter import ColorRange, Colorspace

from inference.video import VideoError, frame_size, frame_time, frame_to_bgr, iter_frames

TIME_BASE = Fraction(1, 90000)
POSTER_AT_S = 0.0
BT709 = 1  # the ITU-T H.273 code of BT.709 for colour primaries, transfer and matrix alike
TRUNCATED = "The video is truncated: its frames stop at {end:.1f} s of {duration:.1f} s. " \
            "Check the upload finished, or copy the file from the camera again."


class H264Writer:
    """Every stream must exist before the first packet is muxed, so the output size comes from
    the first frame, decoded up front."""

    def __init__(self, out: av.container.OutputContainer, fps: Fraction, size: tuple[int, int]) -> None:
        self.out = out
        self.last_pts = -1
        self.frames = 0
        self.last_t = 0.0
        self.stream = out.add_stream("libx264", rate=fps)
        self.size = (size[0] - size[0] % 2, size[1] - size[1] % 2)  # 4:2:0 needs even sizes
        self.stream.width, self.stream.height = self.size
        self.stream.pix_fmt = "yuv420p"
        self.stream.time_base = TIME_BASE
        context = self.stream.codec_context
        context.time_base = TIME_BASE
        # The colour tags go on the codec context: x264's own option names ("colorprim", …)
        # given as codec options are dropped without a word by libavcodec's wrapper.
        context.color_primaries = context.color_trc = context.colorspace = BT709
        context.color_range = int(ColorRange.MPEG)
        context.options = {"preset": "veryfast", "crf": "23", "g": str(max(1, round(float(fps) / 2)))}

    def encode(self, image: np.ndarray, t: float) -> None:
        width, height = self.size
        rgb = av.VideoFrame.from_ndarray(np.ascontiguousarray(image[:height, :width]), format="bgr24")
        self.encode_yuv(to_bt709_yuv(rgb), t)

    def encode_yuv(self, frame: av.VideoFrame, t: float) -> None:
        """A frame already in BT.709 yuv420p at the output size."""
        # Strictly increasing presentation times, even for files with duplicate timestamps.
        pts = max(int(round(t / TIME_BASE)), self.last_pts + 1)
        self.last_pts, self.last_t = pts, t
        frame.pts, frame.time_base = pts, TIME_BASE
        for packet in self.stream.encode(frame):
            self.out.mux(packet)
        self.frames += 1

    def flush(self) -> tuple[int, int]:
        if self.frames == 0:
            raise VideoError("The video has no decodable frames.")
        for packet in self.stream.encode(None):
            self.out.mux(packet)
        return self.stream.width, self.stream.height


# mpv's guess for a matrix the file does not name (mp_csp_guess_colorspace): BT.709 from 1280 pixels
# wide or more than 576 lines, BT.601 below; FFmpeg's players and browsers guess alike for HD.
HD_MIN_WIDTH, SD_MAX_HEIGHT = 1280, 576
UNSPECIFIED = 2  # H.273 code for a matrix the file leaves unspecified


def keeps_yuv(frame: av.VideoFrame, size: tuple[int, int]) -> bool:
    """Whether the proxy can take this source frame's Y'CbCr as it is, only scaled to ``size``
    (one swscale pass; the BGR round trip costs about twice the decoding, measured): 8-bit 4:2:0
    limited range SDR, upright, BT.709 by its tag or, untagged, by its HD size. Everything else
    (HDR, 10-bit, 4:2:2/4:4:4, full range, a display rotation, SD untagged: BT.601) goes through
    BGR and :func:`to_bt709_yuv`."""
    from inference.video import frame_rotation, transfer_name

    matrix = int(frame.colorspace or UNSPECIFIED)
    hd = frame.width >= HD_MIN_WIDTH or frame.height > SD_MAX_HEIGHT
    return (frame.format.name == "yuv420p" and int(frame.color_range or 0) != int(ColorRange.JPEG)
            and transfer_name(frame) == "sdr" and frame_rotation(frame) == 0
            and (matrix == BT709 or (matrix == UNSPECIFIED and hd))
            and size[0] % 2 == 0 and size[1] % 2 == 0)  # fmt: skip


def scaled_bt709_yuv(frame: av.VideoFrame, size: tuple[int, int]) -> av.VideoFrame:
    """A frame :func:`keeps_yuv` accepts, scaled to ``size`` in yuv420p and tagged BT.709. At
    ``size`` already it is the same frame object (PyAV's reformat returns it), retagged in place."""
    yuv = frame.reformat(width=size[0], height=size[1], format="yuv420p")
    yuv.colorspace = yuv.color_primaries = yuv.color_trc = BT709
    yuv.color_range = int(ColorRange.MPEG)
    return yuv


def to_bt709_yuv(frame: av.VideoFrame) -> av.VideoFrame:
    """An RGB/BGR frame as limited-range 4:2:0 YUV with the BT.709 matrix (swscale's default
    would be BT.601), tagged BT.709 so a decoder converts it back with the same matrix."""
    yuv = frame.reformat(format="yuv420p", dst_colorspace=Colorspace.ITU709,
                         dst_color_range=ColorRange.MPEG)
    yuv.colorspace = yuv.color_primaries = yuv.color_trc = BT709
    yuv.color_range = int(ColorRange.MPEG)
    return yuv


class _AudioEncoder:
    """AAC on the video's clock: `zero_s` (the source time of the first video frame) becomes
    time 0, as it does for the video; samples before it are cut."""

    def __init__(self, out: av.container.OutputContainer, source: av.AudioStream, zero_s: float) -> None:
        self.rate = source.rate or 48000
        self.stream = out.add_stream("aac", rate=self.rate)
        self.layout = "stereo" if (source.channels or 2) >= 2 else "mono"
        self.stream.layout = self.layout
        self.resampler = av.AudioResampler(format="fltp", layout=self.layout, rate=self.rate)
        self.out = out
        self.shift = int(round(zero_s * self.rate))  # samples
        self.next_pts: int | None = None

    def encode(self, frame: av.AudioFrame | None) -> None:
        if frame is None:
            self._send(None)
            return
        for resampled in self.resampler.resample(frame):
            shifted = self._shift(resampled)
            if shifted is not None:
                self._send(shifted)

    def _shift(self, frame: av.AudioFrame) -> av.AudioFrame | None:
        """The frame at its proxy time (1/rate units), cut where it starts before time 0."""
        if frame.pts is None or frame.time_base is None:  # no timestamp: it follows the previous frame
            pts = self.next_pts if self.next_pts is not None else 0
        else:
            pts = int(round(frame.pts * frame.time_base * self.rate)) - self.shift
        if self.next_pts is not None and pts < self.next_pts:
            pts = self.next_pts  # never overlap the samples already sent
        if pts + frame.samples <= 0:
            return None
        if pts < 0:
            planes = frame.to_ndarray().astype(np.float32)[:, -pts:]
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(planes), format="fltp", layout=self.layout)
            frame.sample_rate, pts = self.rate, 0
        frame.pts, frame.time_base = pts, Fraction(1, self.rate)
        self.next_pts = pts + frame.samples
        return frame

    def _send(self, frame: av.AudioFrame | None) -> None:
        for packet in self.stream.encode(frame):
            self.out.mux(packet)


def _stream_duration(container: av.container.InputContainer, stream: av.VideoStream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base - float((stream.start_time or 0) * (stream.time_base or 0))
    return 0.0


class ProxyEncoder:
    """The proxy and its poster made from frames decoded elsewhere: ``add`` each decoded frame of
    ``streams`` (video, and audio when kept) in decoding order, then ``finish``. Used by
    :func:`make_proxy` (its own pass over the source) and :func:`frames_with_proxy` (the pose
    stage's pass: one decode for both). A context manager: the output file is closed on exit."""

    def __init__(self, source: str | Path, src: av.container.InputContainer, proxy_path: str | Path,
                 poster_path: str | Path, *, max_side: int = 1280, progress: Callable[[float], None] | None = None,
                 duration: float | None = None, time_scale: float = 1.0) -> None:  # fmt: skip
        if not src.streams.video:
            raise VideoError("The file has no video track.")
        self.src, self.max_side, self.time_scale = src, max_side, time_scale
        self.progress, self.duration, self.poster_path = progress, duration, poster_path
        self.vstream = src.streams.video[0]
        self.vstream.thread_type = "AUTO"
        self.astream = src.streams.audio[0] if src.streams.audio and time_scale == 1.0 else None
        first = next(iter_frames(source, max_side=max_side), None)
        if first is None:
            raise VideoError("The video has no decodable frames.")
        size = (first[0].shape[1], first[0].shape[0])
        fps = self.vstream.average_rate or Fraction(30)
        if time_scale != 1.0:
            fps = (fps / Fraction(time_scale)).limit_denominator(1001)
        self.fps = fps
        self.out = av.open(str(proxy_path), mode="w", options={"movflags": "+faststart"})
        self.video = H264Writer(self.out, fps, size)
        self.start = self.vstream.start_time or 0
        zero_s = float(self.start * self.vstream.time_base) if self.vstream.time_base is not None else 0.0
        self.audio = _AudioEncoder(self.out, self.astream, zero_s) if self.astream is not None else None
        self.count, self.poster_done = 0, False
        self.direct: bool | None = None  # the source's Y'CbCr kept (keeps_yuv), decided on its first frame
        self.streams = [s for s in (self.vstream, self.astream) if s is not None]

    def __enter__(self) -> ProxyEncoder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.out.close()

    def add(self, frame: object) -> None:
        """One decoded frame of ``streams``; frames of other streams are ignored."""
        if isinstance(frame, av.AudioFrame):
            if self.audio is not None:
                self.audio.encode(frame)
            return
        if not isinstance(frame, av.VideoFrame):
            return
        t = frame_time(frame, self.start)
        video = self.video
        if self.direct is None:
            self.direct = keeps_yuv(frame, video.size) and frame_size(frame, self.max_side) == video.size
        image = None if self.direct and self.poster_done else frame_to_bgr(frame, self.max_side)
        if self.direct:
            video.encode_yuv(scaled_bt709_yuv(frame, video.size), t * self.time_scale)
        else:
            assert image is not None
            video.encode(image, t * self.time_scale)
        if not self.poster_done:
            assert image is not None
            cv2.imwrite(str(self.poster_path), image, [cv2.IMWRITE_JPEG_QUALITY, 85])
            self.poster_done = t >= POSTER_AT_S
        self.count += 1
        if self.progress is not None and self.duration:
            self.progress(min(1.0, t / self.duration))

    def finish(self) -> dict[str, float | int | bool]:
        """Flush the encoders; {"width", "height", "frames", "audio"}. VideoError when the frames
        stopped well before the stream's stated duration (a truncated file)."""
        width, height = self.video.flush()
        if self.audio is not None:
            self.audio.encode(None)
        stated = _stream_duration(self.src, self.vstream) * self.time_scale
        end = self.video.last_t + 1 / float(self.fps)
        if stated > 0 and end < stated - max(0.25, 3 / float(self.fps)):
            raise VideoError(TRUNCATED.format(end=end, duration=stated))
        return {"width": width, "height": height, "frames": self.count, "audio": self.audio is not None}


def make_proxy(
    source: str | Path,
    proxy_path: str | Path,
    poster_path: str | Path,
    *,
    max_side: int = 1280,
    progress: Callable[[float], None] | None = None,
    duration: float | None = None,
    time_scale: float = 1.0,
) -> dict[str, float | int | bool]:
    """Encode the proxy and a JPEG poster (the frame at POSTER_AT_S, time 0: the first frame).
    One pass over the source; memory flat. Returns {"width", "height", "frames", "audio"}.
    Raises VideoError when the frames stop well before the stream's stated duration (a
    truncated file) rather than leaving a silently short proxy."""
    try:
        src = av.open(str(source), metadata_errors="ignore")
    except av.FFmpegError as exc:
        raise VideoError("The video could not be opened: it is damaged or not a video.") from exc
    with src, ProxyEncoder(source, src, proxy_path, poster_path, max_side=max_side, progress=progress,
                           duration=duration, time_scale=time_scale) as proxy:  # fmt: skip
        try:
            for packet in src.demux(proxy.streams):
                for frame in packet.decode():
                    proxy.add(frame)
            return proxy.finish()
        except av.FFmpegError as exc:
            raise VideoError(
                "The video is damaged: decoding stopped part-way. Export the clip again."
            ) from exc


def frames_with_proxy(source: str | Path, proxy_path: str | Path, poster_path: str | Path, info: dict[str, Any], *,
                      max_side: int | None = None, proxy_max_side: int = 1280, duration: float | None = None,
                      time_scale: float = 1.0) -> Iterator[tuple[np.ndarray, float]]:  # fmt: skip
    """:func:`inference.video.iter_frames`' (frame, t) — the same frames, checked alike — while
    the proxy and poster are made from the same decoded frames, as :func:`make_proxy` makes them
    (one decode of the source instead of two). When the frames are all read, ``info`` gets
    make_proxy's result and ``info["seconds"]``, the wall time spent on the proxy."""
    from inference.video import MAX_PIXELS, check_frame_size

    with av.open(str(source), metadata_errors="ignore") as src:
        if not src.streams.video:
            raise VideoError("The file has no video track.")
        src.streams.video[0].codec_context.options = {"max_pixels": str(MAX_PIXELS)}
        with ProxyEncoder(source, src, proxy_path, poster_path, max_side=proxy_max_side, duration=duration,
                          time_scale=time_scale) as proxy:  # fmt: skip
            start, t, seconds = proxy.start, 0.0, 0.0
            try:
                for packet in src.demux(proxy.streams):
                    for frame in packet.decode():
                        # The pose frame and its time first: the encoder may retime (1/90000 s) and
                        # retag this very frame (scaled_bt709_yuv gets it back from PyAV's reformat
                        # when nothing is to change), which gave a variable-frame-rate clip the
                        # proxy's rounded times.
                        pose_frame = None
                        if isinstance(frame, av.VideoFrame):
                            check_frame_size(frame.width, frame.height)
                            t = frame_time(frame, start)
                            pose_frame = frame_to_bgr(frame, max_side)
                        began = time.perf_counter()
                        proxy.add(frame)
                        seconds += time.perf_counter() - began
                        if pose_frame is not None:
                            yield pose_frame, t
                began = time.perf_counter()
                info.update(proxy.finish(), seconds=seconds + time.perf_counter() - began)
            except av.FFmpegError as exc:
                raise VideoError(
                    f"A frame after {t:.1f} s could not be decoded: it is damaged, or larger than "
                    f"{MAX_PIXELS / 1e6:.0f} megapixels. Export the clip again."
                ) from exc
