"""Template tags of the progress pages and of the report's progress block. Presentation only: the
block lays out what :func:`coaching.progress.selectors.report_progress_get` computed (no queries,
no DTW here)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from django import template
from django.urls import get_script_prefix, reverse

from coaching.analysis.models import Analysis
from coaching.progress.selectors import ReportProgress
from inference.compare.segments import Segment

register = template.Library()


@register.inclusion_tag("progress/_report_block.html", takes_context=True)
def progress_block(context: template.Context, analysis: Analysis, progress: ReportProgress) -> dict[str, Any]:
    abilities = context.get("can") or {}
    return {
        "analysis": analysis,
        "reason": progress.reason,
        "is_coach": bool(abilities.get("view_team")),
        "segments": progress.segments,
        "deviation": progress.deviation,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.simple_tag
def sort_query(metrics: list[str], action: str, column: str, current: str) -> str:
    """The dashboard's query string sorted by ``column`` (again: the other direction)."""
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    query.setlist("metric", metrics)
    if action:
        query["action"] = action
    if column == "name":
        query["sort"] = "-name" if current == "name" else "name"
    else:  # best first: highest first on the first click
        query["sort"] = column if current == f"-{column}" else f"-{column}"
    return query.urlencode()


@register.filter
def metric_value(value: float | None, unit: str) -> str:
    """93° · 0.42 m · 1.36 s · 2 (a metric value in its unit, as the summary writes it)."""
    from coaching.progress.figures import fmt

    return "—" if value is None else fmt(float(value), unit)


@register.filter
def metric_change(value: float | None, unit: str) -> str:
    """+12° / −0.05 m (a signed change)."""
    from coaching.progress.figures import fmt

    if value is None:
        return ""
    return ("+" if value >= 0 else "−") + fmt(abs(float(value)), unit).strip()


@register.filter
def report_at(analysis_id: int, seconds: float) -> str:
    """The report of an analysis opened at a moment: /analyses/<id>/report/#t=<s>. The URL is
    reversed once (a progress page links hundreds of points)."""
    return _url_with_id("analysis_report", int(analysis_id)) + f"#t={float(seconds):.2f}"


@register.filter
def compare_url(analysis_id: int) -> str:
    return _url_with_id("analysis_compare", int(analysis_id))


def _url_with_id(name: str, pk: int) -> str:
    return _url_template(name, get_script_prefix()).replace("/999999999/", f"/{pk}/")


@cache
def _url_template(name: str, prefix: str) -> str:
    del prefix  # part of the cache key: reverse() includes the script prefix
    return reverse(name, args=[999999999])


@register.filter
def segment_text(segment: Segment) -> str:
    """A segment as the compare lists name it, its action said once and a jump by its flight:
    "jump 2 (flight 0.98–1.26 s)", "rep 1 of squat (0.0–2.1 s)", "walk 1.0–2.5 s", "whole clip
    (general)". A jump's segment reaches past its flight on both sides (JUMP_BEFORE_S, JUMP_AFTER_S),
    so neighbouring jumps' segments overlap; their flights do not."""
    named = segment.action in segment.label.split()
    if segment.kind == "action":
        return segment.label
    if segment.kind == "whole":
        return f"{segment.label} ({segment.action})"
    of = "" if named or segment.action == segment.kind else f" of {segment.action}"
    if segment.core is not None:
        return f"{segment.label}{of} (flight {segment.core[0]:.2f}–{segment.core[1]:.2f} s)"
    return f"{segment.label}{of} ({segment.start:.1f}–{segment.end:.1f} s)"


# A reference to code in a definition written for engineers, "(inference.feedback.measures
# .range_of_motion)": a dotted name of three or more parts in parentheses.
CODE_REFERENCE = re.compile(r"\s*\([^()]*?\b[a-z_]+(?:\.[a-z_]+){2,}\b[^()]*\)")


@register.filter
def plain_words(text: str) -> str:
    """A metric's meaning as a coach reads it: references to code left out."""
    return CODE_REFERENCE.sub("", str(text))
