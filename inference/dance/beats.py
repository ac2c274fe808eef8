"""Beats and tempo of the music in a video's sound (librosa).

Two resolutions: the tempo from librosa's standard onset envelope (2048-sample FFT, 512 hop: the
envelope its tempo estimator was designed for, an ~9 s autocorrelation window), then the beats from
a fine envelope (512-sample FFT, 64 hop, 2.9 ms per frame) with that tempo given to librosa's
dynamic-programming tracker (Ellis 2007, "Beat tracking by dynamic programming", J. New Music
Research 36(1)). Measured on a click track (tests/inference/dance): the standard envelope puts beats
15-20 ms late, the fine one 3-5 ms (sd 1 ms) — what makes "within one video frame" possible.

Count 1 is the first beat found, not the music's downbeat (librosa has no downbeat tracker), so a
"phrase" is eight beats from the first beat heard.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from inference.dance.audio import SILENCE_DBFS, Audio

COARSE_FFT, COARSE_HOP = 2048, 512
FINE_FFT, FINE_HOP = 512, 64
MIN_BPM, MAX_BPM = 50.0, 220.0  # the tempo range stated in docs/dance.md; outside it: octave errors
# Pulse clarity: the onset envelope's normalised autocorrelation at the beat period. Measured on
# 20-s synthetic tracks (docs/dance.md): click tracks at 60-180 BPM 0.72-0.94, 120-150 BPM clicks
# under white noise (RMS 0.1) 0.52-0.69, white noise 0.05, random noise bursts (speech-like) 0.13.
MIN_PULSE_CLARITY = 0.2
MIN_BEATS = 4  # fewer beats than a bar: no tempo to speak of
COUNTS_PER_PHRASE = 8


class MusicStatus(StrEnum):
    """What the sound gave. Stored in results; the messages are what the report says."""

    OK = "ok"
    NO_AUDIO = "no_audio"
    SILENT = "silent"
    NO_BEAT = "no_beat"
    SLOW_MOTION = "slow_motion"

    @property
    def message(self) -> str:
        return _MESSAGES[self]


_MESSAGES = {
    MusicStatus.OK: "Beats found in the video's sound.",
    MusicStatus.NO_AUDIO: "No audio: the video has no sound, so there are no beats to time the dancing against.",
    MusicStatus.SILENT: "The sound track is silent: no beats to time the dancing against.",
    MusicStatus.NO_BEAT: "No beat: the sound has no steady pulse (speech, noise, or music too quiet "
                         "under them), so the dancing is not timed against it.",
    MusicStatus.SLOW_MOTION: "Slow motion: the sound does not run in real time with the movement, so the "
                             "dancing is not timed against it.",
}


@dataclass(frozen=True)
class Beats:
    """times: (B,) seconds on the video clock; tempo_bpm: the whole track's tempo; clarity: pulse
    clarity (0..1); phrase_bpm: tempo per phrase of eight beats; status/detail: what was found."""

    status: MusicStatus
    times: np.ndarray
    tempo_bpm: float | None = None
    clarity: float = 0.0
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status == MusicStatus.OK

    @property
    def interval(self) -> float | None:
        """Median seconds between beats."""
        return float(np.median(np.diff(self.times))) if len(self.times) > 1 else None

    def phrase_bpm(self) -> list[float]:
        """Tempo of each phrase from its beat intervals (the next phrase's first beat included)."""
        out = []
        for start in range(0, len(self.times) - 1, COUNTS_PER_PHRASE):
            gaps = np.diff(self.times[start : start + COUNTS_PER_PHRASE + 1])
            out.append(float(60.0 / np.median(gaps)))
        return out

    def drift_bpm_per_min(self) -> float | None:
        """Slope of the instantaneous tempo (60 / beat interval) over time, BPM per minute; None
        with fewer than two phrases."""
        if len(self.times) < 2 * COUNTS_PER_PHRASE:
            return None
        mids = (self.times[1:] + self.times[:-1]) / 2
        slope = np.polyfit(mids, 60.0 / np.diff(self.times), 1)[0]
        return float(slope * 60.0)

    def to_json(self) -> dict[str, object]:
        return {"status": str(self.status), "message": self.status.message, "detail": self.detail,
                "tempo_bpm": None if self.tempo_bpm is None else round(self.tempo_bpm, 2),
                "clarity": round(self.clarity, 3), "times": [round(float(t), 4) for t in self.times],
                "phrase_bpm": [round(b, 2) for b in self.phrase_bpm()] if self.ok else [],
                "drift_bpm_per_min": _round(self.drift_bpm_per_min() if self.ok else None, 2)}  # fmt: skip


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def no_beats(status: MusicStatus, detail: str = "", clarity: float = 0.0) -> Beats:
    return Beats(status=status, times=np.zeros(0), clarity=clarity, detail=detail)


def pulse_clarity(envelope: np.ndarray, rate: float, bpm: float) -> float:
    """The envelope's autocorrelation (mean removed, 1 at lag 0) at the beat period, the best of
    the three lags around it."""
    x = np.asarray(envelope, np.float64) - np.mean(envelope)
    energy = float(np.dot(x, x))
    lag = int(round(60.0 / bpm * rate))
    if energy <= 0 or lag + 1 >= len(x):
        return 0.0
    return max(float(np.dot(x[:-k], x[k:]) / energy) for k in (lag - 1, lag, lag + 1) if k > 0)


def find_beats(audio: Audio) -> Beats:
    """Beats of ``audio`` (times on the video clock), or why there are none."""
    import librosa  # ~3 s to import with numba's cache warm; only the dance stage needs it

    if audio.rms_dbfs < SILENCE_DBFS:
        return no_beats(MusicStatus.SILENT, f"sound level {audio.rms_dbfs:.0f} dBFS")
    y, sr = audio.samples, audio.rate
    coarse = librosa.onset.onset_strength(y=y, sr=sr, n_fft=COARSE_FFT, hop_length=COARSE_HOP)
    tempo = float(librosa.feature.tempo(onset_envelope=coarse, sr=sr, hop_length=COARSE_HOP,
                                        max_tempo=MAX_BPM)[0])  # fmt: skip
    clarity = pulse_clarity(coarse, sr / COARSE_HOP, tempo) if tempo > 0 else 0.0
    if not MIN_BPM <= tempo <= MAX_BPM or clarity < MIN_PULSE_CLARITY:
        return no_beats(MusicStatus.NO_BEAT, f"pulse clarity {clarity:.2f} at {tempo:.0f} BPM", clarity)
    fine = librosa.onset.onset_strength(y=y, sr=sr, n_fft=FINE_FFT, hop_length=FINE_HOP)
    _, times = librosa.beat.beat_track(onset_envelope=fine, sr=sr, hop_length=FINE_HOP, bpm=tempo,
                                       units="time")  # fmt: skip
    times = np.asarray(times, np.float64) + audio.start
    if len(times) < MIN_BEATS:
        return no_beats(MusicStatus.NO_BEAT, f"only {len(times)} beats in {audio.duration:.1f} s", clarity)
    return Beats(status=MusicStatus.OK, times=times, tempo_bpm=tempo, clarity=clarity)
