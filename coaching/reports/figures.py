"""Plotly figures of an analysis, built by pure functions from stored results (no Django, no
database): kinematics arrays in, Plotly figure dicts out (plain dicts: plotly.graph_objects
validation cost more than everything else on a 10-minute clip). Display only: series are
decimated, the stored arrays are not."""

from __future__ import annotations

from typing import Any

import numpy as np

from inference.feedback.measures import VIEW_WORDS
from inference.kinematics.angles import ANGLES, needs_side_view
from inference.kinematics.core import Kinematics
from inference.kinematics.events import is_uncertain
from inference.movements import Movement

MAX_POINTS = 500  # per trace on screen; a 10-minute 60 fps clip is 36,000 frames
MIN_CONFIDENCE = 0.5  # frames below this are drawn as gaps
SIDES = (("left", "#1f77b4"), ("right", "#d62728"))
EVENT_COLOURS = {"rep": "rgba(31,119,180,0.12)", "jump": "rgba(44,160,44,0.18)",
                 "step": "rgba(148,103,189,0.10)"}
UNTRACKED_COLOUR = "rgba(107,114,128,0.28)"  # grey bands: the athlete was not found there
UNTRACKED_LABEL_S = 0.5  # bands at least this long say "not tracked" (narrower ones have no room)

# Joints offered on the report: (label, angle names left/right or single).
JOINTS: dict[str, tuple[str, ...]] = {
    "knee": ("left_knee", "right_knee"),
    "hip": ("left_hip", "right_hip"),
    "ankle": ("left_ankle", "right_ankle"),
    "shoulder": ("left_shoulder", "right_shoulder"),
    # Unsigned, read in any view (inference.kinematics.angles: the signed shoulder and hip are
    # trusted from the side only, so on a front-view clip these are the arm and thigh charts).
    "shoulder elevation": ("left_shoulder_elevation", "right_shoulder_elevation"),
    "hip elevation": ("left_hip_elevation", "right_hip_elevation"),
    "elbow": ("left_elbow", "right_elbow"),
    "trunk": ("trunk",),
    "pelvis": ("pelvis",),
    "thigh": ("left_thigh", "right_thigh"),
    "shank": ("left_shank", "right_shank"),
}


# Ranges of motion shown in the summary (joint angles and the trunk; segment angles stay in CSV),
# in this order: joint by joint, left then right. The stored summary cannot give the order:
# PostgreSQL's jsonb keeps keys shortest first ("trunk", "left_hip", "left_knee", "right_hip" …),
# which put the left knee among the key numbers without the right one.
# Not the elbow: its range from one camera was off by more than 15° in 15 of 21 person-views of
# the Pose2Sim four-camera check (median 30°; bench/angles_multiview.py --camera every,
# docs/angles_multiview.md), too coarse for a key number; its chart stays, with ELBOW_NOTE.
SUMMARY_ANGLES: tuple[str, ...] = tuple(n for joint in ("knee", "hip", "ankle", "shoulder", "trunk")
                                        for n in JOINTS[joint])
# Under the elbow's charts: what its 2D flexion can and cannot say.
# (one line under the chart: longer ones are cut at its width)
ELBOW_NOTE = "2D elbow angle, coarse: its range was 30° off in the median against four cameras"


def decimate(t: np.ndarray, max_points: int = MAX_POINTS) -> np.ndarray:
    """Indices keeping at most max_points evenly spaced frames."""
    step = max(1, int(np.ceil(len(t) / max_points)))
    return np.arange(0, len(t), step)


def _list(values: np.ndarray, decimals: int = 2) -> list[float | None]:
    """Plain JSON numbers (gaps as null), so the figure is readable without Plotly's typed
    arrays and stays small."""
    rounded = np.round(np.asarray(values, np.float64), decimals).astype(object)
    rounded[~np.isfinite(np.asarray(values, np.float64))] = None
    return list(rounded.tolist())


def _masked(kin: Kinematics, name: str, values: np.ndarray) -> np.ndarray:
    confident = kin.angle_confidence[:, kin.angle_names.index(name)] >= MIN_CONFIDENCE
    return np.where(confident, values, np.nan)


def _colour(name: str) -> str:
    return next((c for side, c in SIDES if name.startswith(side)), "#111827")


def _event_shapes(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"type": "rect", "xref": "x", "yref": "paper", "x0": e["start"], "x1": e["end"],
         "y0": 0, "y1": 1, "fillcolor": EVENT_COLOURS.get(e["kind"], "rgba(0,0,0,0.08)"),
         "line": {"width": 0}, "layer": "below", "name": e["kind"]}
        for e in events
    ]


def untracked_spans(kin: Kinematics) -> list[tuple[float, float]]:
    """(start, end) seconds of each run of frames in which none of the athlete's points was seen
    (every point below the kinematics' confidence floor or absent: the person was not tracked
    there). Each run reaches half a frame beyond its first and last frame, so a single missing
    frame still shows."""
    t = np.asarray(kin.timestamps, np.float64)
    missing = ~(np.nan_to_num(kin.point_confidence) > 0).any(axis=1)
    if not missing.any():
        return []
    half = float(np.median(np.diff(t))) / 2 if len(t) > 1 else 0.0
    edges = np.diff(np.concatenate([[0], missing.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    return [(round(float(t[a]) - half, 3), round(float(t[b]) + half, 3)) for a, b in zip(starts, ends, strict=True)]


def untracked_shapes(spans: list[tuple[float, float]] | list[list[float]]) -> list[dict[str, Any]]:
    """Grey bands over the time axis where the athlete was not tracked: the charts show nothing
    there (nothing is interpolated across them)."""
    label = {"text": "not tracked", "textposition": "top center", "font": {"size": 11, "color": "#374151"}}
    return [{"type": "rect", "xref": "x", "yref": "paper", "x0": a, "x1": b, "y0": 0, "y1": 1,
             "fillcolor": UNTRACKED_COLOUR, "line": {"width": 0}, "layer": "below", "name": "not tracked",
             **({"label": label} if b - a >= UNTRACKED_LABEL_S else {})}
            for a, b in spans]


def _layout(title: str, y_title: str, events: list[dict[str, Any]],
            untracked: list[tuple[float, float]] | None = None) -> dict[str, Any]:
    return {
        "title": {"text": title, "font": {"size": 15}},
        "xaxis": {"title": {"text": "time (s)"}, "zeroline": False},
        "yaxis": {"title": {"text": y_title}},
        "shapes": untracked_shapes(untracked or []) + _event_shapes(events),
        "margin": {"l": 55, "r": 10, "t": 40, "b": 45},
        "legend": {"orientation": "h", "y": 1.12, "x": 1, "xanchor": "right"},
        "hovermode": "x unified",
        "height": 300,
    }


def _trace(kin: Kinematics, keep: np.ndarray, name: str, values: np.ndarray, width: float,
           decimals: int) -> dict[str, Any]:
    return {"type": "scatter", "mode": "lines", "name": name.replace("_", " "),
            "x": _list(kin.timestamps[keep], 3), "y": _list(values[keep], decimals),
            "line": {"color": _colour(name), "width": width}, "connectgaps": False}


def angle_reference(name: str) -> str:
    """What the numbers of an angle are measured from, as its definition says it
    (inference.kinematics.angles.ANGLES, the part after "; "): "90 upright, <90 leaning forward"
    for the trunk, "0 straight" for a knee. "" for an angle without one."""
    meaning = next((a.meaning for a in ANGLES if a.name == name), "")
    return meaning.rsplit("; ", 1)[1] if "; " in meaning else ""


def side_view_note(kin: Kinematics, joint: str) -> str:
    """What a chart of a side-view-only joint (inference.kinematics.angles.needs_side_view: the
    knee, ankle, signed hip and shoulder) says where the athlete was measured but not seen from
    the side: the angle is left out there, not drawn as fact. The elbow's charts say how coarse
    its 2D flexion is (:data:`ELBOW_NOTE`). "" for other joints and where nothing was left out
    for the view."""
    names = JOINTS[joint]
    if joint == "elbow":
        return ELBOW_NOTE
    if not all(needs_side_view(n) for n in names):
        return ""
    view = kin.view()
    hidden = np.zeros(kin.timestamps.shape, bool)
    for n in names:
        left_out = _masked(kin, n, kin.angle(n))
        hidden |= np.isfinite(kin.angle(n)) & ~np.isfinite(left_out) & (view != "side")
    if not hidden.any():
        return ""
    drawn = any(np.isfinite(_masked(kin, n, kin.angle(n))).any() for n in names)
    seen = " or ".join(VIEW_WORDS[v] for v in dict.fromkeys(view[hidden]))
    where = "left out where" if drawn else "not drawn, as"
    return f"Needs a side view: {where} the athlete was seen {seen}"


def _with_note(layout: dict[str, Any], note: str, data: list[dict[str, Any]]) -> dict[str, Any]:
    """The note in the middle of an empty chart; under the time axis where some of the curve is
    drawn, so it never covers the data."""
    if not note:
        return layout
    drawn = any(v is not None for trace in data for v in trace["y"])
    place = {"y": -0.32, "yanchor": "top"} if drawn else {"y": 0.5}
    annotation = {"text": note, "xref": "paper", "yref": "paper", "x": 0.5, **place, "showarrow": False,
                  "font": {"size": 12 if drawn else 13, "color": "#374151"},
                  "bgcolor": "rgba(255,255,255,0.8)"}
    if drawn:
        layout = {**layout, "height": layout["height"] + 40,
                  "margin": {**layout["margin"], "b": layout["margin"]["b"] + 40}}
    return {**layout, "annotations": [*layout.get("annotations", []), annotation]}


def angle_figure(kin: Kinematics, joint: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    """Left and right angle of a joint over time (degrees), events shaded; the axis says what 0
    (or 90) means, and a side-view joint says where it was left out for the view (:func:`side_view_note`)."""
    keep = decimate(kin.timestamps)
    data = [_trace(kin, keep, n, _masked(kin, n, kin.angle(n)), 2, 1) for n in JOINTS[joint]]
    layout = _layout(f"{joint.capitalize()} angle", "degrees", events, untracked_spans(kin))
    reference = angle_reference(JOINTS[joint][0])
    if reference:  # under the title, left of the legend
        layout["title"] = {**layout["title"], "x": 0.02, "xanchor": "left",
                           "subtitle": {"text": reference, "font": {"size": 12, "color": "#4b5563"}}}
        layout["margin"] = {**layout["margin"], "t": 62}
    return {"data": data, "layout": _with_note(layout, side_view_note(kin, joint), data)}


def velocity_figure(kin: Kinematics, joint: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    """Angular velocity of the joint (degrees per second)."""
    keep = decimate(kin.timestamps)
    data = [_trace(kin, keep, n, _masked(kin, n, kin.velocity(n)), 1.5, 0) for n in JOINTS[joint]]
    layout = _layout(f"{joint.capitalize()} angular velocity", "°/s", events, untracked_spans(kin))
    return {"data": data, "layout": _with_note(layout, side_view_note(kin, joint), data)}


SPAN_ROUNDING_S = 0.0005  # stored spans are rounded to the millisecond (camera_moved_spans)


def in_spans(t: np.ndarray, spans: list[tuple[float, float]] | list[list[float]]) -> np.ndarray:
    """(T,) whether each time lies inside one of ``spans`` [(start, end)] (ends included, within
    the half millisecond the stored spans were rounded to: a span ending at frame 1.7633 s is
    stored as 1.763 and must still hold that frame)."""
    inside = np.zeros(t.shape, bool)
    for start, end in spans:
        inside |= (t >= start - SPAN_ROUNDING_S) & (t <= end + SPAN_ROUNDING_S)
    return inside


def com_figure(kin: Kinematics, camera_moved: list[tuple[float, float]] | None = None) -> dict[str, Any]:
    """The centre of mass path: x across the picture, y its height above the floor under the
    athlete (the kinematics' ground frame); metres when the athlete's height is known, else pixels.
    Where the camera moved (``camera_moved``, spans in seconds from the kinematics section's
    camera summary) the path is left out: there x follows the picture, not the ground."""
    keep = decimate(kin.timestamps)
    metres = kin.com_metres()
    unit = "m" if metres is not None else "px"
    path = metres if metres is not None else kin.com_above_floor()
    seen = (np.nan_to_num(kin.point_confidence) > 0).any(axis=1)
    path = np.where(seen[:, None], path, np.nan)  # no path where the athlete was not tracked
    moved = in_spans(np.asarray(kin.timestamps, np.float64), camera_moved or [])
    path = np.where(moved[:, None], np.nan, path)
    if not np.isfinite(path).all(axis=1).any():  # axes with nothing on them read as a broken chart
        return {"data": [], "layout": {}, "note": com_missing_note(bool(moved.any()))}
    title = "Centre of mass path" + (" (left out where the camera moved)" if moved.any() else "")
    times = _list(kin.timestamps[keep], 2)
    trace = {
        "type": "scatter", "mode": "lines+markers", "name": "centre of mass",
        "x": _list(path[keep, 0], 3), "y": _list(path[keep, 1], 3),
        "marker": {"size": 4, "color": times, "colorscale": "Viridis",
                   "colorbar": {"title": {"text": "s"}}},
        "line": {"color": "#9ca3af", "width": 1}, "customdata": times,
        "hovertemplate": "t=%{customdata:.2f} s<extra></extra>",
    }
    layout = {"title": {"text": title, "font": {"size": 15}}, "height": 300,
              "margin": {"l": 55, "r": 10, "t": 40, "b": 45},
              "xaxis": {"title": {"text": f"x ({unit})"}},
              "yaxis": {"title": {"text": f"height above the floor ({unit})"}, "scaleanchor": "x"}}
    return {"data": [trace], "layout": layout}


def com_missing_note(camera_moved: bool) -> str:
    """What the report says instead of a centre of mass chart with no point on it."""
    if camera_moved:
        return ("Centre of mass path: not drawn. The camera moved (panning) in every frame where the athlete "
                "was tracked, so no stretch of the path can be measured against the ground.")
    return "Centre of mass path: not drawn. It could not be measured in any frame of this clip."


# What the report says where the camera moved (inference.kinematics.camera; docs/kinematics.md).
CAMERA_MOVED_NOTE = ("The camera moved during this video (panning): positions, travel and speeds are "
                     "relative to the picture, not the ground.")


SILHOUETTE_SERIES = {  # summary key: (label, axis title, y axis)
    "area": ("area", "area (share of frame)", "y"),
    "width": ("width", "width and height (share of the frame's)", "y2"),
    "height": ("height", "width and height (share of the frame's)", "y2"),
}


SILHOUETTE_COLOURS = {"area": "#0f766e", "width": "#a16207", "height": "#7c3aed"}


def silhouette_figure(silhouette: dict[str, Any],
                      untracked: list[tuple[float, float]] | None = None) -> dict[str, Any] | None:
    """The athlete's silhouette area and width over time (from the segmentation stage); grey
    bands where the athlete was not tracked (``untracked``, from :func:`untracked_spans`)."""
    times = silhouette.get("t") or []
    traces = [{
        "type": "scatter", "mode": "lines", "name": label, "x": times, "y": silhouette[key],
        "yaxis": axis, "line": {"width": 2, "color": SILHOUETTE_COLOURS[key]},
        "hovertemplate": f"{label} %{{y:.3f}} at %{{x:.2f}} s<extra></extra>",
    } for key, (label, _title, axis) in SILHOUETTE_SERIES.items() if silhouette.get(key)]
    if not times or not traces:
        return None
    titles = {axis: title for _label, title, axis in SILHOUETTE_SERIES.values()}
    return {"data": traces, "layout": {
        "title": {"text": "Silhouette", "font": {"size": 15}}, "height": 260,
        "shapes": untracked_shapes(untracked or []),
        "margin": {"l": 55, "r": 55, "t": 40, "b": 45}, "legend": {"orientation": "h"},
        "xaxis": {"title": {"text": "time (s)"}},
        "yaxis": {"title": {"text": titles["y"]}, "rangemode": "tozero"},
        # Plotly.js 4 gives an overlaying axis tickmode "sync" by default: its ticks sit on the
        # left axis' grid and read 0.117, 0.233 … (seen on the basketball report); its own round
        # ticks, without a second grid, read as shares.
        "yaxis2": {"title": {"text": titles["y2"]}, "overlaying": "y", "side": "right",
                   "rangemode": "tozero", "tickmode": "auto", "showgrid": False},
    }}


def report_figures(kin: Kinematics, events: list[dict[str, Any]],
                   camera_moved: list[tuple[float, float]] | None = None) -> dict[str, Any]:
    """Every figure of the report: {"angles": {joint: fig}, "velocity": {joint: fig}, "com": fig,
    "untracked": [(start, end), ...] where the athlete was not tracked}. ``camera_moved``: spans
    where the camera moved (the centre of mass path leaves them out; angles do not depend on it)."""
    joints = [j for j, names in JOINTS.items() if all(n in kin.angle_names for n in names)]
    return {
        "angles": {j: angle_figure(kin, j, events) for j in joints},
        "velocity": {j: velocity_figure(kin, j, events) for j in joints},
        "com": com_figure(kin, camera_moved),
        "untracked": untracked_spans(kin),
    }


# What a range of motion on the report is (inference.feedback.measures.range_of_motion: the 5th to
# 95th percentile span), said beside the numbers: a chart's peaks span more.
RANGE_OF_MOTION_NOTE = ("Ranges of motion span the 5th to the 95th percentile of each angle over the "
                        "tracked frames, so a single wrong frame does not count; the charts show every "
                        "frame, peaks included.")


def kpi_parts(value: str) -> tuple[str, str]:
    """A summary value as a key-number tile shows it: the number (or "Not measured") large, what
    qualifies it small beneath — "2 (2 uncertain)" → ("2", "2 uncertain"), "not measured: needs a
    side view (…)" → ("Not measured", "needs a side view (…)"). The summary table keeps the whole
    value (:func:`summary_rows`)."""
    if value.startswith("not measured"):
        return "Not measured", value.partition(":")[2].strip()
    head, bracket, rest = value.partition(" (")
    if bracket and rest.endswith(")"):
        return head, rest[:-1]
    return value, ""


# A walk or a run has steps: none found there is the detector's failure, not a count.
GAIT_MOVEMENTS = (Movement.WALK.value, Movement.RUN.value)
NO_STEP_SEEN = ("not measured: no whole step was seen (a step is a foot seen leaving the ground and "
                "landing while the other stands)")


def summary_rows(events_summary: dict[str, Any], ranges: dict[str, float | None],
                 view: str | None = None, events: list[dict[str, Any]] | None = None,
                 movement: str | None = None) -> list[tuple[str, str]]:
    """The summary table: (label, value) rows for what was measured. ``view`` is the camera view
    of the athlete (feedback's "side", "front", "oblique", "unknown"): from the front, sagittal-
    plane ranges say that a side view is needed to measure them, and filmed from the front or at an
    angle, one row names the side-view joints (inference.kinematics.angles.needs_side_view) that
    have no range at all for that reason. ``events`` (the stored events): a count says how many of
    its events are uncertain (:func:`inference.kinematics.events.is_uncertain`), and a value read
    from events of a kind (a height, a flight time, a cadence) says when uncertain ones are among them.
    ``movement`` (the one the events were found for): for a walk or a run, no step found is said
    as not measured (:data:`NO_STEP_SEEN`), not as "0" — the athlete stepped, the detector missed."""
    rows: list[tuple[str, str]] = []
    counted = {"rep_count": "rep", "jump_count": "jump", "step_count": "step"}
    derived = {"best_jump_height_m": "jump", "mean_flight_time_s": "jump", "cadence_spm": "step"}
    labels = {"rep_count": ("Repetitions", "{:.0f}"), "jump_count": ("Jumps", "{:.0f}"),
              "best_jump_height_m": ("Best jump height", "{:.2f} m"),
              "mean_flight_time_s": ("Mean flight time", "{:.3f} s"),
              "step_count": ("Steps", "{:.0f}"), "cadence_spm": ("Cadence", "{:.0f} steps/min")}
    for key, (label, fmt) in labels.items():
        value = events_summary.get(key)
        if key == "step_count" and value == 0 and movement in GAIT_MOVEMENTS:
            rows.append((label, NO_STEP_SEEN))
            continue
        if value is not None:
            shown = fmt.format(value)
            kind = counted.get(key) or derived.get(key)
            unsure = sum(1 for e in events or () if e.get("kind") == kind and is_uncertain(e))
            if unsure and key in counted:
                shown += f" ({unsure} uncertain)"
            elif unsure:  # read from events among which some are uncertain
                shown += f" (uncertain {kind}s included)"
            rows.append((label, shown))
    unmeasured: list[str] = []  # side-view joints with no range on either side
    for name in SUMMARY_ANGLES:
        value = ranges.get(name)
        if value is not None:
            shown = f"{value:.0f}°"
            if view == "front" and needs_side_view(name):
                shown += " (front/back view: needs a side view)"
            rows.append((f"Range of motion, {name.replace('_', ' ')}", shown))
            continue
        joint = name.split("_", 1)[-1]
        if needs_side_view(name) and joint not in unmeasured and all(ranges.get(n) is None for n in JOINTS[joint]):
            unmeasured.append(joint)
    if unmeasured and view in ("front", "oblique"):  # filmed that way: say what it cannot measure
        rows.append((f"Range of motion, {', '.join(unmeasured)}",
                     f"not measured: needs a side view (the athlete was seen {VIEW_WORDS[view]})"))
    return rows
