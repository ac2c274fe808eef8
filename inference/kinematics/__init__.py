"""Kinematics of the athlete: angles, filters, derivatives, centre of mass, scale, foot contacts
and the ground frame (heights above the floor), and events.

Entry points: :func:`compute_kinematics` (→ :class:`Kinematics`) and :func:`detect_events`
(→ :class:`Events`); the pipeline's kinematics and events stages run them (inference.pipeline).
See docs/kinematics.md.
"""

from inference.kinematics.angles import ANGLE_NAMES, ANGLES, AngleDef
from inference.kinematics.core import Kinematics, KinematicsConfig, compute_kinematics

__all__ = ["ANGLES", "ANGLE_NAMES", "AngleDef", "Kinematics", "KinematicsConfig", "compute_kinematics"]
