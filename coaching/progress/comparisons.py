"""Reads for comparing two performances and for an analysis' deviation from the team's
reference: segments of an analysis, the DTW comparison (cached per pair of kinematics files and
segments), and the analyses worth offering as the other side."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet

from coaching.analysis.models import Analysis, Status
from coaching.progress.models import Reference
from coaching.reports.selectors import kinematics_load
from inference.compare.align import compare
from inference.compare.segments import (
    Segment,
    action_segments,
    default_pair,
    incomparable,
    segments_of,
)

CACHE_S = 24 * 3600


def comparable(analysis: Analysis) -> str:
    """Why the analysis cannot be compared, or "" when it can."""
    if analysis.status != Status.DONE:
        return "The analysis has not finished yet."
    if not analysis.kinematics:
        return "This analysis has no joint angles (no athlete was found, or it predates angles); re-run it."
    return ""


def segments_for(analysis: Analysis) -> list[Segment]:
    return segments_of(analysis.summary, analysis.video.movement, 0.0, float(analysis.video.duration_s))


def pick(segments: list[Segment], index: str | None, fallback: int) -> int:
    try:
        value = int(index or "")
    except ValueError:
        return fallback
    return value if 0 <= value < len(segments) else fallback


@dataclass(frozen=True)
class Comparison:
    a: Analysis
    b: Analysis
    segments_a: list[Segment]
    segments_b: list[Segment]
    index_a: int
    index_b: int
    data: dict[str, Any]
    reason: str = ""


def _cached(a: Analysis, seg_a: Segment, b: Analysis, seg_b: Segment, skeletons: bool) -> dict[str, Any]:
    key = (f"compare:{a.pk}:{a.kinematics.name}:{seg_a.start:.3f}-{seg_a.end:.3f}:{b.pk}:"
           f"{b.kinematics.name}:{seg_b.start:.3f}-{seg_b.end:.3f}:{int(skeletons)}")
    data = cache.get(key)
    if data is None:
        data = compare(kinematics_load(analysis=a), seg_a, kinematics_load(analysis=b), seg_b,
                       with_skeletons=skeletons)
        cache.set(key, data, timeout=CACHE_S)
    return data


def comparison_get(*, a: Analysis, b: Analysis, seg_a: str | None = None, seg_b: str | None = None
                   ) -> Comparison:
    """A compared with B over the chosen segments (indices into segments_for; defaults: the
    first kind both have, of the same action). Segments of different actions are not aligned:
    ``reason`` says why (no per-joint differences between unlike things)."""
    segments_a, segments_b = segments_for(a), segments_for(b)
    ia, ib = default_pair(segments_a, segments_b)
    ia, ib = pick(segments_a, seg_a, ia), pick(segments_b, seg_b, ib)
    reason = comparable(a) or comparable(b) or incomparable(segments_a[ia], segments_b[ib])
    data: dict[str, Any] = {}
    if not reason:
        try:
            data = _cached(a, segments_a[ia], b, segments_b[ib], True)
        except ValueError as exc:  # e.g. no joint measured in both segments
            reason = f"These two segments cannot be aligned: {exc}."
    return Comparison(a, b, segments_a, segments_b, ia, ib, data, reason)


def compare_candidates(*, visible: QuerySet[Analysis], analysis: Analysis) -> dict[str, list[Analysis]]:
    """DONE analyses with angles the user may compare with: the same athlete's other videos,
    and other athletes' videos of the same movement (newest first, 50 each)."""
    done = visible.filter(status=Status.DONE).exclude(kinematics="").exclude(pk=analysis.pk) \
        .select_related("video__athlete").order_by("-video__recorded_on", "-created_at")
    video = analysis.video
    return {
        "same_athlete": list(done.filter(video__athlete_id=video.athlete_id)[:50]),
        "others": list(done.filter(video__movement=video.movement)
                       .exclude(video__athlete_id=video.athlete_id)[:50]),
    }


def _reference_segment(ref: Reference) -> Segment:
    core = (ref.core_start, ref.core_end) if ref.core_start is not None and ref.core_end is not None else None
    return Segment(ref.kind, ref.action, ref.label or ref.action, ref.start, ref.end, core)


def reference_for(analysis: Analysis) -> Reference | None:
    """The team's reference for an action of this analysis (its action segments, else its
    movement), unless the reference is this analysis itself."""
    actions = [str(s["label"]) for s in action_segments(analysis.summary)] or [analysis.video.movement]
    refs = Reference.objects.filter(team_id=analysis.video.team_id, action__in=actions) \
        .exclude(analysis=analysis).select_related("analysis__video__athlete")
    by_action = {r.action: r for r in refs}
    return next((by_action[a] for a in actions if a in by_action), None)


def reference_deviation(*, analysis: Analysis) -> dict[str, Any] | None:
    """{"reference", "segment", "data"} — this analysis' first segment of the reference's kind
    and action, compared with the reference by the same DTW; None without a reference."""
    ref = reference_for(analysis)
    if ref is None or comparable(analysis) or comparable(ref.analysis):
        return None
    mine = [s for s in segments_for(analysis) if not incomparable(_reference_segment(ref), s)]
    segment = next((s for s in mine if s.kind == ref.kind), mine[-1] if mine else None)
    if segment is None:
        return None
    try:
        data = _cached(ref.analysis, _reference_segment(ref), analysis, segment, False)
    except ValueError:
        return None
    ref_segments = segments_for(ref.analysis)
    ref_index = next((i for i, s in enumerate(ref_segments)
                      if abs(s.start - ref.start) < 1e-3 and abs(s.end - ref.end) < 1e-3), len(ref_segments) - 1)
    return {"reference": ref, "segment": segment, "segment_index": segments_for(analysis).index(segment),
            "reference_index": ref_index, "data": data}
