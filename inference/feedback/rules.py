"""Technique rules as data, per movement.

A rule names a measure (:mod:`.measures`) and its parameters, the direction that is a fault
("below" or "above" the threshold), a warning threshold and a stricter "major" one, how the
per-instance values are combined ("each": every repetition/landing judged on its own, the worst
reported; "median": the clip judged on the median, e.g. over many steps), a plain-language message,
a suggestion and where the threshold comes from. Where a threshold is our own choice the source says
so. Messages are formatted with ``{value}`` and ``{threshold}``, both rounded.

Each rule also has a minimum effect in absolute units (``min_effect`` in ``effect_unit``, degrees or
centimetres): a value past the threshold fires only when it is past it by at least that much (for
a rule in degrees), or when the absolute difference behind a ratio is at least that much (the
degrees between two sides, the centimetres a knee gap falls short of the ankle gap). The minimum
is the measure's noise, measured on people standing still (:mod:`.measures`), so no finding is
the pose's own jitter.

Symmetry rules judge gait only (run, walk), where each side does the same work in turn; in a
dance or a general clip one-sided work is the movement itself (a reach, a kick, a leg swing), not
a fault, so those movements have no rule. Range-of-motion-against-the-athlete's-best rules were
removed: a clip's range of motion measures the movement chosen for it, not the athlete's mobility,
and the progress page already follows each range of motion per action over time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from inference.feedback.measures import (
    ANGLE_DIFF_NOISE_DEG,
    ANGLE_NOISE_DEG,
    GAP_NOISE_CM,
    ROM_DIFF_NOISE_DEG,
)
from inference.feedback.rule_ids import RuleId
from inference.movements import Movement

MOVEMENTS: tuple[Movement, ...] = tuple(Movement)  # kept for callers; Movement is the definition


@dataclass(frozen=True)
class Rule:
    id: RuleId
    movements: tuple[Movement, ...]
    measure: str
    fault: str  # "below" or "above"
    threshold: float  # warning
    major: float
    unit: str
    message: str
    suggestion: str
    source: str
    min_effect: float
    effect_unit: str
    aggregate: str = "each"
    params: dict[str, str] = field(default_factory=dict)


_LESS = "Padua et al. (2009), Landing Error Scoring System, Am J Sports Med 37(10):1996–2002"
_LSI = ("limb symmetry index ≥ 90 % as a return-to-sport criterion: Grindem et al. (2016), "
        "Br J Sports Med 50:804; 85 % warning is our choice")  # fmt: skip


# The joints whose left and right ranges of motion are compared. Not the elbow: its 2D flexion
# depends on how the arm's plane faces the camera, and in views from the front the pose model
# exchanged the arms, so the wrong one got named (rule_ids.RETIRED_RULE_IDS says what was
# measured). Knee, hip and shoulder flexion are judged from the side only (their skipped reason).
SYMMETRY_JOINTS = ("knee", "hip", "shoulder")


def _symmetry_rules(movements: tuple[Movement, ...]) -> tuple[Rule, ...]:
    return tuple(
        Rule(RuleId(f"symmetry.{joint}"), movements, "rom_symmetry", "below", 85.0, 70.0, "%",
             f"The left and right {joint}s moved through different ranges: the smaller is {{value}} % of the larger.",
             "Check both sides do the same work; film both sides or from the front to confirm, and practise the weaker side.",
             _LSI, min_effect=ROM_DIFF_NOISE_DEG, effect_unit="°", params={"joint": joint})
        for joint in SYMMETRY_JOINTS
    )  # fmt: skip


RULES: tuple[Rule, ...] = (
    Rule(RuleId.SQUAT_DEPTH, (Movement.SQUAT,), "squat_depth", "below", 0.0, -20.0, "°",
         "Not deep enough: the hip stayed above the knee (thigh {value}° to the horizontal; parallel is {threshold}°).",
         "Sit lower until the hip crease passes the top of the knee; box squats to a low box help.",
         "hip crease below the top of the knee: IPF Technical Rules (squat depth); thigh parallel = 0°", min_effect=ANGLE_NOISE_DEG, effect_unit="°"),
    Rule(RuleId.SQUAT_KNEE_VALGUS, (Movement.SQUAT,), "knee_separation", "below", 0.8, 0.6, "ratio",
         "The knees moved inwards at the bottom (knee gap {value} × the ankle gap).",
         "Push the knees out over the toes; a light band above the knees as a cue helps.",
         "knee-to-ankle separation ratio, Noyes et al. (2005), Am J Sports Med 33(2):197 (drop-jump video "
         "screening); 0.8 warning / 0.6 major are our choice", min_effect=GAP_NOISE_CM, effect_unit="cm"),
    Rule(RuleId.SQUAT_TRUNK_LEAN, (Movement.SQUAT,), "trunk_shank_difference", "above", 15.0, 30.0, "°",
         "The chest dropped: the trunk leaned {value}° more than the shins at the bottom.",
         "Keep the chest up and the trunk parallel to the shins; work ankle mobility and goblet squats.",
         "trunk parallel to the tibia: NASM Overhead Squat Assessment (Clark & Lucett, NASM Essentials of "
         "Corrective Exercise Training, 2010); 15° / 30° are our choice", min_effect=ANGLE_DIFF_NOISE_DEG,
         effect_unit="°"),
    Rule(RuleId.SQUAT_HEEL_LIFT, (Movement.SQUAT,), "heel_lift", "above", 10.0, 20.0, "°",
         "The heels came up: the foot tipped {value}° during the repetition.",
         "Keep the whole foot down; improve ankle dorsiflexion or raise the heels on small plates meanwhile.",
         "heels rise: NASM Overhead Squat Assessment; 10° (about 4 cm on a 25 cm foot) is our choice",
         min_effect=ANGLE_DIFF_NOISE_DEG, effect_unit="°"),
    Rule(RuleId.JUMP_LANDING_KNEE_FLEXION, (Movement.JUMP,), "landing_knee_flexion", "below", 30.0, 15.0, "°",
         "Stiff landing: the knees were bent only {value}° when the feet touched down.",
         "Land softly with knees and hips already bending as the toes touch.",
         f"knee flexion at initial contact > 30°: {_LESS}; 15° major is our choice", min_effect=ANGLE_NOISE_DEG,
         effect_unit="°", params={"at": "contact"}),
    Rule(RuleId.JUMP_LANDING_KNEE_DISPLACEMENT, (Movement.JUMP,), "landing_knee_flexion", "below", 45.0, 30.0, "°",
         "The knees bent only {value}° more after touch-down: the landing did not absorb the impact.",
         "Sink into the landing: let knees and hips keep bending to absorb the jump.",
         f"knee flexion displacement > 45°: {_LESS}; 30° major is our choice", min_effect=ANGLE_DIFF_NOISE_DEG,
         effect_unit="°", params={"at": "displacement"}),
    Rule(RuleId.JUMP_LANDING_SYMMETRY, (Movement.JUMP,), "landing_symmetry", "below", 90.0, 80.0, "%",
         "Uneven landing: one knee bent only {value} % as much as the other.",
         "Share the landing between both legs; practise double-leg landings in front of a mirror.",
         "limb symmetry index ≥ 90 %: Grindem et al. (2016), Br J Sports Med 50:804; 80 % major is our choice",
         min_effect=ANGLE_DIFF_NOISE_DEG, effect_unit="°"),
    Rule(RuleId.RUN_TRUNK_LEAN, (Movement.RUN,), "trunk_lean", "above", 15.0, 25.0, "°",
         "The trunk leaned {value}° forward (a slight lean of about 5–15° is usual).",
         "Run tall: lean from the ankles, not the waist; core work helps hold it when tired.",
         "forward trunk lean in distance running, Folland et al. (2017) Med Sci Sports Exerc 49(7):1412; "
         "15° / 25° are our choice", min_effect=ANGLE_NOISE_DEG, effect_unit="°", aggregate="median"),
    Rule(RuleId.RUN_TRUNK_BACKWARD, (Movement.RUN,), "trunk_lean", "below", 0.0, -10.0, "°",
         "The trunk leaned back ({value}°).",
         "Bring the chest slightly forward over the hips.",
         "as run.trunk_lean; a backward lean brakes each step (our reading)", min_effect=ANGLE_NOISE_DEG,
         effect_unit="°", aggregate="median"),
    Rule(RuleId.RUN_KNEE_DRIVE, (Movement.RUN,), "knee_drive", "below", 40.0, 25.0, "°",
         "Low knee drive: the thigh came up only {value}° in swing.",
         "Drive the knee forward in swing; A-skips and high-knee drills help.",
         "peak hip flexion ≈ 50° or more in running, Novacheck (1998), Gait Posture 7:77; 40° / 25° are our choice",
         min_effect=ANGLE_NOISE_DEG, effect_unit="°", aggregate="median"),
    Rule(RuleId.RUN_OVERSTRIDE, (Movement.RUN,), "shank_at_contact", "above", 10.0, 15.0, "°",
         "Overstriding: the foot landed ahead of the knee (shin tilted {value}° at touch-down).",
         "Land with the foot under the knee; a slightly higher step rate (+5–10 %) shortens the stride.",
         "shank angle at initial contact as an overstride marker: Souza (2016), Phys Med Rehabil Clin N Am "
         "27(1):217; step rate: Heiderscheit et al. (2011), Med Sci Sports Exerc 43(2):296; 10° / 15° are our choice",
         min_effect=ANGLE_NOISE_DEG, effect_unit="°", aggregate="median"),
    *_symmetry_rules((Movement.RUN, Movement.WALK)),
)  # fmt: skip


def rules_for(movement: str) -> tuple[Rule, ...]:
    """The rules that apply to ``movement`` (a :class:`Movement` or its value; unknown: ValueError)."""
    movement = Movement.parse(movement)
    return tuple(r for r in RULES if movement in r.movements)
