"""Ground truth of one clip (bench/truth/<clip stem>.json, see bench/truth/README.md) and the
questions the scores ask of it: who is visible at a time, where their box is, which action is
labelled.

A person's box at time t (:meth:`Person.box_at`) is *known* where t lies in one of their visible
ranges and either between two of their keyframes inside that range (linear interpolation) or
within :data:`HOLD_S` of the nearest keyframe in that range (that keyframe's box, held). Elsewhere
in a visible range it is unknown, and the frame is not judged by the scores that need every
visible person's box. Nor is a frame inside one of a person's *partly* visible ranges (half out of
the frame's edge, mostly hidden): a skeleton on what is left of them is neither clearly right nor a
phantom.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

HOLD_S = 0.5  # seconds a keyframe's box is held beyond the first / last keyframe of a visible range


@dataclass(frozen=True)
class Person:
    """id; visible: ((t0, t1), ...) seconds; keyframes: ((t, (x0, y0, x1, y1)), ...) sorted by t,
    source pixels; partly: ((t0, t1), ...) seconds where only part of them is in view."""

    id: str
    visible: tuple[tuple[float, float], ...]
    keyframes: tuple[tuple[float, tuple[float, float, float, float]], ...]
    partly: tuple[tuple[float, float], ...] = ()

    def visible_at(self, t: float) -> bool:
        return any(a <= t <= b for a, b in self.visible)

    def partly_at(self, t: float) -> bool:
        return any(a <= t <= b for a, b in self.partly)

    def box_at(self, t: float) -> np.ndarray | None:
        """(4,) x0, y0, x1, y1 at time t, or None where not visible or unknown (module docstring)."""
        span = next(((a, b) for a, b in self.visible if a <= t <= b), None)
        if span is None:
            return None
        keys = [(k, np.asarray(box, np.float64)) for k, box in self.keyframes if span[0] <= k <= span[1]]
        if not keys:
            return None
        before = [(k, box) for k, box in keys if k <= t]
        after = [(k, box) for k, box in keys if k >= t]
        if before and after:
            (k0, b0), (k1, b1) = before[-1], after[0]
            w = 0.0 if k1 == k0 else (t - k0) / (k1 - k0)
            return (1 - w) * b0 + w * b1
        k, box = before[-1] if before else after[0]
        return box if abs(t - k) <= HOLD_S else None


@dataclass(frozen=True)
class Truth:
    """A clip's truth. actions: ((start, end, label), ...); jumps: ((take-off, landing), ...);
    steps: ((t, foot), ...); reps: ((start, end), ...); None where the truth does not say."""

    clip: str
    frames: int
    fps: float
    size: tuple[int, int]
    people: tuple[Person, ...]
    athlete: str | None
    actions: tuple[tuple[float, float, str], ...]
    jumps: tuple[tuple[float, float], ...] | None
    steps: tuple[tuple[float, str], ...] | None
    reps: tuple[tuple[float, float], ...] | None
    faults_expected: bool | None
    movement: str | None = None  # what a coach would choose at upload for this clip

    def person(self, person_id: str | None) -> Person | None:
        return next((p for p in self.people if p.id == person_id), None)

    def boxes_at(self, t: float) -> tuple[dict[str, np.ndarray], bool]:
        """({person id: box} of the people visible at t whose box is known, whether every visible
        person's box is known and nobody is partly in view)."""
        boxes, complete = {}, True
        for person in self.people:
            if person.partly_at(t):
                complete = False
            if not person.visible_at(t):
                continue
            box = person.box_at(t)
            if box is None:
                complete = False
            else:
                boxes[person.id] = box
        return boxes, complete

    def label_at(self, t: float) -> str | None:
        """The labelled action at t (segments are [start, end)), None outside labelled time."""
        return next((label for a, b, label in self.actions if a <= t < b), None)

    def dominant_action(self) -> str | None:
        """The label covering the most labelled seconds."""
        seconds: dict[str, float] = {}
        for a, b, label in self.actions:
            seconds[label] = seconds.get(label, 0.0) + (b - a)
        return max(seconds, key=lambda k: seconds[k]) if seconds else None


def _box(values: list[float]) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in values)
    return (x0, y0, x1, y1)


def parse_truth(data: dict[str, Any]) -> Truth:
    """A truth file's JSON → :class:`Truth`."""
    people = tuple(
        Person(
            id=str(p["id"]),
            visible=tuple((float(a), float(b)) for a, b in p.get("visible", [])),
            keyframes=tuple(sorted((float(k["t"]), _box(k["box"])) for k in p.get("boxes", []))),
            partly=tuple((float(a), float(b)) for a, b in p.get("partly", [])),
        )
        for p in data.get("people", [])
    )
    jumps, steps, reps = data.get("jumps"), data.get("steps"), data.get("reps")
    return Truth(
        clip=str(data["clip"]), frames=int(data["frames"]), fps=float(data["fps"]),
        size=(int(data["size"][0]), int(data["size"][1])), people=people, athlete=data.get("athlete"),
        actions=tuple((float(a["start"]), float(a["end"]), str(a["label"])) for a in data.get("actions", [])),
        jumps=None if jumps is None else tuple((float(j["takeoff"]), float(j["landing"])) for j in jumps),
        steps=None if steps is None else tuple((float(s["t"]), str(s.get("foot", ""))) for s in steps),
        reps=None if reps is None else tuple((float(r["start"]), float(r["end"])) for r in reps),
        faults_expected=data.get("faults_expected"), movement=data.get("movement"),
    )  # fmt: skip


def load_truth(path: str | Path) -> Truth:
    return parse_truth(json.loads(Path(path).read_text()))
