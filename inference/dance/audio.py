"""The video's own sound as mono float samples on the video's clock (PyAV/FFmpeg).

Time 0 of the samples is the first video frame, as for poses (:func:`inference.video.frame_time`)
and the proxy (whose audio is shifted the same way, :mod:`inference.proxy`), so a beat time and
an accent time are on one clock. The container's A/V offset is honoured; the phone's own capture
latency is not knowable from the file (docs/dance.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

AUDIO_RATE = 22050  # Hz: librosa's default rate; beats need nothing above ~5 kHz
SILENCE_DBFS = -60.0  # RMS below this over the whole track is "silent" (16-bit noise floor is -96)


@dataclass(frozen=True)
class Audio:
    """samples: (N,) float32 mono in [-1, 1]; rate: Hz; start: the first sample's time on the video
    clock (seconds; negative when the sound starts before the first frame)."""

    samples: np.ndarray
    rate: int
    start: float

    @property
    def duration(self) -> float:
        return len(self.samples) / self.rate

    @property
    def rms_dbfs(self) -> float:
        if len(self.samples) == 0:
            return -np.inf
        rms = float(np.sqrt(np.mean(np.square(self.samples, dtype=np.float64))))
        return 20 * np.log10(rms) if rms > 0 else -np.inf


class NoAudio(ValueError):
    """The video has no usable sound; the message says why, in words for a coach."""


def load_audio(path: str | Path, rate: int = AUDIO_RATE) -> Audio:
    """The first audio stream of ``path`` as mono float at ``rate`` Hz. NoAudio when there is none
    or it cannot be decoded. Memory: 4 bytes per sample (10 min at 22.05 kHz: 53 MB)."""
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except av.FFmpegError as exc:
        raise NoAudio("the file could not be opened to read its sound") from exc
    with container:
        if not container.streams.audio:
            raise NoAudio("the video has no audio track")
        stream = container.streams.audio[0]
        video = container.streams.video[0] if container.streams.video else None
        zero = float(video.start_time * video.time_base) if video is not None and video.start_time is not None \
            and video.time_base is not None else 0.0  # fmt: skip
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        chunks: list[np.ndarray] = []
        first: float | None = None
        try:
            for frame in container.decode(stream):
                if first is None and frame.pts is not None and frame.time_base is not None:
                    first = float(frame.pts * frame.time_base)
                chunks += [r.to_ndarray().reshape(-1) for r in resampler.resample(frame)]
            chunks += [r.to_ndarray().reshape(-1) for r in resampler.resample(None)]
        except av.FFmpegError as exc:
            raise NoAudio("the audio track could not be decoded") from exc
    samples = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)
    if len(samples) == 0:
        raise NoAudio("the audio track is empty")
    return Audio(samples=samples, rate=rate, start=(first or 0.0) - zero)
