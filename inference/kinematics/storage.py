"""Storage forms of :class:`~inference.kinematics.core.Kinematics`: CSV of angles, a JSON-able dict
and a lossless ``.npz``.

- CSV: ``time`` then one column per angle in degrees, one row per frame, empty cells where an
  angle is not measurable or not trusted: outside its anatomical interval (already NaN) or with a
  confidence below :data:`CSV_MIN_CONFIDENCE` (interpolated points, a segment pointing at the
  camera, a weak detection) — what DIR/angles.csv holds; spreadsheets and pandas read empty cells
  as missing. The numbers behind them stay in the npz with their confidence.
- dict: every array as lists with NaN → None, rounded, for JSON and for chart builders.
- npz: the arrays as they are (float32, uncompressed: writing 10 minutes compressed took longer
  than computing them), for the report's figures (load with :func:`load_npz`).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from inference.kinematics.core import Kinematics

# Angle samples below this confidence are written as empty cells in the CSV: the report's charts
# draw them as gaps (coaching/reports/figures.py), the feedback rules and comparisons do not judge
# them (inference/feedback/measures.py, inference/compare/), all at 0.5. A number in an export is
# read as a fact, so the CSV states no more than the report does.
CSV_MIN_CONFIDENCE = 0.5


def _list(a: np.ndarray, decimals: int) -> list[Any]:
    """Array → nested lists, NaN → None."""
    rounded = np.round(np.asarray(a, np.float64), decimals)
    out = rounded.astype(object)
    out[~np.isfinite(rounded)] = None
    return list(out.tolist())


def to_csv(kin: Kinematics, path: str | Path | None = None, decimals: int = 2) -> str:
    """Angles per frame as CSV text (written to ``path`` too when given); empty cells where an
    angle is NaN or its confidence is below :data:`CSV_MIN_CONFIDENCE`."""
    trusted = np.where(kin.angle_confidence >= CSV_MIN_CONFIDENCE, kin.angles, np.nan)
    table = np.column_stack([kin.timestamps, trusted])
    buffer = io.StringIO()
    fmt = ["%.4f"] + [f"%.{decimals}f"] * len(kin.angle_names)
    np.savetxt(buffer, table, fmt=fmt, delimiter=",", header=",".join(("time", *kin.angle_names)), comments="")
    text = buffer.getvalue().replace(",nan", ",")  # empty cells where an angle is missing or untrusted
    if path is not None:
        Path(path).write_text(text)
    return text


def to_dict(kin: Kinematics, decimals: int = 2) -> dict[str, Any]:
    """JSON-able form: per-angle series, velocity, centre of mass, facing, the view per frame
    (frontalness and "side" / "oblique" / "front" / "unknown"), scale, skeleton."""
    return {
        "skeleton": kin.skeleton,
        "timestamps": _list(kin.timestamps, 4),
        "angles": {n: _list(kin.angles[:, a], decimals) for a, n in enumerate(kin.angle_names)},
        "angle_confidence": {n: _list(kin.angle_confidence[:, a], 2) for a, n in enumerate(kin.angle_names)},
        "angular_velocity": {n: _list(kin.angular_velocity[:, a], 1) for a, n in enumerate(kin.angle_names)},
        "com_px": {"x": _list(kin.com[:, 0], 1), "y": _list(kin.com[:, 1], 1)},
        "ground_px": _list(kin.ground, 1),
        "height_reference": kin.HEIGHT_REFERENCE,
        "surface_changes": [vars(c) for c in kin.surface_changes()],
        "facing": kin.facing.astype(int).tolist(),
        "frontalness": _list(kin.frontalness(), 2),
        "view": [str(v) for v in kin.view()],
        "swapped_frames": {g: int(v.sum()) for g, v in kin.swaps.items()},
        "implausible_frames": {g: int(v.sum()) for g, v in kin.implausible.items()},
        "scale": kin.scale.as_dict(),
        "config": {k: v for k, v in vars(kin.config).items()},
    }


def save_npz(kin: Kinematics, path: str | Path) -> None:
    """Write every array (and names, scale, config as JSON) to ``path``."""
    extra: dict[str, Any] = {} if kin.background is None else {"background": kin.background.astype(np.float32)}
    np.savez(
        path,
        timestamps=kin.timestamps,
        angle_names=np.array(kin.angle_names),
        angles=kin.angles.astype(np.float32),
        angle_confidence=kin.angle_confidence.astype(np.float32),
        angular_velocity=kin.angular_velocity.astype(np.float32),
        angular_acceleration=kin.angular_acceleration.astype(np.float32),
        point_names=np.array(kin.point_names),
        points=kin.points.astype(np.float32),
        point_confidence=kin.point_confidence.astype(np.float32),
        com=kin.com.astype(np.float32),
        ground=kin.ground.astype(np.float32),
        points_unsmoothed=kin.points_unsmoothed.astype(np.float32),
        facing=kin.facing.astype(np.int8),
        swap_groups=np.array(list(kin.swaps)),
        swaps=np.stack(list(kin.swaps.values()), axis=1) if kin.swaps else np.zeros((len(kin.timestamps), 0), bool),
        implausible_segments=np.array(list(kin.implausible)),
        implausible=(np.stack(list(kin.implausible.values()), axis=1) if kin.implausible
                     else np.zeros((len(kin.timestamps), 0), bool)),
        meta=np.array(json.dumps({"skeleton": kin.skeleton, "scale": kin.scale.as_dict(), "config": vars(kin.config)})),
        **extra,
    )


def load_npz(path: str | Path) -> Kinematics:
    """Read what :func:`save_npz` wrote."""
    from inference.kinematics.core import Kinematics, KinematicsConfig
    from inference.kinematics.ground import ground_line
    from inference.kinematics.scale import Scale, stature_series

    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        groups = [str(g) for g in data["swap_groups"]]
        scale = Scale(**meta["scale"])
        if "ground" in data:
            ground = data["ground"].astype(np.float64)
        else:  # written before the ground line existed: it is a function of the stored points
            height_cm = meta["config"].get("height_cm")
            stature = stature_series(data["points"].astype(np.float64), data["timestamps"])
            ground = ground_line(data["points_unsmoothed"].astype(np.float64), data["point_confidence"].astype(np.float64),
                                 data["timestamps"], stature, height_cm / 100 if height_cm else None)  # fmt: skip
        return Kinematics(
            timestamps=data["timestamps"],
            angle_names=tuple(str(n) for n in data["angle_names"]),
            angles=data["angles"].astype(np.float64),
            angle_confidence=data["angle_confidence"].astype(np.float64),
            angular_velocity=data["angular_velocity"].astype(np.float64),
            angular_acceleration=data["angular_acceleration"].astype(np.float64),
            point_names=tuple(str(n) for n in data["point_names"]),
            points=data["points"].astype(np.float64),
            point_confidence=data["point_confidence"].astype(np.float64),
            com=data["com"].astype(np.float64),
            ground=ground,
            points_unsmoothed=data["points_unsmoothed"].astype(np.float64),
            facing=data["facing"].astype(np.float64),
            swaps={g: data["swaps"][:, i] for i, g in enumerate(groups)},
            scale=scale,
            skeleton=meta["skeleton"],
            config=KinematicsConfig(**meta["config"]),
            implausible=({str(g): data["implausible"][:, i] for i, g in enumerate(data["implausible_segments"])}
                         if "implausible" in data else {}),  # written before the rotation check: none
            background=data["background"].astype(np.float64) if "background" in data else None,  # None: not measured
        )
