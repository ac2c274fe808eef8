"""Synthetic music and dancers with known timing, for the dance tests.

A click track has a click at each beat time; a synthetic dancer (BODY_25, facing the camera) makes
one stroke per accent time — a limb's end moves by a bell-shaped velocity profile (a Gaussian
CDF in position) whose speed peaks exactly at the accent time, the limbs taking turns.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np

from inference.posedata import PoseSequence
from inference.skeleton import BODY25_NAMES, get_skeleton

RATE = 22050
# Standing figure, source pixels, torso (neck to mid-hip) 100 px; x to the image right.
REST: dict[str, tuple[float, float]] = {
    "Nose": (0, -130), "Neck": (0, -100), "MidHip": (0, 0),
    "RShoulder": (-30, -100), "RElbow": (-45, -60), "RWrist": (-50, -20),
    "LShoulder": (30, -100), "LElbow": (45, -60), "LWrist": (50, -20),
    "RHip": (-15, 0), "RKnee": (-18, 50), "RAnkle": (-20, 100),
    "LHip": (15, 0), "LKnee": (18, 50), "LAnkle": (20, 100),
    "REye": (-5, -135), "LEye": (5, -135), "REar": (-10, -130), "LEar": (10, -130),
}  # fmt: skip
# The limbs taking turns: (end point, middle point, direction of the stroke).
STROKES = (("RWrist", "RElbow", (-0.5, -1.0)), ("LWrist", "LElbow", (0.5, -1.0)),
           ("RAnkle", "RKnee", (-1.0, -0.3)), ("LAnkle", "LKnee", (1.0, -0.3)))  # fmt: skip
STROKE_SD_S = 0.06  # the stroke's velocity bell: ~0.25 s from start to stop
STROKE_PX = 100.0  # a hand moved by a torso length


def click_track(beats: np.ndarray, seconds: float, rate: int = RATE) -> np.ndarray:
    """(N,) float32 mono: a 1 kHz click decaying in ~5 ms at each beat time."""
    y = np.zeros(int(seconds * rate), np.float32)
    t = np.arange(int(0.03 * rate)) / rate
    click = (0.5 * np.sin(2 * np.pi * 1000 * t) * np.exp(-t / 0.005)).astype(np.float32)
    for b in beats:
        i = int(round(b * rate))
        y[i : i + len(click)] += click[: max(0, len(y) - i)]
    return y


def write_video(path: Path, seconds: float, fps: int = 30, audio: np.ndarray | None = None) -> Path:
    """A small H.264 MP4 of ``seconds`` (grey frames), with ``audio`` as AAC when given."""
    import av

    with av.open(str(path), mode="w") as out:
        video = out.add_stream("libx264", rate=Fraction(fps))
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        sound = out.add_stream("aac", rate=RATE, layout="mono") if audio is not None else None
        for i in range(int(seconds * fps)):
            frame = av.VideoFrame.from_ndarray(np.full((48, 64, 3), (i * 3) % 255, np.uint8), format="rgb24")
            frame.pts = i
            for packet in video.encode(frame):
                out.mux(packet)
        for packet in video.encode(None):
            out.mux(packet)
        if sound is not None and audio is not None:
            block = 1024
            for start in range(0, len(audio), block):
                chunk = audio[start : start + block].reshape(1, -1)
                frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(chunk), format="flt", layout="mono")
                frame.sample_rate, frame.pts = RATE, start
                for packet in sound.encode(frame):
                    out.mux(packet)
            for packet in sound.encode(None):
                out.mux(packet)
    return path


def dancer(times: np.ndarray, accents: np.ndarray, *, origin: tuple[float, float] = (300, 300),
           noise_px: float = 0.5, seed: int = 0, mirror: bool = False) -> np.ndarray:
    """(T, 25, 3) BODY_25 keypoints of a dancer stroking a limb at each accent time (limbs in turn,
    each stroke back the other way the next time that limb moves). ``mirror``: the mirrored
    choreography (left and right swapped)."""
    from scipy.stats import norm

    offsets = {name: np.tile(np.array(xy, np.float64), (len(times), 1)) for name, xy in REST.items()}
    for k, a in enumerate(accents):
        end, middle, direction = STROKES[k % len(STROKES)]
        sign = 1.0 if (k // len(STROKES)) % 2 == 0 else -1.0
        moved = sign * STROKE_PX * norm.cdf((times - a) / STROKE_SD_S)  # a return stroke undoes the last one
        step = np.outer(moved, direction)
        offsets[end] += step
        offsets[middle] += step / 2
    keypoints = np.full((len(times), len(BODY25_NAMES), 3), np.nan, np.float32)
    rng = np.random.default_rng(seed)
    for name, xy in offsets.items():
        xy = xy.copy()
        if mirror:
            xy[:, 0] *= -1
        keypoints[:, BODY25_NAMES.index(name), :2] = xy + origin + rng.normal(0, noise_px, xy.shape)
        keypoints[:, BODY25_NAMES.index(name), 2] = 0.9
    if mirror:  # the mirrored dancer's "left" points are where the first one's right ones are
        keypoints = keypoints[:, list(get_skeleton("body25").mirror)]
    return keypoints


def poses(*people: np.ndarray, times: np.ndarray, fps: float) -> PoseSequence:
    keypoints = np.stack(people, axis=1)
    return PoseSequence(keypoints=keypoints, skeleton="body25", timestamps=times, fps=fps, size=(640, 480),
                        track_ids=np.arange(len(people), dtype=np.int64))  # fmt: skip


def with_music(source: Path, out: Path, audio: np.ndarray) -> Path:
    """``source``'s video stream copied as it is (same packets, same timestamps) with ``audio``
    (mono float at RATE, time 0 = the first frame) as its AAC sound: a real clip with known beats."""
    import av

    with av.open(str(source)) as src, av.open(str(out), mode="w") as dst:
        vin = src.streams.video[0]
        vout = dst.add_stream_from_template(vin)
        sound = dst.add_stream("aac", rate=RATE, layout="mono")
        for packet in src.demux(vin):
            if packet.dts is None:
                continue
            packet.stream = vout
            dst.mux(packet)
        for start in range(0, len(audio), 1024):
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(audio[start : start + 1024].reshape(1, -1)),
                                               format="flt", layout="mono")  # fmt: skip
            frame.sample_rate, frame.pts = RATE, start
            for packet in sound.encode(frame):
                dst.mux(packet)
        for packet in sound.encode(None):
            dst.mux(packet)
    return out
