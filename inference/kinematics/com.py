"""Centre of mass from segment mass fractions.

Table: Winter (2009), Biomechanics and Motor Control of Human Movement, 4th ed., Table 4.1
(Dempster's cadaver data): for each segment its mass as a fraction of body mass and the position of
its centre of mass along the line from the proximal to the distal end, as a fraction of the
segment's length. The fractions add up to 1.000. Keypoints stand for the table's landmarks (hip
keypoint for the greater trochanter, Neck for C7/shoulder line, the ears' midpoint for the ear
canal). Where a distal hand/foot landmark is missing (OpenPose COCO-18 has no toes nor fingers),
the hand's or foot's mass is put at the wrist or ankle.

Frames where segments holding more than :data:`MAX_MISSING_MASS` of the body mass are missing give
NaN; otherwise the present segments' mass is renormalised.

Shapes: T frames, N named points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inference.kinematics.points import point_index

MAX_MISSING_MASS = 0.10


@dataclass(frozen=True)
class Segment:
    name: str
    proximal: str
    distal: str
    mass: float
    com_from_proximal: float
    fallback: str | None = None  # point that takes the mass when the distal point is missing


def _sided(name: str, proximal: str, distal: str, mass: float, com: float, fallback: str | None = None) -> tuple[Segment, ...]:
    return tuple(
        Segment(f"{side}_{name}", proximal.replace("{S}", p), distal.replace("{S}", p), mass, com,
                fallback.replace("{S}", p) if fallback else None)
        for side, p in (("right", "R"), ("left", "L"))
    )  # fmt: skip


# Winter (2009) Table 4.1: mass fraction, CoM / segment length from the proximal end.
SEGMENTS: tuple[Segment, ...] = (
    Segment("head_neck", "Neck", "Head", 0.081, 1.000),  # C7-T1 → ear canal, CoM at the ear canal
    Segment("trunk", "Hip", "Neck", 0.497, 0.500),  # greater trochanter → glenohumeral joint
    *_sided("upper_arm", "{S}Shoulder", "{S}Elbow", 0.028, 0.436),
    *_sided("forearm", "{S}Elbow", "{S}Wrist", 0.016, 0.430),
    *_sided("hand", "{S}Wrist", "{S}Index", 0.006, 0.506, fallback="{S}Wrist"),
    *_sided("thigh", "{S}Hip", "{S}Knee", 0.100, 0.433),
    *_sided("shank", "{S}Knee", "{S}Ankle", 0.0465, 0.433),
    *_sided("foot", "{S}Ankle", "{S}BigToe", 0.0145, 0.500, fallback="{S}Ankle"),
)  # fmt: skip


def segment_centres(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-segment centres of mass (T, S, 2) in xy's units (NaN where absent) and masses (S,)."""
    centres = np.full((xy.shape[0], len(SEGMENTS), 2), np.nan)
    for s, seg in enumerate(SEGMENTS):
        prox, dist = xy[:, point_index(seg.proximal)], xy[:, point_index(seg.distal)]
        centre = prox + seg.com_from_proximal * (dist - prox)
        if seg.fallback is not None:
            missing = ~np.isfinite(centre).all(axis=1)
            centre[missing] = xy[missing, point_index(seg.fallback)]
        centres[:, s] = centre
    return centres, np.array([seg.mass for seg in SEGMENTS])


def centre_of_mass(xy: np.ndarray) -> np.ndarray:
    """Whole-body centre of mass (T, 2) from named points xy (T, N, 2); NaN where too much of the
    body is missing (module docstring)."""
    centres, mass = segment_centres(xy)
    present = np.isfinite(centres).all(axis=-1)  # (T, S)
    weight = np.where(present, mass, 0.0)
    total = weight.sum(axis=1)
    com = (np.nan_to_num(centres) * weight[..., None]).sum(axis=1) / np.maximum(total, 1e-12)[:, None]
    com[total < 1.0 - MAX_MISSING_MASS - 1e-9] = np.nan
    return com
