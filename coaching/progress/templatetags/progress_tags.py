"""The report page's progress block: compare link, "set as reference" and the deviation from the
team's reference (computed by coaching.progress.comparisons, cached)."""

from __future__ import annotations

from typing import Any

from django import template

from coaching.analysis.models import Analysis
from coaching.progress.comparisons import comparable, reference_deviation, segments_for

register = template.Library()


@register.inclusion_tag("progress/_report_block.html", takes_context=True)
def progress_block(context: template.Context, analysis: Analysis) -> dict[str, Any]:
    abilities = context.get("can") or {}
    reason = comparable(analysis)
    return {
        "analysis": analysis,
        "reason": reason,
        "is_coach": bool(abilities.get("view_team")),
        "segments": [] if reason else list(enumerate(segments_for(analysis))),
        "deviation": None if reason else reference_deviation(analysis=analysis),
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
