"""Ground truth for the real clips (bench/truth/<clip stem>.json, written by looking at frames; see
bench/truth/README.md) and how tests compare an analysis's action segments with it.

A test's expectation about a real clip comes from here, never from what the code happened to output.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TRUTH_DIR = ROOT / "bench" / "truth"
# The truth label for "no product class fits"; the product's own word for it is "unknown".
OTHER = "other"
UNKNOWN = "unknown"
# Times this close to a change of the truth label are not judged: window models cannot place a
# boundary to the frame, and a truth segment shorter than twice this is not judged at all.
BOUNDARY_S = 0.25
STEP_S = 0.02


def load_truth(clip: str | Path) -> dict[str, Any]:
    """The truth of a clip, by file name or stem ("lab_walk_portrait_60fps.mp4")."""
    path = TRUTH_DIR / f"{Path(clip).stem}.json"
    return json.loads(path.read_text())


def _label(value: Any) -> str:
    return str(getattr(value, "value", value))


def _segments(segments: Iterable[Any]) -> list[tuple[str, float, float]]:
    """(label, start, end) from Segment objects or actions.json dicts."""
    out = []
    for s in segments:
        if isinstance(s, dict):
            out.append((_label(s["label"]), float(s["start"]), float(s["end"])))
        else:
            out.append((_label(s.label), float(s.start), float(s.end)))
    return out


def judged_times(truth: dict[str, Any]) -> list[tuple[float, str]]:
    """(time, truth label) every STEP_S over the athlete's labelled time, except within BOUNDARY_S
    of a change of label."""
    actions = truth["actions"]
    pairs = zip(actions, actions[1:], strict=False)
    changes = {round(b["start"], 6) for a, b in pairs if a["label"] != b["label"]}
    out = []
    for a in actions:
        lo = a["start"] + (BOUNDARY_S if round(a["start"], 6) in changes else 0.0)
        hi = a["end"] - (BOUNDARY_S if round(a["end"], 6) in changes else 0.0)
        out += [(float(t), a["label"]) for t in np.arange(lo, hi, STEP_S)]
    return out


def action_disagreements(segments: Iterable[Any], truth: dict[str, Any]) -> dict[str, float]:
    """Seconds, over the judged time, where the analysis's athlete labels say what the frames do
    not show: ``"<label> where the truth is <truth>"`` for a product class where the truth is
    another class or ``other`` (no class fits: the honest answer is unknown), and
    ``"unknown where the truth is <class>"`` where a class fits and the analysis gave none."""
    segs = _segments(segments)
    out: dict[str, float] = {}
    for t, expected in judged_times(truth):
        said = next((label for label, start, end in segs if start <= t < end), UNKNOWN)
        if said == expected or (said == UNKNOWN and expected == OTHER):
            continue
        key = f"{said} where the truth is {expected}"
        out[key] = round(out.get(key, 0.0) + STEP_S, 3)
    return out
