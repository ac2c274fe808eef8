"""The action classes of the base models: the one definition of that vocabulary.

Two models speak it: the ST-GCN window model (:data:`WINDOW_CLASSES`, trained on the DeepMimic
motion capture, :mod:`.synth`) and the per-frame posture classifier (:data:`POSTURE_CLASSES`,
:mod:`.posture`); a window that fits no class is :attr:`ActionClass.UNKNOWN`. A team's own model
may add moves its coaches named ("tuck_jump"), so a segment's label is a plain string in general;
the base classes are these members, compared equal to their values.
"""

from __future__ import annotations

from enum import StrEnum


class ActionClass(StrEnum):
    IDLE = "idle"
    WALK = "walk"
    RUN = "run"
    JUMP = "jump"
    KICK = "kick"
    PUNCH = "punch"
    SPIN = "spin"
    CARTWHEEL = "cartwheel"
    BACKFLIP = "backflip"
    DANCE = "dance"
    CRAWL = "crawl"
    ROLL = "roll"
    GETUP = "getup"
    STAND = "stand"
    SQUAT = "squat"
    PLANK = "plank"
    PUSH_UP = "push-up"
    SEATED = "seated"
    YOGA = "yoga"
    UNKNOWN = "unknown"


# The order is the window model's output order: trained weights depend on it, never reorder.
WINDOW_CLASSES: tuple[ActionClass, ...] = (
    ActionClass.IDLE, ActionClass.WALK, ActionClass.RUN, ActionClass.JUMP, ActionClass.KICK, ActionClass.PUNCH,
    ActionClass.SPIN, ActionClass.CARTWHEEL, ActionClass.BACKFLIP, ActionClass.DANCE, ActionClass.CRAWL,
    ActionClass.ROLL, ActionClass.GETUP,
)  # fmt: skip
# The posture classifier's output order, likewise fixed by its trained weights.
POSTURE_CLASSES: tuple[ActionClass, ...] = (
    ActionClass.STAND, ActionClass.SQUAT, ActionClass.PLANK, ActionClass.PUSH_UP, ActionClass.SEATED, ActionClass.YOGA,
)  # fmt: skip
