"""Plotly figures and plain-words summaries of metric series, as pure functions (plain dicts, as
coaching.reports.figures): series in, figures and sentences out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from coaching.formats import day_text
from inference.compare.metrics import METRICS

UNIT_TEXT = {"deg": "°", "m": " m", "s": " s", "count": "", "steps/min": " steps/min"}
EDGE_SESSIONS = 3  # first and last sessions averaged when judging a trend


@dataclass
class Point:
    recorded_on: date
    value: float
    analysis_id: int
    t_start: float
    video_title: str = ""


@dataclass
class Series:
    """One metric of one action over sessions; ``movement``: the movement the videos were
    uploaded as (a series never mixes actions or movements)."""

    action: str
    metric: str
    unit: str
    points: list[Point] = field(default_factory=list)
    movement: str = ""

    @property
    def title(self) -> str:
        """The action, and the movement the videos were uploaded as where it is another word."""
        return self.action if self.movement in ("", self.action) else f"{self.action}, uploaded as {self.movement}"

    @property
    def label(self) -> str:
        return METRICS[self.metric].label if self.metric in METRICS else self.metric.replace("_", " ")

    @property
    def better(self) -> int:
        return METRICS[self.metric].better if self.metric in METRICS else 0

    @property
    def key(self) -> str:
        return f"{self.action}:{self.movement}:{self.metric}"


def fmt(value: float, unit: str) -> str:
    decimals = 2 if unit in ("m", "s") else 0
    return f"{value:.{decimals}f}{UNIT_TEXT.get(unit, ' ' + unit)}"


# The axis's ticks in the pages' date format (coaching/formats DATE_FORMAT "j M Y", 30 Nov 2026),
# written in Plotly's d3 time format.
AXIS_DAY = "%-d %b %Y"


def _date_axis(days: list[date]) -> dict[str, Any]:
    """Dates to the day (a session has no time of day); at least a fortnight wide, so one or two
    sessions do not spread over hours of empty axis."""
    axis: dict[str, Any] = {"type": "date", "tickformat": AXIS_DAY, "nticks": 6}
    if days and (max(days) - min(days)).days < 14:
        middle = min(days) + (max(days) - min(days)) / 2
        axis["range"] = [(middle - timedelta(days=7)).isoformat(), (middle + timedelta(days=7)).isoformat()]
    return axis


def trend_figure(series: Series) -> dict[str, Any]:
    """Values over recording dates; each point carries [analysis id, seconds] to open its report."""
    pts = series.points
    trace = {
        "type": "scatter", "mode": "lines+markers", "name": series.label,
        "x": [p.recorded_on.isoformat() for p in pts], "y": [round(p.value, 3) for p in pts],
        "customdata": [[p.analysis_id, round(p.t_start, 2)] for p in pts],
        "text": [p.video_title for p in pts],
        "hovertemplate": "%{x}<br>%{y} " + series.unit + "<br>%{text}<extra>open the report</extra>",
        "marker": {"size": 9, "color": "#2563eb"}, "line": {"color": "#2563eb", "width": 2},
    }
    layout = {
        "title": {"text": f"{series.label} · {series.title}", "font": {"size": 15}},
        # Day labels a little below the axis: the lowest value's tick label ("-20") sits across the
        # axis line and ran into the first day's label in the corner.
        "xaxis": {**_date_axis([p.recorded_on for p in pts]), "ticklabelstandoff": 8},
        "yaxis": {"title": {"text": series.unit}},
        "margin": {"l": 55, "r": 10, "t": 40, "b": 45}, "height": 280, "showlegend": False,
    }
    return {"data": [trace], "layout": layout}


def personal_best(series: Series) -> Point | None:
    if series.better == 0 or not series.points:
        return None
    pick = max if series.better > 0 else min
    return pick(series.points, key=lambda p: p.value)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def noise(series: Series, k: int) -> float:
    """The smallest change of the mean of the first ``k`` and of the last ``k`` sessions that is
    not noise: the metric's measurement noise between two sessions (inference.compare.metrics
    NOISE, where it was measured), or twice the standard error of that difference from the
    sessions' own scatter around their group means (k ≥ 2), whichever is larger."""
    floor = METRICS[series.metric].noise if series.metric in METRICS else 0.0
    if k < 2:
        return floor
    groups = [[p.value for p in series.points[:k]], [p.value for p in series.points[-k:]]]
    squares = sum((v - _mean(g)) ** 2 for g in groups for v in g)
    pooled = (squares / (2 * k - 2)) ** 0.5
    return max(floor, 2 * pooled * (2 / k) ** 0.5)


def trend_sentence(series: Series, sessions: int | None = None) -> dict[str, Any] | None:
    """{"verdict": improved/declined/steady/changed, "text", "first", "last", "change", "noise",
    "sessions"} comparing the mean of the first and of the last sessions; None for fewer than 2
    sessions. A change no larger than :func:`noise` is "steady". sessions: how many there are when
    series holds only the first and last EDGE_SESSIONS."""
    pts = series.points
    total = sessions or len(pts)
    if total < 2:
        return None
    k = min(EDGE_SESSIONS, total // 2)
    first, last = _mean([p.value for p in pts[:k]]), _mean([p.value for p in pts[-k:]])
    change = last - first
    within = noise(series, k)
    steady = abs(change) <= within
    if steady:
        verdict = "steady"
    elif series.better == 0:
        verdict = "changed"
    else:
        verdict = "improved" if change * series.better > 0 else "declined"
    word = {"steady": "stayed within the measurement noise", "changed": "rose" if change > 0 else "fell",
            "improved": "improved", "declined": "declined"}[verdict]
    sign = "+" if change >= 0 else "−"
    span = f"{day_text(pts[0].recorded_on)} and {day_text(pts[-1].recorded_on)}"
    edge = "" if k == 1 else f" (means of the first and last {k} sessions)"
    text = (f"{series.label} ({series.title}) {word}: {fmt(first, series.unit)} → "
            f"{fmt(last, series.unit)} ({sign}{fmt(abs(change), series.unit).strip()}; noise "
            f"±{fmt(within, series.unit).strip()}) between {span}, {total} sessions{edge}.")
    return {"verdict": verdict, "text": text, "first": first, "last": last, "change": change, "noise": within,
            "sessions": total, "label": series.label, "action": series.action}
