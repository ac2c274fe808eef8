"""Each accent against its nearest beat: early or late in milliseconds, per phrase of eight counts.

An accent within a quarter of a beat interval of a beat is "on the beat" and its offset is timed
(positive: late). One nearer the middle between two beats is an off-beat accent (an "and"
count, or a miss): counted, never averaged into the offsets, where it would read as half a
beat early or late.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inference.dance.beats import COUNTS_PER_PHRASE
from inference.dance.motion import Accent

ON_BEAT_SHARE = 0.25  # of the beat interval: nearer than this to a beat is "on the beat"


@dataclass(frozen=True)
class TimedAccent:
    """An accent and its beat: beat index (count = index % 8 + 1, phrase = index // 8), offset
    in seconds (accent - beat), on_beat (within ON_BEAT_SHARE of the interval)."""

    accent: Accent
    beat: int
    offset: float
    on_beat: bool

    @property
    def phrase(self) -> int:
        return self.beat // COUNTS_PER_PHRASE

    @property
    def count(self) -> int:
        return self.beat % COUNTS_PER_PHRASE + 1


def time_accents(accents: list[Accent], beats: np.ndarray) -> list[TimedAccent]:
    """Each accent within the beats' span (half an interval either side) matched to its nearest
    beat."""
    if len(beats) < 2:
        return []
    out = []
    for a in accents:
        j = int(np.argmin(np.abs(beats - a.time)))
        interval = float(beats[min(j + 1, len(beats) - 1)] - beats[max(j - 1, 0)]) / (2 if 0 < j < len(beats) - 1 else 1)
        offset = a.time - float(beats[j])
        if abs(offset) > interval / 2:
            continue  # before the first beat or after the last
        out.append(TimedAccent(accent=a, beat=j, offset=offset, on_beat=abs(offset) <= ON_BEAT_SHARE * interval))
    return out


def offset_stats(offsets_s: list[float], frame_s: float) -> dict[str, float | int | None]:
    """Median, quartiles and mean absolute offset (ms) and the share within one frame."""
    if not offsets_s:
        return {"n": 0, "median_ms": None, "p25_ms": None, "p75_ms": None, "mean_abs_ms": None,
                "within_frame": None}  # fmt: skip
    ms = np.asarray(offsets_s) * 1000
    p25, median, p75 = np.percentile(ms, [25, 50, 75])
    return {"n": len(ms), "median_ms": round(float(median), 1), "p25_ms": round(float(p25), 1),
            "p75_ms": round(float(p75), 1), "mean_abs_ms": round(float(np.mean(np.abs(ms))), 1),
            "within_frame": round(float(np.mean(np.abs(ms) <= frame_s * 1000)), 3)}  # fmt: skip


def phrase_table(timed: list[TimedAccent], beats: np.ndarray, frame_s: float) -> list[dict[str, object]]:
    """Per phrase: its time span, on-beat offset statistics and the number of off-beat accents."""
    rows: list[dict[str, object]] = []
    for phrase, start in enumerate(range(0, len(beats), COUNTS_PER_PHRASE)):
        end = beats[min(start + COUNTS_PER_PHRASE, len(beats) - 1)]
        inside = [t for t in timed if t.phrase == phrase]
        rows.append({"phrase": phrase + 1, "start": round(float(beats[start]), 3), "end": round(float(end), 3),
                     **offset_stats([t.offset for t in inside if t.on_beat], frame_s),
                     "off_beat": sum(not t.on_beat for t in inside)})  # fmt: skip
    return rows
