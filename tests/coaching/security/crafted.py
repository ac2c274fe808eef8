"""Crafted video files that lie: made here with PyAV, byte-patched where the lie is in a header."""

from __future__ import annotations

import struct
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np


def _encode_clip(path: Path, *, frames: int, fps: int, size: int = 16, still: bool = False) -> None:
    with av.open(str(path), mode="w") as out:
        stream = out.add_stream("libx264", rate=Fraction(fps))
        stream.width = stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "ultrafast", "bf": "0"}
        for i in range(frames):
            image = np.full((size, size, 3), 90 if still else (i * 7) % 255, np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def _patch_box(data: bytearray, box: bytes, duration_offset: int, timescale_offset: int | None,
               seconds: float, movie_timescale: int | None = None) -> int:
    """Rewrite a version-0 box's 32-bit duration to `seconds`; returns its timescale."""
    at = data.find(box)
    assert at > 0 and data[at + 4] == 0, f"{box!r} missing or not version 0"
    timescale = movie_timescale or struct.unpack(">I", data[at + 4 + timescale_offset:][:4])[0]  # type: ignore[operator]
    struct.pack_into(">I", data, at + 4 + duration_offset, int(seconds * timescale))
    return timescale


def patch_durations(path: Path, claimed_s: float) -> Path:
    """Make the mvhd, tkhd and mdhd boxes claim `claimed_s` seconds (what a hex editor does)."""
    data = bytearray(path.read_bytes())
    movie = _patch_box(data, b"mvhd", 16, 12, claimed_s)
    _patch_box(data, b"tkhd", 20, None, claimed_s, movie_timescale=movie)
    _patch_box(data, b"mdhd", 16, 12, claimed_s)
    path.write_bytes(bytes(data))
    return path


def header_lies_about_duration(path: Path, *, real_s: int = 700, claimed_s: float = 10, fps: int = 2) -> Path:
    """A real_s-second clip whose headers say claimed_s (the review's 700 s clip said 10 s)."""
    _encode_clip(path, frames=real_s * fps, fps=fps)
    return patch_durations(path, claimed_s)


def dense_tiny_frames(path: Path, *, fps: int, seconds: float, size: int = 16) -> Path:
    """size x size at `fps` for `seconds`: one keyframe, then the same few-byte "nothing moved"
    frame muxed again and again (the review's 599,000 frames in 7.8 MB), without encoding."""
    two = path.with_name(path.stem + "-two.mp4")
    _encode_clip(two, frames=2, fps=fps, size=size, still=True)
    with av.open(str(two)) as source, av.open(str(path), mode="w") as out:
        template = source.streams.video[0]
        key, skip = (bytes(p) for p in list(source.demux(template))[:2])
        stream = out.add_stream_from_template(template)
        assert template.time_base is not None
        step = round(1 / (fps * template.time_base))
        for i in range(int(fps * seconds)):
            packet = av.Packet(skip if i else key)
            packet.stream, packet.time_base = stream, template.time_base
            packet.pts = packet.dts = i * step
            packet.duration = step
            packet.is_keyframe = i == 0
            out.mux(packet)
    two.unlink()
    return path


def mjpeg_small_then_huge(path: Path, *, small: int, huge_at: list[int], huge: int = 12000, fps: int = 10) -> Path:
    """An MJPEG MKV that declares 64x64; the frames at `huge_at` are huge x huge."""
    small_jpeg = cv2.imencode(".jpg", np.full((64, 64, 3), 90, np.uint8))[1].tobytes()
    huge_jpeg = cv2.imencode(".jpg", np.zeros((huge, huge), np.uint8))[1].tobytes()
    with av.open(str(path), mode="w", format="matroska") as out:
        stream = out.add_stream("mjpeg", rate=Fraction(fps))
        stream.width = stream.height = 64
        stream.pix_fmt = "yuvj420p"
        for i in range(small):
            packet = av.Packet(huge_jpeg if i in huge_at else small_jpeg)
            packet.stream, packet.pts, packet.dts, packet.duration = stream, i, i, 1
            packet.time_base = Fraction(1, fps)
            packet.is_keyframe = True
            out.mux(packet)
    return path


def with_preroll(path: Path, *, frames: int = 48, preroll: int = 10, fps: int = 24) -> Path:
    """An MP4 whose first `preroll` packets are before the edit list's start: decoded for
    reference, never shown (what trimming without re-encoding makes)."""
    with av.open(str(path), mode="w") as out:
        stream = out.add_stream("libx264", rate=Fraction(fps))
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        stream.options = {"bf": "0", "g": str(frames)}
        packets = []
        for i in range(frames):
            image = np.full((48, 64, 3), i * 5, np.uint8)
            packets += list(stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
        packets += list(stream.encode(None))
        step = packets[1].pts - packets[0].pts
        for packet in packets:
            packet.pts -= preroll * step
            packet.dts -= preroll * step
            out.mux(packet)
    return path
