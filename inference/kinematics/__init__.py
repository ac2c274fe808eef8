"""Kinematics of the athlete: angles, filters, derivatives, centre of mass, scale and events.

Entry points: :func:`compute_kinematics` (→ :class:`Kinematics`), :func:`detect_events`
(→ :class:`Events`) and :func:`write_kinematics_outputs` (angles.csv, events.json, feedback.json).
See docs/kinematics.md.
"""

from inference.kinematics.angles import ANGLE_NAMES, ANGLES, AngleDef
from inference.kinematics.core import Kinematics, KinematicsConfig, compute_kinematics

__all__ = ["ANGLES", "ANGLE_NAMES", "AngleDef", "Kinematics", "KinematicsConfig", "compute_kinematics"]
