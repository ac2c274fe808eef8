"""The ids of the technique rules: the one definition of that vocabulary.

Each id names exactly one rule of :data:`inference.feedback.rules.RULES` (a test holds the two
together); findings, stored results, the report and docs/kinematics.md's table use these values.
The family before the dot is the movement or the kind of comparison (symmetry).
"""

from __future__ import annotations

from enum import StrEnum


class RuleId(StrEnum):
    SQUAT_DEPTH = "squat.depth"
    SQUAT_KNEE_VALGUS = "squat.knee_valgus"
    SQUAT_TRUNK_LEAN = "squat.trunk_lean"
    SQUAT_HEEL_LIFT = "squat.heel_lift"
    JUMP_LANDING_KNEE_FLEXION = "jump.landing_knee_flexion"
    JUMP_LANDING_KNEE_DISPLACEMENT = "jump.landing_knee_displacement"
    JUMP_LANDING_SYMMETRY = "jump.landing_symmetry"
    RUN_TRUNK_LEAN = "run.trunk_lean"
    RUN_TRUNK_BACKWARD = "run.trunk_backward"
    RUN_KNEE_DRIVE = "run.knee_drive"
    RUN_OVERSTRIDE = "run.overstride"
    SYMMETRY_KNEE = "symmetry.knee"
    SYMMETRY_HIP = "symmetry.hip"
    SYMMETRY_SHOULDER = "symmetry.shoulder"
    SYMMETRY_ELBOW = "symmetry.elbow"

    @property
    def family(self) -> str:
        """"squat", "jump", "run" or "symmetry"."""
        return self.value.split(".", 1)[0]
