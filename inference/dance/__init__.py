"""Dance: timing to the music and synchronisation between dancers (issue 25; docs/dance.md).

Pure (no Django): :func:`analyze_dance` takes the tracked poses and the video's sound and returns a
:class:`DanceResult` — beats and tempo (:mod:`.beats`), each dancer's movement accents
(:mod:`.motion`) against the beats (:mod:`.timing`), and for two or more dancers their offsets,
mirroring, pose differences and sync score (:mod:`.sync`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from inference.dance.audio import Audio, NoAudio, load_audio
from inference.dance.beats import Beats, MusicStatus, find_beats, no_beats
from inference.dance.motion import Accent, Dancer, dancer_motion, find_accents, uniform_grid
from inference.dance.sync import group_sync
from inference.dance.timing import offset_stats, phrase_table, time_accents
from inference.posedata import PoseSequence

__all__ = ["Audio", "Beats", "DanceResult", "MusicStatus", "NoAudio", "analyze_dance", "find_beats",
           "load_audio", "music_of"]  # fmt: skip

MOTION_MAX_POINTS = 600  # per dancer on the report's motion chart (accents are kept exactly)


@dataclass(frozen=True)
class DanceResult:
    """beats: the music's; dancers: each timed person's JSON (accents, offsets, phrases, motion
    curve); sync: :func:`inference.dance.sync.group_sync`'s JSON; frame_ms: one video frame."""

    beats: Beats
    frame_ms: float
    dancers: list[dict[str, Any]] = field(default_factory=list)
    sync: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"music": self.beats.to_json(), "frame_ms": round(self.frame_ms, 2), "dancers": self.dancers,
                "sync": self.sync}  # fmt: skip


def music_of(path: Any) -> Beats:
    """The beats of a video file's sound, or the reason there are none (no audio, silent, no beat)."""
    try:
        audio = load_audio(path)
    except NoAudio as exc:
        return no_beats(MusicStatus.NO_AUDIO, str(exc))
    return find_beats(audio)


def _dancer_json(dancer: Dancer, accents: list[Accent], beats: Beats, grid: np.ndarray, frame_s: float) -> dict[str, Any]:
    timed = time_accents(accents, beats.times) if beats.ok else []
    by_time = {a.accent.time: a for a in timed}
    step = max(1, int(np.ceil(len(grid) / MOTION_MAX_POINTS)))
    whole = dancer.whole[::step]
    return {
        "track_id": dancer.track_id, "seen": round(dancer.seen, 3), "moving": dancer.moving,
        "scale_px": round(dancer.scale, 2),  # the body unit: median torso length, source pixels
        "accents": {
            "t": [round(a.time, 4) for a in accents], "strength": [round(a.strength, 2) for a in accents],
            "limb": [a.limb for a in accents],
            "offset_ms": [round(by_time[a.time].offset * 1000, 1) if a.time in by_time else None for a in accents],
            "count": [by_time[a.time].count if a.time in by_time else None for a in accents],
            "on_beat": [by_time[a.time].on_beat if a.time in by_time else None for a in accents],
        },
        "timing": {**offset_stats([t.offset for t in timed if t.on_beat], frame_s),
                   "off_beat": sum(not t.on_beat for t in timed)},
        "phrases": phrase_table(timed, beats.times, frame_s) if beats.ok else [],
        "motion": {"t": [round(float(t), 3) for t in grid[::step]],
                   "whole": [None if not np.isfinite(v) else round(float(v), 3) for v in whole]},
    }  # fmt: skip


def analyze_dance(poses: PoseSequence, beats: Beats, lead: int | None = None) -> DanceResult:
    """Every tracked person's accents against ``beats`` (when there are beats), and the group's
    synchronisation (two or more moving dancers; against ``lead``'s track id or the group)."""
    grid = uniform_grid(poses.timestamps)
    frame_s = float(grid[1] - grid[0]) if len(grid) > 1 else 0.0
    track_ids = poses.track_ids if len(poses.track_ids) == poses.num_people else np.arange(poses.num_people)
    dancers = [d for p in range(poses.num_people)
               if (d := dancer_motion(poses.keypoints[:, p], poses.timestamps, poses.skeleton, grid,
                                      int(track_ids[p]))) is not None]  # fmt: skip
    rows = [_dancer_json(d, find_accents(d, grid), beats, grid, frame_s) for d in dancers]
    sync = group_sync(dancers, grid, beats.times if beats.ok else None, lead) if len(grid) > 2 else {}
    return DanceResult(beats=beats, frame_ms=frame_s * 1000, dancers=rows, sync=sync)
