"""Why a stretch of a clip is ``unknown``: every step of :func:`.labels.label_actions`, window by
window and frame by frame, for one athlete's track.

    python -m inference.actions.diagnose POSES.npz ATHLETE_SLOT [--truth bench/truth/CLIP.json]

It reports; it changes nothing. Per window (2 s every 0.25 s): seen share and whether it is
classified (``usable``), the raw network's best class, the distance of its embedding to the
training windows (``far`` beyond :data:`.plausibility.OOD_DISTANCE`), the gait measures
(:func:`.plausibility.foot_alternation`), the idle measures (motion extent, posture change), the
checked best class and whether it passes the confidence gate. Per truth segment (with a truth
file), which step takes the truth's class away first.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from inference.actions import labels, plausibility
from inference.actions import segment as seg
from inference.actions.features import normalize, presence, resample_track
from inference.actions.joints import to_action_joints
from inference.actions.model import ActionModel, load_action_model
from inference.posedata import PoseSequence


@dataclass(frozen=True)
class WindowReport:
    start: float  # seconds of the window's first frame (clip time)
    end: float
    seen: float  # share of the window's frames with >= 4 joints
    usable: bool
    raw: tuple[str, float]  # best class of the network and its probability
    distance: float | None
    far: bool
    anti: float | None
    ratio: float | None
    extent: float | None
    change: float | None
    standing_idle: bool
    checked: tuple[str, float] | None  # best class after the requirements and distance (None: unknown)
    gated: str | None  # what the confidence gate lets through (None: unknown)


def _windows(poses: PoseSequence, athlete: int, model: ActionModel, config: seg.SegmentConfig,
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The athlete's track cut as label_actions cuts it: (track, times) on the model's grid, the
    window starts, each window's seen share and whether it is classified, the normalised batch."""
    track = to_action_joints(poses.keypoints[:, athlete], poses.skeleton)
    track, times = resample_track(track, np.asarray(poses.timestamps, np.float64), model.fps)
    starts = seg.window_starts(len(track), model.frames, int(round(config.stride_s * model.fps)))
    windows = seg.cut_windows(track, starts, model.frames)
    seen = (presence(windows).sum(-1) >= 4).mean(-1)
    usable = seen >= config.min_presence * min(1.0, len(track) / model.frames)
    return track, times, starts, seen, usable, np.stack([normalize(w) for w in windows])


def windows_of(poses: PoseSequence, athlete: int, model: ActionModel | None = None,
               config: seg.SegmentConfig | None = None) -> list[WindowReport]:
    """One :class:`WindowReport` per window of the athlete's track, as label_actions cuts them."""
    model = model or load_action_model()
    config = config or seg.SegmentConfig()
    track, times, starts, seen, usable, batch = _windows(poses, athlete, model, config)
    probs, emb = model.predict_with_embeddings(batch)
    replay = labels._replay_embeddings(model)
    dist = plausibility.nearest_distance(emb, replay) if replay is not None else np.full(len(batch), np.nan)
    checked = labels.checked_window_probabilities(model, batch)
    gated = labels.confident(checked, config.min_confidence)
    step = 1.0 / model.fps
    out = []
    for w, start in enumerate(starts):
        gait = plausibility.foot_alternation(batch[w])
        t0 = times[0] + start * step
        out.append(WindowReport(
            float(t0), float(t0 + model.frames * step), float(seen[w]), bool(usable[w]),
            (model.classes[int(probs[w].argmax())], float(probs[w].max())),
            None if np.isnan(dist[w]) else float(dist[w]), bool(dist[w] > plausibility.OOD_DISTANCE),
            None if gait is None else gait[0], None if gait is None else gait[1],
            plausibility.motion_extent(batch[w]), plausibility.posture_change(batch[w]),
            plausibility.standing_idle(batch[w]),
            None if checked[w].max() == 0 else (model.classes[int(checked[w].argmax())], float(checked[w].max())),
            None if gated[w].max() == 0 else model.classes[int(gated[w].argmax())]))  # fmt: skip
    return out


# The steps of label_actions in order; a frame of a truth segment is lost at the first step after
# which its truth class no longer holds the frame (support below SegmentConfig.threshold, or the
# final label is another one).
STEPS = ("not tracked", "window coverage < 40 %", "network (raw, Hann-weighted over the windows)",
         "requirements (feet_alternate, inverted, ...)", "distance to the training windows (OOD)",
         "confidence gate (window best < 0.8)", "postures and the idle requirement (stillness, posture change)",
         "smoothing, hysteresis, shortest segment")  # fmt: skip


@dataclass(frozen=True)
class Stages:
    """Per frame of the model's 20 fps grid: ``times`` (T,), the class names of each stage,
    ``support`` stage → (T, C) per-frame probabilities after that step (NaN where no usable window
    covers), ``tracked`` (T,), ``labels`` (T,) the final label per frame (as label_actions)."""

    times: np.ndarray
    support: dict[str, tuple[tuple[str, ...], np.ndarray]]
    tracked: np.ndarray
    labels: tuple[str, ...]


def stages(poses: PoseSequence, athlete: int, model: ActionModel | None = None,
           config: seg.SegmentConfig | None = None, skip: frozenset[str] = frozenset()) -> Stages:
    """label_actions step by step (the same calls in the same order), keeping each step's per-frame
    probabilities. ``skip``: steps (of :data:`STEPS` 3-6) left out, to see what each one costs."""
    model = model or load_action_model()
    config = config or seg.SegmentConfig()
    track, times, starts, _, usable, batch = _windows(poses, athlete, model, config)
    classes = model.classes
    raw, emb = model.predict_with_embeddings(batch)
    mask = plausibility.plausible(batch, classes) if STEPS[3] not in skip else np.ones(raw.shape, bool)
    required = plausibility.gate(raw, mask)
    replay = labels._replay_embeddings(model)
    if replay is not None and STEPS[4] not in skip:
        far = plausibility.nearest_distance(emb, replay) > plausibility.OOD_DISTANCE
        hosts = np.array([c in labels.POSTURE_HOSTS for c in classes])
        mask = mask & (~far[:, None] | hosts[None])
    checked = plausibility.gate(raw, mask)
    gated = labels.confident(checked * usable[:, None], 0.0 if STEPS[5] in skip else config.min_confidence)

    def frames(p: np.ndarray) -> np.ndarray:
        return seg.frame_probabilities(p, starts, model.frames, len(track), usable)

    covered = np.isfinite(frames(np.ones((len(starts), 1)))[:, 0])
    support = {STEPS[1]: (classes, np.where(covered[:, None], 1.0, np.nan)), STEPS[2]: (classes, frames(raw)),
               STEPS[3]: (classes, frames(required)),
               STEPS[4]: (classes, frames(checked)),
               STEPS[5]: (classes, frames(gated))}  # fmt: skip
    probs = frames(gated)
    posture_model = labels.load_posture_model()
    out_classes = classes
    if posture_model is not None:
        seen = presence(track).sum(1) >= 6
        posture = np.full((len(track), len(posture_model.classes)), np.nan)
        posture[seen] = posture_model.predict(track[seen])
        posture[~seen] = np.eye(len(posture_model.classes))[posture_model.classes.index(labels.ActionClass.STAND)]
        probs, out_classes = labels.fuse_posture(probs, classes, posture, posture_model.classes,
                                                 int(labels.POSTURE_HOLD_S * model.fps))  # fmt: skip
    if labels.ActionClass.IDLE in out_classes and STEPS[6] not in skip:
        probs[:, out_classes.index(labels.ActionClass.IDLE)] *= labels.idle_share(batch, usable, starts, model.frames, len(track))
    support[STEPS[6]] = (out_classes, probs.copy())
    min_frames = max(1, int(round(config.min_duration_s * model.fps)))
    tracked = labels.tracked_frames(track, min_frames - 1)
    probs[~tracked] = np.nan
    smooth = seg.moving_average(probs, int(round(config.smooth_s * model.fps)) | 1)
    idx = seg.absorb_short(seg.smooth_labels(smooth, config.threshold, config.margin), smooth, min_frames)
    idx = np.where(tracked, idx, -1)
    names = tuple(out_classes[i] if i >= 0 else seg.UNKNOWN for i in idx)
    return Stages(times, support, tracked, names)


def lost_at(st: Stages, label: str, threshold: float = seg.SegmentConfig.threshold) -> list[str]:
    """Per frame: "right" where the final label is ``label``, else the first step of
    :data:`STEPS` after which ``label`` no longer holds the frame ("wrong: X" where every step
    kept it and the final label is another class X)."""
    out = []
    for t in range(len(st.times)):
        if st.labels[t] == label:
            out.append("right")
            continue
        if not st.tracked[t]:
            out.append(STEPS[0])
            continue
        step = None
        for name, (classes, probs) in st.support.items():
            row = probs[t]
            if not np.isfinite(row).all() or (name != STEPS[1] and (label not in classes or row[classes.index(label)] < threshold)):
                step = name
                break
        out.append(step or (STEPS[7] if st.labels[t] == seg.UNKNOWN else f"wrong: {st.labels[t]}"))
    return out


def segment_table(st: Stages, truth_actions: Sequence[dict[str, Any]]) -> list[tuple[str, float, float, dict[str, int]]]:
    """Per truth action segment whose label is not "other": (label, start, end, {step: frames})."""
    rows = []
    for a in truth_actions:
        if a["label"] == "other":
            continue
        inside = (st.times >= a["start"]) & (st.times < a["end"])
        steps = [s for s, i in zip(lost_at(st, a["label"]), inside, strict=True) if i]
        counts: dict[str, int] = {}
        for s in steps:
            counts[s] = counts.get(s, 0) + 1
        rows.append((a["label"], a["start"], a["end"], counts))
    return rows


def _f(v: float | None, digits: int = 2) -> str:
    return "—" if v is None else f"{v:.{digits}f}"


def print_windows(reports: Sequence[WindowReport]) -> None:
    print("| window (s) | seen | raw | dist | anti / ratio | extent / change | checked | gated |")
    print("| --- | ---: | --- | ---: | --- | --- | --- | --- |")
    for r in reports:
        checked = "unknown" if r.checked is None else f"{r.checked[0]} {r.checked[1]:.2f}"
        print(f"| {r.start:.2f}–{r.end:.2f} | {r.seen:.2f}{'' if r.usable else ' (not used)'} "
              f"| {r.raw[0]} {r.raw[1]:.2f} | {_f(r.distance)}{' far' if r.far else ''} "
              f"| {_f(r.anti, 3)} / {_f(r.ratio)} | {_f(r.extent)} / {_f(r.change)}{'' if r.standing_idle else ' not idle'} "
              f"| {checked} | {r.gated or 'unknown'} |")  # fmt: skip


def print_segments(poses: PoseSequence, athlete: int, truth: dict[str, Any], model: ActionModel | None = None) -> None:
    """The product's segments and, per truth action segment, the label it gets frame by frame."""
    result = labels.label_actions(poses, athlete, model=model)
    print("\nsegments: " + ", ".join(f"{s.label} {s.start:.2f}–{s.end:.2f}"
                                    + ("" if s.confidence is None else f" ({s.confidence:.2f})") for s in result.segments))  # fmt: skip
    for a in truth.get("actions", []):
        inside = [s for s in result.segments if s.end > a["start"] and s.start < a["end"]]
        parts = ", ".join(f"{s.label} {max(s.start, a['start']):.2f}–{min(s.end, a['end']):.2f}" for s in inside)
        print(f"truth {a['label']} {a['start']:.2f}–{a['end']:.2f}: {parts or 'nothing (untracked)'}")
    st = stages(poses, athlete, model)
    for label, a, b, counts in segment_table(st, truth.get("actions", [])):
        lost = "; ".join(f"{k}: {v}" for k, v in counts.items())
        print(f"frames (20 fps) of truth {label} {a:.2f}–{b:.2f}: {lost}")
    for step in STEPS[3:7]:
        alt = stages(poses, athlete, model, skip=frozenset({step}))
        for label, a, b, counts in segment_table(alt, truth.get("actions", [])):
            print(f"  without '{step}': truth {label} {a:.2f}–{b:.2f}: right {counts.get('right', 0)}, "
                  + "; ".join(f"{k}: {v}" for k, v in counts.items() if k != "right"))
        wrong = [(t, lab) for t, lab in zip(alt.times, alt.labels, strict=True) if lab != seg.UNKNOWN
                 and _truth_at(truth, t) not in (lab, None)]  # fmt: skip
        print(f"  without '{step}': frames labelled a class the truth does not say: {len(wrong)}"
              + (f" ({', '.join(sorted({lab for _, lab in wrong}))})" if wrong else ""))


def _truth_at(truth: dict[str, Any], t: float) -> str | None:
    return next((a["label"] for a in truth.get("actions", []) if a["start"] <= t < a["end"]), None)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m inference.actions.diagnose", description=__doc__.split("\n")[0])
    parser.add_argument("poses", type=Path, help="poses.npz (PoseSequence.save)")
    parser.add_argument("athlete", type=int, help="person slot of the athlete")
    parser.add_argument("--truth", type=Path, help="truth file (bench/truth/*.json)")
    args = parser.parse_args(argv)
    poses = PoseSequence.load(args.poses)
    model = load_action_model()
    print_windows(windows_of(poses, args.athlete, model))
    truth = json.loads(args.truth.read_text()) if args.truth else {}
    print_segments(poses, args.athlete, truth, model)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
