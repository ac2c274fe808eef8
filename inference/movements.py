"""The movements a video can be analysed as: the one definition of that vocabulary.

The movement picks the event detectors (:mod:`inference.kinematics.events`) and the technique rules
(:mod:`inference.feedback.rules`) of an analysis. Django's model choices, the upload form, the CLI's
``--movement`` choices and the docs all derive from :class:`Movement`; none spells the names again.
"""

from __future__ import annotations

from enum import StrEnum


class Movement(StrEnum):
    """What the athlete does in a video. Values are stored in the database and in result files, so
    they never change; labels are what people read."""

    GENERAL = "general"
    SQUAT = "squat"
    JUMP = "jump"
    RUN = "run"
    WALK = "walk"
    DANCE = "dance"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @classmethod
    def parse(cls, value: str | None) -> Movement:
        """The movement named ``value``; an empty value means :attr:`GENERAL` (a form left blank).
        An unknown name raises ValueError listing the known ones, the message a CLI or API shows."""
        if not value:
            return cls.GENERAL
        try:
            return cls(value)
        except ValueError:
            known = ", ".join(m.value for m in cls)
            raise ValueError(f"unknown movement {value!r}; choose one of {known}") from None


# Labels live beside the enum (not as tuple values) so that ``Movement("squat")`` and equality with
# plain strings keep working the StrEnum way.
_LABELS: dict[Movement, str] = {
    Movement.GENERAL: "General / other",
    Movement.SQUAT: "Squat",
    Movement.JUMP: "Jump",
    Movement.RUN: "Running",
    Movement.WALK: "Walking",
    Movement.DANCE: "Dance",
}

DEFAULT_MOVEMENT = Movement.GENERAL
