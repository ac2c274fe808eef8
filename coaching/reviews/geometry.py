"""Checks on what the page sends for a drawing: points per kind, inside the upright frame, and
the calibration that turned pixels into metres. Measurements themselves (angle, length) are
computed where they are shown, in static/js/review-draw.js, from these stored points."""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import ValidationError

from coaching.reviews.models import Kind

# kind: (fewest points, most points)
POINTS: dict[str, tuple[int, int]] = {
    Kind.ANGLE: (3, 3),
    Kind.LINE: (2, 2),
    Kind.DISTANCE: (2, 2),
    Kind.ARROW: (2, 2),
    Kind.TEXT: (1, 1),
    Kind.FREEHAND: (2, 4000),
}
MEASURED = {Kind.LINE, Kind.DISTANCE}  # the kinds whose length may be given in metres
EDGE_TOLERANCE_PX = 1.0


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(f"{what} must be a number.")
    return float(value)


def clean_geometry(*, kind: str, geometry: Any, width: int, height: int) -> dict[str, list]:
    """{"points": [[x, y], ...]} with the number of points the kind needs, each inside the
    width x height frame (source pixels, upright). Returns the points rounded to 0.01 px."""
    if kind not in POINTS:
        raise ValidationError(f"Unknown drawing kind {kind!r}.")
    points = geometry.get("points") if isinstance(geometry, dict) else None
    if not isinstance(points, list):
        raise ValidationError("The drawing has no points.")
    fewest, most = POINTS[kind]
    if not fewest <= len(points) <= most:
        need = str(fewest) if fewest == most else f"{fewest} to {most}"
        raise ValidationError(f"A {Kind(kind).label.lower()} needs {need} points, not {len(points)}.")
    cleaned = []
    for point in points:
        if not isinstance(point, list | tuple) or len(point) != 2:
            raise ValidationError("Each point is [x, y].")
        x, y = _number(point[0], "x"), _number(point[1], "y")
        tol = EDGE_TOLERANCE_PX
        if not (-tol <= x <= width + tol and -tol <= y <= height + tol):
            raise ValidationError(f"The point ({x:.0f}, {y:.0f}) is outside the {width}×{height} frame.")
        cleaned.append([round(min(max(x, 0.0), width), 2), round(min(max(y, 0.0), height), 2)])
    return {"points": cleaned}


def clean_calibration(*, kind: str, calibration: Any) -> dict[str, float | str]:
    """{} or {"method": "reference", "reference_m", "reference_px", "metres_per_pixel"}: a line
    of known length (by default the athlete's standing height, heel to crown) drawn on the frame."""
    if not calibration:
        return {}
    if kind not in MEASURED:
        raise ValidationError("Only lines and distances carry a calibration.")
    if not isinstance(calibration, dict) or calibration.get("method") != "reference":
        raise ValidationError("The calibration must be a reference line of known length.")
    metres = _number(calibration.get("reference_m"), "The reference length")
    pixels = _number(calibration.get("reference_px"), "The reference line's length")
    if not 0.01 <= metres <= 100:
        raise ValidationError("The reference length must be between 0.01 and 100 m.")
    if pixels < 5:
        raise ValidationError("The reference line is too short: draw it over the whole object.")
    return {
        "method": "reference",
        "reference_m": round(metres, 4),
        "reference_px": round(pixels, 2),
        "metres_per_pixel": metres / pixels,
    }
