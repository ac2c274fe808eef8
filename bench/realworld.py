"""Real-footage scoreboard: the whole analysis of every clip with ground truth, scored against it.

    python bench/realworld.py [--json OUT] [--reuse DIR] [--truth DIR] [--only STEM ...]

Clips are read from two folders (:func:`clip_paths`): ``../shared/media`` beside the checkout (or
$POSECOACH_TEST_MEDIA), and the held-out clips that ``make eval-data`` takes out of PyPI packages
into ``~/.cache/posecoach/eval`` (or $POSECOACH_EVAL_DIR; :mod:`bench.eval_data`); nothing is
downloaded here. Each clip with a truth file ``bench/truth/<clip stem>.json`` is analysed once by
:func:`bench.realworld_adapter.run_clip` with default settings, clips without one are listed as
skipped, and truth files whose clip is in neither folder are listed as missing. One table per area (people, measures, actions, feedback, segmentation), one row per clip
and metric, the target beside each number. It reports, it does not judge: the exit status is 0
whatever the numbers. ``--json OUT`` writes the numbers; ``--reuse DIR`` keeps each clip's outputs
in DIR and reuses them on the next run (development only: delete DIR after changing the engine).

The movement a clip is analysed as (events and technique rules, as a coach picks it at upload) is
the truth's dominant action (most labelled seconds) when it is a movement of
:class:`inference.movements.Movement`, else "general". How every number is computed:
docs/evaluation.md and the docstrings of bench/scoring/.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from inference.quiet import quiet_cpu_start  # noqa: E402

quiet_cpu_start()  # before TensorFlow loads: no CUDA noise on a CPU machine

from bench.eval_data import eval_dir  # noqa: E402
from bench.realworld_adapter import ClipOutputs, run_clip  # noqa: E402
from bench.scoring import actions as act  # noqa: E402
from bench.scoring import masks as msk  # noqa: E402
from bench.scoring import measures as mes  # noqa: E402
from bench.scoring import people as ppl  # noqa: E402
from bench.scoring.truth import Truth, load_truth  # noqa: E402

TRUTH_DIR = ROOT / "bench" / "truth"
VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi")
AREAS = ("people", "measures", "actions", "feedback", "segmentation")

Row = tuple[str, Any, str, str]  # metric, number(s) for --json, shown value, target


def media_dir() -> Path:
    return Path(os.environ.get("POSECOACH_TEST_MEDIA") or ROOT.parent / "shared" / "media")


def clip_paths(folders: Sequence[Path]) -> list[Path]:
    """Every video file (:data:`VIDEO_SUFFIXES`) directly in the folders that exist, sorted by name;
    where two folders hold the same stem, the earlier folder's clip is the one scored."""
    found: dict[str, Path] = {}
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                if path.is_file() and path.suffix.lower() in VIDEO_SUFFIXES:
                    found.setdefault(path.stem, path)
    return sorted(found.values(), key=lambda p: p.name)


def machine() -> str:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    model = platform.processor() or "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        model = next((line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                      if line.startswith("model name")), model)  # fmt: skip
    return f"{cpus} CPUs (nproc), {model}, Python {platform.python_version()}"


def code_version() -> str:
    """The checkout's commit, and whether the engine has uncommitted changes (numbers depend on it)."""
    import subprocess

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no", "inference")
    return head + (" with uncommitted changes in inference/" if dirty else "")


def movement_for(truth: Truth) -> str:
    """The movement a coach would choose at upload (the truth's ``movement``), else the truth's
    dominant action when it is a movement, else general."""
    from inference.movements import Movement

    if truth.movement is not None:
        return Movement(truth.movement).value
    dominant = truth.dominant_action()
    return dominant if dominant in {m.value for m in Movement} else Movement.GENERAL.value


def oks_sigmas(skeleton: str) -> np.ndarray:
    """(K,) COCO sigma of each keypoint of ``skeleton`` that is a COCO keypoint, NaN elsewhere."""
    from inference.skeleton import COCO18_NAMES, get_skeleton, mapping

    sigmas = np.full(get_skeleton(skeleton).num_keypoints, np.nan)
    for name, sources in zip(COCO18_NAMES, mapping(skeleton, "coco18"), strict=True):
        if len(sources) == 1 and name in ppl.COCO_SIGMAS:
            sigmas[sources[0]] = ppl.COCO_SIGMAS[name]
    return sigmas


def angle_intervals() -> dict[str, tuple[float, float]]:
    from inference.kinematics.angles import ANGLES

    return {d.name: d.plausible for d in ANGLES if d.plausible is not None}


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f} %"


def _s(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f} s"


def people_rows(out: ClipOutputs, truth: Truth) -> list[Row]:
    s = ppl.score_people(out.keypoints, out.timestamps, out.athlete_index, truth, oks_sigmas(out.skeleton))
    per = ", ".join(f"{k} {v}" for k, v in sorted(s.tracks_per_person.items()))
    covered = s.athlete_covered / s.athlete_visible if s.athlete_visible else None
    own = s.athlete_own_track_covered / s.athlete_visible if s.athlete_visible else None
    chosen = ("no athlete" if out.athlete_index is None else
              f"{s.chosen_person}: the truth's athlete" if s.chosen_person == truth.athlete else
              f"{s.chosen_person or 'a track on nobody'}, not the truth's athlete ({truth.athlete})")
    return [
        ("tracks per true person", {"mean": s.mean_tracks_per_person, **s.tracks_per_person},
         f"{s.mean_tracks_per_person:.2f} ({per})" if s.mean_tracks_per_person is not None else "— (no track matches)", "1.0"),
        ("true people without a track", len(s.people_without_track),
         f"{len(s.people_without_track)} {list(s.people_without_track) or ''}".strip(), "0"),
        ("tracks on nobody", s.tracks_of_nobody, str(s.tracks_of_nobody), "0"),
        ("frames with a duplicate skeleton", s.duplicate_frames, f"{s.duplicate_frames} of {s.frames}", "0"),
        ("phantom skeletons", s.phantoms, f"{s.phantoms} of {s.skeleton_frames_judged} judged skeleton-frames", "0"),
        (f"phantoms lasting > {ppl.PHANTOM_MAX_SECONDS:g} s", s.lasting_phantoms,
         f"{s.lasting_phantoms} (longest {s.phantom_runs[0]:.2f} s)" if s.phantom_runs else "0", "0"),
        ("athlete frames covered by their own track", own,
         f"{s.athlete_own_track_covered} / {s.athlete_visible} ({_pct(own)}; visible in {s.athlete_visible_any})", "≥ 95 %"),
        ("identity switches (track frames on another person)", s.identity_switches, str(s.identity_switches), "0"),
        ("athlete chosen by the rule", s.chosen_person == truth.athlete, chosen, "the truth's athlete"),
        ("chosen athlete's frames on the truth's athlete", covered,
         f"{s.athlete_covered} / {s.athlete_visible} ({_pct(covered)}; on another person {s.chosen_on_another})", "100 %"),
        athlete_choice_row(out, truth),
    ]  # fmt: skip


def athlete_choice_row(out: ClipOutputs, truth: Truth) -> Row:
    """Whether the athlete rule's choice was a close call, which the video page asks the coach to
    check (inference.tracking.athlete.close_call), and the runner-up's share of the score."""
    from inference.tracking.athlete import close_call, summarize

    scores = {s.track_id: s.athlete_score for s in summarize(out.keypoints, out.track_ids, truth.size)}
    athlete = None if out.athlete_index is None else int(out.track_ids[out.athlete_index])
    rival = close_call(scores, athlete)
    others = [v for k, v in scores.items() if k != athlete]
    share = max(others) / scores[athlete] if athlete is not None and others and scores[athlete] > 0 else None
    runner_up = "nobody else tracked" if share is None else f"runner-up {_pct(share)} of the athlete's score"
    text = "no athlete" if athlete is None else f"{'yes: the page asks the coach' if rival is not None else 'no'} ({runner_up})"
    return ("athlete choice a close call", rival is not None, text, "—")


def _ratio(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def recall_precision_row(kind: str, e: mes.EventScores) -> Row:
    return (f"{kind} recall / precision", {"recall": e.recall, "precision": e.precision},
            f"{_ratio(e.recall)} / {_ratio(e.precision)}", "≥ 0.9 / ≥ 0.9")  # fmt: skip


def timing_row(kind: str, e: mes.EventScores, fps: float | None) -> Row:
    """Issue 18's timing target: every matched instant within 2 frames at the clip's frame rate."""
    frames = e.timing_frames(fps) if fps else None
    if frames is None:
        return (f"{kind} timing error", None, "—", "≤ 2 frames each")
    mean, worst = frames
    return (f"{kind} timing error", {"mean_frames": mean, "worst_frames": worst, "mean_s": e.timing_error_s, "fps": fps},
            f"mean {mean:.1f}, worst {worst:.1f} frames at {fps:.0f} fps ({_s(e.timing_error_s)} mean)", "≤ 2 frames each")  # fmt: skip


def measures_rows(out: ClipOutputs, truth: Truth) -> list[Row]:
    a = mes.angles_outside(out.angles, out.angle_names, angle_intervals())
    worst = f"; worst {a.worst} {_pct(a.worst_share)}" if a.worst else ""
    rows: list[Row] = [("joint-angle samples outside interval", a.share, f"{_pct(a.share)} of {a.samples}{worst}", "0 %")]
    fps = mes.frame_rate(out.timestamps)
    if truth.jumps is None:
        rows.append(("jumps", None, "— (truth does not say)", ""))
    else:
        j = mes.score_jumps(out.jumps, truth.jumps)
        flight = j.flight_error_fraction
        rows += [
            ("jumps found / missed / false", {"found": j.found, "missed": j.missed, "false": j.false}, f"{j.found} / {j.missed} / {j.false}", f"{len(truth.jumps)} / 0 / 0"),
            recall_precision_row("jump", j),
            timing_row("jump", j, fps),
            ("flight-time error", {"mean": flight[0], "worst": flight[1], "mean_s": j.flight_error_s} if flight else None,
             "—" if flight is None else f"mean {_pct(flight[0])}, worst {_pct(flight[1])} of the true flight ({_s(j.flight_error_s)} mean)", "≤ 20 % each"),
        ]  # fmt: skip
    if truth.steps is None:
        rows.append(("steps", None, "— (truth does not say)", ""))
    else:
        st = mes.score_steps(out.steps, truth.steps)
        true_contacts = [t for t, _ in truth.steps]
        cad, cad_spm = mes.cadence_error_fraction(out.cadence_spm, true_contacts), mes.cadence_error(out.cadence_spm, true_contacts)
        rows += [
            ("steps found / missed / false", {"found": st.found, "missed": st.missed, "false": st.false}, f"{st.found} / {st.missed} / {st.false}", f"{len(truth.steps)} / 0 / 0"),
            recall_precision_row("step", st),
            timing_row("step", st, fps),
            ("steps on the wrong foot", st.wrong_side, str(st.wrong_side), "0"),
            ("cadence error", cad, "—" if cad is None else f"{_pct(cad)} ({cad_spm:.1f} steps/min)", "≤ 5 %"),
        ]  # fmt: skip
    return rows


def actions_rows(out: ClipOutputs, truth: Truth) -> list[Row]:
    s = act.score_actions(out.timestamps, truth.label_at, out.action_segments, out.action_classes,
                          out.action_times, out.action_probabilities)  # fmt: skip
    shown = ", ".join(f"{label} {a:.1f}–{b:.1f}" for label, a, b, _ in out.action_segments) or "none"
    return [
        ("frame accuracy over labelled time", s.accuracy, f"{_pct(s.accuracy)} of {s.frames} frames", "≥ 90 %"),
        ("called unknown where a class fits", s.unknown_share, f"{_pct(s.unknown_share)} of {s.frames_with_class}", "≤ 10 %"),
        (f"confidently wrong (≥ {act.CONFIDENT})", s.confidently_wrong_share, _pct(s.confidently_wrong_share), "0 %"),
        ("predicted segments (s)", [list(seg) for seg in out.action_segments], shown, ""),
    ]  # fmt: skip


def feedback_rows(out: ClipOutputs, truth: Truth) -> list[Row]:
    target = "— (truth: unsure)" if truth.faults_expected is None else "≥ 1" if truth.faults_expected else "0"
    return [
        (f"findings, rules of {out.movement}", len(out.findings), f"{len(out.findings)} {list(out.findings) or ''}".strip(), target),
        ("findings inside action segments", len(out.segment_findings),
         f"{len(out.segment_findings)} {list(out.segment_findings) or ''}".strip(), target),
    ]  # fmt: skip


def segmentation_rows(out: ClipOutputs, truth: Truth) -> list[Row]:
    s = msk.score_masks(out.mask_foreground, out.mask_times, out.mask_source_size, truth.boxes_at)
    return [(f"foreground outside every true box (+{msk.MASK_PAD:.0%} pad)", s.share,
             f"{_pct(s.share)} of {s.foreground} px in {s.frames_scored} frames", "≤ 10 %")]  # fmt: skip


AREA_ROWS: dict[str, Callable[[ClipOutputs, Truth], list[Row]]] = {
    "people": people_rows, "measures": measures_rows, "actions": actions_rows,
    "feedback": feedback_rows, "segmentation": segmentation_rows,
}  # fmt: skip


def outputs_for(clip: Path, movement: str, reuse: Path | None) -> ClipOutputs:
    if reuse is None:
        return run_clip(clip, movement)
    cached = reuse / f"{clip.stem}__{movement}"
    if cached.with_suffix(".json").is_file() and cached.with_suffix(".npz").is_file():
        return ClipOutputs.load(cached)
    out = run_clip(clip, movement)
    reuse.mkdir(parents=True, exist_ok=True)
    out.save(cached)
    return out


def print_table(area: str, rows: list[tuple[str, Row]]) -> None:
    header = ("clip", "metric", "value", "target")
    cells = [header] + [(clip, m, shown, target) for clip, (m, _, shown, target) in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(4)]
    print(f"\n## {area}\n")
    for n, c in enumerate(cells):
        print("| " + " | ".join(v.ljust(w) for v, w in zip(c, widths, strict=True)) + " |")
        if n == 0:
            print("| " + " | ".join("-" * w for w in widths) + " |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the numbers to this file")
    parser.add_argument("--reuse", type=Path, help="cache folder for clip outputs (development)")
    parser.add_argument("--truth", type=Path, default=TRUTH_DIR, help="folder of truth files (default bench/truth)")
    parser.add_argument("--only", nargs="*", help="clip stems to run (default: every clip with truth)")
    args = parser.parse_args(argv)
    media, held_out = media_dir(), eval_dir()
    clips = clip_paths([media, held_out])
    print(f"# Real-footage scoreboard\n\nmachine: {machine()}\ncode: {code_version()}\nmedia: {media}, "
          f"{held_out} (make eval-data)" + ("" if clips else " (no clips found)"))
    tables: dict[str, list[tuple[str, Row]]] = {area: [] for area in AREAS}
    report: dict[str, Any] = {"machine": machine(), "code": code_version(), "media": str(media),
                              "eval_media": str(held_out), "clips": {}, "skipped": {}, "missing": {}}  # fmt: skip
    stems = {clip.stem for clip in clips}
    for truth_path in sorted(args.truth.glob("*.json")) if args.truth.is_dir() else []:
        if truth_path.stem not in stems and (not args.only or truth_path.stem in args.only):
            report["missing"][truth_path.name] = f"no clip {truth_path.stem}.* in {media} or {held_out}"
    for clip in clips:
        truth_path = args.truth / f"{clip.stem}.json"
        if args.only and clip.stem not in args.only:
            continue
        if not truth_path.is_file():
            report["skipped"][clip.name] = f"no truth file {truth_path}"
            continue
        truth = load_truth(truth_path)
        movement = movement_for(truth)
        try:
            out = outputs_for(clip, movement, args.reuse)
        except Exception as error:  # one clip the engine cannot analyse is a row, not the end of the report
            report["skipped"][clip.name] = f"analysis failed: {type(error).__name__}: {error}"
            continue
        entry: dict[str, Any] = {"movement": movement, "analysis_s": round(out.seconds, 1)}
        for area, rows_of in AREA_ROWS.items():
            rows = rows_of(out, truth)
            tables[area] += [(clip.name, row) for row in rows]
            entry[area] = {m: {"value": v, "shown": shown, "target": target} for m, v, shown, target in rows}
        report["clips"][clip.name] = entry
        print(f"- {clip.name}: analysed as {movement} in {out.seconds:.0f} s", flush=True)
    for name, why in report["skipped"].items():
        print(f"- {name}: skipped ({why})")
    for name, why in report["missing"].items():
        print(f"- {name}: clip missing ({why}; `make eval-data` fetches the held-out ones)")
    for area in AREAS:
        if tables[area]:
            print_table(area, tables[area])
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1, default=float) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
