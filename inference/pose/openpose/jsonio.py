"""OpenPose JSON files: one file per frame, as OpenPose writes them with ``--write_json``.

Each file is ``{"version": 1.3, "people": [{"person_id": [-1], "pose_keypoints_2d": [x0, y0, c0,
x1, y1, c1, …], …}]}`` with keypoints in BODY_25 or COCO-18 order; a part that was not found is
0, 0, 0. Kinovea and Pose2Sim read this layout, with file names ``<name>_<frame:012d>_keypoints.json``.

In memory, people are (P, K, 3) arrays: x, y in pixels and confidence, NaN x/y for absent parts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

VERSION = 1.3
_EMPTY_FIELDS = (
    "face_keypoints_2d", "hand_left_keypoints_2d", "hand_right_keypoints_2d",
    "pose_keypoints_3d", "face_keypoints_3d", "hand_left_keypoints_3d", "hand_right_keypoints_3d",
)  # fmt: skip
_FRAME_NAME = re.compile(r"_(\d{12})_keypoints\.json$")


def frame_file_name(stem: str, index: int) -> str:
    return f"{stem}_{index:012d}_keypoints.json"


def to_document(people: np.ndarray, person_ids: np.ndarray | None = None) -> dict:
    """(P, K, 3) keypoints → the JSON document of one frame (absent parts become 0, 0, 0)."""
    people = np.asarray(people, np.float64).reshape(-1, *np.shape(people)[-2:])
    entries = []
    for i, person in enumerate(people):
        flat = person.copy()
        absent = ~np.isfinite(flat[:, :2]).all(axis=1) | ~(flat[:, 2] > 0)
        flat[absent] = 0.0
        entry: dict = {
            "person_id": [int(person_ids[i])] if person_ids is not None else [-1],
            "pose_keypoints_2d": [round(float(v), 3) for v in flat.ravel()],
        }
        entry.update({name: [] for name in _EMPTY_FIELDS})
        entries.append(entry)
    return {"version": VERSION, "people": entries}


def from_document(document: dict, num_keypoints: int | None = None) -> np.ndarray:
    """The JSON document of one frame → (P, K, 3), NaN x/y where the confidence is 0."""
    rows = []
    for entry in document.get("people", []):
        flat = np.asarray(entry.get("pose_keypoints_2d", []), np.float32)
        if flat.size % 3:
            raise ValueError(f"pose_keypoints_2d has {flat.size} values, not a multiple of 3")
        rows.append(flat.reshape(-1, 3))
    k = num_keypoints if num_keypoints is not None else (len(rows[0]) if rows else 0)
    out = np.zeros((len(rows), k, 3), np.float32)
    for i, row in enumerate(rows):
        if len(row) != k:
            raise ValueError(f"person {i} has {len(row)} keypoints, expected {k}")
        out[i] = row
    out[out[..., 2] <= 0, :2] = np.nan
    out[out[..., 2] <= 0, 2] = 0.0
    return out


def write_frame(path: str | Path, people: np.ndarray, person_ids: np.ndarray | None = None) -> None:
    Path(path).write_text(json.dumps(to_document(people, person_ids)))


def read_frame(path: str | Path, num_keypoints: int | None = None) -> np.ndarray:
    return from_document(json.loads(Path(path).read_text()), num_keypoints)


def read_folder(folder: str | Path, num_keypoints: int | None = None) -> list[np.ndarray]:
    """Every ``*_<frame>_keypoints.json`` in a folder, in frame order → list of (P, K, 3)."""
    files = []
    for path in Path(folder).glob("*_keypoints.json"):
        match = _FRAME_NAME.search(path.name)
        if match:
            files.append((int(match.group(1)), path))
    return [read_frame(p, num_keypoints) for _, p in sorted(files)]
