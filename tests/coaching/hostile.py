"""A generator of hostile and broken uploads (≥ 50), made from a real small clip at test time."""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import numpy as np


def _encode(width: int, height: int, frames: int, *, codec: str = "libx264", fmt: str = "mp4",
            rate: int = 24, pts_step: int = 1) -> bytes:
    import av

    buffer = io.BytesIO()
    with av.open(buffer, "w", format=fmt) as out:
        stream = out.add_stream(codec, rate=Fraction(rate))
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p" if codec == "libx264" else "yuvj420p"
        for i in range(frames):
            image = np.full((height, width, 3), (i * 20) % 255, np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts = i * pts_step
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buffer.getvalue()


def _audio_only() -> bytes:
    import av

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as out:
        stream = out.add_stream("aac", rate=48000)
        tone = (0.1 * np.sin(np.arange(48000) / 10)).astype(np.float32)[None]
        for offset in range(0, 48000, 1024):
            frame = av.AudioFrame.from_ndarray(tone[:, offset:offset + 1024].copy(), format="fltp",
                                               layout="mono")
            frame.sample_rate, frame.pts = 48000, offset
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buffer.getvalue()


def _huge_duration(clip: bytes) -> bytes:
    """Rewrite every mvhd/mdhd/tkhd duration to ~24 days: a tiny file that claims to be long."""
    data = bytearray(clip)
    for box, offset in ((b"mvhd", 16), (b"mdhd", 16), (b"tkhd", 20)):
        start = 0
        while (i := data.find(box, start)) != -1:
            if data[i + 4] == 0:  # version 0: 32-bit fields
                struct.pack_into(">I", data, i + 4 + offset, 0x7FFFFFFF)
            start = i + 4
    return bytes(data)


def safe_oddities(clip_path: Path) -> Iterator[tuple[str, str, bytes]]:
    """Odd files that are still usable videos: accepted, with what they really contain."""
    yield "huge_declared_duration", "long.mp4", _huge_duration(clip_path.read_bytes())


def hostile_uploads(clip_path: Path) -> Iterator[tuple[str, str, bytes]]:
    """Yield (case id, file name, bytes). Every one must be refused with a clear message."""
    import cv2

    clip = clip_path.read_bytes()
    for fraction in (0.02, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.95, 0.97):
        yield f"truncated_{fraction}", "cut.mp4", clip[: int(len(clip) * fraction)]
    rng = np.random.default_rng(7)
    for n in range(6):
        head = clip[: [8, 32, 64, 200, 1000, len(clip) // 2][n]]
        yield f"random_behind_header_{n}", "noise.mp4", head + rng.bytes(30_000)
    for n in range(4):
        yield f"random_bytes_{n}", "random.mp4", rng.bytes([1, 100, 5_000, 200_000][n])
    yield "zero_bytes", "empty.mp4", b""
    yield "text", "notes.mp4", b"Session notes\nSquats 5x5\n" * 40
    yield "text_utf16", "notes.mp4", "Notes à la séance\n".encode("utf-16") * 40
    yield "csv", "data.mp4", b"time,angle\n" + b"0.1,90\n" * 200
    yield "html", "page.mp4", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
    yield "html_lower", "page.mp4", b"  <html><head></head><body>x</body></html>"
    yield "svg", "image.mp4", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    yield "xml", "data.mp4", b'<?xml version="1.0"?><a/>'
    yield "json", "data.mp4", b'{"video": true, "frames": [1, 2, 3]}'
    yield "html_polyglot_after_ftyp", "poly.mp4", clip[:32] + b"<html><script>alert(1)</script></html>" * 50
    yield "mp4_then_html", "poly.mp4", clip[: len(clip) // 3] + b"<html><script>x</script></html>" * 100
    ok, png = cv2.imencode(".png", np.zeros((16, 16, 3), np.uint8))
    yield "png", "photo.mp4", png.tobytes()
    ok, jpg = cv2.imencode(".jpg", np.zeros((16, 16, 3), np.uint8))
    yield "jpeg", "photo.mp4", jpg.tobytes()
    yield "gif", "anim.mp4", b"GIF89a" + b"\0" * 200
    yield "pdf", "doc.mp4", b"%PDF-1.7\n" + b"x" * 500
    yield "zip", "archive.mp4", b"PK\x03\x04" + b"\0" * 500
    yield "elf", "program.mp4", b"\x7fELF" + rng.bytes(4000)
    yield "mp3_id3", "song.mp4", b"ID3\x04\0\0\0\0\0\0" + rng.bytes(4000)
    yield "audio_only", "voice.mp4", _audio_only()
    yield "one_pixel", "dot.mp4", _encode(2, 2, 5)
    yield "too_wide", "wide.mp4", _encode(8400, 64, 2)
    yield "tiny_height", "strip.mp4", _encode(640, 8, 5)
    yield "wrong_extension_txt", "clip.txt", clip
    yield "wrong_extension_exe", "clip.exe", clip
    yield "no_extension", "clip", clip
    yield "double_extension", "clip.mp4.html", clip
    yield "matroska_truncated", "cut.mkv", _encode(64, 64, 24, fmt="matroska")[:1500]
    yield "avi_truncated", "cut.avi", _encode(64, 64, 24, codec="mjpeg", fmt="avi")[:3000]
    yield "mjpeg_zero_frames", "empty.avi", _encode(64, 64, 0, codec="mjpeg", fmt="avi")
    yield "ftyp_only", "header.mp4", clip[:24]
    yield "moov_missing", "nomoov.mp4", clip.replace(b"moov", b"xxxx")
    yield "mdat_zeroed", "zeros.mp4", _zero_mdat(clip)
    yield "nul_bytes", "nul.mp4", b"\0" * 50_000


def _zero_mdat(clip: bytes) -> bytes:
    i = clip.find(b"mdat")
    size = struct.unpack(">I", clip[i - 4:i])[0]
    return clip[: i + 4] + b"\0" * (size - 8) + clip[i - 4 + size:]
