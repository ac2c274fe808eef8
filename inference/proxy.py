"""The browser-playable proxy of an uploaded video, and its poster image.

H.264 High, 8-bit 4:2:0, BT.709 SDR (HDR tone-mapped), upright (the display matrix applied),
long side ≤ 1280 px, MP4 with the index at the front (faststart), a keyframe every half second
so seeking lands near the asked frame, presentation times kept (variable frame rates and slow
motion stay on their real time axis), audio kept as AAC.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from inference.video import VideoError, frame_time, frame_to_bgr, iter_frames

TIME_BASE = Fraction(1, 90000)
POSTER_AT_S = 1.0


class H264Writer:
    """Every stream must exist before the first packet is muxed, so the output size comes from
    the first frame, decoded up front."""

    def __init__(self, out: av.container.OutputContainer, fps: Fraction, size: tuple[int, int]) -> None:
        self.out = out
        self.last_pts = -1
        self.frames = 0
        self.stream = out.add_stream("libx264", rate=fps)
        self.size = (size[0] - size[0] % 2, size[1] - size[1] % 2)  # 4:2:0 needs even sizes
        self.stream.width, self.stream.height = self.size
        self.stream.pix_fmt = "yuv420p"
        self.stream.time_base = TIME_BASE
        self.stream.codec_context.time_base = TIME_BASE
        self.stream.codec_context.options = {
            "preset": "veryfast",
            "crf": "23",
            "g": str(max(1, round(float(fps) / 2))),
            "colorprim": "bt709",
            "transfer": "bt709",
            "colormatrix": "bt709",
        }

    def encode(self, image: np.ndarray, t: float) -> None:
        width, height = self.size
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image[:height, :width]), format="bgr24")
        # Strictly increasing presentation times, even for files with duplicate timestamps.
        pts = max(int(round(t / TIME_BASE)), self.last_pts + 1)
        self.last_pts = pts
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


class _AudioEncoder:
    def __init__(self, out: av.container.OutputContainer, source: av.AudioStream) -> None:
        rate = source.rate or 48000
        self.stream = out.add_stream("aac", rate=rate)
        layout = "stereo" if (source.channels or 2) >= 2 else "mono"
        self.stream.layout = layout
        self.resampler = av.AudioResampler(format="fltp", layout=layout, rate=rate)
        self.out = out

    def encode(self, frame: av.AudioFrame | None) -> None:
        frames = self.resampler.resample(frame) if frame is not None else [None]
        for resampled in frames:
            for packet in self.stream.encode(resampled):
                self.out.mux(packet)


def make_proxy(
    source: str | Path,
    proxy_path: str | Path,
    poster_path: str | Path,
    *,
    max_side: int = 1280,
    progress: Callable[[float], None] | None = None,
    duration: float | None = None,
) -> dict[str, float | int | bool]:
    """Encode the proxy and a JPEG poster (the frame at 1 s, or the first). One pass over the
    source; memory flat. Returns {"width", "height", "frames", "audio"}."""
    try:
        src = av.open(str(source), metadata_errors="ignore")
    except av.FFmpegError as exc:
        raise VideoError("The video could not be opened: it is damaged or not a video.") from exc
    with src, av.open(str(proxy_path), mode="w", options={"movflags": "+faststart"}) as out:
        if not src.streams.video:
            raise VideoError("The file has no video track.")
        vstream = src.streams.video[0]
        vstream.thread_type = "AUTO"
        astream = src.streams.audio[0] if src.streams.audio else None
        first = next(iter_frames(source, max_side=max_side), None)
        if first is None:
            raise VideoError("The video has no decodable frames.")
        size = (first[0].shape[1], first[0].shape[0])
        video = H264Writer(out, vstream.average_rate or Fraction(30), size)
        audio = _AudioEncoder(out, astream) if astream is not None else None
        start = vstream.start_time or 0
        count, poster_done = 0, False
        streams = [s for s in (vstream, astream) if s is not None]
        try:
            for packet in src.demux(streams):
                for frame in packet.decode():
                    if isinstance(frame, av.AudioFrame):
                        if audio is not None:
                            audio.encode(frame)
                        continue
                    if not isinstance(frame, av.VideoFrame):
                        continue
                    image, t = frame_to_bgr(frame, max_side), frame_time(frame, start)
                    video.encode(image, t)
                    if not poster_done:
                        cv2.imwrite(str(poster_path), image, [cv2.IMWRITE_JPEG_QUALITY, 85])
                        poster_done = t >= POSTER_AT_S
                    count += 1
                    if progress is not None and duration:
                        progress(min(1.0, t / duration))
            width, height = video.flush()
            if audio is not None:
                audio.encode(None)
        except av.FFmpegError as exc:
            raise VideoError(
                "The video is damaged: decoding stopped part-way. Export the clip again."
            ) from exc
    return {"width": width, "height": height, "frames": count, "audio": audio is not None}
