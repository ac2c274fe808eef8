"""Template tags of the progress pages and of the report's progress block. Presentation only: the
block lays out what :func:`coaching.progress.selectors.report_progress_get` computed (no queries,
no DTW here)."""

from __future__ import annotations

from functools import cache
from typing import Any

from django import template
from django.urls import get_script_prefix, reverse

from coaching.analysis.models import Analysis
from coaching.progress.selectors import ReportProgress

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
