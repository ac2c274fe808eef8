"""Helpers for tests: real media, generated clips, waiting on analyses."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
# ../shared/media beside the checkout; POSECOACH_TEST_MEDIA points elsewhere (a clone in /tmp).
MEDIA_DIR = Path(os.environ.get("POSECOACH_TEST_MEDIA") or ROOT.parent / "shared" / "media")


def shared_clip(name: str) -> Path:
    """A real clip from ../shared/media, or a skip that says why."""
    path = MEDIA_DIR / name
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared test media live beside the checkout)")
    return path


def write_clip(path: Path, *, frames: int = 12, size: tuple[int, int] = (96, 64), fps: int = 24) -> Path:
    """A small real H.264 MP4: a moving bright square on a dark background."""
    import av

    width, height = size
    with av.open(str(path), mode="w") as out:
        stream = out.add_stream("libx264", rate=Fraction(fps))
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for i in range(frames):
            image = np.full((height, width, 3), 30, np.uint8)
            x = (i * 5) % max(1, width - 16)
            image[20:36, x : x + 16] = 230
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def wait_for_analysis(video_id: int, *, timeout: float = 120) -> object:
    """Poll the database until the video's latest analysis ends; return it."""
    import time

    from coaching.analysis.models import Analysis

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        analysis = Analysis.objects.filter(video_id=video_id).order_by("-pk").first()
        if analysis is not None and analysis.is_finished:
            return analysis
        time.sleep(0.5)
    raise AssertionError(f"the analysis of video {video_id} did not finish in {timeout} s")
