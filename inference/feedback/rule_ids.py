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

    @property
    def family(self) -> str:
        """"squat", "jump", "run" or "symmetry"."""
        return self.value.split(".", 1)[0]


# Ids of rules that were judged once and are no longer: findings stored under them are left out
# wherever stored findings are read (:func:`inference.feedback.engine.stored_findings`), so an old
# analysis shows what a re-run would. "symmetry.elbow" (2026-12-01): the left/right elbow ranges
# of motion from one camera did not hold up against the Pose2Sim four-camera reference
# (bench/angles_multiview.py --camera every: the range shown off by more than 15° in 15 of 21
# person-views, median 30°; the rule's verdict and side right in 3 of 9; docs/angles_multiview.md).
RETIRED_RULE_IDS: frozenset[str] = frozenset({"symmetry.elbow"})
