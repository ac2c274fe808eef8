"""Export formats of an analysis, as Sports2D and OpenSim read them: TRC (marker trajectories)
and MOT (angles), plus a zip of OpenPose JSON per frame (Kinovea, Pose2Sim).

TRC and MOT follow OpenSim's file formats (OpenSim documentation, "Marker (.trc) Files" and
"Storage (.sto, .mot) Files"). 2D video gives no depth: Z is 0, X right and Y up in metres when
the athlete's height scaled the video, else in pixels (the header's Units says which).
"""

from __future__ import annotations

import io
import zipfile

import numpy as np

from inference.kinematics.core import Kinematics
from inference.pose.openpose import jsonio
from inference.posedata import PoseSequence
from inference.skeleton import convert


def _fmt(value: float) -> str:
    return "" if not np.isfinite(value) else f"{value:.5f}"


def to_trc(kin: Kinematics, *, name: str = "posecoach.trc") -> str:
    """The athlete's named points over time as a TRC marker file."""
    mpp = kin.scale.metres_per_pixel
    units = "m" if mpp is not None else "px"
    factor = np.array([mpp or 1.0, -(mpp or 1.0)])
    points = kin.points * factor  # (T, N, 2), y up
    t = kin.timestamps
    rate = 1.0 / float(np.median(np.diff(t))) if len(t) > 1 else 0.0
    n_frames, n_markers = points.shape[0], points.shape[1]
    lines = [
        f"PathFileType\t4\t(X/Y/Z)\t{name}",
        "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames",
        f"{rate:.3f}\t{rate:.3f}\t{n_frames}\t{n_markers}\t{units}\t{rate:.3f}\t1\t{n_frames}",
        "Frame#\tTime\t" + "\t\t\t".join(kin.point_names) + "\t\t",
        "\t\t" + "\t".join(f"X{i + 1}\tY{i + 1}\tZ{i + 1}" for i in range(n_markers)),
        "",
    ]
    for f in range(n_frames):
        cells = [str(f + 1), f"{t[f]:.5f}"]
        for m in range(n_markers):
            x, y = points[f, m]
            cells += [_fmt(x), _fmt(y), "0.00000" if np.isfinite(x) else ""]
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def to_mot(kin: Kinematics, *, name: str = "posecoach") -> str:
    """Every angle over time as an OpenSim MOT (storage) file, in degrees."""
    header = [
        name,
        "version=1",
        f"nRows={len(kin.timestamps)}",
        f"nColumns={len(kin.angle_names) + 1}",
        "inDegrees=yes",
        "endheader",
        "time\t" + "\t".join(kin.angle_names),
    ]
    rows = [
        "\t".join([f"{t:.5f}", *(_fmt(v) or "NaN" for v in kin.angles[i])])
        for i, t in enumerate(kin.timestamps)
    ]
    return "\n".join(header + rows) + "\n"


def openpose_zip(poses: PoseSequence, *, skeleton: str = "body25", stem: str = "frame") -> bytes:
    """A zip of OpenPose JSON, one file per frame, every tracked person (person_id = track id)."""
    keypoints = convert(poses.keypoints, poses.skeleton, skeleton) if poses.skeleton != skeleton else poses.keypoints
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index in range(poses.num_frames):
            people = keypoints[index]
            present = np.isfinite(people[..., 0]).any(axis=1)
            document = jsonio.to_document(people[present], poses.track_ids[present])
            archive.writestr(jsonio.frame_file_name(stem, index), _json(document))
    return buffer.getvalue()


def _json(document: dict) -> str:
    import json

    return json.dumps(document, separators=(",", ":"))
