"""The dance part of a report (issue 25): what the dance stage stored in the run summary
(:meth:`inference.dance.DanceResult.to_json`) turned into Plotly figures, tables and sentences.
Pure functions of the summary (no database), like :mod:`coaching.reports.figures`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from inference.dance.sync import MIN_CORRELATION

DANCER_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")
BEAT_LINE = {"color": "rgba(17,24,39,0.28)", "width": 1, "dash": "dot"}
PHRASE_LINE = {"color": "rgba(17,24,39,0.55)", "width": 1.5}
MAX_BEAT_LINES = 400  # beat markers drawn on a chart (10 min at 120 BPM is 1,200: every third)
# An offset up to this is called "together" in the sentences: the 40 ms rule of thumb for
# synchrony of a group, and never less than a frame (the offsets are sub-frame, not finer).
TOGETHER_MS = 40.0


@dataclass(frozen=True)
class DanceReport:
    """music: the summary's music part (status, message, tempo...); names: track id → "Dancer N";
    figures: Plotly figures by id; tables: reference ("group" or a track id) → rows of the offset
    table; sentences: the largest offsets in words; timing: per dancer rows of the phrase table."""

    music: dict[str, Any]
    frame_ms: float
    names: dict[int, str] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)
    windows: list[dict[str, Any]] = field(default_factory=list)
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    references: list[tuple[str, str]] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    timing: list[dict[str, Any]] = field(default_factory=list)
    sync_message: str = ""
    sync_note: str = ""
    mirrored: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # the offset table's dancers, in order
    limbs: list[dict[str, Any]] = field(default_factory=list)  # per dancer: the limbs differing most
    phrases: list[dict[str, Any]] = field(default_factory=list)  # the phrase band under the video
    skeletons: list[dict[str, Any]] = field(default_factory=list)  # dancers drawn side by side


def dancer_names(dance: dict[str, Any], athlete_track_id: int | None) -> dict[int, str]:
    """"Dancer 1", "Dancer 2"... in the order the stage listed them (the athlete marked)."""
    out = {}
    for k, row in enumerate(dance.get("dancers", [])):
        name = f"Dancer {k + 1}"
        out[int(row["track_id"])] = name + (" (athlete)" if row["track_id"] == athlete_track_id else "")
    return out


def beat_shapes(times: list[float], *, every: int = 1) -> list[dict[str, Any]]:
    """Vertical beat markers for a time chart, each phrase's first count stronger."""
    step = max(every, -(-len(times) // MAX_BEAT_LINES))
    return [{"type": "line", "xref": "x", "yref": "paper", "x0": t, "x1": t, "y0": 0, "y1": 1, "layer": "below",
             "line": PHRASE_LINE if k % 8 == 0 else BEAT_LINE, "name": "beat"}
            for k, t in enumerate(times) if k % step == 0]  # fmt: skip


def with_beats(figures: dict[str, Any], times: list[float]) -> dict[str, Any]:
    """The report's time charts (angles, velocities, silhouette) with the beats marked."""
    if not times or not figures:
        return figures
    shapes = beat_shapes(times)

    def marked(fig: dict[str, Any]) -> dict[str, Any]:
        return {**fig, "layout": {**fig["layout"], "shapes": [*fig["layout"].get("shapes", []), *shapes]}}

    out = {**figures, "angles": {j: marked(f) for j, f in figures.get("angles", {}).items()},
           "velocity": {j: marked(f) for j, f in figures.get("velocity", {}).items()}}  # fmt: skip
    if figures.get("silhouette"):
        out["silhouette"] = marked(figures["silhouette"])
    return out


def _layout(title: str, y_title: str, beats: list[float], height: int = 300) -> dict[str, Any]:
    return {"title": {"text": title, "font": {"size": 15}}, "height": height,
            "xaxis": {"title": {"text": "time (s)"}, "zeroline": False},
            "yaxis": {"title": {"text": y_title}}, "shapes": beat_shapes(beats),
            "margin": {"l": 55, "r": 10, "t": 40, "b": 45},
            "legend": {"orientation": "h", "y": 1.12, "x": 1, "xanchor": "right"}, "hovermode": "closest"}  # fmt: skip


def accents_figure(dance: dict[str, Any], names: dict[int, str]) -> dict[str, Any]:
    """Each dancer's whole-body motion over time with its accents marked (hover: offset to the
    nearest beat), beats as dotted lines, each phrase's count 1 solid."""
    beats = dance["music"].get("times", [])
    data: list[dict[str, Any]] = []
    for k, row in enumerate(dance.get("dancers", [])):
        colour, name = DANCER_COLOURS[k % len(DANCER_COLOURS)], names[int(row["track_id"])]
        data.append({"type": "scatter", "mode": "lines", "name": name, "legendgroup": name,
                     "x": row["motion"]["t"], "y": row["motion"]["whole"], "connectgaps": False,
                     "line": {"color": colour, "width": 1.5}, "hoverinfo": "skip"})  # fmt: skip
        acc = row["accents"]
        text = [(f"{name}: {_offset_words(o)}" + (" (between beats)" if on is False else "") if o is not None
                 else f"{name}: accent") + f", {limb}"
                for o, on, limb in zip(acc["offset_ms"], acc["on_beat"], acc["limb"], strict=True)]  # fmt: skip
        data.append({"type": "scatter", "mode": "markers", "name": f"{name} accents", "legendgroup": name,
                     "x": acc["t"], "y": acc["strength"], "text": text, "customdata": acc["t"],
                     "hovertemplate": "%{text}<br>%{x:.3f} s<extra></extra>", "showlegend": False,
                     "marker": {"color": colour, "size": 8, "symbol": "diamond", "line": {"width": 1, "color": "#fff"}}})  # fmt: skip
    return {"data": data, "layout": _layout("Movement accents and beats", "motion (body lengths/s)", beats)}


def sync_figure(dance: dict[str, Any], names: dict[int, str]) -> dict[str, Any] | None:
    """The sync score over time: the group's (thick) and each dancer's against the others."""
    score = dance.get("sync", {}).get("score")
    if not score:
        return None
    data = [{"type": "scatter", "mode": "lines", "name": "group", "x": score["t"], "y": score["group"],
             "line": {"color": "#111827", "width": 3}, "connectgaps": False}]  # fmt: skip
    dancers = score["dancers"] if len(score["dancers"]) > 2 else {}  # two: each one's line is the group's
    for k, (track, values) in enumerate(dancers.items()):
        data.append({"type": "scatter", "mode": "lines", "name": names.get(int(track), f"track {track}"),
                     "x": score["t"], "y": values, "connectgaps": False,
                     "line": {"color": DANCER_COLOURS[k % len(DANCER_COLOURS)], "width": 1.5}})  # fmt: skip
    layout = _layout("Sync score (100: the same limbs move at the same moments)", "sync score",
                     dance["music"].get("times", []), 280)  # fmt: skip
    layout["yaxis"]["range"] = [0, 105]
    return {"data": data, "layout": layout}


def _offset_words(ms: float | None) -> str:
    if ms is None:
        return "no clear match"
    if abs(ms) < 0.5:
        return "on time"
    return f"{abs(ms):.0f} ms {'late' if ms > 0 else 'early'}"


def offset_table(dance: dict[str, Any], names: dict[int, str], reference: str) -> list[dict[str, Any]]:
    """Rows (one per window: half phrase or time window) with each dancer's offset against
    ``reference`` ("group" or a track id as text): {"label", "start", "cells": [(text, css)]}."""
    sync = dance.get("sync", {})
    rows = []
    for w_index, window in enumerate(sync.get("windows", [])):
        cells = []
        for row in sync.get("dancers", []):
            values = row["offsets_ms"] if reference == "group" else row["lead_offsets_ms"].get(reference, [])
            ms = values[w_index] if w_index < len(values) else None
            if reference != "group" and str(row["track_id"]) == reference:
                cells.append(("lead", "muted"))
                continue
            together = ms is not None and abs(ms) <= max(TOGETHER_MS, dance.get("frame_ms", 0.0))
            css = "muted" if ms is None else ("ok" if together else "off")
            cells.append((("+" if ms and ms > 0 else "") + f"{ms:.0f} ms" if ms is not None else "no clear match", css))
        rows.append({"label": window["label"], "start": window["start"], "cells": cells})
    return rows


def offset_sentences(dance: dict[str, Any], names: dict[int, str], limit: int = 5) -> list[str]:
    """The largest offsets against the group, in words: "Dancer 2 is 80 ms late on phrase 1,
    counts 5–8"."""
    sync = dance.get("sync", {})
    found = []
    for row in sync.get("dancers", []):
        for window, ms in zip(sync.get("windows", []), row["offsets_ms"], strict=False):
            if ms is not None and abs(ms) > max(TOGETHER_MS, dance.get("frame_ms", 0.0)):
                found.append((abs(ms), f"{names[int(row['track_id'])]} is {_offset_words(ms)} on {window['label']}"))
    return [text for _, text in sorted(found, key=lambda x: -x[0])[:limit]]


def sync_note(dance: dict[str, Any], sentences: list[str]) -> str:
    """One line on the offsets as a whole: none matched, all together, or where they were not."""
    rows = dance.get("sync", {}).get("dancers", [])
    cells = [ms for row in rows for ms in row["offsets_ms"]]
    timed = [ms for ms in cells if ms is not None]
    if not timed:
        return (f"No clear match in any window: the dancers' limb motions correlate too little (below r = "
                f"{MIN_CORRELATION}) to time one against another — they are not doing the same movement.")  # fmt: skip
    if sentences:
        return ""
    gaps = f" ({len(cells) - len(timed)} of {len(cells)} without a clear match)" if len(timed) < len(cells) else ""
    return f"Every dancer is within {TOGETHER_MS:.0f} ms of the group wherever they match{gaps}."


def timing_rows(dance: dict[str, Any], names: dict[int, str]) -> list[dict[str, Any]]:
    """Per dancer: overall accent timing and the phrase table (median offset to the beat)."""
    out = []
    for row in dance.get("dancers", []):
        phrases = [{**p, "words": _offset_words(p["median_ms"]) if p["median_ms"] is not None else "no accent"}
                   for p in row.get("phrases", [])]  # fmt: skip
        out.append({"name": names[int(row["track_id"])], "timing": row["timing"], "phrases": phrases,
                    "accents": len(row["accents"]["t"]), "moving": row["moving"]})  # fmt: skip
    return out


def phrase_band(beats: list[float], duration: float) -> list[dict[str, Any]]:
    """The phrases (eight counts from the first beat) as a band over the video's duration:
    {"label", "start", "end", "left", "width"} with left/width in percent."""
    span = duration if duration > 0 else (beats[-1] if beats else 0.0)
    out = []
    for k in range(0, max(len(beats) - 1, 0), 8):
        start, end = beats[k], beats[min(k + 8, len(beats) - 1)]
        if span > 0:
            out.append({"label": f"Phrase {k // 8 + 1}", "start": start, "end": end,
                        "left": round(100 * start / span, 2), "width": round(100 * (end - start) / span, 2)})  # fmt: skip
    return out


def limb_rows(dance: dict[str, Any], names: dict[int, str]) -> list[dict[str, Any]]:
    """Per dancer in the sync: mirrored or not, and the limbs whose pose differs most from the
    group's at matched moments (body lengths)."""
    rows = [{"name": names[int(r["track_id"])], "mirrored": r["mirrored"],
             "limbs": [(limb, r["limb_difference"][limb]) for limb in r["limbs_differing_most"]]}
            for r in dance.get("sync", {}).get("dancers", [])]  # fmt: skip
    if len(rows) == 2:  # each against the other: one pair, one set of numbers
        return [{**rows[0], "name": f"{rows[0]['name']} and {rows[1]['name']}"}]
    return rows


def skeleton_dancers(dance: dict[str, Any], names: dict[int, str]) -> list[dict[str, Any]]:
    """What the side-by-side view needs per dancer: track id, name, the body unit (torso length in
    source pixels, so both are drawn at one size) and whether they are compared mirrored."""
    mirrored = {r["track_id"]: r["mirrored"] for r in dance.get("sync", {}).get("dancers", [])}
    return [{"track": r["track_id"], "name": names[int(r["track_id"])], "scale": r.get("scale_px"),
             "mirrored": bool(mirrored.get(r["track_id"], False))}
            for r in dance.get("dancers", []) if r.get("scale_px")]  # fmt: skip


def dance_report(summary: dict[str, Any]) -> DanceReport | None:
    """The dance part of a report from an analysis summary; None when the run has none."""
    dance = summary.get("dance")
    if not dance:
        return None
    names = dancer_names(dance, (summary.get("pose") or {}).get("athlete_track_id"))
    sync = dance.get("sync", {})
    figures = {"accents": accents_figure(dance, names)}
    score = sync_figure(dance, names)
    if score is not None:
        figures["sync"] = score
    ok = sync.get("status") == "ok"
    sentences = offset_sentences(dance, names) if ok else []
    references = [("group", "the group")] + [(str(t), n) for t, n in names.items()
                                              if ok and any(r["track_id"] == t for r in sync["dancers"])]  # fmt: skip
    return DanceReport(
        music=dance["music"], frame_ms=float(dance.get("frame_ms") or 0.0), names=names, figures=figures,
        windows=sync.get("windows", []) if ok else [],
        tables={ref: offset_table(dance, names, ref) for ref, _ in references} if ok else {},
        references=references if ok else [], sentences=sentences, sync_note=sync_note(dance, sentences) if ok else "",
        timing=timing_rows(dance, names), sync_message=sync.get("message", ""),
        mirrored=[names[int(r["track_id"])] for r in sync.get("dancers", []) if r.get("mirrored")],
        columns=[names[int(r["track_id"])] for r in sync.get("dancers", [])] if ok else [],
        limbs=limb_rows(dance, names) if ok else [],
        skeletons=skeleton_dancers(dance, names),
        phrases=phrase_band(dance["music"].get("times", []),
                            float(((summary.get("pose") or {}).get("video") or {}).get("duration") or 0.0)),
    )
